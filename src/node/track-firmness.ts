/**
 * Firm tracks: the own tracks a node stands behind — the ones it shares with its allies and predicts
 * to the ground for warnings. Confirmation (3 hits among the first 4 frames, track-manager.ts) is
 * enough to show a track in the node's own picture, not to warn from it.
 *
 * In a cloud of fragments a radar's cross-range noise is as large as the spacing of the objects (a
 * J/FPS-5's 1.5 mrad is about 1 km at 700 km; fragments drift a few km apart), and a young track
 * collects its hits from different objects. Its velocity is then off by 300–2,000 m/s while its
 * covariance claims about a hundred, and its impact prediction lands anywhere: land and territorial-
 * sea alerts for a warhead that fell 100 km out in the EEZ. Measured on the alerts issued from own
 * tracks (one MRBM with 40 fragments for JPN, the 50-missile raid for KOR and JPN; each alert's
 * track compared with the object nearest it): of 158 alerts from tracks more than χ² 100 from that
 * object, a floor of 10 hits would have withheld 137, and 54 of the 58 for land or territorial sea
 * among them; of 136 alerts from tracks within it, 13. A floor of 6 withheld 121 of the 158.
 *
 * Misses do not tell a bad track from a good one: JPN's early ICBM warning comes from a track coasting
 * on misses as the missile leaves its radars' coverage. Requiring an update in the last 3 frames
 * as well left 20 JPN-only ICBM runs warning at reentry (lead p50 4,906 → 35 s).
 *
 * The cost is time: a track is shared 7 hits later than it is confirmed (4–8 s with 1–2 s radars:
 * pacific-dragon's first allied tracks came 4 s later). Warnings do not wait on it — they wait for
 * burnout, by when a missile's tracks are tens of hits old.
 */
import type { Track } from "../tracking/track-manager.ts";

/** Detections a track must have used to be firm. */
export const FIRM_MIN_HITS = 10;

export function isFirm(track: Track): boolean {
  return track.status === "confirmed" && track.hits >= FIRM_MIN_HITS;
}

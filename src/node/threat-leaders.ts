/**
 * Which system tracks need an impact prediction of their own. A missile's debris and spent stages
 * travel together for minutes after release, and predicting each fragment separately would cost
 * hundreds of flights per second for the same warning area: one prediction of the group's leader
 * serves all of them.
 */
import type { SystemTrack } from "../fusion/fusion-engine.ts";

/** Objects this close in position and velocity fly one trajectory: one impact prediction serves all. */
const GROUP_DISTANCE_M = 10_000;
const GROUP_SPEED_MPS = 100;

/**
 * The leaders of a picture: tracks are taken in stn order; a track that flies with an earlier leader
 * (sameFlight) is represented by that leader.
 */
export function threatLeaders(picture: readonly SystemTrack[]): SystemTrack[] {
  const leaders: SystemTrack[] = [];
  for (const st of [...picture].sort((a, b) => a.stn - b.stn))
    if (!leaders.some((l) => sameFlight(l, st))) leaders.push(st);
  return leaders;
}

/**
 * Whether two tracks fly one trajectory: within GROUP_DISTANCE_M and GROUP_SPEED_MPS, each widened
 * by three standard deviations of the two tracks' difference (mean over the axes). Without the
 * widening, tracks on the fragments released with a warhead, known to a few km and tens of m/s,
 * each led a group of their own: JPN predicted 158 threats for one MRBM and 40 fragments and issued
 * alerts for 101 of them (16 for land, where nothing fell), 68 with it (9 for land).
 */
function sameFlight(a: SystemTrack, b: SystemTrack): boolean {
  const sp = Math.sqrt((positionTrace(a) + positionTrace(b)) / 3);
  const sv = Math.sqrt((velocityTrace(a) + velocityTrace(b)) / 3);
  return within(a.x, b.x, GROUP_DISTANCE_M + 3 * sp, GROUP_SPEED_MPS + 3 * sv);
}

/** Whether two 6-states are closer than distanceM in position and speedMps in velocity. */
function within(x: ArrayLike<number>, y: ArrayLike<number>, distanceM: number, speedMps: number): boolean {
  const dx = y[0] - x[0];
  const dy = y[1] - x[1];
  const dz = y[2] - x[2];
  if (dx * dx + dy * dy + dz * dz >= distanceM * distanceM) return false;
  const du = y[3] - x[3];
  const dv = y[4] - x[4];
  const dw = y[5] - x[5];
  return du * du + dv * dv + dw * dw < speedMps * speedMps;
}

/**
 * A threat this close to a better-known one is taken for the same missile: its own warnings wait
 * (national-node.ts). Near burnout a relayed track that lags the booster can split off the missile's
 * system track for a few fusions — farther than GROUP_DISTANCE_M/GROUP_SPEED_MPS, but within a few
 * tens of km and a few hundred m/s — and its predictions, made from a state that missed the last
 * seconds of thrust, miss the impact point by 80–940 km.
 */
export const SHADOW_DISTANCE_M = 50_000;
export const SHADOW_SPEED_MPS = 1_000;

/**
 * A better-known leader (smaller position variance; equal: lower stn) that `st` flies beside, within
 * SHADOW_DISTANCE_M and SHADOW_SPEED_MPS, among `others` accepted by `live`; undefined if none.
 */
export function shadowingLeader(
  st: SystemTrack,
  others: readonly SystemTrack[],
  live: (o: SystemTrack) => boolean = () => true,
): SystemTrack | undefined {
  for (const o of others)
    if (o !== st && better(o, st) && within(o.x, st.x, SHADOW_DISTANCE_M, SHADOW_SPEED_MPS) && live(o))
      return o;
  return undefined;
}

/** Fewest neighbours, and fewest of them agreeing on one velocity, that make a cloud. */
const CLOUD_MIN_NEIGHBOURS = 3;

/**
 * A young track inside a cloud of objects that fly together, whose velocity disagrees with theirs:
 * the cloud's member nearest it, or undefined. Its warnings wait (national-node.ts).
 *
 * Neighbours are the tracks within GROUP_DISTANCE_M of it (widened by 3 σ of the two positions); a
 * cloud is at least CLOUD_MIN_NEIGHBOURS of them, and at least half of them flying within
 * GROUP_SPEED_MPS (+ 3 σ of their own velocity) of the neighbours' median velocity. The track
 * disagrees when its velocity is farther than GROUP_SPEED_MPS + 3 σ of its own from that median,
 * and it is young when it began after the median of the agreeing members.
 *
 * Why: a radar whose cross-range noise is as large as the spacing of a cloud's fragments makes tracks
 * whose hits come from several of them. Their velocities are off by hundreds of m/s while their
 * covariance claims tens, and they predict impacts 100–300 km from where anything falls — land and
 * territorial-sea alerts for fragments that fell in the EEZ (one MRBM with 40 fragments: JPN's 7
 * false warnings came from own tracks 300–600 m/s off the nearest object, NEES 64–3,000). Fragments
 * themselves fly within tens of m/s of each other, so a track that disagrees with a cloud that agrees
 * is the suspect one. Only a young one: a warhead is older than the tracks on its debris, and just
 * after release the fragments, slowed by drag, agree on a velocity the warhead does not share —
 * without the age condition five KOR first warnings in the 50-missile raid came 4–27 s later.
 */
export function cloudConsensusAgainst(
  st: SystemTrack,
  picture: readonly SystemTrack[],
): SystemTrack | undefined {
  const spSt = positionTrace(st);
  const near: SystemTrack[] = [];
  for (const o of picture) {
    const d = GROUP_DISTANCE_M + 3 * Math.sqrt((spSt + positionTrace(o)) / 3);
    if (o !== st && within(st.x, o.x, d, Number.POSITIVE_INFINITY)) near.push(o);
  }
  if (near.length < CLOUD_MIN_NEIGHBOURS) return undefined;
  const vm = [median(near, (o) => o.x[3]), median(near, (o) => o.x[4]), median(near, (o) => o.x[5])];
  const off = (x: ArrayLike<number>) => Math.hypot(x[3] - vm[0], x[4] - vm[1], x[5] - vm[2]);
  const flies = (o: SystemTrack) => off(o.x) < GROUP_SPEED_MPS + 3 * Math.sqrt(velocityTrace(o) / 3);
  const agree = near.filter(flies);
  if (agree.length < Math.max(CLOUD_MIN_NEIGHBOURS, near.length / 2)) return undefined;
  if (flies(st) || st.tFirst <= median(agree, (o) => o.tFirst)) return undefined;
  let nearest = agree[0];
  let best = Number.POSITIVE_INFINITY;
  for (const o of agree) {
    const d = Math.hypot(o.x[0] - st.x[0], o.x[1] - st.x[1], o.x[2] - st.x[2]);
    if (d < best) {
      best = d;
      nearest = o;
    }
  }
  return nearest;
}

/** The median of f over a non-empty list. */
function median(list: readonly SystemTrack[], f: (o: SystemTrack) => number): number {
  const v = list.map(f).sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** Position variance (trace of the position block), m². */
const positionTrace = (s: SystemTrack) => s.P[0] + s.P[7] + s.P[14];
/** Velocity variance (trace of the velocity block), m²/s². */
const velocityTrace = (s: SystemTrack) => s.P[21] + s.P[28] + s.P[35];

/** The better-known of two tracks: smaller position variance, then the older (lower stn). */
function better(a: SystemTrack, b: SystemTrack): boolean {
  const ta = positionTrace(a);
  const tb = positionTrace(b);
  return ta < tb || (ta === tb && a.stn < b.stn);
}

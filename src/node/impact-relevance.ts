/**
 * Does a predicted impact concern this node? A node warns only for its own areas (its nation's land,
 * territorial sea and EEZ, and the protected areas it owns). In a raid most of what it tracks — other
 * missiles' debris, threats to an ally's waters — comes down far from them: in raid-50, 93% of the
 * predictions of the first five minutes put no sample in the predicting node's areas. Such threats
 * still get predictions (for the picture and the impact report), but they need not be refreshed as
 * often as a threat to the node's own people, which is what makes this test worth its cost.
 *
 * "Clear" must hold with a margin, because the next prediction moves: between two predictions 4 s
 * apart the mean impact moved by half a standard deviation (median) in raid-50, more for young tracks.
 * So a prediction is clear only when no sample falls in the node's areas AND the impact distribution
 * widened to CLEAR_SIGMAS standard deviations stays clear: points on the 3 and 5 σ ellipses are
 * classified, and no vertex of a protected area (small: samples and ring points may step over it) lies
 * inside the 5 σ ellipse.
 */
import { geodesicDirect } from "../core/geodesy.ts";
import type { WarningArea } from "../warning/alert.ts";
import { ellipseScale, type ImpactPrediction } from "../warning/impact-prediction.ts";
import { MaritimeZones } from "../warning/maritime-zones.ts";
import { type AreaOdds, insidePolygon, type ProtectedArea } from "../warning/threat-areas.ts";
import type { NationCode } from "../world/nation.ts";

/**
 * Ellipses, in standard deviations of the impact distribution, whose points must all be clear (the
 * samples themselves cover the inside: 200 draws lie ≈ 0.3 σ apart within 2.5 σ).
 */
export const CLEAR_SIGMAS = [3, 5] as const;
/** Points per ellipse. */
const DIRECTIONS = 16;
const EARTH_R = 6_371_000;

/**
 * True when the prediction is clear of every area in `areas` (the node's warning areas; `nation` its
 * nation, `protectedAreas` the polygons of its protected areas) with the margin described above.
 */
export function clearOfAreas(
  pred: ImpactPrediction,
  odds: AreaOdds,
  nation: NationCode,
  areas: readonly WarningArea[],
  protectedAreas: readonly ProtectedArea[],
): boolean {
  for (const a of areas) if ((odds.byArea.get(a.id) ?? 0) > 0) return false;
  const { center, semiMajorM, semiMinorM, orientation, probability } = pred.ellipse;
  const k95 = ellipseScale(probability);
  const sMajor = semiMajorM / k95;
  const sMinor = semiMinorM / k95;
  const zones = MaritimeZones.get();
  for (const k of CLEAR_SIGMAS) {
    for (let d = 0; d < DIRECTIONS; d++) {
      const th = (2 * Math.PI * d) / DIRECTIONS;
      const along = k * sMajor * Math.cos(th);
      const across = k * sMinor * Math.sin(th);
      const p = geodesicDirect(
        center.lat,
        center.lon,
        orientation + Math.atan2(across, along),
        Math.sqrt(along * along + across * across),
      );
      const fix = zones.classify(p.lat, p.lon);
      if (fix.nation === nation && fix.zone !== "high-seas") return false;
      for (const pa of protectedAreas) if (insidePolygon(p.lat, p.lon, pa.polygon)) return false;
    }
  }
  // Protected areas: any vertex inside the outer ellipse (local tangent plane at the mean impact).
  const [ee, en, nn] = pred.covEnM2;
  const det = ee * nn - en * en;
  const kMax = CLEAR_SIGMAS[CLEAR_SIGMAS.length - 1];
  for (const pa of protectedAreas) {
    for (const v of pa.polygon) {
      const dLon =
        ((((v.lon - center.lon + Math.PI) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI)) - Math.PI;
      const e = EARTH_R * Math.cos(center.lat) * dLon;
      const n = EARTH_R * (v.lat - center.lat);
      if (!(det > 0)) return false;
      const m2 = (nn * e * e - 2 * en * e * n + ee * n * n) / det;
      if (m2 < kMax * kMax) return false;
    }
  }
  return true;
}

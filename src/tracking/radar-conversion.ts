/**
 * Converts a radar detection (range, azimuth, elevation in the ENU frame of the site) to an ECEF
 * position with a first-order covariance C = J·R·Jᵀ, J = ∂p_ecef/∂(r, az, el). Used to start tracks
 * from radar detections (one-point initiation) and for spatial pre-filtering.
 */
import { ecefToGeodeticInto, enuMatrix } from "../core/geodesy.ts";
import type { Detection } from "../sensors/detection.ts";

const geo = new Float64Array(3);
const E = new Float64Array(9);
const J = new Float64Array(9);

/** Writes the ECEF position into pos (3) and its covariance into cov (3×3). Throws on a non-radar detection. */
export function radarToEcef(det: Detection, pos: Float64Array, cov: Float64Array): void {
  if (det.kind !== "radar" || (det.z.length !== 3 && det.z.length !== 4)) {
    throw new RangeError(`detection ${det.id} is not a radar detection`);
  }
  const m = det.z.length;
  const [r, az, el] = det.z;
  const s = det.siteEcef;
  ecefToGeodeticInto(s[0], s[1], s[2], geo);
  enuMatrix(geo[0], geo[1], E);
  const ce = Math.cos(el);
  const se = Math.sin(el);
  const sa = Math.sin(az);
  const ca = Math.cos(az);
  // ENU = r·[ce·sa, ce·ca, se]; columns of ∂ENU/∂(r, az, el).
  const dEnu = [
    [ce * sa, r * ce * ca, -r * se * sa],
    [ce * ca, -r * ce * sa, -r * se * ca],
    [se, 0, r * ce],
  ];
  const enu = [r * ce * sa, r * ce * ca, r * se];
  for (let i = 0; i < 3; i++) {
    // ECEF row i = Σ_k E[k][i]·ENU[k] (Eᵀ maps ENU to ECEF).
    pos[i] = s[i] + E[i] * enu[0] + E[3 + i] * enu[1] + E[6 + i] * enu[2];
    for (let c = 0; c < 3; c++)
      J[i * 3 + c] = E[i] * dEnu[0][c] + E[3 + i] * dEnu[1][c] + E[6 + i] * dEnu[2][c];
  }
  const R = det.R;
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let acc = 0;
      for (let a = 0; a < 3; a++)
        for (let b = 0; b < 3; b++) acc += J[i * 3 + a] * R[a * m + b] * J[j * 3 + b];
      cov[i * 3 + j] = acc;
    }
  }
}

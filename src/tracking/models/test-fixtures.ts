/**
 * Shared helpers for the tests in this folder (not used by production code): detections built by
 * hand, and central finite-difference Jacobians as an independent reference for analytic ones.
 */
import { geodeticToEcef } from "../../core/geodesy.ts";
import type { Detection, MeasurementKind } from "../../sensors/detection.ts";

export function makeDetection(
  kind: MeasurementKind,
  siteEcef: ArrayLike<number>,
  z: ArrayLike<number>,
  R: ArrayLike<number>,
  t = 0,
): Detection {
  return {
    id: `test:${kind}`,
    t,
    tReport: t,
    sensorId: "test",
    nation: "USA",
    kind,
    siteEcef: Float64Array.from(siteEcef),
    z: Float64Array.from(z),
    R: Float64Array.from(R),
  };
}

export const deg = Math.PI / 180;

/** ECEF of a geodetic point given in degrees. */
export function ecefDeg(latDeg: number, lonDeg: number, hM: number): Float64Array {
  return geodeticToEcef(latDeg * deg, lonDeg * deg, hM);
}

/**
 * Central finite-difference Jacobian of f: R^n → R^m at x, with per-component steps; f writes into
 * its second argument. `wrap` lists output components that are angles (differences wrapped to ±π).
 */
export function numericJacobian(
  f: (x: Float64Array, out: Float64Array) => void,
  x: ArrayLike<number>,
  n: number,
  m: number,
  steps: ArrayLike<number>,
  wrap: readonly number[] = [],
): Float64Array {
  const J = new Float64Array(m * n);
  const xp = Float64Array.from(x);
  const fp = new Float64Array(m);
  const fm = new Float64Array(m);
  for (let j = 0; j < n; j++) {
    const h = steps[j];
    xp[j] = x[j] + h;
    f(xp, fp);
    xp[j] = x[j] - h;
    f(xp, fm);
    xp[j] = x[j];
    for (let i = 0; i < m; i++) {
      let d = fp[i] - fm[i];
      if (wrap.includes(i)) d = Math.atan2(Math.sin(d), Math.cos(d));
      J[i * n + j] = d / (2 * h);
    }
  }
  return J;
}

/** Largest |a − b| over rows, relative to the largest |b| in that row (rows of length n). */
export function maxRowRelativeError(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  n: number,
): number {
  let worst = 0;
  for (let i = 0; i < m; i++) {
    let scale = 0;
    for (let j = 0; j < n; j++) scale = Math.max(scale, Math.abs(b[i * n + j]));
    for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(a[i * n + j] - b[i * n + j]) / (scale || 1));
  }
  return worst;
}

/**
 * Shared helpers for the tracking tests (not used by production code): detections built by hand,
 * diagonal state covariances (also for the warning tests), a last stage burning out under the study
 * radars, and central finite-difference Jacobians as an independent reference for analytic ones.
 */
import { geodeticToEcef } from "../../core/geodesy.ts";
import type { Rng } from "../../core/rng.ts";
import type { Detection, DetectionTruth, MeasurementKind } from "../../sensors/detection.ts";
import { TruthSnapshot } from "../../sensors/truth-snapshot.ts";
import { loftedIrbmBurnout, studyRadars } from "../metrics/ballistic-study.ts";
import { BallisticModel } from "./ballistic.ts";

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

/** A 6×6 covariance with σ (m) on each position axis and σv (m/s) on each velocity axis. */
export function diagonalCovariance(sigma: number, sigmaV: number): Float64Array {
  const P = new Float64Array(36);
  for (let a = 0; a < 3; a++) {
    P[a * 7] = sigma ** 2;
    P[(a + 3) * 7] = sigmaV ** 2;
  }
  return P;
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

/**
 * A lofted IRBM's last stage burning at `thrust` m/s² along its velocity for `burnS` seconds, then
 * flying ballistic (no drag), scanned by the study radars: each second from 1 to `untilS`, the truth
 * (one array, updated in place) and that second's detections; and x0, a draw from (truth at 0, P0).
 */
export function burningStage(
  rng: Rng,
  P0: ArrayLike<number>,
  opts: { thrust: number; burnS: number; untilS: number },
) {
  const ballistic = new BallisticModel({ drag: false, qAccel: 0 });
  const truth = loftedIrbmBurnout();
  const x0 = Float64Array.from(truth, (v, i) => v + Math.sqrt(P0[i * 7]) * rng.normal());
  function* seconds(): Generator<{ t: number; truth: Float64Array; dets: Detection[] }> {
    const radars = studyRadars();
    const snap = new TruthSnapshot(1);
    const tr: DetectionTruth[] = [];
    for (let t = 1; t <= opts.untilS; t++) {
      // 10 substeps of ballistic flight plus thrust (split step).
      for (let s = 0; s < 10; s++) {
        ballistic.propagate(truth, 0.1, null);
        if (t <= opts.burnS) {
          const v = Math.hypot(truth[3], truth[4], truth[5]);
          for (let i = 3; i < 6; i++) truth[i] += (opts.thrust * 0.1 * truth[i]) / v;
        }
      }
      const dets: Detection[] = [];
      snap.reset(t).push("m", truth.subarray(0, 3), truth.subarray(3, 6), t <= opts.burnS, 1);
      for (const r of radars)
        if (Math.abs(r.nextScanTime(t) - t) < 1e-9) r.scanSnapshot(snap, rng.fork(`s${t}`), dets, tr);
      yield { t, truth, dets };
    }
  }
  return { x0, truth, seconds: seconds() };
}

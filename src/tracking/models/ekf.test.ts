import { inverse, Matrix } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { cholesky } from "../../core/matrix.ts";
import { Rng } from "../../core/rng.ts";
import type { Detection, DetectionTruth } from "../../sensors/detection.ts";
import { TruthSnapshot } from "../../sensors/truth-snapshot.ts";
import { runBallisticStudy, studyRadars } from "../metrics/ballistic-study.ts";
import { BallisticModel } from "./ballistic.ts";
import { BallisticEkf } from "./ekf.ts";
import { predictMeasurement } from "./measurement-models.ts";
import { deg, ecefDeg, makeDetection } from "./test-fixtures.ts";
import { BallisticUkf } from "./ukf.ts";

const state0 = (): Float64Array => {
  const r = ecefDeg(39, 128, 400e3);
  return Float64Array.of(...r, 1500, -2000, 3000);
};
const diagP = (pos: number, vel: number) => {
  const P = new Float64Array(36);
  for (let i = 0; i < 3; i++) {
    P[i * 7] = pos;
    P[(i + 3) * 7] = vel;
  }
  return P;
};

describe.each([
  ["EKF", BallisticEkf],
  ["UKF", BallisticUkf],
] as const)("%s", (_name, Filter) => {
  it("updates with a position detection exactly as the linear Kalman filter (ml-matrix reference)", () => {
    const model = new BallisticModel({ drag: false, qAccel: 0 });
    const rng = new Rng(3);
    // a dense SPD prior: A·Aᵀ + diag
    const A = new Matrix(Array.from({ length: 6 }, () => Array.from({ length: 6 }, () => rng.normal() * 30)));
    const Pm = A.mmul(A.transpose()).add(Matrix.diag([400, 400, 400, 25, 25, 25]));
    const x0 = state0();
    const f = new Filter(model, 0, x0, Float64Array.from(Pm.to1DArray()));
    const R = Matrix.diag([100, 225, 400]);
    const z = [x0[0] + 35, x0[1] - 20, x0[2] + 5];
    const det = makeDetection("position", [0, 0, 0], z, R.to1DArray());
    f.update(det);
    const H = Matrix.zeros(3, 6);
    for (let i = 0; i < 3; i++) H.set(i, i, 1);
    const S = H.mmul(Pm).mmul(H.transpose()).add(R);
    const K = Pm.mmul(H.transpose()).mmul(inverse(S));
    const xRef = Matrix.columnVector(Array.from(x0)).add(K.mmul(Matrix.columnVector([35, -20, 5])));
    const PRef = Matrix.eye(6).sub(K.mmul(H)).mmul(Pm);
    for (let i = 0; i < 6; i++) expect(f.x[i]).toBeCloseTo(xRef.get(i, 0), 6);
    for (let i = 0; i < 36; i++) expect(f.P[i]).toBeCloseTo(PRef.get(Math.floor(i / 6), i % 6), 5);
    const nisRef = Matrix.rowVector([35, -20, 5])
      .mmul(inverse(S))
      .mmul(Matrix.columnVector([35, -20, 5]))
      .get(0, 0);
    expect(f.lastNis).toBeCloseTo(nisRef, 9);
  });

  it("gates without changing the estimate and refuses unusable detections", () => {
    const model = new BallisticModel({ drag: false, qAccel: 1e-3 });
    const f = new Filter(model, 0, state0(), diagP(1e4, 100));
    const x = Float64Array.from(f.x);
    const det = makeDetection(
      "position",
      [0, 0, 0],
      [f.x[0] + 100, f.x[1], f.x[2]],
      [100, 0, 0, 0, 100, 0, 0, 0, 100],
    );
    expect(f.gate(det)).toBeCloseTo(100 ** 2 / (1e4 + 100), 9);
    expect(Array.from(f.x)).toEqual(Array.from(x));
    expect(f.gate(makeDetection("ir", [0, 0, 0], [1, 2, 3], [1]))).toBe(Number.POSITIVE_INFINITY);
    expect(() => f.predictTo(-1)).toThrow(/backwards/);
    const c = f.clone();
    c.predictTo(10);
    expect(f.t).toBe(0);
    expect(c.t).toBe(10);
  });

  it("handles a radar azimuth measured across north (359.99° vs 0.01°)", () => {
    const site = ecefDeg(37, 127, 0);
    const x = Float64Array.of(...ecefDeg(39, 127, 300e3), 0, 0, 0);
    const model = new BallisticModel({ drag: false, qAccel: 0 });
    const f = new Filter(model, 0, x, diagP(1e6, 100));
    const zp = new Float64Array(3);
    const probe = makeDetection("radar", site, [0, 0, 0], [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    predictMeasurement(probe, x, 6, zp, null);
    const det = makeDetection(
      "radar",
      site,
      [zp[0], 2 * Math.PI - 0.0002, zp[2]],
      [100, 0, 0, 0, 1e-6, 0, 0, 0, 1e-6],
    );
    expect(f.gate(det)).toBeLessThan(100);
    f.update(det);
    // the estimate moves by ≈ range × 0.0002 rad (≈ 50 m) westward, not half way round the sky
    expect(Math.hypot(f.x[0] - x[0], f.x[1] - x[1], f.x[2] - x[2])).toBeLessThan(200);
  });
});

describe("ballistic EKF on the benchmark C case (smaller Monte Carlo)", () => {
  it("is consistent (NEES in its χ² band) and efficient (RMSE within 1.15 × PCRLB)", () => {
    const r = runBallisticStudy({
      runs: 10,
      seed: "ekf-consistency",
      qAccel: 1e-3,
      convergedAfterS: 100,
      maxDurationS: 500,
      makeFilter: (model, t0, x0, P0) => new BallisticEkf(model, t0, x0, P0),
    });
    expect(r.scans).toBe(500);
    expect(r.meanNees).toBeGreaterThan(r.neesBand[0]);
    expect(r.meanNees).toBeLessThan(r.neesBand[1]);
    expect(r.neesStepsInBand).toBeGreaterThan(0.85);
    expect(r.rmseOverPcrlb).toBeLessThan(1.15);
    expect(r.rmseOverPcrlb).toBeGreaterThan(0.85);
  });
});

describe("7-state EKF with drag", () => {
  it("estimates the ballistic coefficient of a re-entering body from radar", () => {
    const betaTrue = 2500;
    const truthModel = new BallisticModel({ drag: true, qAccel: 0, maxStepS: 0.25 });
    const filterModel = new BallisticModel({ drag: true, qAccel: 1e-2, qBeta: 1, maxStepS: 0.25 });
    // Re-entry from 90 km, 5 km/s, 35° down, heading east, near the Japanese radar of the study.
    const lat = 37.0 * deg;
    const lon = 134.0 * deg;
    const r = ecefDeg(37.0, 134.0, 90e3);
    const up = [Math.cos(lat) * Math.cos(lon), Math.cos(lat) * Math.sin(lon), Math.sin(lat)];
    const east = [-Math.sin(lon), Math.cos(lon), 0];
    const c = Math.cos(35 * deg);
    const s = Math.sin(35 * deg);
    const truth = Float64Array.of(...r, ...up.map((u, i) => 5000 * (c * east[i] - s * u)), betaTrue);
    const P0 = new Float64Array(49);
    for (let i = 0; i < 3; i++) {
      P0[i * 8] = 200 ** 2;
      P0[(i + 3) * 8] = 20 ** 2;
    }
    P0[48] = 1500 ** 2;
    const rng = new Rng("drag");
    const L0 = new Float64Array(49);
    cholesky(P0, 7, L0);
    const e = Array.from({ length: 7 }, () => rng.normal());
    const x0 = truth.map((v, i) => v + L0.slice(i * 7, i * 7 + 7).reduce((a, l, j) => a + l * e[j], 0));
    x0[6] = 1200; // a poor β guess
    const f = new BallisticEkf(filterModel, 0, x0, P0);
    const radar = studyRadars()[1];
    const snap = new TruthSnapshot(1);
    const dets: Detection[] = [];
    const tr: DetectionTruth[] = [];
    const betaSigma0 = Math.sqrt(f.P[48]);
    for (let k = 1; k <= 56; k++) {
      truthModel.propagate(truth, 0.5, null);
      dets.length = 0;
      snap.reset(k * 0.5).push("rv", truth.subarray(0, 3), truth.subarray(3, 6), false, 1);
      radar.scanSnapshot(snap, rng.fork(`scan${k}`), dets, tr);
      f.predictTo(k * 0.5);
      for (const d of dets) f.update(d);
    }
    const betaSigma = Math.sqrt(f.P[48]);
    // 28 s later the body is near 11 km: drag has dominated for a while, β is well observed and
    // the estimate is within 2 % of the truth and within 3σ.
    expect(betaSigma).toBeLessThan(0.02 * betaSigma0);
    expect(Math.abs(f.x[6] - betaTrue)).toBeLessThan(3 * betaSigma);
    expect(Math.abs(f.x[6] - betaTrue)).toBeLessThan(0.02 * betaTrue);
    expect(Math.hypot(f.x[0] - truth[0], f.x[1] - truth[1], f.x[2] - truth[2])).toBeLessThan(100);
  });
});

import { describe, expect, it } from "vitest";
import { cholesky } from "../../core/matrix.ts";
import { runBallisticStudy } from "../metrics/ballistic-study.ts";
import { BallisticModel } from "./ballistic.ts";
import { robustCholesky } from "./robust-cholesky.ts";
import { ecefDeg, makeDetection } from "./test-fixtures.ts";
import { BallisticUkf } from "./ukf.ts";

describe("robust Cholesky", () => {
  it("factors an SPD matrix exactly and a slightly indefinite one with a small jitter", () => {
    const L = new Float64Array(4);
    const w = new Float64Array(4);
    expect(robustCholesky(Float64Array.of(4, 2, 2, 3), 2, L, w)).toBe(0);
    expect(Array.from(L)).toEqual([2, 0, 1, Math.sqrt(2)]);
    // rank-deficient by round-off: [[1, 1], [1, 1 − 1e-14]]
    const j = robustCholesky(Float64Array.of(1, 1, 1, 1 - 1e-14), 2, L, w);
    expect(j).toBeGreaterThan(0);
    expect(j).toBeLessThan(1e-9);
    expect(L[0] * L[0]).toBeCloseTo(1, 9);
  });
});

describe("ballistic UKF", () => {
  it("keeps the scaled weights non-negative and summing to one for n = 6 and 7", () => {
    for (const drag of [false, true]) {
      const model = new BallisticModel({ drag, qAccel: 0 });
      const n = model.dim;
      const x = new Float64Array(n);
      x.set(ecefDeg(39, 128, 400e3));
      x[3] = 1000;
      if (n === 7) x[6] = 3000;
      const P = new Float64Array(n * n);
      for (let i = 0; i < n; i++) P[i * n + i] = 100;
      const f = new BallisticUkf(model, 0, x, P);
      const w = f.weights;
      expect(w.mean0).toBeGreaterThanOrEqual(0);
      expect(w.other).toBeGreaterThan(0);
      expect(w.mean0 + 2 * n * w.other).toBeCloseTo(1, 14);
      expect(w.cov0).toBeGreaterThan(0);
    }
  });

  it("survives a nearly singular covariance (β variance 1e-12 of the rest, strong correlations)", () => {
    const model = new BallisticModel({ drag: true, qAccel: 0, qBeta: 0 });
    const n = 7;
    const x = Float64Array.of(...ecefDeg(38, 133, 60e3), 2000, 1000, -1500, 3000);
    const P = new Float64Array(49);
    // position and velocity perfectly correlated along one direction plus a tiny independent part
    const u = [1, 2, 3, 0.1, 0.2, 0.3];
    for (let i = 0; i < 6; i++)
      for (let j = 0; j < 6; j++) P[i * n + j] = 1e4 * u[i] * u[j] + (i === j ? 1e-6 : 0);
    P[48] = 1e-8;
    const f = new BallisticUkf(model, 0, x, P);
    f.predictTo(1);
    const det = makeDetection(
      "position",
      [0, 0, 0],
      [f.x[0] + 5, f.x[1], f.x[2]],
      [25, 0, 0, 0, 25, 0, 0, 0, 25],
    );
    f.update(det);
    for (let i = 0; i < n; i++) expect(Number.isFinite(f.x[i])).toBe(true);
    const L = new Float64Array(49);
    const Pj = Float64Array.from(f.P);
    for (let i = 0; i < n; i++) Pj[i * n + i] += 1e-6 * (1 + Math.abs(Pj[i * n + i]));
    expect(cholesky(Pj, n, L)).toBe(true);
    for (let i = 0; i < n; i++) expect(f.P[i * n + i]).toBeGreaterThanOrEqual(0);
  });

  it("is consistent and efficient on the benchmark C case (small Monte Carlo)", () => {
    const r = runBallisticStudy({
      runs: 6,
      seed: "ukf-consistency",
      qAccel: 1e-3,
      convergedAfterS: 100,
      maxDurationS: 300,
      makeFilter: (model, t0, x0, P0) => new BallisticUkf(model, t0, x0, P0),
    });
    expect(r.meanNees).toBeGreaterThan(r.neesBand[0]);
    expect(r.meanNees).toBeLessThan(r.neesBand[1]);
    expect(r.rmseOverPcrlb).toBeLessThan(1.2);
  });
});

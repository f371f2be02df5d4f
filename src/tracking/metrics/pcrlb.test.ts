import { inverse, Matrix } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { PcrlbRecursion } from "./pcrlb.ts";
import { RmseAccumulator } from "./rmse.ts";

/** 3-D constant-velocity transition and white-acceleration process noise (state x,y,z,vx,vy,vz). */
function cvModel(dt: number, q: number): { F: Matrix; Q: Matrix } {
  const F = Matrix.eye(6);
  const Q = Matrix.zeros(6, 6);
  for (let i = 0; i < 3; i++) {
    F.set(i, i + 3, dt);
    Q.set(i, i, (q * dt ** 3) / 3);
    Q.set(i, i + 3, (q * dt ** 2) / 2);
    Q.set(i + 3, i, (q * dt ** 2) / 2);
    Q.set(i + 3, i + 3, q * dt);
  }
  return { F, Q };
}

const flat = (m: Matrix) => Float64Array.from(m.to1DArray());

describe("PCRLB", () => {
  it("equals the Kalman filter covariance at every step on a linear CV case", () => {
    const { F, Q } = cvModel(1, 0.1);
    // Position sensor, and every third step a second, anisotropic one (sequential updates).
    const H = Matrix.zeros(3, 6);
    for (let i = 0; i < 3; i++) H.set(i, i, 1);
    const R1 = Matrix.diag([100, 100, 100]);
    const R2 = new Matrix([
      [400, 50, 0],
      [50, 200, 10],
      [0, 10, 900],
    ]);
    let P = Matrix.diag([1e4, 1e4, 1e4, 400, 400, 400]);
    const bound = new PcrlbRecursion(6, flat(P));
    const out = new Float64Array(36);
    const kalmanUpdate = (R: Matrix) => {
      const S = H.mmul(P).mmul(H.transpose()).add(R);
      const K = P.mmul(H.transpose()).mmul(inverse(S));
      P = Matrix.eye(6).sub(K.mmul(H)).mmul(P);
      P = P.add(P.transpose()).mul(0.5);
    };
    for (let k = 0; k < 60; k++) {
      P = F.mmul(P).mmul(F.transpose()).add(Q);
      bound.predict(flat(F), flat(Q));
      kalmanUpdate(R1);
      bound.addMeasurement(flat(H), flat(R1), 3);
      if (k % 3 === 0) {
        kalmanUpdate(R2);
        bound.addMeasurement(flat(H), flat(R2), 3);
      }
      bound.bound(out);
      const ref = P.to1DArray();
      for (let i = 0; i < 36; i++)
        expect(Math.abs(out[i] - ref[i])).toBeLessThan(1e-9 * (Math.abs(ref[i]) + 1));
      expect(bound.traceBound(3)).toBeCloseTo(P.get(0, 0) + P.get(1, 1) + P.get(2, 2), 8);
    }
  });

  it("with no process noise and a direct measurement each step gives σ²/k (sample mean)", () => {
    // Static scalar-like case on a 1-state model: J_k = k/σ² from a flat prior.
    const b = new PcrlbRecursion(1, new Float64Array([1e12]));
    for (let k = 1; k <= 10; k++) {
      b.predict(new Float64Array([1]), new Float64Array([0]));
      b.addMeasurement(new Float64Array([1]), new Float64Array([4]), 1);
      expect(b.traceBound(1)).toBeCloseTo(4 / k, 6);
    }
  });

  it("refuses a prior that is not positive definite", () => {
    expect(() => new PcrlbRecursion(2, new Float64Array([1, 2, 2, 1]))).toThrow(/positive definite/);
  });
});

describe("RMSE", () => {
  it("pools squared errors over runs and steps", () => {
    const acc = new RmseAccumulator(2);
    acc.add(0, [0, 0, 0, 0, 0, 0], [3, 4, 0, 1, 0, 0]);
    acc.add(0, [0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]);
    acc.add(1, [1, 1, 1, 0, 0, 0], [1, 1, 1, 0, 0, 2]);
    expect(acc.positionAt(0)).toBeCloseTo(Math.sqrt(25 / 2), 12);
    expect(acc.velocityAt(1)).toBeCloseTo(2, 12);
    expect(acc.position()).toBeCloseTo(Math.sqrt(25 / 3), 12);
    expect(acc.velocity(0, 1)).toBeCloseTo(Math.sqrt(1 / 2), 12);
    expect(acc.countAt(0)).toBe(2);
  });
});

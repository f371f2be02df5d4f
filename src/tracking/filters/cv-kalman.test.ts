import { EigenvalueDecomposition, inverse, Matrix } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { geodeticToEcef } from "../../core/geodesy.ts";
import { Rng } from "../../core/rng.ts";
import type { Detection } from "../../sensors/detection.ts";
import { CaKalmanFilter } from "./ca-kalman.ts";
import { CvKalmanFilter, isAxisDecoupled6 } from "./cv-kalman.ts";
import { measurementModel } from "./measurement-update.ts";

function det(
  t: number,
  z: number[],
  R: number[],
  kind: Detection["kind"] = "position",
  site = [0, 0, 0],
): Detection {
  return {
    id: `s:${t}`,
    t,
    tReport: t,
    sensorId: "s",
    nation: "USA",
    kind,
    siteEcef: Float64Array.from(site),
    z: Float64Array.from(z),
    R: Float64Array.from(R),
  };
}

/** Textbook dense Kalman filter with ml-matrix (independent reference). */
class DenseKf {
  constructor(
    public x: Matrix,
    public P: Matrix,
    readonly F: (dt: number) => Matrix,
    readonly Q: (dt: number) => Matrix,
  ) {}
  predict(dt: number) {
    const F = this.F(dt);
    this.x = F.mmul(this.x);
    this.P = F.mmul(this.P).mmul(F.transpose()).add(this.Q(dt));
  }
  update(z: number[], R: number[][], n: number) {
    const H = Matrix.zeros(3, n);
    for (let i = 0; i < 3; i++) H.set(i, i, 1);
    const S = H.mmul(this.P).mmul(H.transpose()).add(new Matrix(R));
    const K = this.P.mmul(H.transpose()).mmul(inverse(S));
    const nu = Matrix.columnVector(z).sub(H.mmul(this.x));
    this.x = this.x.add(K.mmul(nu));
    const A = Matrix.eye(n).sub(K.mmul(H));
    this.P = A.mmul(this.P)
      .mmul(A.transpose())
      .add(K.mmul(new Matrix(R)).mmul(K.transpose()));
    const d2 = nu.transpose().mmul(inverse(S)).mmul(nu).get(0, 0);
    return d2;
  }
}

function cvF(dt: number): Matrix {
  const F = Matrix.eye(6);
  for (let a = 0; a < 3; a++) F.set(a, 3 + a, dt);
  return F;
}
function cvQ(q: number) {
  return (dt: number) => {
    const Q = Matrix.zeros(6, 6);
    for (let a = 0; a < 3; a++) {
      Q.set(a, a, (q * dt ** 3) / 3);
      Q.set(a, 3 + a, (q * dt ** 2) / 2);
      Q.set(3 + a, a, (q * dt ** 2) / 2);
      Q.set(3 + a, 3 + a, q * dt);
    }
    return Q;
  };
}

function expectClose(a: ArrayLike<number>, b: number[], rel = 1e-9) {
  for (let i = 0; i < b.length; i++)
    expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(rel * (1 + Math.abs(b[i])));
}

describe("CvKalmanFilter", () => {
  for (const coupled of [false, true]) {
    it(`matches a dense textbook Kalman filter (${coupled ? "full R: dense path" : "diagonal R: per-axis fast path"})`, () => {
      const rng = new Rng(`cv-vs-dense-${coupled}`);
      const q = 0.7;
      const P0 = new Float64Array(36);
      for (let a = 0; a < 3; a++) {
        P0[a * 7] = 400;
        P0[(3 + a) * 7] = 90_000;
        P0[a * 6 + 3 + a] = 50;
        P0[(3 + a) * 6 + a] = 50;
      }
      const x0 = Float64Array.from([1000, -2000, 10_000, 200, -30, 5]);
      const f = new CvKalmanFilter(0, x0, P0, q);
      const ref = new DenseKf(
        Matrix.columnVector(Array.from(x0)),
        new Matrix(Array.from({ length: 6 }, (_, i) => Array.from(P0.slice(i * 6, i * 6 + 6)))),
        cvF,
        cvQ(q),
      );
      let t = 0;
      for (let k = 0; k < 40; k++) {
        const dt = 0.3 + rng.uniform() * 2;
        t += dt;
        f.predictTo(t);
        ref.predict(dt);
        const Rm = coupled
          ? [
              [100, 20, -10],
              [20, 150, 5],
              [-10, 5, 80],
            ]
          : [
              [100, 0, 0],
              [0, 150, 0],
              [0, 0, 80],
            ];
        const z = [
          ref.x.get(0, 0) + rng.normal() * 10,
          ref.x.get(1, 0) + rng.normal() * 10,
          ref.x.get(2, 0) + 7,
        ];
        const d = det(t, z, Rm.flat());
        const d2 = f.gate(d);
        const refD2 = ref.update(z, Rm, 6);
        expect(d2).toBeCloseTo(refD2, 8);
        f.update(d);
        expectClose(f.x, ref.x.to1DArray());
        expectClose(f.P, ref.P.to1DArray(), 1e-8);
      }
      expect(isAxisDecoupled6(f.P)).toBe(!coupled);
    });
  }

  it("ln|S| from gate equals the log-determinant of the innovation covariance", () => {
    const P = new Float64Array(36);
    for (let a = 0; a < 6; a++) P[a * 7] = 100;
    const f = new CvKalmanFilter(0, new Float64Array(6), P, 0.1);
    f.gate(det(0, [1, 2, 3], [100, 0, 0, 0, 100, 0, 0, 0, 100]));
    expect(f.lastGateLogDetS).toBeCloseTo(3 * Math.log(200), 12);
  });

  it("refuses to predict backwards", () => {
    const f = new CvKalmanFilter(5, new Float64Array(6), new Float64Array(36).fill(0), 0.1);
    expect(() => f.predictTo(4)).toThrow(/before/);
  });

  it("clone is independent", () => {
    const P = new Float64Array(36);
    for (let a = 0; a < 6; a++) P[a * 7] = 1;
    const f = new CvKalmanFilter(0, new Float64Array(6), P, 0.1);
    const g = f.clone();
    g.predictTo(3);
    expect(f.t).toBe(0);
    expect(f.P[0]).toBe(1);
  });
});

describe("radar and ir measurement models", () => {
  it("analytic Jacobians match central finite differences", () => {
    const site = geodeticToEcef(0.65, 2.2, 100);
    const target = geodeticToEcef(0.7, 2.25, 300_000);
    const x = Float64Array.from([target[0], target[1], target[2], 1500, -2500, 3000]);
    for (const [kind, m] of [
      ["radar", 4],
      ["radar", 3],
      ["ir", 2],
    ] as const) {
      const d = det(0, new Array(m).fill(0), new Array(m * m).fill(0), kind, Array.from(site));
      const z0 = new Float64Array(4);
      const H = new Float64Array(4 * 6);
      expect(measurementModel(d, x, 6, z0, H)).toBe(m);
      for (let j = 0; j < 6; j++) {
        const h = j < 3 ? 1 : 0.01;
        const xp = Float64Array.from(x);
        const xm = Float64Array.from(x);
        xp[j] += h;
        xm[j] -= h;
        const zp = new Float64Array(4);
        const zm = new Float64Array(4);
        const tmp = new Float64Array(24);
        measurementModel(d, xp, 6, zp, tmp);
        measurementModel(d, xm, 6, zm, tmp);
        for (let i = 0; i < m; i++) {
          const num = (zp[i] - zm[i]) / (2 * h);
          expect(Math.abs(H[i * 6 + j] - num)).toBeLessThan(1e-6 * (1 + Math.abs(num)));
        }
      }
    }
  });

  it("a radar EKF update pulls the estimate toward truth and keeps P symmetric positive definite", () => {
    const site = geodeticToEcef(0.65, 2.2, 100);
    const truth = geodeticToEcef(0.66, 2.21, 50_000);
    const P = new Float64Array(36);
    for (let a = 0; a < 3; a++) {
      P[a * 7] = 1000 ** 2;
      P[(3 + a) * 7] = 100 ** 2;
    }
    const x0 = Float64Array.from([truth[0] + 800, truth[1] - 600, truth[2] + 500, 0, 0, 0]);
    const f = new CvKalmanFilter(0, x0, P, 1);
    const zTrue = new Float64Array(4);
    measurementModel(
      det(0, [0, 0, 0], [0], "radar", Array.from(site)),
      Float64Array.from([...truth, 0, 0, 0]),
      6,
      zTrue,
      new Float64Array(24),
    );
    const d = det(
      0,
      Array.from(zTrue.subarray(0, 3)),
      [25, 0, 0, 0, 1e-6, 0, 0, 0, 1e-6],
      "radar",
      Array.from(site),
    );
    const before = Math.hypot(x0[0] - truth[0], x0[1] - truth[1], x0[2] - truth[2]);
    f.update(d);
    const after = Math.hypot(f.x[0] - truth[0], f.x[1] - truth[1], f.x[2] - truth[2]);
    expect(after).toBeLessThan(before / 5);
    const M = new Matrix(Array.from({ length: 6 }, (_, i) => Array.from(f.P.slice(i * 6, i * 6 + 6))));
    expect(M.isSymmetric()).toBe(true);
    const eig = new EigenvalueDecomposition(M).realEigenvalues;
    for (const e of eig) expect(e).toBeGreaterThan(0);
  });
});

describe("CaKalmanFilter", () => {
  it("matches a dense textbook CA Kalman filter", () => {
    const q = 0.05;
    const caF = (dt: number) => {
      const M = Matrix.eye(9);
      for (let a = 0; a < 3; a++) {
        M.set(a, 3 + a, dt);
        M.set(a, 6 + a, dt * dt * 0.5);
        M.set(3 + a, 6 + a, dt);
      }
      return M;
    };
    const caQ = (dt: number) => {
      const M = Matrix.zeros(9, 9);
      const blk = [
        [dt ** 5 / 20, dt ** 4 / 8, dt ** 3 / 6],
        [dt ** 4 / 8, dt ** 3 / 3, dt ** 2 / 2],
        [dt ** 3 / 6, dt ** 2 / 2, dt],
      ];
      for (let a = 0; a < 3; a++)
        for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) M.set(a + 3 * i, a + 3 * j, q * blk[i][j]);
      return M;
    };
    const d0 = det(0, [10, 20, 30], [25, 0, 0, 0, 25, 0, 0, 0, 25]);
    const f = CaKalmanFilter.fromPosition(d0, q, 300, 50);
    const ref = new DenseKf(
      Matrix.columnVector(Array.from(f.x)),
      new Matrix(Array.from({ length: 9 }, (_, i) => Array.from(f.P.slice(i * 9, i * 9 + 9)))),
      caF,
      caQ,
    );
    const rng = new Rng("ca");
    for (let k = 1; k <= 20; k++) {
      f.predictTo(k * 0.5);
      ref.predict(0.5);
      const z = [10 + 100 * k + rng.normal() * 5, 20 + 3 * k * k, 30 - k];
      const Rm = [
        [25, 0, 0],
        [0, 25, 0],
        [0, 0, 25],
      ];
      f.update(det(k * 0.5, z, Rm.flat()));
      ref.update(z, Rm, 9);
      expectClose(f.x, ref.x.to1DArray(), 1e-8);
      expectClose(f.P, ref.P.to1DArray(), 1e-8);
    }
  });
});

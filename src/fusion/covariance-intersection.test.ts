import { determinant, EigenvalueDecomposition, inverse, Matrix } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { cholesky } from "../core/matrix.ts";
import { Rng } from "../core/rng.ts";
import { chiSquareBand, nees } from "../tracking/metrics/nees.ts";
import { CiWorkspace, ciFuse, ciFuseMany, naiveFuse } from "./covariance-intersection.ts";

const f64 = (a: number[]) => Float64Array.from(a);

/** Random SPD n×n matrix A·Aᵀ + εI with entries of A ~ N(0, scale²). */
function randomSpd(rng: Rng, n: number, scale = 1): Float64Array {
  const A = new Float64Array(n * n);
  for (let q = 0; q < A.length; q++) A[q] = scale * rng.normal();
  const P = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = i === j ? 0.05 * scale * scale : 0;
      for (let k = 0; k < n; k++) s += A[i * n + k] * A[j * n + k];
      P[i * n + j] = s;
    }
  return P;
}

/** Smallest eigenvalue of a symmetric matrix, by ml-matrix (an independent implementation). */
function minEig(P: Float64Array, n: number): number {
  const rows = Array.from({ length: n }, (_, i) => Array.from(P.subarray(i * n, i * n + n)));
  const sym = new Matrix(rows);
  const e = new EigenvalueDecomposition(sym.add(sym.transpose()).div(2), { assumeSymmetric: true });
  return Math.min(...e.realEigenvalues);
}

function maxAbsDiag(P: Float64Array, n: number): number {
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(P[i * n + i]));
  return m;
}

/** Draws L·z, z ~ N(0, I), into out. */
function draw(rng: Rng, L: Float64Array, n: number, out: Float64Array): Float64Array {
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = rng.normal();
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k <= i; k++) s += L[i * n + k] * z[k];
    out[i] = s;
  }
  return out;
}

describe("covariance intersection: closed-form cases", () => {
  it("in 1-D picks the more precise input exactly (ω = 1 or 0)", () => {
    const ws = new CiWorkspace(1);
    const x = new Float64Array(1);
    const P = new Float64Array(1);
    expect(ciFuse(f64([3]), f64([2]), f64([7]), f64([5]), 1, x, P, ws)).toBe(1);
    expect(x[0]).toBe(3);
    expect(P[0]).toBe(2);
    expect(ciFuse(f64([3]), f64([9]), f64([7]), f64([5]), 1, x, P, ws, "trace")).toBe(0);
    expect(x[0]).toBe(7);
    expect(P[0]).toBe(5);
  });

  it("two orthogonal ellipses: ω = ½ and P = (½Ia + ½Ib)⁻¹ (det and trace)", () => {
    const ws = new CiWorkspace(2);
    const Pa = f64([1, 0, 0, 100]);
    const Pb = f64([100, 0, 0, 1]);
    const xa = f64([10, 0]);
    const xb = f64([0, 20]);
    for (const crit of ["det", "trace"] as const) {
      const x = new Float64Array(2);
      const P = new Float64Array(4);
      const w = ciFuse(xa, Pa, xb, Pb, 2, x, P, ws, crit);
      expect(w).toBeCloseTo(0.5, 5);
      const v = 1 / (0.5 * 1 + 0.5 * 0.01);
      expect(P[0]).toBeCloseTo(v, 4);
      expect(P[3]).toBeCloseTo(v, 4);
      expect(P[1]).toBeCloseTo(0, 8);
      // x = P·(½·Ia·xa + ½·Ib·xb) = v·(½·10, ½·20)
      expect(x[0]).toBeCloseTo(v * 5, 3);
      expect(x[1]).toBeCloseTo(v * 10, 3);
    }
  });

  it("fusing an estimate with itself returns it (information is not counted twice); naive halves it", () => {
    const rng = new Rng("ci-self");
    const ws = new CiWorkspace(6);
    const P0 = randomSpd(rng, 6, 30);
    const x0 = f64([1, 2, 3, 4, 5, 6]);
    const x = new Float64Array(6);
    const P = new Float64Array(36);
    ciFuse(x0, P0, x0, P0, 6, x, P, ws);
    for (let q = 0; q < 36; q++) expect(P[q]).toBeCloseTo(P0[q], 6);
    for (let i = 0; i < 6; i++) expect(x[i]).toBeCloseTo(x0[i], 8);
    naiveFuse(x0, P0, x0, P0, 6, x, P, ws);
    for (let q = 0; q < 36; q++) expect(P[q]).toBeCloseTo(P0[q] / 2, 6);
  });

  it("an input that adds nothing (its ellipsoid contains the other's) gets ω = 0 and the result is the other input", () => {
    const rng = new Rng("ci-dominated");
    const ws = new CiWorkspace(6);
    const Pa = randomSpd(rng, 6, 10);
    const Pb = Float64Array.from(Pa, (v) => v * 4); // same shape, twice the σ
    const xa = f64([1, 1, 1, 0, 0, 0]);
    const xb = f64([5, 5, 5, 1, 1, 1]);
    const x = new Float64Array(6);
    const P = new Float64Array(36);
    expect(ciFuse(xa, Pa, xb, Pb, 6, x, P, ws)).toBe(1);
    expect(Array.from(P)).toEqual(Array.from(Pa));
    expect(Array.from(x)).toEqual(Array.from(xa));
    expect(ciFuse(xb, Pb, xa, Pa, 6, x, P, ws, "trace")).toBe(0);
    expect(Array.from(P)).toEqual(Array.from(Pa));
  });

  it("refuses a non-SPD input (NaN ω, outputs untouched)", () => {
    const ws = new CiWorkspace(2);
    const x = f64([9, 9]);
    const P = f64([9, 0, 0, 9]);
    expect(ciFuse(f64([0, 0]), f64([1, 2, 2, 1]), f64([0, 0]), f64([1, 0, 0, 1]), 2, x, P, ws)).toBeNaN();
    expect(Array.from(P)).toEqual([9, 0, 0, 9]);
    expect(
      naiveFuse(f64([0, 0]), f64([1, 0, 0, Number.NaN]), f64([0, 0]), f64([1, 0, 0, 1]), 2, x, P, ws),
    ).toBe(false);
  });
});

describe("covariance intersection: properties over random inputs", () => {
  it("ω minimises det P (checked on a grid with ml-matrix determinants) and never beats the independent optimum", () => {
    const rng = new Rng("ci-omega-grid");
    const ws = new CiWorkspace(4);
    for (let trial = 0; trial < 40; trial++) {
      const Pa = randomSpd(rng, 4, 1 + 10 * rng.uniform());
      const Pb = randomSpd(rng, 4, 1 + 10 * rng.uniform());
      const xa = f64([rng.normal(), rng.normal(), rng.normal(), rng.normal()]);
      const xb = f64([rng.normal(), rng.normal(), rng.normal(), rng.normal()]);
      const x = new Float64Array(4);
      const P = new Float64Array(16);
      ciFuse(xa, Pa, xb, Pb, 4, x, P, ws, "det");
      const toM = (A: Float64Array) =>
        new Matrix(Array.from({ length: 4 }, (_, i) => Array.from(A.subarray(i * 4, i * 4 + 4))));
      const IaM = inverse(toM(Pa));
      const IbM = inverse(toM(Pb));
      const detP = determinant(toM(P));
      let gridMin = Number.POSITIVE_INFINITY;
      for (let k = 0; k <= 200; k++) {
        const w = k / 200;
        const det =
          1 /
          determinant(
            IaM.clone()
              .mul(w)
              .add(IbM.clone().mul(1 - w)),
          );
        gridMin = Math.min(gridMin, det);
      }
      expect(detP).toBeLessThanOrEqual(gridMin * (1 + 1e-7));
      // Not tighter than the optimal fusion for independent inputs: P_CI − P_naive ⪰ 0.
      const xn = new Float64Array(4);
      const Pn = new Float64Array(16);
      naiveFuse(xa, Pa, xb, Pb, 4, xn, Pn, ws);
      const diff = P.map((v, q) => v - Pn[q]);
      expect(minEig(diff, 4)).toBeGreaterThanOrEqual(-1e-9 * maxAbsDiag(P, 4));
    }
  });

  it("is consistent for EVERY cross-covariance: P_CI ⪰ true error covariance (exact, no sampling)", () => {
    const rng = new Rng("ci-any-correlation");
    const n = 3;
    const ws = new CiWorkspace(n);
    for (let trial = 0; trial < 60; trial++) {
      // A random valid joint covariance of (e_a, e_b): 2n×2n SPD, with strong correlation in half the trials.
      const J = randomSpd(rng, 2 * n, 5);
      if (trial % 2 === 0) {
        // Add a common component: e_a = c + …, e_b = c + … → strongly positively correlated.
        const C = randomSpd(rng, n, 20);
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++)
            for (const [bi, bj] of [
              [0, 0],
              [0, n],
              [n, 0],
              [n, n],
            ])
              J[(bi + i) * 2 * n + bj + j] += C[i * n + j];
      }
      const block = (bi: number, bj: number) => {
        const B = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) B[i * n + j] = J[(bi + i) * 2 * n + bj + j];
        return B;
      };
      const Pa = block(0, 0);
      const Pb = block(n, n);
      const Pab = block(0, n);
      const x = new Float64Array(n);
      const P = new Float64Array(n * n);
      const w = ciFuse(new Float64Array(n), Pa, new Float64Array(n), Pb, n, x, P, ws);
      // Gains: x̂ = Ka·xa + Kb·xb with Ka = ω·P·Pa⁻¹, Kb = (1−ω)·P·Pb⁻¹.
      const toMat = (A: Float64Array) =>
        new Matrix(Array.from({ length: n }, (_, i) => Array.from(A.subarray(i * n, i * n + n))));
      const Ka = toMat(P)
        .mmul(inverse(toMat(Pa)))
        .mul(w);
      const Kb = toMat(P)
        .mmul(inverse(toMat(Pb)))
        .mul(1 - w);
      const E = Ka.mmul(toMat(Pa))
        .mmul(Ka.transpose())
        .add(Kb.mmul(toMat(Pb)).mmul(Kb.transpose()))
        .add(Ka.mmul(toMat(Pab)).mmul(Kb.transpose()))
        .add(Kb.mmul(toMat(Pab).transpose()).mmul(Ka.transpose()));
      const diff = P.map((v, q) => v - E.get(Math.floor(q / n), q % n));
      expect(minEig(diff, n)).toBeGreaterThanOrEqual(-1e-8 * maxAbsDiag(P, n));
    }
  });
});

describe("CI vs naive fusion on correlated inputs (Monte Carlo NEES)", () => {
  /**
   * Two trackers' 6-D errors share a common component c (common process noise, a radar both used):
   * e_a = c + u_a, e_b = c + u_b, each reported with its own honest covariance Pc + Pu. Fused as if
   * independent, the result is overconfident; CI stays consistent.
   */
  function run(correlated: boolean) {
    const rng = new Rng(`ci-mc-${correlated}`);
    const n = 6;
    const runs = 400;
    const ws = new CiWorkspace(n);
    const shapeRng = new Rng("ci-mc-shapes");
    const Pc = correlated ? randomSpd(shapeRng, n, 20) : new Float64Array(n * n);
    const Pua = randomSpd(shapeRng, n, 8);
    const Pub = randomSpd(shapeRng, n, 8);
    const Pa = Pc.map((v, q) => v + Pua[q]);
    const Pb = Pc.map((v, q) => v + Pub[q]);
    const Lc = new Float64Array(n * n);
    const La = new Float64Array(n * n);
    const Lb = new Float64Array(n * n);
    if (correlated) expect(cholesky(Pc, n, Lc)).toBe(true);
    expect(cholesky(Pua, n, La)).toBe(true);
    expect(cholesky(Pub, n, Lb)).toBe(true);
    const truth = new Float64Array(n);
    const c = new Float64Array(n);
    const ua = new Float64Array(n);
    const ub = new Float64Array(n);
    const xa = new Float64Array(n);
    const xb = new Float64Array(n);
    const x = new Float64Array(n);
    const P = new Float64Array(n * n);
    let neesNaive = 0;
    let neesCi = 0;
    let neesA = 0;
    for (let r = 0; r < runs; r++) {
      for (let i = 0; i < n; i++) truth[i] = 1000 * rng.normal();
      if (correlated) draw(rng, Lc, n, c);
      draw(rng, La, n, ua);
      draw(rng, Lb, n, ub);
      for (let i = 0; i < n; i++) {
        xa[i] = truth[i] + c[i] + ua[i];
        xb[i] = truth[i] + c[i] + ub[i];
      }
      neesA += nees(truth, xa, Pa, n);
      naiveFuse(xa, Pa, xb, Pb, n, x, P, ws);
      neesNaive += nees(truth, x, P, n);
      ciFuse(xa, Pa, xb, Pb, n, x, P, ws);
      neesCi += nees(truth, x, P, n);
    }
    return {
      band: chiSquareBand(n, runs),
      naive: neesNaive / runs,
      ci: neesCi / runs,
      single: neesA / runs,
    };
  }

  it("correlated: naive NEES is above the 95% χ² band (overconfident); CI is at or below its upper bound", () => {
    const r = run(true);
    // Each input alone is consistent (the generator is right).
    expect(r.single).toBeGreaterThan(r.band[0]);
    expect(r.single).toBeLessThan(r.band[1]);
    expect(r.naive).toBeGreaterThan(r.band[1]);
    expect(r.ci).toBeLessThanOrEqual(r.band[1]);
  });

  it("independent (control): naive fusion is inside the band, CI is conservative (at or below it)", () => {
    const r = run(false);
    expect(r.naive).toBeGreaterThan(r.band[0]);
    expect(r.naive).toBeLessThan(r.band[1]);
    expect(r.ci).toBeLessThanOrEqual(r.band[1]);
    expect(r.ci).toBeLessThan(r.naive);
  });
});

describe("sequential CI of several estimates", () => {
  it("fuses three estimates, skips a non-SPD one, and is no tighter than any pairwise naive fusion", () => {
    const rng = new Rng("ci-many");
    const ws = new CiWorkspace(3);
    const Ps = [
      randomSpd(rng, 3, 5),
      f64([1, 0, 0, 0, -1, 0, 0, 0, 1]),
      randomSpd(rng, 3, 5),
      randomSpd(rng, 3, 5),
    ];
    const xs = Ps.map(() => f64([rng.normal(), rng.normal(), rng.normal()]));
    const x = new Float64Array(3);
    const P = new Float64Array(9);
    expect(ciFuseMany(xs, Ps, 3, x, P, ws)).toBe(3);
    // The fused covariance is SPD and never tighter than the independent fusion of all three.
    const Pn = new Float64Array(9);
    const xn = new Float64Array(3);
    naiveFuse(xs[0], Ps[0], xs[2], Ps[2], 3, xn, Pn, ws);
    naiveFuse(xn, Pn, xs[3], Ps[3], 3, xn, Pn, ws);
    expect(minEig(P, 3)).toBeGreaterThan(0);
    expect(
      minEig(
        P.map((v, q) => v - Pn[q]),
        3,
      ),
    ).toBeGreaterThanOrEqual(-1e-9 * maxAbsDiag(P, 3));
    expect(ciFuseMany([], [], 3, x, P, ws)).toBe(0);
  });
});

import fc from "fast-check";
import { CholeskyDecomposition, determinant, inverse, Matrix } from "ml-matrix";
import { describe, expect, it } from "vitest";
import {
  cholesky,
  choleskySolve,
  identity,
  josephUpdate,
  josephWorkSize,
  logDetFromCholesky,
  mahalanobis2,
  matAdd,
  matMul,
  matMulABt,
  matMulAtB,
  matScale,
  matSub,
  matVec,
  spdInverse,
  symmetrize,
  transpose,
} from "./matrix.ts";
import { Rng } from "./rng.ts";

const rng = new Rng("matrix-tests");

function randomMat(n: number, m: number): Float64Array {
  const a = new Float64Array(n * m);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  return a;
}

/** A random SPD matrix G·Gᵀ + εI, with a spread of scales like real covariances. */
function randomSpd(n: number, eps = 0.1): Float64Array {
  const g = randomMat(n, n);
  const out = new Float64Array(n * n);
  matMulABt(g, g, n, n, n, out);
  for (let i = 0; i < n; i++) out[i * n + i] += eps;
  return out;
}

function toMl(a: Float64Array, n: number, m: number): Matrix {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(a.subarray(i * m, (i + 1) * m)));
  return new Matrix(rows);
}

function expectClose(actual: Float64Array, expected: Matrix | number[], tol: number): void {
  const e = expected instanceof Matrix ? expected.to1DArray() : expected;
  expect(actual.length).toBe(e.length);
  const scale = Math.max(1, ...e.map(Math.abs));
  for (let i = 0; i < e.length; i++) {
    if (Math.abs(actual[i] - e[i]) > tol * scale) {
      throw new Error(`entry ${i}: ${actual[i]} vs ${e[i]} (tol ${tol * scale})`);
    }
  }
}

const SIZES: [number, number, number][] = [
  [1, 1, 1],
  [2, 3, 4],
  [3, 3, 3],
  [6, 6, 6],
  [9, 4, 2],
  [5, 7, 1],
];

describe("products against ml-matrix", () => {
  it.each(SIZES)("matMul, matMulABt, matMulAtB, transpose, matVec for n=%i k=%i m=%i", (n, k, m) => {
    for (let trial = 0; trial < 10; trial++) {
      const a = randomMat(n, k);
      const b = randomMat(k, m);
      const ref = toMl(a, n, k).mmul(toMl(b, k, m));
      expectClose(matMul(a, b, n, k, m, new Float64Array(n * m)), ref, 1e-13);

      const bt = transpose(b, k, m, new Float64Array(m * k));
      expectClose(bt, toMl(b, k, m).transpose(), 0);
      expectClose(matMulABt(a, bt, n, k, m, new Float64Array(n * m)), ref, 1e-13);

      const at = transpose(a, n, k, new Float64Array(k * n));
      expectClose(matMulAtB(at, b, k, n, m, new Float64Array(n * m)), ref, 1e-13);

      const x = randomMat(k, 1);
      expectClose(matVec(a, x, n, k, new Float64Array(n)), toMl(a, n, k).mmul(toMl(x, k, 1)), 1e-13);
    }
  });

  it("overwrites stale contents of out", () => {
    const a = randomMat(3, 3);
    const b = randomMat(3, 3);
    const out = new Float64Array(9).fill(Number.NaN);
    expectClose(matMul(a, b, 3, 3, 3, out), toMl(a, 3, 3).mmul(toMl(b, 3, 3)), 1e-13);
    out.fill(Number.NaN);
    expectClose(
      matMulAtB(a, b, 3, 3, 3, out),
      toMl(a, 3, 3)
        .transpose()
        .mmul(toMl(b, 3, 3)),
      1e-13,
    );
  });
});

describe("elementwise helpers", () => {
  it("add, sub, scale (aliasing allowed), identity, symmetrize", () => {
    const a = Float64Array.from([1, 2, 3, 4]);
    const b = Float64Array.from([10, 20, 30, 40]);
    expect(Array.from(matAdd(a, b, new Float64Array(4)))).toEqual([11, 22, 33, 44]);
    expect(Array.from(matSub(b, a, new Float64Array(4)))).toEqual([9, 18, 27, 36]);
    const c = Float64Array.from(a);
    matScale(c, -2, c);
    expect(Array.from(c)).toEqual([-2, -4, -6, -8]);
    expect(Array.from(identity(3, new Float64Array(9).fill(7)))).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(Array.from(symmetrize(Float64Array.from([1, 2, 4, 5]), 2))).toEqual([1, 3, 3, 5]);
  });
});

describe("Cholesky family against ml-matrix", () => {
  it.each([1, 2, 3, 4, 6, 9, 12])("cholesky, solve, inverse, log det and Mahalanobis for n=%i", (n) => {
    for (let trial = 0; trial < 10; trial++) {
      const a = randomSpd(n);
      const L = new Float64Array(n * n);
      expect(cholesky(a, n, L)).toBe(true);
      const refL = new CholeskyDecomposition(toMl(a, n, n)).lowerTriangularMatrix;
      expectClose(L, refL, 1e-11);

      const m = 3;
      const b = randomMat(n, m);
      const x = choleskySolve(L, n, b, m, new Float64Array(n * m));
      const refX = new CholeskyDecomposition(toMl(a, n, n)).solve(toMl(b, n, m));
      expectClose(x, refX, 1e-9);
      // In place (out aliases b).
      const b2 = Float64Array.from(b);
      expectClose(choleskySolve(L, n, b2, m, b2), refX, 1e-9);

      const inv = new Float64Array(n * n);
      expect(spdInverse(a, n, inv)).toBe(true);
      expectClose(inv, inverse(toMl(a, n, n)), 1e-8);
      // Exactly symmetric.
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(inv[i * n + j]).toBe(inv[j * n + i]);

      // log det from ml-matrix's LU determinant (a different factorisation).
      expect(logDetFromCholesky(L, n)).toBeCloseTo(Math.log(determinant(toMl(a, n, n))), 8);

      const d = randomMat(n, 1);
      const refM = toMl(d, 1, n)
        .mmul(inverse(toMl(a, n, n)))
        .mmul(toMl(d, n, 1))
        .get(0, 0);
      expect(mahalanobis2(d, a, n)).toBeCloseTo(refM, 8);
      expect(mahalanobis2(d, a, n, new Float64Array(n * n + n))).toBeCloseTo(refM, 8);
    }
  });

  it("in-place cholesky (out aliases a)", () => {
    const a = randomSpd(5);
    const ref = new Float64Array(25);
    cholesky(a, 5, ref);
    const inPlace = Float64Array.from(a);
    expect(cholesky(inPlace, 5, inPlace)).toBe(true);
    expectClose(inPlace, Array.from(ref), 0);
  });

  it("reads only the lower triangle of A (the upper may hold anything)", () => {
    const a = Float64Array.from([4, Number.NaN, 2, 3]);
    const L = new Float64Array(4);
    expect(cholesky(a, 2, L)).toBe(true);
    expectClose(L, [2, 0, 1, Math.SQRT2], 1e-15);
  });

  it("closed-form 2×2 case", () => {
    // A = [[4, 2], [2, 3]]: L = [[2, 0], [1, √2]], det 8, A⁻¹ = [[3, −2], [−2, 4]]/8.
    const a = Float64Array.from([4, 2, 2, 3]);
    const L = new Float64Array(4);
    expect(cholesky(a, 2, L)).toBe(true);
    expectClose(L, [2, 0, 1, Math.SQRT2], 1e-15);
    expect(logDetFromCholesky(L, 2)).toBeCloseTo(Math.log(8), 14);
    const inv = new Float64Array(4);
    expect(spdInverse(a, 2, inv)).toBe(true);
    expectClose(inv, [3 / 8, -2 / 8, -2 / 8, 4 / 8], 1e-15);
    // d = (1, 1): dᵀA⁻¹d = (3 − 4 + 4)/8 = 3/8.
    expect(mahalanobis2(Float64Array.from([1, 1]), a, 2)).toBeCloseTo(3 / 8, 15);
  });

  it("rejects matrices that are not positive definite, including NaN", () => {
    const indefinite = Float64Array.from([1, 2, 2, 1]); // eigenvalues 3, −1
    const singular = Float64Array.from([1, 1, 1, 1]);
    const nan = Float64Array.from([1, 0, 0, Number.NaN]);
    for (const a of [indefinite, singular, nan]) {
      expect(cholesky(a, 2, new Float64Array(4))).toBe(false);
      const out = Float64Array.from([9, 9, 9, 9]);
      expect(spdInverse(a, 2, out)).toBe(false);
      expect(Array.from(out)).toEqual([9, 9, 9, 9]);
      expect(mahalanobis2(Float64Array.from([1, 1]), a, 2)).toBe(Number.POSITIVE_INFINITY);
    }
  });
});

describe("josephUpdate", () => {
  it.each([
    [6, 3],
    [4, 2],
    [9, 3],
    [2, 1],
  ])(
    "matches (I−KH)P(I−KH)ᵀ + KRKᵀ from ml-matrix, and P − KHP for the optimal gain (n=%i, m=%i)",
    (n, m) => {
      for (let trial = 0; trial < 10; trial++) {
        const P = randomSpd(n);
        const R = randomSpd(m);
        const H = randomMat(m, n);
        const Pm = toMl(P, n, n);
        const Hm = toMl(H, m, n);
        const Rm = toMl(R, m, m);
        const S = Hm.mmul(Pm).mmul(Hm.transpose()).add(Rm);
        const Kopt = Pm.mmul(Hm.transpose()).mmul(inverse(S));
        // Any gain: compare with the literal formula.
        const Karb = randomMat(n, m);
        for (const K of [Float64Array.from(Kopt.to1DArray()), Karb]) {
          const Km = toMl(K, n, m);
          const IKH = Matrix.eye(n).sub(Km.mmul(Hm));
          const ref = IKH.mmul(Pm).mmul(IKH.transpose()).add(Km.mmul(Rm).mmul(Km.transpose()));
          expectClose(josephUpdate(P, K, H, R, n, m, new Float64Array(n * n)), ref, 1e-10);
          const work = new Float64Array(josephWorkSize(n, m));
          expectClose(josephUpdate(P, K, H, R, n, m, new Float64Array(n * n), work), ref, 1e-10);
          // out aliases P.
          const P2 = Float64Array.from(P);
          expectClose(josephUpdate(P2, K, H, R, n, m, P2), ref, 1e-10);
        }
        // With the optimal gain the Joseph form equals the short form P − K·H·P.
        const Kf = Float64Array.from(Kopt.to1DArray());
        const short = Pm.sub(Kopt.mmul(Hm).mmul(Pm));
        expectClose(josephUpdate(P, Kf, H, R, n, m, new Float64Array(n * n)), short, 1e-9);
      }
    },
  );

  it("closed-form scalar case: P=4, H=1, R=1, K=0.8 → 0.8", () => {
    const out = josephUpdate(
      Float64Array.of(4),
      Float64Array.of(0.8),
      Float64Array.of(1),
      Float64Array.of(1),
      1,
      1,
      new Float64Array(1),
    );
    expect(out[0]).toBeCloseTo(0.2 * 4 * 0.2 + 0.64, 15);
  });
});

describe("properties (fast-check)", () => {
  it("spdInverse(A)·A = I and Mahalanobis of A·x is xᵀ·A·x for random SPD A", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (n, seed) => {
        const r = new Rng(seed);
        const g = new Float64Array(n * n);
        for (let i = 0; i < g.length; i++) g[i] = r.normal();
        const a = matMulABt(g, g, n, n, n, new Float64Array(n * n));
        for (let i = 0; i < n; i++) a[i * n + i] += 0.5;
        const inv = new Float64Array(n * n);
        expect(spdInverse(a, n, inv)).toBe(true);
        const prod = matMul(inv, a, n, n, n, new Float64Array(n * n));
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++)
            expect(Math.abs(prod[i * n + j] - (i === j ? 1 : 0))).toBeLessThan(1e-8);
        }
        const x = new Float64Array(n);
        for (let i = 0; i < n; i++) x[i] = r.normal();
        const ax = matVec(a, x, n, n, new Float64Array(n));
        let xax = 0;
        for (let i = 0; i < n; i++) xax += x[i] * ax[i];
        expect(Math.abs(mahalanobis2(ax, a, n) - xax) / Math.max(1, xax)).toBeLessThan(1e-8);
      }),
      { numRuns: 200 },
    );
  });
});

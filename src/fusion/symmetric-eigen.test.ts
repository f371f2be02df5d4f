import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { Rng } from "../core/rng.ts";
import { symmetricEigen } from "./symmetric-eigen.ts";

describe("symmetricEigen (cyclic Jacobi)", () => {
  it("matches ml-matrix eigenvalues and reconstructs A = V·Λ·Vᵀ with orthonormal V", () => {
    const rng = new Rng("jacobi");
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + (trial % 7);
      const scale = 10 ** (rng.uniform() * 6 - 3);
      const A = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = i; j < n; j++) {
          const v = scale * rng.normal();
          A[i * n + j] = v;
          A[j * n + i] = v;
        }
      const lambda = new Float64Array(n);
      const V = new Float64Array(n * n);
      const sweeps = symmetricEigen(A, n, lambda, V, new Float64Array(n * n));
      expect(sweeps).toBeLessThan(20);
      const ref = new EigenvalueDecomposition(
        new Matrix(Array.from({ length: n }, (_, i) => Array.from(A.subarray(i * n, i * n + n)))),
        { assumeSymmetric: true },
      ).realEigenvalues.sort((a, b) => a - b);
      const mine = Array.from(lambda).sort((a, b) => a - b);
      const tol = 1e-12 * scale * n * 10;
      for (let i = 0; i < n; i++) expect(Math.abs(mine[i] - ref[i])).toBeLessThan(tol);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let rec = 0;
          let orth = 0;
          for (let k = 0; k < n; k++) {
            rec += V[i * n + k] * lambda[k] * V[j * n + k];
            orth += V[k * n + i] * V[k * n + j];
          }
          expect(Math.abs(rec - A[i * n + j])).toBeLessThan(tol);
          expect(Math.abs(orth - (i === j ? 1 : 0))).toBeLessThan(1e-12);
        }
    }
  });

  it("handles a diagonal matrix and repeated eigenvalues", () => {
    const A = Float64Array.from([2, 0, 0, 0, 2, 0, 0, 0, 5]);
    const lambda = new Float64Array(3);
    const V = new Float64Array(9);
    symmetricEigen(A, 3, lambda, V, new Float64Array(9));
    expect(Array.from(lambda)).toEqual([2, 2, 5]);
    expect(Array.from(V)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });
});

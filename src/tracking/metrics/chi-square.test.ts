import { describe, expect, it } from "vitest";
import {
  chiSquareCdf,
  chiSquareQuantile,
  logGamma,
  normalQuantile,
  regularizedGammaP,
} from "./chi-square.ts";
import { ConsistencyAccumulator, chiSquareBand, nees } from "./nees.ts";

describe("χ² distribution", () => {
  // Published table values (Abramowitz & Stegun table 26.8; NIST/SEMATECH e-Handbook 1.3.6.7.4),
  // given to the digits the tables print.
  const table: [p: number, k: number, x: number, digits: number][] = [
    [0.95, 1, 3.841, 3],
    [0.99, 2, 9.21, 2],
    [0.05, 10, 3.94, 2],
    [0.95, 6, 12.592, 3],
    [0.025, 6, 1.237, 3],
    [0.975, 6, 14.449, 3],
    [0.999, 3, 16.266, 3],
    [0.975, 100, 129.561, 3],
    [0.025, 100, 74.222, 3],
    [0.5, 1, 0.4549, 4],
    [0.005, 1, 0.0000393, 7],
  ];
  it.each(table)("quantile p=%f k=%i is %f", (p, k, x, digits) => {
    expect(chiSquareQuantile(p, k)).toBeCloseTo(x, digits);
  });

  it("inverts the CDF to 1e-12 across shapes and tails", () => {
    for (const k of [0.5, 1, 2, 3, 6, 7, 30, 300, 1000]) {
      for (const p of [1e-6, 0.001, 0.025, 0.3, 0.5, 0.9, 0.975, 0.9999]) {
        const x = chiSquareQuantile(p, k);
        expect(Math.abs(chiSquareCdf(x, k) - p)).toBeLessThan(1e-12 + 1e-10 * p);
      }
    }
  });

  it("has closed forms for 2 degrees of freedom and Γ at integers", () => {
    // χ²₂ is exponential with mean 2: F(x) = 1 − e^{−x/2}, quantile −2 ln(1 − p).
    for (const p of [0.01, 0.5, 0.95]) expect(chiSquareQuantile(p, 2)).toBeCloseTo(-2 * Math.log(1 - p), 10);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    // P(1, x) = 1 − e^{−x}
    expect(regularizedGammaP(1, 3)).toBeCloseTo(1 - Math.exp(-3), 14);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
  });

  it("gives the issue's 95 % NEES band for 6 dof over 50 runs: [5.08, 7.00]", () => {
    const [lo, hi] = chiSquareBand(6, 50);
    expect(lo).toBeCloseTo(5.08, 2);
    expect(hi).toBeCloseTo(7.0, 2);
  });

  it("rejects impossible arguments", () => {
    expect(() => chiSquareQuantile(1, 3)).toThrow(/probability/);
    expect(() => chiSquareQuantile(0.5, 0)).toThrow(/degrees/);
    expect(() => chiSquareBand(6, 0)).toThrow(/runs/);
  });
});

describe("NEES", () => {
  it("is eᵀP⁻¹e on the leading block of a larger covariance", () => {
    // 2×2 block of a 3×3 P: [[4, 0], [0, 9]] → e = (2, 3) gives 1 + 1 = 2.
    const P = new Float64Array([4, 0, 7, 0, 9, 7, 7, 7, 100]);
    expect(nees([2, 3, 0], [0, 0, 50], P, 2, 3)).toBeCloseTo(2, 12);
  });

  it("accumulates run averages and checks them against the band", () => {
    const acc = new ConsistencyAccumulator(2, 1);
    acc.add(0, 1);
    acc.add(0, 1);
    acc.add(1, 100);
    acc.add(1, 100);
    expect(Array.from(acc.stepMeans())).toEqual([1, 100]);
    expect(acc.mean()).toBeCloseTo(50.5, 12);
    expect(acc.fractionInBand()).toBe(0.5);
  });
});

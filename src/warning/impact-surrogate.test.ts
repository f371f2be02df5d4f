import { describe, expect, it } from "vitest";
import { Rng } from "../core/rng.ts";
import {
  CURVE_NODES,
  type CurveAxis,
  fitImpactSurrogate,
  OUT,
  type SampleFlight,
  validateSurrogate,
} from "./impact-surrogate.ts";

/** A synthetic "flight": impact x, y, z, t as given functions of the sample coordinates u. */
function flightOf(f: (u: Float64Array, off: number) => number[]): SampleFlight {
  return (u, off, out) => {
    const v = f(u, off);
    for (let q = 0; q < OUT; q++) out[q] = v[q];
    return true;
  };
}

function draws(rows: number, dim: number, seed: string): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: rows * dim }, () => rng.normal());
}

const all = (n: number) => new Uint8Array(n).fill(1);

/** Metres-scale quadratic in three axes, cross terms included (an impact ~7 km across). */
const quadratic = (u: Float64Array, o: number) => {
  const [a, b, c] = [u[o], u[o + 1], u[o + 2]];
  return [
    6.4e6 + 3000 * a - 500 * b + 80 * a * a + 120 * a * b,
    1000 * b + 40 * c - 60 * b * c,
    2000 * c + 30 * a * c,
    300 + 4 * a + 0.5 * a * b,
  ];
};

describe("impact surrogate", () => {
  it("reproduces a quadratic with cross terms exactly from 1 + 2n + n(n−1)/2 flights, and passes its check", () => {
    const fit = fitImpactSurrogate({ n: 3, active: all(3) }, flightOf(quadratic))!;
    expect(fit.flights).toBe(1 + 6 + 3);
    const u = draws(50, 3, "q");
    const out = new Float64Array(OUT);
    for (let r = 0; r < 50; r++) {
      fit.surrogate.evaluate(u, 3 * r, out);
      const want = quadratic(u, 3 * r);
      for (let q = 0; q < OUT; q++) expect(out[q]).toBeCloseTo(want[q], 6);
    }
    expect(validateSurrogate(fit.surrogate, u, 50, flightOf(quadratic))).toBe(true);
  });

  it("skips inactive axes (a zero column of the covariance's square root)", () => {
    const fit = fitImpactSurrogate({ n: 3, active: Uint8Array.of(1, 0, 1) }, flightOf(quadratic))!;
    expect(fit.flights).toBe(1 + 4 + 1);
  });

  it("rejects itself when the map has a term it cannot represent (cubic tails)", () => {
    const cubic = (u: Float64Array, o: number) => {
      const v = quadratic(u, o);
      v[0] += 400 * u[o] ** 3; // 0.13 σ at 1 σ, over a σ at the tails
      return v;
    };
    const fit = fitImpactSurrogate({ n: 3, active: all(3) }, flightOf(cubic))!;
    expect(validateSurrogate(fit.surrogate, draws(200, 3, "c"), 200, flightOf(cubic))).toBe(false);
  });

  it("rejects itself when a sample does not come down, and gives up when a fitting flight does not", () => {
    const lost: SampleFlight = (u, off, out) => {
      if (Math.abs(u[off]) > 3) return false;
      return flightOf(quadratic)(u, off, out);
    };
    const fit = fitImpactSurrogate({ n: 3, active: all(3) }, lost)!;
    const u = draws(200, 3, "l");
    u[0] = 4; // the largest |u|: a validation flight
    expect(validateSurrogate(fit.surrogate, u, 200, lost)).toBe(false);
    const never: SampleFlight = () => false;
    expect(fitImpactSurrogate({ n: 3, active: all(3) }, never)).toBeNull();
  });

  it("follows a curve axis by interpolation in g, with slopes that change along it", () => {
    // u[2] is β's axis: β = 5000 (1 + 0.3 u); impact shifts as 1/β (not a quadratic in u), and the
    // state slope along u[0] grows at low β (a bilinear term in ln β).
    const rel = 0.3;
    const curve: CurveAxis = {
      g: (v) => Math.log(1 + rel * v),
      gInverse: (g) => (Math.exp(g) - 1) / rel,
      uMin: -2.6,
      uMax: 3.5,
    };
    const f = (u: Float64Array, o: number) => {
      const beta = 5000 * (1 + rel * u[o + 2]);
      const lnb = Math.log(beta / 5000);
      return [
        6.4e6 + 2e7 / beta + (3000 - 800 * lnb) * u[o] + 50 * u[o] * u[o + 1],
        1000 * u[o + 1] - 1e6 / beta,
        0,
        300 + 5e4 / beta + 2 * u[o],
      ];
    };
    const fit = fitImpactSurrogate({ n: 2, active: all(2), curve }, flightOf(f))!;
    expect(fit.flights).toBe(1 + 4 + 1 + CURVE_NODES + 2);
    const rng = new Rng("curve");
    const u = new Float64Array(3 * 200);
    for (let r = 0; r < 200; r++) {
      u[3 * r] = rng.normal();
      u[3 * r + 1] = rng.normal();
      u[3 * r + 2] = Math.min(3.5, Math.max(-2.6, rng.normal()));
    }
    const out = new Float64Array(OUT);
    let worst = 0;
    for (let r = 0; r < 200; r++) {
      fit.surrogate.evaluate(u, 3 * r, out);
      const want = f(u, 3 * r);
      worst = Math.max(
        worst,
        Math.hypot(out[0] - want[0], out[1] - want[1]),
        100 * Math.abs(out[3] - want[3]),
      );
    }
    expect(worst).toBeLessThan(2);
    expect(validateSurrogate(fit.surrogate, u, 200, flightOf(f))).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { UserError } from "./errors.ts";
import { logFactorial, Rng } from "./rng.ts";

function draws(r: Rng, n: number, f: (r: Rng) => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f(r);
  return out;
}

function mean(x: Float64Array): number {
  let s = 0;
  for (const v of x) s += v;
  return s / x.length;
}

function variance(x: Float64Array): number {
  const m = mean(x);
  let s = 0;
  for (const v of x) s += (v - m) ** 2;
  return s / (x.length - 1);
}

/** Kolmogorov–Smirnov statistic D of a sample against a continuous CDF. */
function ksStatistic(sample: Float64Array, cdf: (x: number) => number): number {
  const s = Float64Array.from(sample).sort();
  const n = s.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(s[i]);
    d = Math.max(d, f - i / n, (i + 1) / n - f);
  }
  return d;
}

/** Standard normal CDF via erfc (Numerical Recipes erfc approximation, |error| < 1.2e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
}

// KS critical value at α = 0.001 is 1.95/√n; with fixed seeds these tests are deterministic, and the
// threshold says a correct generator would fail only 1 seed in 1000.
const ksCritical = (n: number) => 1.95 / Math.sqrt(n);

describe("determinism and independence", () => {
  it("same seed gives the same sequence; different seeds differ", () => {
    const a = draws(new Rng(42), 100, (r) => r.uniform());
    const b = draws(new Rng(42), 100, (r) => r.uniform());
    const c = draws(new Rng(43), 100, (r) => r.uniform());
    const d = draws(new Rng("42"), 100, (r) => r.uniform());
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    expect(Array.from(a)).not.toEqual(Array.from(d));
  });

  it("fork depends only on the root seed and label, not on draws made before", () => {
    const r1 = new Rng("scenario");
    const r2 = new Rng("scenario");
    for (let i = 0; i < 17; i++) r2.normal();
    const f1 = draws(r1.fork("radar-1"), 50, (r) => r.uniform());
    const f2 = draws(r2.fork("radar-1"), 50, (r) => r.uniform());
    expect(Array.from(f1)).toEqual(Array.from(f2));
    const g = draws(r1.fork("radar-2"), 50, (r) => r.uniform());
    expect(Array.from(f1)).not.toEqual(Array.from(g));
    // Nested forks are distinct from flat labels that look alike.
    const nested = draws(r1.fork("a").fork("b"), 50, (r) => r.uniform());
    const flat = draws(r1.fork("a/b"), 50, (r) => r.uniform());
    expect(Array.from(nested)).toEqual(Array.from(flat)); // same path string by design
    expect(Array.from(draws(r1.fork("a"), 50, (r) => r.uniform()))).not.toEqual(Array.from(nested));
  });

  it("forked streams are uncorrelated with each other and the parent", () => {
    const root = new Rng(7);
    const n = 20000;
    const streams = [root, root.fork("x"), root.fork("y"), new Rng(8)].map((r) =>
      draws(r, n, (q) => q.normal()),
    );
    for (let i = 0; i < streams.length; i++) {
      for (let j = i + 1; j < streams.length; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += streams[i][k] * streams[j][k];
        // Correlation of independent N(0,1) samples has σ = 1/√n; 4.5σ bound.
        expect(Math.abs(s / n)).toBeLessThan(4.5 / Math.sqrt(n));
      }
    }
  });

  it("refuses non-finite seeds with a UserError", () => {
    expect(() => new Rng(Number.NaN)).toThrow(UserError);
    expect(() => new Rng(Number.POSITIVE_INFINITY)).toThrow(UserError);
  });
});

describe("uniform", () => {
  it("lies in [0, 1), uses 53 bits, has the right moments and passes KS", () => {
    const n = 100000;
    const x = draws(new Rng("uniform"), n, (r) => r.uniform());
    let outOfRange = 0;
    let fractionalBelow2to32 = 0;
    for (const v of x) {
      if (!(v >= 0 && v < 1)) outOfRange++;
      // With only 32 random bits every v·2³² would be an integer.
      if (Number.isInteger(v * 4294967296)) fractionalBelow2to32++;
    }
    expect(outOfRange).toBe(0);
    expect(fractionalBelow2to32).toBeLessThan(5);
    expect(Math.abs(mean(x) - 0.5)).toBeLessThan(4.5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(variance(x) - 1 / 12)).toBeLessThan(4.5 * Math.sqrt(1 / 180 / n));
    expect(ksStatistic(x, (v) => v)).toBeLessThan(ksCritical(n));
  });

  it("uniformInt is unbiased over its range and checks its argument", () => {
    const r = new Rng("int");
    const counts = new Array(7).fill(0);
    const n = 70000;
    for (let i = 0; i < n; i++) counts[r.uniformInt(7)]++;
    // χ² with 6 dof; 0.999 quantile is 22.46.
    const chi2 = counts.reduce((s, c) => s + (c - n / 7) ** 2 / (n / 7), 0);
    expect(chi2).toBeLessThan(22.46);
    expect(() => r.uniformInt(0)).toThrow(RangeError);
    expect(() => r.uniformInt(2.5)).toThrow(RangeError);
  });
});

describe("normal", () => {
  it("has mean 0, variance 1, skew 0, kurtosis 3 within sampling error and passes KS", () => {
    const n = 200000;
    const x = draws(new Rng("normal"), n, (r) => r.normal());
    const m = mean(x);
    const v = variance(x);
    let m3 = 0;
    let m4 = 0;
    for (const val of x) {
      m3 += (val - m) ** 3;
      m4 += (val - m) ** 4;
    }
    m3 /= n;
    m4 /= n;
    expect(Math.abs(m)).toBeLessThan(4.5 / Math.sqrt(n));
    expect(Math.abs(v - 1)).toBeLessThan(4.5 * Math.sqrt(2 / n));
    expect(Math.abs(m3)).toBeLessThan(4.5 * Math.sqrt(6 / n));
    expect(Math.abs(m4 - 3)).toBeLessThan(4.5 * Math.sqrt(24 / n));
    expect(ksStatistic(x, normalCdf)).toBeLessThan(ksCritical(n));
  });
});

describe("exponential", () => {
  it("has mean 1/rate and passes KS", () => {
    const n = 100000;
    const rate = 2.5;
    const x = draws(new Rng("exp"), n, (r) => r.exponential(rate));
    expect(Math.abs(mean(x) - 1 / rate)).toBeLessThan(4.5 / rate / Math.sqrt(n));
    expect(ksStatistic(x, (v) => 1 - Math.exp(-rate * v))).toBeLessThan(ksCritical(n));
    expect(() => new Rng(1).exponential(0)).toThrow(RangeError);
  });
});

describe("poisson", () => {
  function poissonPmf(k: number, lambda: number): number {
    return Math.exp(-lambda + k * Math.log(lambda) - logFactorial(k));
  }

  it("logFactorial matches exact sums beyond its table", () => {
    let exact = 0;
    for (let k = 1; k <= 2000; k++) {
      exact += Math.log(k);
      if (k >= 250) expect(logFactorial(k)).toBeCloseTo(exact, 8);
    }
  });

  it.each([0.3, 3, 9.9, 10, 25, 150, 1e4])(
    "matches the Poisson pmf for lambda = %f (χ² and moments)",
    (lambda) => {
      const n = 60000;
      const r = new Rng(`poisson-${lambda}`);
      const x = draws(r, n, (q) => q.poisson(lambda));
      expect(x.filter((v) => !(Number.isInteger(v) && v >= 0)).length).toBe(0);
      expect(Math.abs(mean(x) - lambda)).toBeLessThan(4.5 * Math.sqrt(lambda / n));
      expect(Math.abs(variance(x) / lambda - 1)).toBeLessThan(4.5 * Math.sqrt((2 + 1 / lambda) / n));
      // χ² goodness of fit over bins with expected count ≥ 20, tails pooled.
      const counts = new Map<number, number>();
      for (const v of x) counts.set(v, (counts.get(v) ?? 0) + 1);
      const lo = Math.max(0, Math.floor(lambda - 6 * Math.sqrt(lambda)));
      const hi = Math.ceil(lambda + 6 * Math.sqrt(lambda)) + 10;
      let chi2 = 0;
      let bins = 0;
      let poolExp = 0;
      let poolObs = 0;
      let cdfSeen = 0;
      for (let k = lo; k <= hi; k++) {
        const p = poissonPmf(k, lambda);
        cdfSeen += p;
        poolExp += n * p;
        poolObs += counts.get(k) ?? 0;
        if (poolExp >= 20) {
          chi2 += (poolObs - poolExp) ** 2 / poolExp;
          bins++;
          poolExp = 0;
          poolObs = 0;
        }
      }
      // Everything outside [lo, hi] and the unfinished pool goes in one last bin.
      let outside = 0;
      for (const [k, c] of counts) if (k < lo || k > hi) outside += c;
      const restExp = poolExp + n * (1 - cdfSeen);
      if (restExp > 0) {
        chi2 += (poolObs + outside - restExp) ** 2 / restExp;
        bins++;
      }
      const dof = bins - 1;
      // Wilson–Hilferty 0.999 quantile of χ²(dof).
      const z = 3.09;
      const q999 = dof * (1 - 2 / (9 * dof) + z * Math.sqrt(2 / (9 * dof))) ** 3;
      expect(chi2).toBeLessThan(q999);
    },
  );

  it("returns 0 for lambda 0 and refuses negative or non-finite lambda", () => {
    const r = new Rng(1);
    expect(r.poisson(0)).toBe(0);
    expect(() => r.poisson(-1)).toThrow(RangeError);
    expect(() => r.poisson(Number.NaN)).toThrow(RangeError);
    expect(() => r.poisson(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

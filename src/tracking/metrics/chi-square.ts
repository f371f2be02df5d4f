/**
 * χ² distribution: regularised lower incomplete gamma P(a, x), the χ² CDF, and its quantile.
 *
 * The quantile starts from the Wilson–Hilferty cube-root normal approximation and is polished by
 * Newton steps on F(x) − p with the exact density, in log space to stay stable for large degrees of
 * freedom (NEES bands over Monte Carlo runs use k = dof × runs, i.e. hundreds). P(a, x) is computed by
 * its power series for x < a + 1 and by the Lentz continued fraction for Q(a, x) otherwise
 * (Numerical Recipes, 3rd ed., §6.2), both converging to ~1e-15.
 */

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error ~1e-15). */
export function logGamma(x: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularised lower incomplete gamma P(a, x) = γ(a, x)/Γ(a), a > 0, x ≥ 0. */
export function regularizedGammaP(a: number, x: number): number {
  if (!(a > 0)) throw new RangeError(`gamma shape must be > 0, got ${a}`);
  if (!(x > 0)) return 0;
  if (x === Number.POSITIVE_INFINITY) return 1;
  const lnPrefix = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    // Series: P = e^{-x} x^a / Γ(a+1) · Σ x^n / ((a+1)…(a+n)).
    let ap = a;
    let sum = 1 / a;
    let del = sum;
    for (let n = 0; n < 10_000; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * 1e-16) break;
    }
    return Math.min(1, sum * Math.exp(lnPrefix));
  }
  // Continued fraction for Q(a, x) (modified Lentz).
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return Math.max(0, 1 - Math.exp(lnPrefix) * h);
}

/** χ² cumulative distribution function with k degrees of freedom. */
export function chiSquareCdf(x: number, k: number): number {
  return regularizedGammaP(k / 2, x / 2);
}

/** Standard normal quantile (Acklam's rational approximation, refined by one Halley step with erfc). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`probability must be in (0, 1), got ${p}`);
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  let x: number;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - pl) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
      (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  return x;
}

/**
 * Quantile of the χ² distribution with k > 0 degrees of freedom: the x with P(χ²_k ≤ x) = p.
 * Accurate to ~1e-10 relative over the range NEES/NIS bands use.
 */
export function chiSquareQuantile(p: number, k: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`probability must be in (0, 1), got ${p}`);
  if (!(k > 0) || !Number.isFinite(k)) throw new RangeError(`degrees of freedom must be > 0, got ${k}`);
  // Wilson–Hilferty: (χ²/k)^(1/3) ≈ N(1 − 2/(9k), 2/(9k)).
  const z = normalQuantile(p);
  const v = 2 / (9 * k);
  let x = k * (1 - v + z * Math.sqrt(v)) ** 3;
  if (!(x > 0)) x = Math.max(1e-8, k * 0.01); // far lower tail with tiny k: start near zero
  const a = k / 2;
  const lnNorm = -a * Math.LN2 - logGamma(a);
  for (let it = 0; it < 100; it++) {
    const f = chiSquareCdf(x, k) - p;
    // density f(x) = x^(a−1) e^(−x/2) / (2^a Γ(a))
    const pdf = Math.exp(lnNorm + (a - 1) * Math.log(x) - x / 2);
    if (!(pdf > 0)) break;
    let step = f / pdf;
    // Keep Newton inside the support: never jump to x ≤ 0.
    if (x - step <= 0) step = x / 2;
    x -= step;
    if (Math.abs(step) <= 1e-13 * x) break;
  }
  return x;
}

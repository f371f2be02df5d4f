/**
 * A cheap stand-in for flying every Monte Carlo sample of an impact prediction. Each sample is a
 * vector u of standard-normal coordinates — the state axes (state = mean + L·u) and, for a state
 * without β, the ballistic-coefficient draw as one more axis. The map from u to the sample's impact
 * (ECEF point and time) is fitted from a few dozen real flights and evaluated for every sample:
 *
 *     f(u) ≈ F(g(u_β)) + Σᵢ aᵢuᵢ + Σᵢ bᵢuᵢ² + Σᵢ<ⱼ cᵢⱼuᵢuⱼ + Σᵢ dᵢuᵢ·(g(u_β) − g(0))
 *
 *  - the state part is a full quadratic: 1 + 2n flights at u = 0, ±k·eᵢ (k = √3, the Gauss–Hermite
 *    nodes) and n(n−1)/2 at k·(eᵢ + eⱼ). Over a converged track's uncertainty the impact is close to
 *    quadratic in the state; the cross terms matter (position and velocity errors along track
 *    interact through the flight time), a diagonal-only fit fails its check most of the time;
 *  - β is not: drag goes as 1/β, and an object with a fifth of the nominal β falls for a minute
 *    longer and kilometres shorter. F is the polynomial through CURVE_NODES flights of the mean state
 *    at Chebyshev–Lobatto nodes in g = ln β over exactly the range the samples drew (≈ 10 m of error
 *    where a quadratic in β is kilometres off);
 *  - dᵢ, the change of the state slopes with β, from n flights at the lowest β node.
 *
 * The surrogate is only trusted after a check against real flights: the VALIDATION_FLIGHTS samples
 * with the largest |u| (the tails, where any neglected term is largest) are flown, and every one must
 * land within VALIDATION_SIGMA of the fitted spread in the direction of its error (or ABS_TOL_M), and
 * within VALIDATION_SIGMA of the impact-time spread (or ABS_TOL_S). If any misses, or any fitting
 * flight never comes down, the caller falls back to full Monte Carlo — early in flight (a velocity
 * error at burnout moves the impact by tens of km along track) that is what happens.
 */

/** Sigma-point distance in standard deviations: the 3-point Gauss–Hermite node √3. */
export const SIGMA_K = Math.sqrt(3);
/** Samples (largest |u|) flown to check the surrogate. */
export const VALIDATION_FLIGHTS = 4;
/** Flights of the mean state along the curve axis (Chebyshev–Lobatto nodes in g). */
export const CURVE_NODES = 7;
/**
 * Largest error allowed at a validation sample, in standard deviations of the fitted spread. The
 * validation samples are the tails (|u| ≈ 3.5–4.5 of 200 draws in 7 dimensions); a neglected cubic
 * term is then ≈ 5 times smaller at a typical sample (|u| ≈ 2.6): ≈ 0.04 σ, under Monte Carlo's own
 * noise on the mean impact with 200 samples (0.07 σ). On 270 states logged from the raid-50 run, the
 * accepted surrogates gave mean impacts within 0.004 σ, ellipse axes within 1% and area
 * probabilities within one sample of flying every sample on the same draws.
 */
const VALIDATION_SIGMA = 0.2;
/** Errors below these are accepted whatever the spread: the model's and radars' own error floor. */
const ABS_TOL_M = 10;
const ABS_TOL_S = 0.05;
/** Outputs: impact ECEF x, y, z (m) and impact time (s). */
export const OUT = 4;

/** Flies the sample with coordinates u[off ..]; writes impact x, y, z, t into out; false if it never lands. */
export type SampleFlight = (u: Float64Array, uOffset: number, out: Float64Array) => boolean;

/** The one axis modelled by interpolation: u ↦ g(u) smooth and increasing, over [uMin, uMax]. */
export interface CurveAxis {
  readonly g: (u: number) => number;
  readonly gInverse: (g: number) => number;
  readonly uMin: number;
  readonly uMax: number;
}

export interface SurrogateLayout {
  /** Quadratic axes 0 .. n−1 of u. */
  readonly n: number;
  /** Per quadratic axis: 0 when moving along it changes nothing (a zero column of the square root). */
  readonly active: Uint8Array;
  /** Optional curve axis, at index n of u. */
  readonly curve?: CurveAxis;
}

export class ImpactSurrogate {
  /** Width of a sample's u: n, plus 1 with a curve axis. */
  readonly dim: number;
  /** Value at u = 0. */
  readonly f0 = new Float64Array(OUT);
  /** aᵢ, bᵢ, dᵢ per quadratic axis and cᵢⱼ per pair (i < j, row-major n × n), OUT each. */
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly c: Float64Array;
  readonly d: Float64Array;
  /** Curve nodes in g, barycentric weights, and F(node) − f0 (OUT per node). */
  readonly nodes = new Float64Array(CURVE_NODES);
  readonly weights = new Float64Array(CURVE_NODES);
  readonly curveValues = new Float64Array(CURVE_NODES * OUT);
  private readonly g0: number;
  private readonly scratch = new Float64Array(OUT);

  constructor(readonly layout: SurrogateLayout) {
    const n = layout.n;
    this.dim = n + (layout.curve ? 1 : 0);
    this.a = new Float64Array(n * OUT);
    this.b = new Float64Array(n * OUT);
    this.c = new Float64Array(n * n * OUT);
    this.d = new Float64Array(n * OUT);
    this.g0 = layout.curve ? layout.curve.g(0) : 0;
    if (layout.curve) {
      const { g, uMin, uMax } = layout.curve;
      const lo = g(uMin);
      const hi = g(uMax);
      // Chebyshev–Lobatto nodes and their barycentric weights (−1)^j, halved at both ends.
      for (let j = 0; j < CURVE_NODES; j++) {
        this.nodes[j] = lo + (hi - lo) * 0.5 * (1 - Math.cos((Math.PI * j) / (CURVE_NODES - 1)));
        this.weights[j] = (j % 2 === 0 ? 1 : -1) * (j === 0 || j === CURVE_NODES - 1 ? 0.5 : 1);
      }
    }
  }

  /** Surrogate impact (x, y, z, t) of the sample at u[off .. off + dim) into out[o .. o + OUT). */
  evaluate(u: ArrayLike<number>, off: number, out: Float64Array, o = 0): void {
    const { a, b, c, d, layout } = this;
    const n = layout.n;
    const dg = layout.curve ? layout.curve.g(u[off + n]) - this.g0 : 0;
    if (layout.curve) this.curveAt(dg + this.g0, this.scratch);
    for (let q = 0; q < OUT; q++) {
      let acc = this.f0[q] + (layout.curve ? this.scratch[q] : 0);
      for (let i = 0; i < n; i++) {
        const ui = u[off + i];
        if (ui === 0) continue;
        const iq = i * OUT + q;
        let row = a[iq] + b[iq] * ui + d[iq] * dg;
        for (let j = i + 1; j < n; j++) row += c[(i * n + j) * OUT + q] * u[off + j];
        acc += ui * row;
      }
      out[o + q] = acc;
    }
  }

  /** F(g) − f0 by barycentric interpolation through the curve nodes. */
  private curveAt(g: number, out: Float64Array): void {
    let den = 0;
    out.fill(0);
    for (let j = 0; j < CURVE_NODES; j++) {
      const diff = g - this.nodes[j];
      if (diff === 0) {
        for (let q = 0; q < OUT; q++) out[q] = this.curveValues[j * OUT + q];
        return;
      }
      const w = this.weights[j] / diff;
      den += w;
      for (let q = 0; q < OUT; q++) out[q] += w * this.curveValues[j * OUT + q];
    }
    for (let q = 0; q < OUT; q++) out[q] /= den;
  }

  /**
   * 1-σ spread of the first-order part over the quadratic axes and the curve's end-to-end swing:
   * the impact-time standard deviation and the 3×3 position covariance (row-major; rank 2 on the
   * ground). It scales the check's tolerance, so it only needs to be of the right size.
   */
  spread(): { covPos: Float64Array; sigmaT: number } {
    const covPos = new Float64Array(9);
    let varT = 0;
    const add = (v: ArrayLike<number>, o: number, scale: number) => {
      for (let r = 0; r < 3; r++)
        for (let col = 0; col < 3; col++) covPos[r * 3 + col] += scale * v[o + r] * v[o + col];
      varT += scale * v[o + 3] ** 2;
    };
    for (let i = 0; i < this.layout.n; i++) add(this.a, i * OUT, 1);
    if (this.layout.curve) {
      // Half the swing between the end nodes stands for two σ of the curve axis.
      const swing = new Float64Array(OUT);
      const last = (CURVE_NODES - 1) * OUT;
      for (let q = 0; q < OUT; q++) swing[q] = (this.curveValues[last + q] - this.curveValues[q]) / 4;
      add(swing, 0, 1);
    }
    return { covPos, sigmaT: Math.sqrt(varT) };
  }
}

/**
 * Fits the surrogate: 1 + 2n + n(n−1)/2 flights for the quadratic axes (inactive axes skipped), and
 * CURVE_NODES + n with a curve axis. Returns null if any flight never comes down.
 */
export function fitImpactSurrogate(
  layout: SurrogateLayout,
  fly: SampleFlight,
): { surrogate: ImpactSurrogate; flights: number } | null {
  const s = new ImpactSurrogate(layout);
  const n = layout.n;
  const k = SIGMA_K;
  const u = new Float64Array(s.dim);
  const plus = new Float64Array(OUT);
  const minus = new Float64Array(OUT);
  let flights = 1;
  if (!fly(u, 0, s.f0)) return null;
  for (let i = 0; i < n; i++) {
    if (!layout.active[i]) continue;
    u[i] = k;
    const okPlus = fly(u, 0, plus);
    u[i] = -k;
    const okMinus = fly(u, 0, minus);
    u[i] = 0;
    flights += 2;
    if (!okPlus || !okMinus) return null;
    for (let q = 0; q < OUT; q++) {
      s.a[i * OUT + q] = (plus[q] - minus[q]) / (2 * k);
      s.b[i * OUT + q] = (plus[q] + minus[q] - 2 * s.f0[q]) / (2 * k * k);
    }
  }
  for (let i = 0; i < n; i++) {
    if (!layout.active[i]) continue;
    for (let j = i + 1; j < n; j++) {
      if (!layout.active[j]) continue;
      u[i] = k;
      u[j] = k;
      const ok = fly(u, 0, plus);
      u[i] = 0;
      u[j] = 0;
      flights++;
      if (!ok) return null;
      // f(k(eᵢ + eⱼ)) = f0 + k(aᵢ + aⱼ) + k²(bᵢ + bⱼ) + k²cᵢⱼ (to third order).
      for (let q = 0; q < OUT; q++)
        s.c[(i * n + j) * OUT + q] =
          (plus[q] - s.f0[q] - k * (s.a[i * OUT + q] + s.a[j * OUT + q])) / (k * k) -
          (s.b[i * OUT + q] + s.b[j * OUT + q]);
    }
  }
  const curve = layout.curve;
  if (curve) {
    for (let j = 0; j < CURVE_NODES; j++) {
      u[n] = curve.gInverse(s.nodes[j]);
      flights++;
      if (!fly(u, 0, plus)) return null;
      for (let q = 0; q < OUT; q++) s.curveValues[j * OUT + q] = plus[q] - s.f0[q];
    }
    // Slopes at the lowest node (where drag, and so the change of slope, is largest): one-sided.
    const dgLow = s.nodes[0] - curve.g(0);
    if (dgLow !== 0) {
      u[n] = curve.gInverse(s.nodes[0]);
      for (let i = 0; i < n; i++) {
        if (!layout.active[i]) continue;
        u[i] = k;
        flights++;
        const ok = fly(u, 0, plus);
        u[i] = 0;
        if (!ok) return null;
        // f(k·eᵢ, low) − F(low) = k·(aᵢ + dᵢ·Δg) + k²bᵢ.
        for (let q = 0; q < OUT; q++) {
          const fromNode = plus[q] - s.f0[q] - s.curveValues[q];
          s.d[i * OUT + q] = (fromNode / k - s.a[i * OUT + q] - k * s.b[i * OUT + q]) / dgLow;
        }
      }
    }
    u[n] = 0;
  }
  return { surrogate: s, flights };
}

/**
 * Checks the surrogate against real flights of the VALIDATION_FLIGHTS samples (rows of `u`, `dim`
 * wide, `count` rows) with the largest |u|. True when every one agrees (see the file comment).
 */
export function validateSurrogate(
  s: ImpactSurrogate,
  u: Float64Array,
  count: number,
  fly: SampleFlight,
): boolean {
  const dim = s.dim;
  const picks = largestRows(u, dim, count, VALIDATION_FLIGHTS);
  const { covPos, sigmaT } = s.spread();
  const tolT = Math.max(ABS_TOL_S, VALIDATION_SIGMA * sigmaT);
  const truth = new Float64Array(OUT);
  const approx = new Float64Array(OUT);
  const e = new Float64Array(3);
  for (const row of picks) {
    if (!fly(u, row * dim, truth)) return false;
    s.evaluate(u, row * dim, approx);
    if (Math.abs(truth[3] - approx[3]) > tolT) return false;
    for (let q = 0; q < 3; q++) e[q] = truth[q] - approx[q];
    const err = Math.hypot(e[0], e[1], e[2]);
    if (err <= ABS_TOL_M) continue;
    // The spread in the error's own direction: σ = √(êᵀ C ê).
    let along = 0;
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) along += e[r] * covPos[r * 3 + c] * e[c];
    if (err > (VALIDATION_SIGMA * Math.sqrt(along)) / err) return false;
  }
  return true;
}

/** Indices of the `want` rows with the largest squared norm, largest first (ties: lower index first). */
function largestRows(u: Float64Array, dim: number, count: number, want: number): number[] {
  // Partial selection into a short sorted list: O(count · want), no sort of every row.
  const rows: number[] = [];
  const norms: number[] = [];
  for (let r = 0; r < count; r++) {
    let acc = 0;
    for (let i = 0; i < dim; i++) acc += u[r * dim + i] ** 2;
    if (rows.length === want && acc <= norms[want - 1]) continue;
    let k = Math.min(rows.length, want - 1);
    if (rows.length < want) {
      rows.push(r);
      norms.push(acc);
    }
    while (k > 0 && norms[k - 1] < acc) {
      rows[k] = rows[k - 1];
      norms[k] = norms[k - 1];
      k--;
    }
    rows[k] = r;
    norms[k] = acc;
  }
  return rows;
}

/**
 * Covariance intersection (CI): fusion of two estimates of the same state whose cross-covariance is
 * unknown (Julier & Uhlmann, "A non-divergent estimation algorithm in the presence of unknown
 * correlations", ACC 1997):
 *
 *   P⁻¹ = ω·Pa⁻¹ + (1 − ω)·Pb⁻¹,    x = P·(ω·Pa⁻¹·xa + (1 − ω)·Pb⁻¹·xb),    ω ∈ [0, 1].
 *
 * Why CI here: allied trackers see the same missile with radars whose data may already have been
 * relayed and fused elsewhere (the US hub relays between ROK and JPN), and every tracker shares the
 * same unmodelled dynamics. Their errors are correlated by an unknown amount. Fusing them as if
 * independent ("naive" information fusion, `naiveFuse` below) counts the shared information twice and
 * is overconfident; CI is consistent for EVERY cross-covariance — the fused ellipsoid encloses the
 * intersection of the input ellipsoids — at the price of being looser than the optimum when the
 * inputs really are independent.
 *
 * ω minimises either det P (the volume of the fused ellipsoid, the usual choice) or tr P. Both
 * objectives are convex in ω (−log det and tr(·⁻¹) are convex on SPD matrices, and the fused
 * information is affine in ω). On a simultaneous diagonalisation of the two covariances (see
 * `ciFuse`) the objective, its slope and curvature are sums of n scalar terms, so the minimum is found
 * by a safeguarded Newton iteration on the slope in a handful of O(n) steps; when the slope at an end
 * points outwards, ω is exactly 0 or 1 and the result is exactly one input (the other adds nothing).
 *
 * N estimates are fused sequentially (CI of CI …): each step is consistent whatever the correlation,
 * so the result is consistent too. Callers pass the best estimate first.
 *
 * All work buffers live in `CiWorkspace` so a fusion engine calling this per system track per update
 * allocates nothing.
 */
import { cholesky, choleskySolve, spdInverse, symmetrize } from "../core/matrix.ts";
import { symmetricEigen } from "./symmetric-eigen.ts";

export type CiCriterion = "det" | "trace";

/** Tolerance on ω (the objective is flat near its minimum; 1e-10 is far below any effect). */
const OMEGA_TOL = 1e-10;

export class CiWorkspace {
  readonly Ia: Float64Array;
  readonly Ib: Float64Array;
  readonly M: Float64Array;
  readonly L: Float64Array;
  readonly W: Float64Array;
  readonly V: Float64Array;
  readonly B: Float64Array;
  readonly lambda: Float64Array;
  readonly c: Float64Array;
  readonly ya: Float64Array;
  readonly yb: Float64Array;
  readonly v: Float64Array;
  readonly tmp: Float64Array;
  constructor(readonly n: number) {
    const nn = n * n;
    this.Ia = new Float64Array(nn);
    this.Ib = new Float64Array(nn);
    this.M = new Float64Array(nn);
    this.L = new Float64Array(nn);
    this.W = new Float64Array(nn);
    this.V = new Float64Array(nn);
    this.B = new Float64Array(nn);
    this.lambda = new Float64Array(n);
    this.c = new Float64Array(n);
    this.ya = new Float64Array(n);
    this.yb = new Float64Array(n);
    this.v = new Float64Array(n);
    this.tmp = new Float64Array(nn);
  }
}

/*
 * The whitened form used by `ciFuse`. With Pa = La·Laᵀ (Cholesky) and the eigen-decomposition of the
 * whitened ratio W = La⁻¹·Pb·La⁻ᵀ = V·Λ·Vᵀ, the basis B = La·V makes both covariances diagonal:
 * Pa = B·Bᵀ, Pb = B·Λ·Bᵀ. The fused information in that basis is diagonal too,
 *     aᵢ(ω) = ω + (1 − ω)/λᵢ,   P = B·diag(1/aᵢ)·Bᵀ,
 * so each objective is a sum of n scalar terms: log det P = const − Σ log aᵢ, and
 * tr P = Σ cᵢ/aᵢ with cᵢ = ‖B·eᵢ‖². The search over ω then costs O(n) per step instead of a
 * factorisation, and the estimate is yᵢ = (ω·yaᵢ + (1 − ω)·ybᵢ/λᵢ)/aᵢ, x = B·y, with
 * ya = B⁻¹·xa, yb = B⁻¹·xb.
 */
function objectiveSlope(
  lambda: Float64Array,
  c: Float64Array,
  n: number,
  omega: number,
  criterion: CiCriterion,
): [number, number] {
  // f = −Σ log aᵢ ("det") or Σ cᵢ/aᵢ ("trace"), aᵢ = ω + (1 − ω)/λᵢ, daᵢ/dω = dᵢ = 1 − 1/λᵢ.
  let g = 0;
  let h = 0;
  for (let i = 0; i < n; i++) {
    const d = 1 - 1 / lambda[i];
    const a = omega + (1 - omega) / lambda[i];
    if (criterion === "det") {
      g -= d / a;
      h += (d * d) / (a * a);
    } else {
      g -= (c[i] * d) / (a * a);
      h += (2 * c[i] * d * d) / (a * a * a);
    }
  }
  return [g, h];
}

/**
 * The ω ∈ [0, 1] minimising the convex objective: an end when the slope there points outwards
 * (exactly 0 or 1: the other input adds nothing), else the root of the slope by Newton steps kept
 * inside a shrinking bracket (bisection when a step leaves it). The slope is increasing in ω.
 */
function optimalOmega(lambda: Float64Array, c: Float64Array, n: number, criterion: CiCriterion): number {
  const [g0] = objectiveSlope(lambda, c, n, 0, criterion);
  if (g0 >= 0) return 0;
  const [g1] = objectiveSlope(lambda, c, n, 1, criterion);
  if (g1 <= 0) return 1;
  let lo = 0;
  let hi = 1;
  let w = 0.5;
  for (let iter = 0; iter < 100; iter++) {
    const [g, h] = objectiveSlope(lambda, c, n, w, criterion);
    if (g < 0) lo = w;
    else hi = w;
    let next = h > 0 ? w - g / h : Number.NaN;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - w) <= OMEGA_TOL || hi - lo <= OMEGA_TOL) return next;
    w = next;
  }
  return w;
}

/** Solves L·y = b (L lower triangular n×n) in place on y (y may alias b). */
function forwardSolve(L: Float64Array, n: number, b: ArrayLike<number>, y: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let p = 0; p < i; p++) s -= L[i * n + p] * y[p];
    y[i] = s / L[i * n + i];
  }
}

/**
 * Covariance intersection of (xa, Pa) and (xb, Pb), n-dimensional, into (xOut, POut). Returns ω, the
 * weight of `a` (1: the result is `a`; 0: it is `b`), or NaN when an input covariance is not SPD (then
 * the outputs are untouched). Outputs may alias either input.
 */
export function ciFuse(
  xa: Float64Array,
  Pa: Float64Array,
  xb: Float64Array,
  Pb: Float64Array,
  n: number,
  xOut: Float64Array,
  POut: Float64Array,
  ws: CiWorkspace,
  criterion: CiCriterion = "det",
): number {
  if (ws.n !== n) throw new RangeError(`CI workspace is for n = ${ws.n}, not ${n}`);
  const { L, W, V, B, lambda, c, ya, yb, v, tmp } = ws;
  if (!cholesky(Pa, n, L)) return Number.NaN;
  for (let q = 0; q < n * n; q++) if (!Number.isFinite(Pb[q])) return Number.NaN;
  // W = La⁻¹·Pb·La⁻ᵀ: columns of Y = La⁻¹·Pb into tmp (as rows, Y is symmetric-ready), then La⁻¹·Yᵀ.
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) v[i] = Pb[i * n + j];
    forwardSolve(L, n, v, v);
    for (let i = 0; i < n; i++) tmp[j * n + i] = v[i]; // tmp row j = (La⁻¹·Pb)[:, j] = Yᵀ row j
  }
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) v[i] = tmp[i * n + j]; // column j of Yᵀ
    forwardSolve(L, n, v, v);
    for (let i = 0; i < n; i++) W[i * n + j] = v[i];
  }
  symmetricEigen(W, n, lambda, V, tmp);
  // Pb is SPD exactly when every λ > 0 (congruence); a tiny λ relative to the largest is round-off
  // on a singular Pb.
  let lmax = 0;
  for (let i = 0; i < n; i++) lmax = Math.max(lmax, lambda[i]);
  for (let i = 0; i < n; i++) if (!(lambda[i] > 1e-14 * lmax)) return Number.NaN;
  // B = La·V and cᵢ = ‖B·eᵢ‖².
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p <= i; p++) s += L[i * n + p] * V[p * n + j];
      B[i * n + j] = s;
    }
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += B[i * n + j] * B[i * n + j];
    c[j] = s;
  }
  const omega = optimalOmega(lambda, c, n, criterion);
  // At the ends copy the chosen input exactly (no round-off).
  if (omega === 1 || omega === 0) {
    const [xs, Ps] = omega === 1 ? [xa, Pa] : [xb, Pb];
    if (xOut !== xs) xOut.set(xs.subarray(0, n));
    if (POut !== Ps) POut.set(Ps.subarray(0, n * n));
    return omega;
  }
  // ya = Vᵀ·La⁻¹·xa, yb likewise.
  forwardSolve(L, n, xa, v);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += V[i * n + j] * v[i];
    ya[j] = s;
  }
  forwardSolve(L, n, xb, v);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += V[i * n + j] * v[i];
    yb[j] = s;
  }
  for (let j = 0; j < n; j++) {
    const a = omega + (1 - omega) / lambda[j];
    v[j] = (omega * ya[j] + ((1 - omega) * yb[j]) / lambda[j]) / a;
    c[j] = 1 / a; // reuse: fused variances in the B basis
  }
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += B[i * n + j] * v[j];
    xOut[i] = s;
  }
  for (let i = 0; i < n; i++)
    for (let k = i; k < n; k++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += B[i * n + j] * c[j] * B[k * n + j];
      POut[i * n + k] = s;
      POut[k * n + i] = s;
    }
  return omega;
}

/**
 * Information fusion assuming the two estimates are independent (P⁻¹ = Pa⁻¹ + Pb⁻¹): optimal when
 * that is true, overconfident when the errors are positively correlated. Kept as the reference CI is
 * compared against. Returns false when an input is not SPD.
 */
export function naiveFuse(
  xa: Float64Array,
  Pa: Float64Array,
  xb: Float64Array,
  Pb: Float64Array,
  n: number,
  xOut: Float64Array,
  POut: Float64Array,
  ws: CiWorkspace,
): boolean {
  if (!spdInverse(Pa, n, ws.Ia, ws.tmp)) return false;
  if (!spdInverse(Pb, n, ws.Ib, ws.tmp)) return false;
  combine(xa, xb, n, 1, 1, xOut, POut, ws);
  return true;
}

/** P = (wa·Ia + wb·Ib)⁻¹, x = P·(wa·Ia·xa + wb·Ib·xb), with Ia, Ib in the workspace. */
function combine(
  xa: Float64Array,
  xb: Float64Array,
  n: number,
  wa: number,
  wb: number,
  xOut: Float64Array,
  POut: Float64Array,
  ws: CiWorkspace,
): void {
  const { Ia, Ib, M, L, v } = ws;
  const nn = n * n;
  for (let q = 0; q < nn; q++) M[q] = wa * Ia[q] + wb * Ib[q];
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += wa * Ia[i * n + j] * xa[j] + wb * Ib[i * n + j] * xb[j];
    v[i] = s;
  }
  // M is SPD (positive combination of SPD matrices); solve rather than invert for x.
  cholesky(M, n, L);
  choleskySolve(L, n, v, 1, xOut);
  for (let q = 0; q < nn; q++) POut[q] = 0;
  for (let i = 0; i < n; i++) POut[i * n + i] = 1;
  choleskySolve(L, n, POut, n, POut);
  symmetrize(POut, n);
}

/**
 * Sequential CI of several estimates (in the given order: best first) into (xOut, POut). Returns the
 * number of estimates actually fused (those with a non-SPD covariance are skipped; 0 when none).
 */
export function ciFuseMany(
  xs: readonly Float64Array[],
  Ps: readonly Float64Array[],
  n: number,
  xOut: Float64Array,
  POut: Float64Array,
  ws: CiWorkspace,
  criterion: CiCriterion = "det",
): number {
  let used = 0;
  for (let k = 0; k < xs.length; k++) {
    if (used === 0) {
      if (!cholesky(Ps[k], n, ws.L)) continue;
      xOut.set(xs[k].subarray(0, n));
      POut.set(Ps[k].subarray(0, n * n));
      used = 1;
      continue;
    }
    const w = ciFuse(xOut, POut, xs[k], Ps[k], n, xOut, POut, ws, criterion);
    if (!Number.isNaN(w)) used++;
  }
  return used;
}

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
 * information is affine in ω), so a golden-section search on [0, 1] finds the minimum; the ends are
 * tested explicitly so that ω = 0 or 1 returns exactly one input when the other adds nothing.
 *
 * N estimates are fused sequentially (CI of CI …): each step is consistent whatever the correlation,
 * so the result is consistent too. Callers pass the best estimate first.
 *
 * All work buffers live in `CiWorkspace` so a fusion engine calling this per system track per update
 * allocates nothing.
 */
import { cholesky, choleskySolve, logDetFromCholesky, spdInverse, symmetrize } from "../core/matrix.ts";

export type CiCriterion = "det" | "trace";

/** Golden-section tolerance on ω (the objective is flat near its minimum; 1e-6 is far below noise). */
const OMEGA_TOL = 1e-6;
const INV_PHI = (Math.sqrt(5) - 1) / 2;

export class CiWorkspace {
  readonly Ia: Float64Array;
  readonly Ib: Float64Array;
  readonly M: Float64Array;
  readonly L: Float64Array;
  readonly Linv: Float64Array;
  readonly v: Float64Array;
  readonly tmp: Float64Array;
  constructor(readonly n: number) {
    const nn = n * n;
    this.Ia = new Float64Array(nn);
    this.Ib = new Float64Array(nn);
    this.M = new Float64Array(nn);
    this.L = new Float64Array(nn);
    this.Linv = new Float64Array(nn);
    this.v = new Float64Array(n);
    this.tmp = new Float64Array(nn);
  }
}

/**
 * Objective at ω: log det P (criterion "det") or tr P ("trace") with P⁻¹ = ω·Ia + (1 − ω)·Ib.
 * Infinity if the combination is not numerically SPD (cannot happen for SPD inputs and ω ∈ [0, 1],
 * but round-off at the ends is guarded).
 */
function objective(ws: CiWorkspace, omega: number, criterion: CiCriterion): number {
  const { n, Ia, Ib, M, L } = ws;
  const nn = n * n;
  for (let q = 0; q < nn; q++) M[q] = omega * Ia[q] + (1 - omega) * Ib[q];
  if (!cholesky(M, n, L)) return Number.POSITIVE_INFINITY;
  if (criterion === "det") return -logDetFromCholesky(L, n);
  // tr(M⁻¹) = ‖L⁻¹‖²_F: invert the lower-triangular L column by column.
  let tr = 0;
  for (let c = 0; c < n; c++) {
    for (let i = 0; i < n; i++) {
      if (i < c) {
        ws.v[i] = 0;
        continue;
      }
      let s = i === c ? 1 : 0;
      for (let p = c; p < i; p++) s -= L[i * n + p] * ws.v[p];
      const y = s / L[i * n + i];
      ws.v[i] = y;
      tr += y * y;
    }
  }
  return tr;
}

/**
 * The ω ∈ [0, 1] that minimises the criterion for information matrices already in ws.Ia, ws.Ib.
 * Exactly 0 or 1 when an end is at least as good as the interior minimum.
 */
function optimalOmega(ws: CiWorkspace, criterion: CiCriterion): number {
  let a = 0;
  let b = 1;
  let c = b - INV_PHI * (b - a);
  let d = a + INV_PHI * (b - a);
  let fc = objective(ws, c, criterion);
  let fd = objective(ws, d, criterion);
  while (b - a > OMEGA_TOL) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - INV_PHI * (b - a);
      fc = objective(ws, c, criterion);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + INV_PHI * (b - a);
      fd = objective(ws, d, criterion);
    }
  }
  let best = 0.5 * (a + b);
  let fBest = objective(ws, best, criterion);
  const f0 = objective(ws, 0, criterion);
  const f1 = objective(ws, 1, criterion);
  if (f1 <= fBest) {
    best = 1;
    fBest = f1;
  }
  if (f0 <= fBest) best = 0;
  return best;
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
  if (!spdInverse(Pa, n, ws.Ia, ws.tmp)) return Number.NaN;
  if (!spdInverse(Pb, n, ws.Ib, ws.tmp)) return Number.NaN;
  const omega = optimalOmega(ws, criterion);
  // At the ends copy the chosen input exactly (no inversion round-off).
  if (omega === 1 || omega === 0) {
    const [xs, Ps] = omega === 1 ? [xa, Pa] : [xb, Pb];
    if (xOut !== xs) xOut.set(xs.subarray(0, n));
    if (POut !== Ps) POut.set(Ps.subarray(0, n * n));
    return omega;
  }
  combine(xa, xb, n, omega, 1 - omega, xOut, POut, ws);
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

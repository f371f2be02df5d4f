/**
 * Generalised optimal sub-pattern assignment metric (GOSPA) with α = 2, Rahmathullah, García-Fernández
 * & Svensson (2017), "Generalized optimal sub-pattern assignment metric", FUSION 2017.
 *
 * With α = 2 the metric has a clean reading: every truth–estimate pair assigned within the cut-off
 * c costs its distance^p (localisation), every truth left unassigned costs c^p/2 (missed), every
 * estimate left unassigned costs c^p/2 (false):
 *
 *   GOSPA^p = min over partial assignments γ [ Σ_{(i,j)∈γ} d(x_i, y_j)^p + c^p/2 · (|X| + |Y| − 2|γ|) ].
 *
 * A pair is only worth assigning when d^p < c^p, so the minimum is a linear assignment with pair cost
 * min(d^p − c^p, 0): a pair at cost 0 contributes exactly what leaving both ends unassigned does.
 * The optimal assignment comes from the tracker's own Jonker–Volgenant solver (../assignment.ts),
 * checked independently in gospa.test.ts against brute-force enumeration.
 */
import { AssignmentSolver } from "../assignment.ts";

export interface GospaOptions {
  /** Cut-off distance c (same unit as the points), > 0. */
  readonly c: number;
  /** Order p ≥ 1. */
  readonly p: number;
}

export interface GospaResult {
  /** The metric itself, (localisation + missed + false)^(1/p). */
  readonly gospa: number;
  /** Σ d^p over assigned pairs (p-th power units). */
  readonly localisation: number;
  /** c^p/2 per missed truth (p-th power units). */
  readonly missed: number;
  /** c^p/2 per false estimate (p-th power units). */
  readonly false: number;
  readonly missedCount: number;
  readonly falseCount: number;
  /** Estimate index assigned to each truth (-1: missed). */
  readonly truthToEstimate: Int32Array;
}

/** Euclidean distance between the first `d` components of a and b. */
export function euclidean(a: ArrayLike<number>, b: ArrayLike<number>, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) {
    const e = a[k] - b[k];
    s += e * e;
  }
  return Math.sqrt(s);
}

function checkOptions(c: number, p: number): void {
  if (!(c > 0) || !Number.isFinite(c)) throw new RangeError(`GOSPA/OSPA cut-off c must be > 0, got ${c}`);
  if (!(p >= 1) || !Number.isFinite(p)) throw new RangeError(`GOSPA/OSPA order p must be ≥ 1, got ${p}`);
}

const solver = new AssignmentSolver();

/**
 * GOSPA (α = 2) between truth points and estimated points, each compared on its first `d` components
 * (d defaults to the length of the first point; pass 3 to compare positions of 6-state vectors).
 */
export function gospa(
  truths: readonly ArrayLike<number>[],
  estimates: readonly ArrayLike<number>[],
  opts: GospaOptions,
  d?: number,
): GospaResult {
  const { c, p } = opts;
  checkOptions(c, p);
  const m = truths.length;
  const n = estimates.length;
  const dim = d ?? (m > 0 ? truths[0].length : n > 0 ? estimates[0].length : 0);
  const cp = c ** p;
  const truthToEstimate = new Int32Array(m).fill(-1);
  let localisation = 0;
  let assigned = 0;
  if (m > 0 && n > 0) {
    const cost = new Float64Array(m * n);
    const dp = new Float64Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const dij = euclidean(truths[i], estimates[j], dim) ** p;
        dp[i * n + j] = dij;
        cost[i * n + j] = Math.min(dij - cp, 0);
      }
    }
    const rowToCol = new Int32Array(m);
    solver.solveInto(cost, m, n, rowToCol);
    for (let i = 0; i < m; i++) {
      const j = rowToCol[i];
      // A pair at d ≥ c is no better than two unassigned points; report it as missed + false.
      if (j >= 0 && dp[i * n + j] < cp) {
        truthToEstimate[i] = j;
        localisation += dp[i * n + j];
        assigned++;
      }
    }
  }
  const missedCount = m - assigned;
  const falseCount = n - assigned;
  const missed = (cp / 2) * missedCount;
  const falsePart = (cp / 2) * falseCount;
  return {
    gospa: (localisation + missed + falsePart) ** (1 / p),
    localisation,
    missed,
    false: falsePart,
    missedCount,
    falseCount,
    truthToEstimate,
  };
}

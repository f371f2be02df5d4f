/**
 * Optimal sub-pattern assignment metric (OSPA), Schuhmacher, Vo & Vo (2008), "A consistent metric for
 * performance evaluation of multi-object filters", IEEE TSP 56(8).
 *
 * For |X| = m ≤ n = |Y| (the definition is symmetric):
 *   OSPA = ( (1/n) · [ min over injections π Σ_i min(d(x_i, y_π(i)), c)^p + c^p · (n − m) ] )^(1/p),
 * and 0 when both sets are empty. Unlike GOSPA it normalises by n, so it is a per-object average and
 * does not separate missed from false objects.
 */
import { AssignmentSolver } from "../assignment.ts";
import { euclidean } from "./gospa.ts";

export interface OspaResult {
  readonly ospa: number;
  /** Localisation component: ((1/n) Σ d_c^p)^(1/p) over the optimal assignment. */
  readonly localisation: number;
  /** Cardinality component: ((1/n) c^p (n − m))^(1/p). */
  readonly cardinality: number;
}

const solver = new AssignmentSolver();

export function ospa(
  truths: readonly ArrayLike<number>[],
  estimates: readonly ArrayLike<number>[],
  opts: { readonly c: number; readonly p: number },
  d?: number,
): OspaResult {
  const { c, p } = opts;
  if (!(c > 0) || !Number.isFinite(c)) throw new RangeError(`OSPA cut-off c must be > 0, got ${c}`);
  if (!(p >= 1) || !Number.isFinite(p)) throw new RangeError(`OSPA order p must be ≥ 1, got ${p}`);
  const small = truths.length <= estimates.length ? truths : estimates;
  const large = truths.length <= estimates.length ? estimates : truths;
  const m = small.length;
  const n = large.length;
  if (n === 0) return { ospa: 0, localisation: 0, cardinality: 0 };
  const dim = d ?? large[0].length;
  const cp = c ** p;
  let loc = 0;
  if (m > 0) {
    const cost = new Float64Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) cost[i * n + j] = Math.min(euclidean(small[i], large[j], dim), c) ** p;
    }
    const rowToCol = new Int32Array(m);
    loc = solver.solveInto(cost, m, n, rowToCol);
  }
  const card = cp * (n - m);
  return {
    ospa: ((loc + card) / n) ** (1 / p),
    localisation: (loc / n) ** (1 / p),
    cardinality: (card / n) ** (1 / p),
  };
}

/**
 * Optimal rectangular assignment (linear sum assignment) by shortest augmenting paths — the
 * Jonker–Volgenant family, in the form of Crouse (2016), "On implementing 2D rectangular assignment
 * algorithms", IEEE TAES 52(4), which is also what SciPy's `linear_sum_assignment` uses.
 *
 * Input: a row-major cost matrix (nRows × nCols, Float64Array). `Infinity` marks a forbidden pair
 * (outside the gate). Finite costs may be negative.
 *
 * What is solved: among all assignments (each row to at most one column, each column to at most one
 * row, no forbidden pair) with the MAXIMUM number of assigned pairs, one with minimum total cost.
 * When every pair is allowed this is the classic rectangular problem (all min(nRows, nCols) of the
 * smaller side assigned). When forbidden pairs make a full assignment impossible, rows are left out
 * (-1) instead of failing. Optionally each row gets an "unassigned" cost instead (GNN: the cost of
 * declaring a missed detection), and then plain minimum total cost is solved. Both are reduced to a
 * always-feasible problem by one private dummy column per row.
 *
 * Why this algorithm: O(n³) worst case but, with Dijkstra-style augmentation from the current
 * duals, it is typically far faster on the sparse, nearly diagonal cost matrices that gating gives;
 * no cost scaling, and it works directly on rectangular matrices.
 *
 * `AssignmentSolver` keeps its work buffers between calls so a tracker solving one problem per scan
 * allocates nothing once the buffers have grown to the largest size seen.
 */

export interface AssignmentResult {
  /** Column assigned to each row, or -1. */
  readonly rowToCol: Int32Array;
  /** Row assigned to each column, or -1. */
  readonly colToRow: Int32Array;
  /** Sum of the costs of the assigned pairs. */
  readonly cost: number;
  /** Number of assigned pairs. */
  readonly assigned: number;
}

export class AssignmentSolver {
  private u = new Float64Array(0);
  private v = new Float64Array(0);
  private shortest = new Float64Array(0);
  private path = new Int32Array(0);
  private col4row = new Int32Array(0);
  private row4col = new Int32Array(0);
  private sr = new Uint8Array(0);
  private sc = new Uint8Array(0);
  private remaining = new Int32Array(0);
  private augmented = new Float64Array(0);

  /**
   * Solves the problem for `cost` (nRows × nCols) and writes the column of each row into
   * `rowToCol` (length ≥ nRows, -1 for unassigned) and, when given, the row of each column into
   * `colToRow` (length ≥ nCols). Returns the total cost of the assigned pairs (not counting
   * `unassignedCost`). Allocates nothing once the internal buffers have grown to the problem size.
   *
   * `unassignedCost` (a number for every row, or one per row): when given, leaving row i unassigned
   * costs unassignedCost[i] and the solver minimises assigned cost + unassigned cost, with no
   * cardinality preference — the usual GNN form where "track missed" competes with a poor pairing.
   * When omitted: maximum number of pairs first, then minimum cost (see the file header).
   *
   * Throws RangeError on NaN or -Infinity costs (a programming error upstream, not user input).
   */
  solveInto(
    cost: Float64Array,
    nRows: number,
    nCols: number,
    rowToCol: Int32Array,
    colToRow?: Int32Array,
    unassignedCost?: number | Float64Array,
  ): number {
    for (let i = 0; i < nRows; i++) rowToCol[i] = -1;
    if (colToRow) for (let j = 0; j < nCols; j++) colToRow[j] = -1;
    if (nRows === 0 || nCols === 0) return 0;
    const len = nRows * nCols;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let q = 0; q < len; q++) {
      const c = cost[q];
      if (Number.isNaN(c) || c === Number.NEGATIVE_INFINITY) {
        throw new RangeError(`assignment cost [${Math.floor(q / nCols)}][${q % nCols}] is ${c}`);
      }
      if (c !== Number.POSITIVE_INFINITY) {
        if (c < lo) lo = c;
        if (c > hi) hi = c;
      }
    }
    if (lo === Number.POSITIVE_INFINITY) return 0; // everything forbidden

    // Reduce to a problem where every row can always be matched: one private "unassigned" column per
    // row (only that row may use it). Without `unassignedCost`, the private column costs more than any
    // set of real pairs can differ (BIG > min(nRows,nCols)·(hi−lo) + |hi| + |lo|), so cardinality is
    // maximised first; that form is symmetric, so a tall matrix is transposed to keep the added
    // columns few.
    const maxCard = unassignedCost === undefined;
    const transpose = maxCard && nRows > nCols;
    const nr = transpose ? nCols : nRows;
    const ncReal = transpose ? nRows : nCols;
    const nc = ncReal + nr;
    const big = (Math.min(nRows, nCols) + 1) * (hi - lo + Math.abs(hi) + Math.abs(lo) + 1);
    this.ensure(nr, nc);
    const c = this.augmented;
    for (let i = 0; i < nr; i++) {
      const base = i * nc;
      if (transpose) for (let j = 0; j < ncReal; j++) c[base + j] = cost[j * nCols + i];
      else for (let j = 0; j < ncReal; j++) c[base + j] = cost[i * nCols + j];
      for (let k = 0; k < nr; k++) c[base + ncReal + k] = Number.POSITIVE_INFINITY;
      let miss = big;
      if (!maxCard) {
        miss = typeof unassignedCost === "number" ? unassignedCost : unassignedCost[i];
        if (Number.isNaN(miss) || miss === Number.NEGATIVE_INFINITY) {
          throw new RangeError(`unassigned cost of row ${i} is ${miss}`);
        }
      }
      c[base + ncReal + i] = miss;
    }

    const { u, v, col4row, row4col, shortest, sr, sc } = this;
    u.fill(0, 0, nr);
    v.fill(0, 0, nc);
    col4row.fill(-1, 0, nr);
    row4col.fill(-1, 0, nc);

    for (let curRow = 0; curRow < nr; curRow++) {
      const sink = this.augmentingPath(c, nr, nc, curRow);
      if (sink < 0) continue; // only when a row's unassigned cost is +Infinity and nothing is reachable
      const minVal = this.minVal;
      // Dual update keeps reduced costs non-negative (complementary slackness).
      u[curRow] += minVal;
      for (let i = 0; i < nr; i++) if (sr[i] && i !== curRow) u[i] += minVal - shortest[col4row[i]];
      for (let j = 0; j < nc; j++) if (sc[j]) v[j] -= minVal - shortest[j];
      // Augment along the alternating path back to curRow.
      let j = sink;
      for (;;) {
        const i = this.path[j];
        row4col[j] = i;
        const prev = col4row[i];
        col4row[i] = j;
        j = prev;
        if (i === curRow) break;
      }
    }

    let total = 0;
    for (let i = 0; i < nr; i++) {
      const j = col4row[i];
      if (j < 0 || j >= ncReal) continue;
      total += c[i * nc + j];
      if (transpose) {
        rowToCol[j] = i;
        if (colToRow) colToRow[i] = j;
      } else {
        rowToCol[i] = j;
        if (colToRow) colToRow[j] = i;
      }
    }
    return total;
  }

  /** Convenience wrapper that allocates its result arrays. */
  solve(
    cost: Float64Array,
    nRows: number,
    nCols: number,
    unassignedCost?: number | Float64Array,
  ): AssignmentResult {
    const rowToCol = new Int32Array(nRows);
    const colToRow = new Int32Array(nCols);
    const total = this.solveInto(cost, nRows, nCols, rowToCol, colToRow, unassignedCost);
    let assigned = 0;
    for (let i = 0; i < nRows; i++) if (rowToCol[i] >= 0) assigned++;
    return { rowToCol, colToRow, cost: total, assigned };
  }

  private minVal = 0;

  /** Dijkstra over reduced costs from curRow to the nearest free column; -1 when none is reachable. */
  private augmentingPath(c: Float64Array, nr: number, nc: number, curRow: number): number {
    const { u, v, shortest, path, row4col, sr, sc, remaining } = this;
    let minVal = 0;
    let numRemaining = nc;
    for (let it = 0; it < nc; it++) remaining[it] = nc - it - 1;
    sr.fill(0, 0, nr);
    sc.fill(0, 0, nc);
    shortest.fill(Number.POSITIVE_INFINITY, 0, nc);
    let sink = -1;
    let i = curRow;
    while (sink === -1) {
      let index = -1;
      let lowest = Number.POSITIVE_INFINITY;
      sr[i] = 1;
      const base = i * nc;
      const ui = u[i];
      for (let it = 0; it < numRemaining; it++) {
        const j = remaining[it];
        const r = minVal + c[base + j] - ui - v[j];
        if (r < shortest[j]) {
          path[j] = i;
          shortest[j] = r;
        }
        const s = shortest[j];
        // Ties prefer a free column: it ends the search sooner.
        if (s < lowest || (s === lowest && s !== Number.POSITIVE_INFINITY && row4col[j] === -1)) {
          lowest = s;
          index = it;
        }
      }
      minVal = lowest;
      if (minVal === Number.POSITIVE_INFINITY) return -1;
      const j = remaining[index];
      if (row4col[j] === -1) sink = j;
      else i = row4col[j];
      sc[j] = 1;
      remaining[index] = remaining[--numRemaining];
    }
    this.minVal = minVal;
    return sink;
  }

  private ensure(nr: number, nc: number): void {
    if (this.augmented.length < nr * nc) this.augmented = new Float64Array(nr * nc);
    if (this.u.length < nr) {
      this.u = new Float64Array(nr);
      this.col4row = new Int32Array(nr);
      this.sr = new Uint8Array(nr);
    }
    if (this.v.length < nc) {
      this.v = new Float64Array(nc);
      this.shortest = new Float64Array(nc);
      this.path = new Int32Array(nc);
      this.row4col = new Int32Array(nc);
      this.sc = new Uint8Array(nc);
      this.remaining = new Int32Array(nc);
    }
  }
}

const shared = new AssignmentSolver();

/**
 * One-shot optimal assignment of a row-major cost matrix (nRows × nCols, Infinity = forbidden):
 * maximum number of pairs, then minimum total cost. See `AssignmentSolver` for the allocation-free
 * form used in hot loops.
 */
export function solveAssignment(
  cost: Float64Array,
  nRows: number,
  nCols: number,
  unassignedCost?: number | Float64Array,
): AssignmentResult {
  return shared.solve(cost, nRows, nCols, unassignedCost);
}

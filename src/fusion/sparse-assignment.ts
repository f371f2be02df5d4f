/**
 * Optimal assignment on a sparse set of allowed pairs, split into independent clusters.
 *
 * Gating leaves most (system track, report) pairs forbidden: with a thousand objects each report
 * gates with one or two system tracks. The problem "most pairs, then least total cost" decomposes
 * exactly over the connected components of the bipartite gate graph (a pairing in one component
 * constrains nothing in another), so each component is solved on its own small dense matrix with
 * tracking/assignment.ts. Components are found with union–find.
 */
import { solveAssignment } from "../tracking/assignment.ts";

export interface Edge {
  readonly row: number;
  readonly col: number;
  readonly cost: number;
}

function find(parent: Int32Array, i: number): number {
  let r = i;
  while (parent[r] !== r) r = parent[r];
  // Path compression.
  while (parent[i] !== r) {
    const next = parent[i];
    parent[i] = r;
    i = next;
  }
  return r;
}

/**
 * Row of each column (−1: unassigned) for the assignment with the most pairs and, among those, the
 * least total cost, over the allowed pairs `edges` (duplicates: the cheapest is used).
 */
export function sparseAssignment(nRows: number, nCols: number, edges: readonly Edge[]): Int32Array {
  const colToRow = new Int32Array(nCols).fill(-1);
  if (edges.length === 0) return colToRow;
  // Nodes 0..nRows−1 are rows, nRows.. are columns.
  const parent = new Int32Array(nRows + nCols);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  for (const e of edges) {
    const a = find(parent, e.row);
    const b = find(parent, nRows + e.col);
    if (a !== b) parent[a] = b;
  }
  const groups = new Map<number, Edge[]>();
  for (const e of edges) {
    const root = find(parent, e.row);
    let g = groups.get(root);
    if (!g) {
      g = [];
      groups.set(root, g);
    }
    g.push(e);
  }
  for (const g of groups.values()) {
    if (g.length === 1) {
      colToRow[g[0].col] = g[0].row;
      continue;
    }
    const rowIdx = new Map<number, number>();
    const colIdx = new Map<number, number>();
    for (const e of g) {
      if (!rowIdx.has(e.row)) rowIdx.set(e.row, rowIdx.size);
      if (!colIdx.has(e.col)) colIdx.set(e.col, colIdx.size);
    }
    const nr = rowIdx.size;
    const nc = colIdx.size;
    const cost = new Float64Array(nr * nc).fill(Number.POSITIVE_INFINITY);
    for (const e of g) {
      const q = (rowIdx.get(e.row) as number) * nc + (colIdx.get(e.col) as number);
      if (e.cost < cost[q]) cost[q] = e.cost;
    }
    const rows = [...rowIdx.keys()];
    const cols = [...colIdx.keys()];
    const res = solveAssignment(cost, nr, nc);
    for (let b = 0; b < nc; b++) if (res.colToRow[b] >= 0) colToRow[cols[b]] = rows[res.colToRow[b]];
  }
  return colToRow;
}

import { describe, expect, it } from "vitest";
import { Rng } from "../core/rng.ts";
import { AssignmentSolver, solveAssignment } from "./assignment.ts";

/** Exhaustive reference: maximum number of allowed pairs, then minimum cost. */
function bruteForce(cost: Float64Array, nr: number, nc: number): { assigned: number; cost: number } {
  let best = { assigned: -1, cost: Number.POSITIVE_INFINITY };
  const used = new Uint8Array(nc);
  const rec = (i: number, assigned: number, sum: number): void => {
    if (i === nr) {
      if (assigned > best.assigned || (assigned === best.assigned && sum < best.cost))
        best = { assigned, cost: sum };
      return;
    }
    rec(i + 1, assigned, sum); // row i unassigned
    for (let j = 0; j < nc; j++) {
      const c = cost[i * nc + j];
      if (used[j] || c === Number.POSITIVE_INFINITY) continue;
      used[j] = 1;
      rec(i + 1, assigned + 1, sum + c);
      used[j] = 0;
    }
  };
  rec(0, 0, 0);
  return best;
}

function checkValid(rowToCol: Int32Array, colToRow: Int32Array, cost: Float64Array, nc: number): number {
  let sum = 0;
  for (let i = 0; i < rowToCol.length; i++) {
    const j = rowToCol[i];
    if (j < 0) continue;
    expect(colToRow[j]).toBe(i);
    expect(cost[i * nc + j]).not.toBe(Number.POSITIVE_INFINITY);
    sum += cost[i * nc + j];
  }
  for (let j = 0; j < colToRow.length; j++) if (colToRow[j] >= 0) expect(rowToCol[colToRow[j]]).toBe(j);
  return sum;
}

describe("AssignmentSolver", () => {
  it("solves a textbook 3×3 case", () => {
    // Classic example: optimum 5 with rows → columns (1, 0, 2).
    const c = Float64Array.from([4, 1, 3, 2, 0, 5, 3, 2, 2]);
    const r = solveAssignment(c, 3, 3);
    expect(r.cost).toBe(5);
    expect(Array.from(r.rowToCol)).toEqual([1, 0, 2]);
  });

  it("matches brute force on random small matrices (square, wide, tall, forbidden, negative, ties)", () => {
    const rng = new Rng("assignment-brute-force");
    const solver = new AssignmentSolver();
    for (let trial = 0; trial < 3000; trial++) {
      const nr = 1 + rng.uniformInt(6);
      const nc = 1 + rng.uniformInt(6);
      const pForbid = [0, 0.3, 0.7][trial % 3];
      const integer = trial % 5 === 0; // small integer costs produce many ties
      const cost = new Float64Array(nr * nc);
      for (let q = 0; q < cost.length; q++) {
        if (rng.uniform() < pForbid) cost[q] = Number.POSITIVE_INFINITY;
        else cost[q] = integer ? rng.uniformInt(4) : (rng.uniform() - 0.3) * 100;
      }
      const rowToCol = new Int32Array(nr);
      const colToRow = new Int32Array(nc);
      const total = solver.solveInto(cost, nr, nc, rowToCol, colToRow);
      const ref = bruteForce(cost, nr, nc);
      let assigned = 0;
      for (const j of rowToCol) if (j >= 0) assigned++;
      expect(assigned).toBe(ref.assigned);
      expect(total).toBeCloseTo(ref.cost, 9);
      expect(checkValid(rowToCol, colToRow, cost, nc)).toBeCloseTo(total, 9);
    }
  });

  it("handles empty and fully forbidden problems", () => {
    expect(solveAssignment(new Float64Array(0), 0, 5).assigned).toBe(0);
    const allInf = new Float64Array(6).fill(Number.POSITIVE_INFINITY);
    const r = solveAssignment(allInf, 2, 3);
    expect(r.assigned).toBe(0);
    expect(Array.from(r.rowToCol)).toEqual([-1, -1]);
    expect(r.cost).toBe(0);
  });

  it("rejects NaN costs", () => {
    expect(() => solveAssignment(Float64Array.from([1, Number.NaN]), 1, 2)).toThrow(/NaN/);
  });

  it("finds a planted zero-cost optimum on a larger sparse gated problem", () => {
    // 200×220 diagonal-dominant sparse problem: compare to a greedy solution (must be no worse) and to
    // the identity-like optimum we plant: cost 0 on (i, i), ≥ 1 elsewhere.
    const rng = new Rng("assignment-large");
    const nr = 200;
    const nc = 220;
    const cost = new Float64Array(nr * nc).fill(Number.POSITIVE_INFINITY);
    const perm = Array.from({ length: nc }, (_, j) => j);
    for (let j = nc - 1; j > 0; j--) {
      const k = rng.uniformInt(j + 1);
      [perm[j], perm[k]] = [perm[k], perm[j]];
    }
    for (let i = 0; i < nr; i++) {
      cost[i * nc + perm[i]] = 0;
      for (let k = 0; k < 3; k++) cost[i * nc + rng.uniformInt(nc)] = 1 + rng.uniform();
      cost[i * nc + perm[i]] = 0;
    }
    const r = solveAssignment(cost, nr, nc);
    expect(r.assigned).toBe(nr);
    expect(r.cost).toBe(0);
    for (let i = 0; i < nr; i++) expect(r.rowToCol[i]).toBe(perm[i]);
  });
});

describe("AssignmentSolver with an unassigned cost", () => {
  /** Reference: minimum of assigned cost + miss cost of every unassigned row. */
  function bruteForceMiss(cost: Float64Array, nr: number, nc: number, miss: Float64Array): number {
    let best = Number.POSITIVE_INFINITY;
    const used = new Uint8Array(nc);
    const rec = (i: number, sum: number): void => {
      if (i === nr) {
        best = Math.min(best, sum);
        return;
      }
      rec(i + 1, sum + miss[i]);
      for (let j = 0; j < nc; j++) {
        const c = cost[i * nc + j];
        if (used[j] || c === Number.POSITIVE_INFINITY) continue;
        used[j] = 1;
        rec(i + 1, sum + c);
        used[j] = 0;
      }
    };
    rec(0, 0);
    return best;
  }

  it("minimises assigned + unassigned cost, matching brute force", () => {
    const rng = new Rng("assignment-miss");
    const solver = new AssignmentSolver();
    for (let trial = 0; trial < 2000; trial++) {
      const nr = 1 + rng.uniformInt(6);
      const nc = 1 + rng.uniformInt(6);
      const cost = new Float64Array(nr * nc);
      for (let q = 0; q < cost.length; q++) {
        cost[q] = rng.uniform() < 0.4 ? Number.POSITIVE_INFINITY : rng.uniform() * 20;
      }
      const miss = new Float64Array(nr);
      for (let i = 0; i < nr; i++) miss[i] = rng.uniform() * 15;
      const rowToCol = new Int32Array(nr);
      const colToRow = new Int32Array(nc);
      const assignedCost = solver.solveInto(cost, nr, nc, rowToCol, colToRow, miss);
      let total = assignedCost;
      for (let i = 0; i < nr; i++) if (rowToCol[i] < 0) total += miss[i];
      expect(checkValid(rowToCol, colToRow, cost, nc)).toBeCloseTo(assignedCost, 9);
      expect(total).toBeCloseTo(bruteForceMiss(cost, nr, nc, miss), 9);
    }
  });

  it("prefers leaving a row unassigned when pairing costs more than missing", () => {
    const r = solveAssignment(Float64Array.from([10, 1]), 1, 2, 5);
    expect(Array.from(r.rowToCol)).toEqual([1]);
    const r2 = solveAssignment(Float64Array.from([10, 8]), 1, 2, 5);
    expect(Array.from(r2.rowToCol)).toEqual([-1]);
  });
});

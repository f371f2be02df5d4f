import { describe, expect, it } from "vitest";
import { Rng } from "../core/rng.ts";
import { solveAssignment } from "../tracking/assignment.ts";
import { type Edge, sparseAssignment } from "./sparse-assignment.ts";

describe("sparseAssignment (per-cluster)", () => {
  it("gives the same number of pairs and total cost as the dense solver on random sparse problems", () => {
    const rng = new Rng("sparse-assignment");
    for (let trial = 0; trial < 500; trial++) {
      const nr = 1 + rng.uniformInt(12);
      const nc = 1 + rng.uniformInt(12);
      const p = [0.05, 0.15, 0.4][trial % 3];
      const edges: Edge[] = [];
      const dense = new Float64Array(nr * nc).fill(Number.POSITIVE_INFINITY);
      for (let i = 0; i < nr; i++)
        for (let j = 0; j < nc; j++)
          if (rng.uniform() < p) {
            const c = trial % 4 === 0 ? rng.uniformInt(3) : 20 * rng.uniform();
            edges.push({ row: i, col: j, cost: c });
            dense[i * nc + j] = c;
          }
      const ref = solveAssignment(dense, nr, nc);
      const colToRow = sparseAssignment(nr, nc, edges);
      let pairs = 0;
      let cost = 0;
      const usedRows = new Set<number>();
      for (let j = 0; j < nc; j++) {
        const i = colToRow[j];
        if (i < 0) continue;
        expect(usedRows.has(i)).toBe(false);
        usedRows.add(i);
        expect(dense[i * nc + j]).not.toBe(Number.POSITIVE_INFINITY);
        pairs++;
        cost += dense[i * nc + j];
      }
      expect(pairs).toBe(ref.assigned);
      expect(cost).toBeCloseTo(ref.cost, 9);
    }
  });

  it("returns all −1 without edges", () => {
    expect(Array.from(sparseAssignment(3, 2, []))).toEqual([-1, -1]);
  });
});

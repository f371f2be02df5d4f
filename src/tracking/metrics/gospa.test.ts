import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { gospa } from "./gospa.ts";
import { ospa } from "./ospa.ts";

type P = number[];
const dist = (a: P, b: P) => Math.hypot(...a.map((v, k) => v - b[k]));

/** Brute force over every partial assignment (truth i → estimate j or none), straight from the definition. */
function bruteGospa(X: P[], Y: P[], c: number, p: number): number {
  let best = Number.POSITIVE_INFINITY;
  const used = new Array(Y.length).fill(false);
  const rec = (i: number, acc: number, assigned: number) => {
    if (i === X.length) {
      const total = acc + (c ** p / 2) * (X.length + Y.length - 2 * assigned);
      best = Math.min(best, total);
      return;
    }
    rec(i + 1, acc, assigned);
    for (let j = 0; j < Y.length; j++) {
      if (used[j]) continue;
      const d = dist(X[i], Y[j]);
      if (d >= c) continue; // GOSPA α=2 only assigns within the cut-off
      used[j] = true;
      rec(i + 1, acc + d ** p, assigned + 1);
      used[j] = false;
    }
  };
  rec(0, 0, 0);
  return best ** (1 / p);
}

/** Brute-force OSPA over every injection of the smaller set into the larger one. */
function bruteOspa(X: P[], Y: P[], c: number, p: number): number {
  const [S, L] = X.length <= Y.length ? [X, Y] : [Y, X];
  if (L.length === 0) return 0;
  let best = Number.POSITIVE_INFINITY;
  const used = new Array(L.length).fill(false);
  const rec = (i: number, acc: number) => {
    if (i === S.length) {
      best = Math.min(best, acc);
      return;
    }
    for (let j = 0; j < L.length; j++) {
      if (used[j]) continue;
      used[j] = true;
      rec(i + 1, acc + Math.min(dist(S[i], L[j]), c) ** p);
      used[j] = false;
    }
  };
  rec(0, 0);
  return ((best + c ** p * (L.length - S.length)) / L.length) ** (1 / p);
}

describe("GOSPA / OSPA", () => {
  const truths = [
    [0, 0],
    [10, 0],
  ];
  const tracks = [
    [1, 0],
    [30, 0],
    [50, 0],
  ];

  it("matches the issue fixture: GOSPA 12.2882 = (1 + 50 + 100)^(1/2)", () => {
    const r = gospa(truths, tracks, { c: 10, p: 2 });
    expect(r.gospa).toBeCloseTo(12.2882, 4);
    expect(r.localisation).toBeCloseTo(1, 12);
    expect(r.missed).toBeCloseTo(50, 12);
    expect(r.false).toBeCloseTo(100, 12);
    expect(r.missedCount).toBe(1);
    expect(r.falseCount).toBe(2);
    expect(Array.from(r.truthToEstimate)).toEqual([0, -1]);
  });

  it("matches the issue fixture: OSPA 8.1854 = ((1 + 100 + 100)/3)^(1/2)", () => {
    expect(ospa(truths, tracks, { c: 10, p: 2 }).ospa).toBeCloseTo(8.1854, 4);
    // symmetric in its arguments
    expect(ospa(tracks, truths, { c: 10, p: 2 }).ospa).toBeCloseTo(8.1854, 4);
  });

  it("handles empty sets", () => {
    expect(gospa([], [], { c: 5, p: 1 }).gospa).toBe(0);
    expect(gospa([[0, 0]], [], { c: 4, p: 2 }).gospa).toBeCloseTo(Math.sqrt(8), 12);
    expect(gospa([], [[0, 0]], { c: 4, p: 2 }).false).toBe(8);
    expect(ospa([], [], { c: 5, p: 1 }).ospa).toBe(0);
    expect(ospa([[1, 1]], [], { c: 5, p: 1 }).ospa).toBe(5);
  });

  it("compares only the first d components when asked", () => {
    const r = gospa([[0, 0, 0, 100, 100, 100]], [[3, 4, 0, 0, 0, 0]], { c: 10, p: 1 }, 3);
    expect(r.localisation).toBeCloseTo(5, 12);
  });

  it("rejects a bad cut-off or order", () => {
    expect(() => gospa([], [], { c: 0, p: 2 })).toThrow(/cut-off/);
    expect(() => ospa([], [], { c: 1, p: 0.5 })).toThrow(/order/);
  });

  it("equals brute-force enumeration on random small sets", () => {
    const pt = fc.tuple(
      fc.double({ min: -20, max: 20, noNaN: true }),
      fc.double({ min: -20, max: 20, noNaN: true }),
    );
    fc.assert(
      fc.property(
        fc.array(pt, { maxLength: 5 }),
        fc.array(pt, { maxLength: 5 }),
        fc.double({ min: 0.5, max: 30, noNaN: true }),
        fc.integer({ min: 1, max: 3 }),
        (X, Y, c, p) => {
          const g = gospa(X, Y, { c, p }).gospa;
          const o = ospa(X, Y, { c, p }).ospa;
          expect(g).toBeCloseTo(bruteGospa(X, Y, c, p), 9);
          expect(o).toBeCloseTo(bruteOspa(X, Y, c, p), 9);
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });
});

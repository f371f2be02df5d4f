import { describe, expect, it } from "vitest";
import { lowerBound, upperBound } from "./sorted-search.ts";

describe("sorted search", () => {
  const xs = Float64Array.of(1, 2, 2, 2, 5);
  it("lowerBound: first index with xs[i] ≥ v", () => {
    expect([0, 1, 2, 3, 5, 6].map((v) => lowerBound(xs, v))).toEqual([0, 0, 1, 4, 4, 5]);
    expect(lowerBound(new Float64Array(0), 1)).toBe(0);
  });
  it("upperBound: first index with xs[i] > v", () => {
    expect([0, 1, 2, 3, 5, 6].map((v) => upperBound(xs, v))).toEqual([0, 1, 4, 4, 5, 5]);
  });
});

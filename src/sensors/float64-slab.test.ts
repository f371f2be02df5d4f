import { describe, expect, it } from "vitest";
import { Float64Slab } from "./float64-slab.ts";

describe("Float64Slab", () => {
  it("hands out zero-filled, non-aliasing views across slab boundaries", () => {
    const slab = new Float64Slab(10);
    const views = Array.from({ length: 12 }, (_, i) => slab.take(1 + (i % 4)));
    for (const v of views) expect(Array.from(v).every((x) => x === 0)).toBe(true);
    for (const [i, v] of views.entries()) v.fill(i + 1);
    for (const [i, v] of views.entries()) expect(Array.from(v).every((x) => x === i + 1)).toBe(true);
    // A request larger than a slab still gets its own buffer.
    expect(slab.take(25).length).toBe(25);
  });
});

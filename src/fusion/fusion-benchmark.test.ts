import { describe, expect, it } from "vitest";
import { runFusionScale } from "./fusion-benchmark.ts";

describe("runFusionScale", () => {
  it("runs a small raid with injected clocks and associates every object's three reports", () => {
    let wall = 0;
    let cpu = 0;
    const r = runFusionScale({ objects: 20, steps: 3, clock: () => wall++, cpuClock: () => 2 * cpu++ });
    expect(r.systemTracks).toBe(20);
    expect(r.purity).toBe(1);
    expect(r.reportsPerFuse).toBe(60);
    expect(r.msPerFuse).toBe(1);
    expect(r.cpuMsPerFuse).toBe(2);
  });
});

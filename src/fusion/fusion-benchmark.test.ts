import { describe, expect, it } from "vitest";
import { runFusionScale } from "./fusion-benchmark.ts";

describe("runFusionScale", () => {
  it("runs a small raid with injected clocks and associates every object's three reports", () => {
    let tick = 0;
    const clock = () => tick++;
    const r = runFusionScale({ objects: 20, steps: 3, clock, cpuClock: clock });
    expect(r.systemTracks).toBe(20);
    expect(r.purity).toBe(1);
    expect(r.reportsPerFuse).toBe(60);
    expect(r.msPerFuse).toBe(1);
  });
});

import { describe, expect, it } from "vitest";
import { TrackQualityAccumulator } from "./track-quality.ts";

describe("track breaks and purity", () => {
  it("counts identity changes per truth and the dominant-truth share per track", () => {
    const q = new TrackQualityAccumulator();
    q.addScan([
      ["T1", "A"],
      ["T2", "B"],
    ]);
    q.addScan([
      ["T1", "A"],
      ["T2", "B"],
    ]);
    // T1 and T2 swap targets: one break each for A and B.
    q.addScan([
      ["T1", "B"],
      ["T2", "A"],
    ]);
    // A lost for a scan, then re-acquired by T2 again: no break; B picked up by new track T3: a break.
    q.addScan([["T3", "B"]]);
    q.addScan([
      ["T2", "A"],
      ["T3", "B"],
    ]);
    const r = q.result();
    expect(r.breaksPerTruth.get("A")).toBe(1);
    expect(r.breaksPerTruth.get("B")).toBe(2);
    expect(r.breaks).toBe(3);
    // T1: A,A,B → 2/3; T2: B,B,A,A → 2/4; T3: B,B → 1. Overall (2 + 2 + 2) / (3 + 4 + 2) = 6/9.
    expect(r.purityPerTrack.get("T1")).toBeCloseTo(2 / 3, 12);
    expect(r.purityPerTrack.get("T2")).toBeCloseTo(0.5, 12);
    expect(r.purityPerTrack.get("T3")).toBe(1);
    expect(r.purity).toBeCloseTo(6 / 9, 12);
  });

  it("reports NaN purity and no breaks with nothing assigned", () => {
    const r = new TrackQualityAccumulator().result();
    expect(r.breaks).toBe(0);
    expect(Number.isNaN(r.purity)).toBe(true);
  });
});

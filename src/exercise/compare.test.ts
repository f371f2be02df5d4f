import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compareModes, percentile } from "./compare.ts";
import { shortScenarioText } from "./test-scenario.ts";

const dir = mkdtempSync(join(tmpdir(), "allylink-compare-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("percentile", () => {
  it("interpolates linearly between order statistics (numpy's default)", () => {
    // numpy.percentile([1, 2, 3, 4], [10, 50, 90]) = [1.3, 2.5, 3.7]
    expect([0.1, 0.5, 0.9].map((p) => percentile([1, 2, 3, 4], p))).toEqual([1.3, 2.5, 3.7]);
    expect(percentile([7], 0.9)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
  });
});

describe("compare", () => {
  it("is reproducible with a seed whatever the number of worker processes", async () => {
    const file = join(dir, "short.yaml");
    writeFileSync(file, shortScenarioText("", 90));
    const opts = { modes: ["none", "trilateral"] as const, runs: 1, seed: 11, predictionSamples: 20 };
    const two = await compareModes(file, { ...opts, workers: 2 });
    const one = await compareModes(file, { ...opts, workers: 1 });
    expect(two).toEqual(one);
    expect(two.map((r) => `${r.mode}:${r.nation}`)).toEqual([
      "none:KOR",
      "none:USA",
      "none:JPN",
      "trilateral:KOR",
      "trilateral:USA",
      "trilateral:JPN",
    ]);
    // Sharing gives JPN an allied track; without sharing it has none.
    expect(two.find((r) => r.mode === "none" && r.nation === "JPN")!.firstAlliedTrackS.p50).toBeNull();
    expect(
      two.find((r) => r.mode === "trilateral" && r.nation === "JPN")!.firstAlliedTrackS.p50,
    ).not.toBeNull();
  }, 90_000);
});

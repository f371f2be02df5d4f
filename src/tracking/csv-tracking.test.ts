import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UserError } from "../core/errors.ts";
import { Rng } from "../core/rng.ts";
import {
  readDetectionsCsv,
  readTruthCsv,
  runTracker,
  type TrackRunOptions,
  truthAt,
} from "./csv-tracking.ts";
import { CvScenario } from "./cv-scenario.ts";

const dir = mkdtempSync(join(tmpdir(), "allylink-csvtrack-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const R = Float64Array.from([100, 0, 0, 0, 100, 0, 0, 0, 100]);

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function userError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error("expected a UserError");
}

const base: TrackRunOptions = {
  model: "cv",
  q: 0.1,
  sigma: [10, 10, 10],
  velocitySigma: 300,
  accelerationSigma: 50,
  confirmM: 3,
  confirmN: 4,
  maxMisses: 5,
  gateProbability: 0.999,
  matchDistance: 200,
};

describe("detections CSV", () => {
  it("reads required and optional columns, ignores others, in any column order", () => {
    const p = file("ok.csv", 'snr,z,y,x,t,sensor,truth\n5,3,2,1,0.5,"radar, north",T1\n6,30,20,10,1,r2,\n');
    const recs = readDetectionsCsv(p, "local", R);
    expect(recs.length).toBe(2);
    expect(Array.from(recs[0].det.z)).toEqual([1, 2, 3]);
    expect(recs[0].det.t).toBe(0.5);
    expect(recs[0].det.sensorId).toBe("radar, north");
    expect(recs[0].truthId).toBe("T1");
    expect(recs[1].truthId).toBeNull();
  });

  it("names file, line and column for a bad number", () => {
    const p = file("bad.csv", "t,x,y,z\n0,1,2,3\n1,1,abc,3\n");
    expect(userError(() => readDetectionsCsv(p, "local", R))).toBe(
      `${p}: line 3, column "y": "abc" is not a finite number`,
    );
  });

  it("names a missing required column", () => {
    const p = file("nocol.csv", "t,x,y\n0,1,2\n");
    expect(userError(() => readDetectionsCsv(p, "local", R))).toMatch(/line 1: missing required column "z"/);
  });

  it("rejects rows with the wrong number of fields, empty cells, empty files and unreadable files", () => {
    expect(userError(() => readDetectionsCsv(file("short.csv", "t,x,y,z\n0,1,2\n"), "local", R))).toMatch(
      /line 2: 3 fields, but the header has 4/,
    );
    expect(
      userError(() => readDetectionsCsv(file("empty-cell.csv", "t,x,y,z\n0,1,,3\n"), "local", R)),
    ).toMatch(/line 2, column "y": "" is not a finite number/);
    expect(userError(() => readDetectionsCsv(file("empty.csv", ""), "local", R))).toMatch(/empty/);
    expect(userError(() => readDetectionsCsv(join(dir, "missing.csv"), "local", R))).toMatch(
      /cannot read.*ENOENT/,
    );
  });

  it("refuses local coordinates declared as ECEF", () => {
    const p = file("local.csv", "t,x,y,z\n0,100,200,300\n");
    expect(userError(() => readDetectionsCsv(p, "ecef", R))).toMatch(/line 2: .*not an ECEF point/);
  });
});

describe("truth CSV", () => {
  it("interpolates each object linearly between its samples and omits it outside them", () => {
    const p = file("truth.csv", "t,id,x,y,z\n0,A,0,0,0\n2,A,20,40,60\n1,B,5,5,5\n");
    const truth = readTruthCsv(p, "local");
    const at1 = truthAt(truth, 1);
    expect(at1.map((q) => q.id).sort()).toEqual(["A", "B"]);
    expect(Array.from(at1.find((q) => q.id === "A")!.state)).toEqual([10, 20, 30]);
    expect(truthAt(truth, 3)).toEqual([]);
  });

  it("needs all three velocity columns or none", () => {
    const p = file("truth-v.csv", "t,id,x,y,z,vx\n0,A,0,0,0,1\n");
    expect(userError(() => readTruthCsv(p, "local"))).toMatch(/vx, vy, vz or none/);
  });
});

describe("runTracker", () => {
  it("tracks a small CV scenario from records and scores it against truth", () => {
    const sc = new CvScenario(new Rng("csv-run"), { targets: 4, pd: 0.95, clutterPerScan: 3 });
    const recs: { det: import("../sensors/detection.ts").Detection; truthId: string | null }[] = [];
    const truth = new Map<string, { t: number; state: Float64Array }[]>();
    for (let s = 0; s < 80; s++) {
      if (s) sc.step();
      for (const d of sc.detections()) recs.push({ det: d, truthId: null });
      for (const p of sc.truthPoints()) {
        if (!truth.has(p.id)) truth.set(p.id, []);
        truth.get(p.id)!.push({ t: sc.t, state: Float64Array.from(p.state) });
      }
    }
    // Records in reverse order: runTracker must sort by time itself.
    const r = runTracker(recs.reverse(), truth, base);
    expect(r.confirmedTracks).toBe(4);
    expect(r.spuriousTracks).toBe(0);
    expect(r.targetsHeld).toBe(4);
    expect(r.rmseM!).toBeLessThan(12);
    expect(r.meanNees!).toBeGreaterThan(3);
    expect(r.meanNees!).toBeLessThan(9);
    expect(r.frames).toBe(80);
    expect(r.rows.length).toBeGreaterThan(4 * 70);
    const noTruth = runTracker(recs, null, base);
    expect(noTruth.rmseM).toBeNull();
    expect(noTruth.spuriousTracks).toBeNull();
    expect(noTruth.confirmedTracks).toBe(4);
  });
});

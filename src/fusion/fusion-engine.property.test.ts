import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cholesky } from "../core/matrix.ts";
import { Rng } from "../core/rng.ts";
import { FusionEngine, type SystemTrack, type TrackReport } from "./fusion-engine.ts";
import { diagCov, noisyReport, propagateTruth, stateAt } from "./test-fixtures.ts";

/**
 * Property: whatever arrives — valid reports of a few objects from three nations, interleaved with
 * malformed ones of every kind — fuse() never throws, the picture is well formed, and it is exactly
 * the picture the valid reports alone would give (bad input never touches it).
 */

const SOURCES = ["JPN", "KOR", "USA"] as const;
const OBJECTS = [
  stateAt(38, 128, 200e3, 1500, 500, 0),
  stateAt(38.2, 128.3, 210e3, 1400, 600, 50),
  stateAt(37, 131, 300e3, 0, 2000, 0),
];

type Corruption =
  | "nan-x"
  | "inf-P"
  | "indefinite"
  | "asymmetric"
  | "short-x"
  | "long-P"
  | "nation"
  | "far"
  | "fast"
  | "negative-var"
  | "plain-array"
  | "quality"
  | "phase"
  | "null";

const CORRUPTIONS: Corruption[] = [
  "nan-x",
  "inf-P",
  "indefinite",
  "asymmetric",
  "short-x",
  "long-P",
  "nation",
  "far",
  "fast",
  "negative-var",
  "plain-array",
  "quality",
  "phase",
  "null",
];

function corrupt(r: TrackReport, how: Corruption, v: number): unknown {
  const x = Float64Array.from(r.x);
  const P = Float64Array.from(r.P);
  switch (how) {
    case "nan-x":
      x[Math.abs(Math.floor(v)) % 6] = Number.NaN;
      return { ...r, x };
    case "inf-P":
      P[Math.abs(Math.floor(v)) % 36] = Number.POSITIVE_INFINITY;
      return { ...r, P };
    case "indefinite":
      P[1] = P[6] = 2 * Math.sqrt(P[0] * P[7]);
      return { ...r, P };
    case "asymmetric":
      P[2] = P[2] + 0.1 * P[0] + 1;
      return { ...r, P };
    case "short-x":
      return { ...r, x: x.subarray(0, 5) };
    case "long-P":
      return { ...r, P: new Float64Array(49) };
    case "nation":
      return { ...r, source: "FRA" };
    case "far":
      x[0] = 1e12;
      return { ...r, x };
    case "fast":
      x[3] = 1e7;
      return { ...r, x };
    case "negative-var":
      P[14] = -1;
      return { ...r, P };
    case "plain-array":
      return { ...r, x: Array.from(x) };
    case "quality":
      return { ...r, quality: 99 };
    case "phase":
      return { ...r, phase: "coast" };
    case "null":
      return null;
  }
}

interface Step {
  readonly dt: number;
  readonly reports: { obj: number; src: number; lag: number; bad: Corruption | null; v: number }[];
}

function wellFormed(pic: readonly SystemTrack[]): void {
  const seenStn = new Set<number>();
  const seenReport = new Set<string>();
  const L = new Float64Array(36);
  for (const st of pic) {
    expect(seenStn.has(st.stn)).toBe(false);
    seenStn.add(st.stn);
    for (const v of st.x) expect(Number.isFinite(v)).toBe(true);
    expect(cholesky(st.P, 6, L)).toBe(true);
    expect(st.contributors.length).toBeGreaterThan(0);
    const sources = new Set(st.contributors.map((c) => c.source));
    expect(sources.size).toBe(st.contributors.length);
    expect(sources.has(st.reportingResponsibility)).toBe(true);
    for (const c of st.contributors) {
      const k = `${c.source}/${c.trackNumber}`;
      expect(seenReport.has(k)).toBe(false);
      seenReport.add(k);
    }
  }
}

describe("FusionEngine under arbitrary input (fast-check)", () => {
  it("never throws, keeps a well-formed picture, and bad reports change nothing", () => {
    const step = fc.record({
      dt: fc.double({ min: 0, max: 3, noNaN: true }),
      reports: fc.array(
        fc.record({
          obj: fc.integer({ min: 0, max: OBJECTS.length - 1 }),
          src: fc.integer({ min: 0, max: SOURCES.length - 1 }),
          lag: fc.double({ min: -1, max: 4, noNaN: true }),
          bad: fc.option(fc.constantFrom(...CORRUPTIONS), { freq: 3 }),
          v: fc.integer({ min: 0, max: 1000 }),
        }),
        { maxLength: 8 },
      ),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), fc.integer(), (steps: Step[], seed) => {
        const rng = new Rng(seed);
        const withBad = new FusionEngine({ nation: "JPN", maxAgeS: 6 });
        const clean = new FusionEngine({ nation: "JPN", maxAgeS: 6 });
        const P = diagCov(150, 15);
        let t = 0;
        let badCount = 0;
        for (const s of steps) {
          t += s.dt;
          for (const r of s.reports) {
            const tr = t - r.lag;
            const rep = noisyReport(
              rng,
              SOURCES[r.src],
              `${r.obj}`,
              tr,
              propagateTruth(OBJECTS[r.obj], tr),
              P,
            );
            if (r.bad) {
              badCount++;
              const res = withBad.report(corrupt(rep, r.bad, r.v) as TrackReport);
              expect(res.accepted).toBe(false);
            } else {
              const a = withBad.report(rep);
              const b = clean.report(rep);
              expect(a).toEqual(b);
            }
          }
          const p1 = withBad.fuse(t);
          const p2 = clean.fuse(t);
          wellFormed(p1);
          expect(JSON.stringify(p1, (_k, v) => (v instanceof Float64Array ? Array.from(v) : v))).toBe(
            JSON.stringify(p2, (_k, v) => (v instanceof Float64Array ? Array.from(v) : v)),
          );
        }
        const rejected = Object.values(withBad.stats().rejected).reduce((a, b) => a + b, 0);
        const cleanRejected = Object.values(clean.stats().rejected).reduce((a, b) => a + b, 0);
        expect(rejected - cleanRejected).toBe(badCount);
      }),
      { numRuns: 60, seed: 20240531 },
    );
  });
});

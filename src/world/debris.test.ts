import { describe, expect, it } from "vitest";
import { deg2rad, ecefToGeodetic } from "../core/geodesy.ts";
import { Rng } from "../core/rng.ts";
import { BallisticFragment, releaseDebris } from "./debris.ts";
import { planMissileFlight } from "./missile-flight.ts";
import { newTruthState } from "./truth.ts";

const flight = planMissileFlight({
  id: "i1",
  missileClass: "IRBM",
  launchSite: { lat: deg2rad(39.22), lon: deg2rad(125.67) },
  tLaunch: 10,
  aim: { azimuth: deg2rad(80), rangeM: 3000e3 },
  trajectory: "minimum-energy",
});

describe("debris", () => {
  it("releases each spent stage at its burnout with the stack's state, then lets it fall", () => {
    const parts = releaseDebris(flight, new Rng(1));
    expect(parts.map((p) => p.id)).toEqual(["i1.s1", "i1.s2"]);
    const a = newTruthState();
    const b = newTruthState();
    for (const [i, p] of parts.entries()) {
      const rel = flight.stageReleases[i];
      expect(p.tStart).toBe(rel.t);
      expect(p.sample(p.tStart, a)).toBe(true);
      expect(flight.sample(rel.t, b)).toBe(true);
      for (let k = 0; k < 3; k++) expect(a.pos[k]).toBeCloseTo(b.pos[k], 3);
      expect(p.impacted).toBe(true);
      expect(p.sample(p.tEnd, a)).toBe(true);
      expect(Math.abs(ecefToGeodetic(a.pos[0], a.pos[1], a.pos[2]).h)).toBeLessThan(1);
      const fell = p.fallPoint();
      for (let k = 0; k < 3; k++) expect(fell?.[k]).toBeCloseTo(a.pos[k], 3);
      expect(a.phase).toBe("reentry");
      expect(a.burning).toBe(false);
    }
    // The first stage burns out low and slow: it falls far short of the RV.
    expect(parts[0].tEnd).toBeLessThan(flight.tEnd);
  });

  it("is deterministic for a seed, spreads with the Δv σ, and stays cheap for a thousand objects", () => {
    const opts = { fragmentsPerStage: 400, fragmentsAtSeparation: 200, deltaVSigmaMs: 10 };
    const a = releaseDebris(flight, new Rng("salvo"), opts);
    const b = releaseDebris(flight, new Rng("salvo"), opts);
    expect(a.length).toBe(2 + 2 * 400 + 200);
    const sa = newTruthState();
    const sb = newTruthState();
    for (let i = 0; i < a.length; i += 97) {
      expect(a[i].id).toBe(b[i].id);
      a[i].sample(a[i].tEnd, sa);
      b[i].sample(b[i].tEnd, sb);
      expect(Array.from(sa.pos)).toEqual(Array.from(sb.pos));
    }
    // Separation fragments: sample a snapshot 60 s after release; the spread ≈ σ·60 s per axis.
    // The separation fragments come last (stage 2 also ends at burnout, so select by position in the list).
    const sep = a.slice(-200);
    for (const f of sep) expect(f.tStart).toBe(flight.burnoutT);
    expect(sep.length).toBe(200);
    const t = flight.burnoutT + 60;
    const mean = [0, 0, 0];
    const pts: number[][] = [];
    for (const f of sep) {
      expect(f.sample(t, sa)).toBe(true);
      pts.push([sa.pos[0], sa.pos[1], sa.pos[2]]);
      for (let k = 0; k < 3; k++) mean[k] += sa.pos[k] / sep.length;
    }
    let ss = 0;
    for (const p of pts) for (let k = 0; k < 3; k++) ss += (p[k] - mean[k]) ** 2;
    const rmsPerAxis = Math.sqrt(ss / (3 * (pts.length - 1)));
    expect(rmsPerAxis).toBeGreaterThan(0.75 * 600);
    expect(rmsPerAxis).toBeLessThan(1.25 * 600);
    // All debris samples fine at any time in its life.
    let samples = 0;
    for (const f of a) if (f.sample(0.5 * (f.tStart + f.tEnd), sa)) samples++;
    expect(samples).toBe(a.length);
  });

  it("rejects bad fragment parameters with the field named", () => {
    expect(() => releaseDebris(flight, new Rng(1), { fragmentsPerStage: -1 })).toThrow(/fragmentsPerStage/);
    expect(
      () =>
        new BallisticFragment({
          id: "f",
          kind: "debris",
          tRelease: 0,
          pos: [7e6, 0, 0],
          vel: [0, 0, 0],
          ballisticCoefKgM2: 0,
          rcsM2: 1,
        }),
    ).toThrow(/ballisticCoefKgM2/);
  });
});

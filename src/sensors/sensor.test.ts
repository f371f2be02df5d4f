import { describe, expect, it } from "vitest";
import { deg2rad, ecefToGeodetic } from "../core/geodesy.ts";
import { Rng } from "../core/rng.ts";
import { planMissileFlight } from "../world/missile-flight.ts";
import { type Mover, newTruthState, type TruthState } from "../world/truth.ts";
import { createSensor, createSensors } from "./catalogue.ts";
import type { Detection, DetectionTruth } from "./detection.ts";
import { TruthSnapshot } from "./truth-snapshot.ts";

/** A straight-line mover with a time-varying RCS: enough to exercise the snapshot's bookkeeping. */
class LineMover implements Mover {
  readonly kind = "test";
  readonly rcsM2 = 0.5;
  constructor(
    readonly id: string,
    readonly tStart: number,
    readonly tEnd: number,
    private readonly p0: number[],
    private readonly v: number[],
    private readonly burnUntil: number,
  ) {}
  rcsAt(t: number): number {
    return t < this.burnUntil ? 3 : this.rcsM2;
  }
  sample(t: number, out: TruthState): boolean {
    if (t < this.tStart || t > this.tEnd) return false;
    for (let j = 0; j < 3; j++) {
      out.pos[j] = this.p0[j] + this.v[j] * (t - this.tStart);
      out.vel[j] = this.v[j];
    }
    out.burning = t < this.burnUntil;
    out.phase = out.burning ? "boost" : "midcourse";
    return true;
  }
}

describe("TruthSnapshot", () => {
  it("samples only live movers, in order, with their time-varying RCS and burn state", () => {
    const movers = [
      new LineMover("a", 0, 100, [7e6, 0, 0], [1, 2, 3], 10),
      new LineMover("b", 50, 60, [0, 7e6, 0], [0, 0, 0], 0),
      new LineMover("c", 0, 100, [0, 0, 7e6], [-1, 0, 0], 0),
    ];
    const snap = new TruthSnapshot(1); // grows as needed
    snap.fill(5, movers);
    expect(snap.count).toBe(2);
    expect(snap.ids).toEqual(["a", "c"]);
    expect(Array.from(snap.pos.subarray(0, 3))).toEqual([7e6 + 5, 10, 15]);
    expect(Array.from(snap.vel.subarray(3, 6))).toEqual([-1, 0, 0]);
    expect(snap.burning[0]).toBe(1);
    expect(snap.rcsM2[0]).toBe(3);
    snap.fill(55, movers);
    expect(snap.ids).toEqual(["a", "b", "c"]);
    expect(snap.burning[0]).toBe(0);
    expect(snap.rcsM2[0]).toBe(0.5);
    expect(snap.t).toBe(55);
  });
});

describe("sensors over a real planned flight", () => {
  it("an SRBM from Sunan into the East Sea: radars track it, IR sees only the burning boost above 10 km", () => {
    const flight = planMissileFlight({
      id: "srbm-1",
      missileClass: "SRBM",
      launchSite: { lat: deg2rad(39.22), lon: deg2rad(125.67), h: 50 },
      tLaunch: 100,
      aim: { lat: deg2rad(39.6), lon: deg2rad(129.3) },
      trajectory: "minimum-energy",
    });
    const sensors = createSensors([
      { catalogue: "USA-TPY2-SEONGJU", overrides: { falseAlarmsPerScan: 0 } },
      { catalogue: "KOR-AEGIS-EAST-SEA-1", overrides: { falseAlarmsPerScan: 0 } },
      { catalogue: "USA-SBIRS-GEO-WEST-PACIFIC", overrides: { falseAlarmsPerScan: 0, revisitS: 2 } },
    ]);
    const root = new Rng("flight");
    const rngs = sensors.map((s) => root.fork(s.id));
    const perSensor = new Map<string, { dets: Detection[]; truth: DetectionTruth[] }>();
    for (const s of sensors) perSensor.set(s.id, { dets: [], truth: [] });
    // Event loop as a runner would do it: step to the earliest next scan.
    const next = sensors.map((s) => s.nextScanTime(flight.tStart));
    for (;;) {
      let i = 0;
      for (let j = 1; j < next.length; j++) if (next[j] < next[i]) i = j;
      const t = next[i];
      if (t > flight.tEnd) break;
      const bucket = perSensor.get(sensors[i].id)!;
      sensors[i].scan(t, [flight], rngs[i], bucket.dets, bucket.truth);
      next[i] = sensors[i].nextScanTimeAfter(t);
    }
    const state = newTruthState();
    for (const [id, { dets, truth }] of perSensor) {
      expect(dets.length, id).toBeGreaterThan(0);
      for (let k = 0; k < dets.length; k++) {
        expect(truth[k].objectId).toBe("srbm-1");
        expect(dets[k].tReport).toBeGreaterThanOrEqual(dets[k].t);
        if (id.includes("SBIRS")) {
          expect(dets[k].kind).toBe("ir");
          expect(dets[k].t).toBeLessThan(flight.burnoutT);
          flight.sample(dets[k].t, state);
          expect(ecefToGeodetic(state.pos[0], state.pos[1], state.pos[2]).h).toBeGreaterThan(10_000);
        } else {
          expect(dets[k].kind).toBe("radar");
        }
      }
    }
    // The radars follow it through most of its flight (a 300 km SRBM stays within their coverage).
    const aegis = perSensor.get("KOR-AEGIS-EAST-SEA-1")!.dets;
    expect(aegis[aegis.length - 1].t - aegis[0].t).toBeGreaterThan(0.5 * (flight.tEnd - flight.tStart));
    // And the IR sensor saw the boost more than once.
    expect(perSensor.get("USA-SBIRS-GEO-WEST-PACIFIC")!.dets.length).toBeGreaterThan(3);
  });

  it("one snapshot serves many sensors scanning at the same instant", () => {
    const snap = new TruthSnapshot().reset(10);
    const s1 = createSensor({ catalogue: "JPN-FPS5-SADO", overrides: { falseAlarmsPerScan: 0 } });
    const s2 = createSensor({ catalogue: "JPN-FPS5-OMINATO", overrides: { falseAlarmsPerScan: 0 } });
    const out: Detection[] = [];
    const truth: DetectionTruth[] = [];
    expect(s1.scanSnapshot(snap, new Rng(1), out, truth)).toBe(0);
    expect(s2.scanSnapshot(snap, new Rng(2), out, truth)).toBe(0);
    expect(out.length).toBe(0);
  });
});

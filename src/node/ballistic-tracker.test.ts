import { describe, expect, it } from "vitest";
import { deg2rad } from "../core/geodesy.ts";
import { Rng } from "../core/rng.ts";
import type { Detection } from "../sensors/detection.ts";
import { Radar } from "../sensors/radar.ts";
import { planMissileFlight } from "../world/missile-flight.ts";
import { newTruthState } from "../world/truth.ts";
import { createBallisticTracker } from "./ballistic-tracker.ts";

describe("ballistic tracker on a simulated SRBM", () => {
  it("confirms one track and follows the missile to within a few hundred metres", () => {
    const flight = planMissileFlight({
      id: "S1",
      missileClass: "SRBM",
      launchSite: { lat: deg2rad(39.66), lon: deg2rad(124.7) },
      tLaunch: 0,
      aim: { lat: deg2rad(38.6), lon: deg2rad(127.6) },
      trajectory: "minimum-energy",
    });
    const radar = new Radar({
      id: "test-radar",
      nation: "KOR",
      site: { latRad: deg2rad(37.0), lonRad: deg2rad(127.0), hM: 100 },
      boresightAzRad: 0,
      halfWidthAzRad: Math.PI,
      elMinRad: deg2rad(0.5),
      elMaxRad: deg2rad(85),
      rangeMinM: 1000,
      rangeMaxM: 800e3,
      refRangeM: 1_500e3,
      pfa: 1e-6,
      sigmaRangeM: 30,
      sigmaAzRad: 1e-3,
      sigmaElRad: 1e-3,
      revisitS: 2,
      latencyS: 0.5,
      scanOffsetS: 0,
      falseAlarmsPerScan: 0,
    });
    const events: string[] = [];
    const tracker = createBallisticTracker({
      hooks: {
        onConfirm: (tr) => events.push(`confirm ${tr.id} t=${tr.tConfirmed}`),
        onDelete: (tr, why) => events.push(`delete ${tr.id} ${why} t=${tr.tLastUpdate}`),
      },
    });
    const rng = new Rng(3);
    const dets: Detection[] = [];
    const truths: { detectionId: string; objectId: string | null }[] = [];
    const s = newTruthState();
    let worst = 0;
    for (let t = 0; t < flight.tEnd; t += 2) {
      dets.length = 0;
      radar.scan(t, [flight], rng, dets, truths);
      for (const d of dets) tracker.ingest(d);
      tracker.advanceTo(t);
      const conf = tracker.confirmedTracks();
      if (conf.length && t > 120 && flight.sample(conf[0].filter.t, s)) {
        const x = conf[0].filter.x;
        worst = Math.max(worst, Math.hypot(x[0] - s.pos[0], x[1] - s.pos[1], x[2] - s.pos[2]));
      }
    }
    expect(tracker.stats.tracksConfirmed, events.join("; ")).toBe(1);
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThan(1500);
  });
});

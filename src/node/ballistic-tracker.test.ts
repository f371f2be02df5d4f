import { describe, expect, it } from "vitest";
import { deg2rad, ecefToGeodetic, geodesicInverse } from "../core/geodesy.ts";
import { Rng } from "../core/rng.ts";
import type { Detection } from "../sensors/detection.ts";
import { Radar } from "../sensors/radar.ts";
import { nees } from "../tracking/metrics/nees.ts";
import { positionVelocityBlock, type TrackFilter } from "../tracking/track-filter.ts";
import { predictImpact } from "../warning/impact-prediction.ts";
import { BallisticFragment } from "../world/debris.ts";
import { planMissileFlight } from "../world/missile-flight.ts";
import { newTruthState } from "../world/truth.ts";
import { ballisticCoefficient, createBallisticTracker, thrustEstimate } from "./ballistic-tracker.ts";
import { sinpoMrbm } from "./test-node.ts";

function testRadar(latDeg: number, lonDeg: number): Radar {
  return new Radar({
    id: "test-radar",
    nation: "KOR",
    site: { latRad: deg2rad(latDeg), lonRad: deg2rad(lonDeg), hM: 100 },
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
}

/** An SRBM from the west coast of the PRK across the peninsula (apogee ≈ 87 km). */
function westCoastSrbm() {
  return planMissileFlight({
    id: "S1",
    missileClass: "SRBM",
    launchSite: { lat: deg2rad(39.66), lon: deg2rad(124.7) },
    tLaunch: 0,
    aim: { lat: deg2rad(38.6), lon: deg2rad(127.6) },
    trajectory: "minimum-energy",
  });
}

describe("ballistic tracker on a simulated SRBM", () => {
  it("confirms one track and follows the missile to within a few hundred metres", () => {
    const flight = westCoastSrbm();
    const radar = testRadar(37.0, 127.0);
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

  it("estimates the booster's thrust: consistent in boost, and no thrust left soon after burnout", () => {
    // An MRBM from Sinpo watched from 200 km away, one radar scan every 2 s; seven seeds. Against it,
    // the same tracker without its boost model (the ballistic filter alone: mean NEES ≈ 20 here).
    const flight = sinpoMrbm();
    const radar = testRadar(38.2, 128.6);
    const s = newTruthState();
    const run = (seed: number, boost: boolean) => {
      const tracker = createBallisticTracker({ boost });
      const rng = new Rng(`thrust:${seed}`);
      const dets: Detection[] = [];
      const boostNees: number[] = [];
      let poweredInBoost = 0;
      let judgedInBoost = 0;
      let lastPowered = Number.NEGATIVE_INFINITY;
      for (let t = 0; t < flight.burnoutT + 60; t += 2) {
        dets.length = 0;
        radar.scan(t, [flight], rng, dets, []);
        for (const d of dets) tracker.ingest(d);
        tracker.advanceTo(t);
        const tr = tracker.confirmedTracks()[0];
        if (!tr || tr.tLastUpdate !== tr.filter.t || !flight.sample(tr.filter.t, s)) continue;
        const f = tr.filter;
        const P6 = positionVelocityBlock(f.P, f.dim);
        const thrust = thrustEstimate(f)?.expected ?? 0;
        if (f.t < flight.burnoutT) {
          boostNees.push(nees([...s.pos, ...s.vel], f.x, P6, 6));
          if (f.t > tr.tCreated + 10) {
            judgedInBoost++;
            if (thrust > 6) poweredInBoost++;
          }
        } else if (thrust > 6) lastPowered = f.t;
      }
      return { boostNees, poweredInBoost, judgedInBoost, lastPowered };
    };
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const withBoost = [0, 1, 2, 3, 4, 5, 6].map((seed) => run(seed, true));
    const without = [0, 1, 2, 3, 4, 5, 6].map((seed) => run(seed, false));
    const neesWith = withBoost.flatMap((r) => r.boostNees);
    const neesWithout = without.flatMap((r) => r.boostNees);
    expect(neesWith.length).toBeGreaterThan(100);
    // χ²₆ has mean 6: the boost model's covariance is honest; the ballistic filter alone is not.
    expect(mean(neesWith)).toBeLessThan(9);
    expect(mean(neesWithout)).toBeGreaterThan(2 * mean(neesWith));
    for (const r of withBoost) {
      // Thrust seen through most of the boost once the track is 10 s old (22–26 of 30 updates: the
      // misses come early, 45–70 s after launch, while the IMM still gives its boost model little
      // weight) ...
      expect(r.poweredInBoost).toBeGreaterThanOrEqual(0.7 * r.judgedInBoost);
      // ... and gone within 20 s of burnout (3–5 s here).
      expect(r.lastPowered).toBeLessThan(flight.burnoutT + 20);
    }
  });

  it("learns a light fragment's drag high in the air (1/β in the state, widened once boost is ruled out)", () => {
    // A fragment of 300 kg/m² released from the SRBM at mid-flight, watched every 2 s from 150 km.
    const missile = westCoastSrbm();
    const s = newTruthState();
    const tRelease = missile.tEnd / 2;
    expect(missile.sample(tRelease, s)).toBe(true);
    const fragment = new BallisticFragment({
      id: "F1",
      kind: "debris",
      tRelease,
      pos: s.pos,
      vel: s.vel,
      ballisticCoefKgM2: 300,
      rcsM2: 0.5,
    });
    const radar = testRadar(37.0, 127.0);
    const tracker = createBallisticTracker();
    const rng = new Rng(11);
    const dets: Detection[] = [];
    let f: TrackFilter | undefined;
    for (let t = Math.ceil(tRelease); t < fragment.tEnd; t += 2) {
      dets.length = 0;
      radar.scan(t, [fragment], rng, dets, []);
      for (const d of dets) tracker.ingest(d);
      tracker.advanceTo(t);
      f = tracker.confirmedTracks()[0]?.filter;
      if (f && ecefToGeodetic(f.x[0], f.x[1], f.x[2]).h < 32e3) break;
    }
    // At 32 km (≈ 1,100 m/s, a minute before it lands) drag has told the tracker what it is. With β
    // itself in the state it was still 4,300 ± 3,000 kg/m² there.
    const b = ballisticCoefficient(f as TrackFilter);
    expect(b).toBeDefined();
    const { betaKgM2, sigmaKgM2 } = b as { betaKgM2: number; sigmaKgM2: number };
    expect(sigmaKgM2).toBeLessThan(300);
    expect(Math.abs(betaKgM2 - 300)).toBeLessThan(3 * sigmaKgM2);
    // Its impact, predicted from the 6-D state with that β rather than an RV's, is where it falls
    // (1.6 km off; 11 km with an RV's β).
    const tr = f as TrackFilter;
    const x6 = tr.x.slice(0, 6);
    const P6 = positionVelocityBlock(tr.P, tr.dim);
    const fall = fragment.fallPoint() as Float64Array;
    const g = ecefToGeodetic(fall[0], fall[1], fall[2]);
    const miss = (beta: { betaKgM2?: number; betaRelSigma?: number }) => {
      const pred = predictImpact(x6, P6, tr.t, { rng: new Rng(5), samples: 200, ...beta });
      if (!pred) throw new Error("no prediction");
      return geodesicInverse(pred.impact.lat, pred.impact.lon, g.lat, g.lon).distanceM;
    };
    const withLearnt = miss({ betaKgM2, betaRelSigma: sigmaKgM2 / betaKgM2 });
    expect(withLearnt).toBeLessThan(3_000);
    expect(miss({})).toBeGreaterThan(3 * withLearnt);
  });
});

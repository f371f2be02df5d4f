import { describe, expect, it } from "vitest";
import { Rng } from "../core/rng.ts";
import type { Detection } from "../sensors/detection.ts";
import { runCvTracking } from "./cv-benchmark.ts";
import { CvKalmanFilter } from "./filters/cv-kalman.ts";
import { type Track, TrackManager } from "./track-manager.ts";

const R = Float64Array.from([100, 0, 0, 0, 100, 0, 0, 0, 100]);
const site = new Float64Array(3);

function posDet(sensorId: string, seq: number, t: number, z: number[], tReport = t, cov = R): Detection {
  return {
    id: `${sensorId}:${seq}`,
    t,
    tReport,
    sensorId,
    nation: "USA",
    kind: "position",
    siteEcef: site,
    z: Float64Array.from(z),
    R: cov,
  };
}

function cvManager(extra: Partial<ConstructorParameters<typeof TrackManager>[0]> = {}): TrackManager {
  return new TrackManager({ filterFactory: (d) => CvKalmanFilter.fromPosition(d, 0.1, 300), ...extra });
}

describe("TrackManager on the CV scenario (small versions of benchmarks A and B, untimed)", () => {
  it("A-small: 25 targets, 150 scans, Pd = 1: RMSE near the Kalman bound, NEES consistent, no spurious tracks", () => {
    const r = runCvTracking({ scans: 150, seed: "test-A", scenario: { targets: 25 } });
    // Steady-state posterior position RMSE of this CV filter is √(3·22.24) = 8.17 m (Riccati).
    expect(r.rmseM!).toBeGreaterThan(7.3);
    expect(r.rmseM!).toBeLessThan(9.0);
    // 6-dof NEES mean; time-correlated samples, so a band wider than the iid one.
    expect(r.meanNees!).toBeGreaterThan(5.0);
    expect(r.meanNees!).toBeLessThan(7.0);
    expect(r.spuriousTracks).toBe(0);
    expect(r.targetsHeld).toBe(25);
    expect(r.confirmedTracks).toBe(25);
    expect(r.trackBreaks).toBe(0);
  });

  it("B-small: 25 targets, Pd = 0.9, 100 clutter detections per scan: few spurious tracks, all targets held", () => {
    const r = runCvTracking({
      scans: 60,
      seed: "test-B",
      scenario: { targets: 25, pd: 0.9, clutterPerScan: 100 },
    });
    expect(r.spuriousTracks).toBeLessThanOrEqual(2);
    expect(r.targetsHeld).toBe(25);
    expect(r.rmseM!).toBeLessThan(11);
  });
});

describe("TrackManager life cycle", () => {
  it("confirms after M of N, keeps stable ids, deletes after consecutive misses", () => {
    const deleted: [number, string][] = [];
    const m = cvManager({ maxMisses: 3, onDelete: (tr, why) => deleted.push([tr.id, why]) });
    let seq = 0;
    for (let k = 0; k < 6; k++) {
      m.processFrame([
        posDet("s", seq++, k, [1000 + 100 * k, 0, 5000]),
        posDet("s", seq++, k, [50_000, 200 * k, 5000]),
      ]);
      if (k === 1) expect(m.tracks.every((t) => t.status === "tentative")).toBe(true);
      if (k === 2) expect(m.tracks.every((t) => t.status === "confirmed")).toBe(true);
    }
    expect(m.tracks.map((t) => t.id)).toEqual([1, 2]);
    // Target 1 disappears: after 3 scans without it, its track is gone; target 2 keeps id 2.
    for (let k = 6; k < 10; k++) m.processFrame([posDet("s", seq++, k, [50_000, 200 * k, 5000])]);
    expect(m.tracks.map((t) => t.id)).toEqual([2]);
    expect(deleted).toEqual([[1, "misses"]]);
    expect(m.stats.tracksConfirmed).toBe(2);
  });

  it("drops a tentative track as soon as M of N can no longer be reached", () => {
    const m = cvManager();
    m.processFrame([posDet("s", 0, 0, [0, 0, 0])]);
    m.processFrame([posDet("s", 1, 1, [90_000, 0, 0])]); // far away: a new tentative, the first misses
    expect(m.tracks.length).toBe(2);
    m.processFrame([posDet("s", 2, 2, [0, 90_000, 0])]); // first track: 1 hit, 3 frames → cannot reach 3 of 4
    expect(m.tracks.map((t) => t.id)).toEqual([2, 3]);
  });

  it("deletes a coasting confirmed track when its position uncertainty grows too large", () => {
    const reasons: string[] = [];
    const m = new TrackManager({
      filterFactory: (d) => CvKalmanFilter.fromPosition(d, 50, 300),
      maxMisses: 1000,
      maxPositionSigma: 200,
      onDelete: (_t, why) => reasons.push(why),
    });
    for (let k = 0; k < 4; k++) m.processFrame([posDet("s", k, k, [100 * k, 0, 0])]);
    expect(m.confirmedTracks().length).toBe(1);
    for (let k = 4; k < 40 && m.tracks.length > 0; k++) m.processFrame([posDet("s", k, k, [1e6, 1e6, 0])]);
    expect(reasons[0]).toBe("covariance");
  });

  it("pairs detections by optimal assignment where nearest-first greedy pairing would go wrong", () => {
    // σ = 100 m sensor; tracks at x = 0 and x = 300. Detections at x = 160 and 450: greedy takes the
    // closest pair first (track 300 ↔ 160, 140 m) and leaves 0 ↔ 450 (total 222,100 m²); the optimum
    // is 0 ↔ 160 and 300 ↔ 450 (48,100 m²). Both pairings are inside the gates.
    const coarse = Float64Array.from([1e4, 0, 0, 0, 1e4, 0, 0, 0, 1e4]);
    const m = new TrackManager({ filterFactory: (d) => CvKalmanFilter.fromPosition(d, 0.01, 5) });
    for (let k = 0; k < 6; k++) {
      m.processFrame([
        posDet("s", 2 * k, k, [0, 0, 0], k, coarse),
        posDet("s", 2 * k + 1, k, [300, 0, 0], k, coarse),
      ]);
    }
    const [a, b] = m.tracks;
    expect(a.filter.x[0]).toBeLessThan(b.filter.x[0]);
    m.processFrame([posDet("s", 20, 6, [160, 0, 0], 6, coarse), posDet("s", 21, 6, [450, 0, 0], 6, coarse)]);
    expect(a.lastDetectionId).toBe("s:20");
    expect(b.lastDetectionId).toBe("s:21");
  });
});

describe("TrackManager with asynchronous sensors and late reports", () => {
  /** Two sensors observe 3 targets; sensor B's reports arrive 0.7 s late. */
  function makeStream(): Detection[] {
    const rng = new Rng("async");
    const dets: Detection[] = [];
    let seq = 0;
    for (let k = 0; k < 30; k++) {
      for (const [sensor, offset, latency] of [
        ["A", 0, 0.05],
        ["B", 0.5, 0.7],
      ] as const) {
        const t = k + offset;
        for (let target = 0; target < 3; target++) {
          const z = [
            target * 30_000 + 150 * t + 10 * rng.normal(),
            80 * t + 10 * rng.normal(),
            8000 + 10 * rng.normal(),
          ];
          dets.push(posDet(sensor, seq++, t, z, t + latency));
        }
      }
    }
    return dets;
  }

  function snapshot(tracks: Track[]) {
    return tracks.map((t) => ({ id: t.id, status: t.status, x: Array.from(t.filter.x), P0: t.filter.P[0] }));
  }

  it("processes reports arriving late within the lag window exactly as if they had arrived in time order", () => {
    const stream = makeStream();
    const inOrder = cvManager();
    for (const d of [...stream].sort((a, b) => a.t - b.t)) inOrder.ingest(d);
    inOrder.flush();

    const live = cvManager({ lagWindow: 1 });
    const byArrival = [...stream].sort((a, b) => a.tReport - b.tReport);
    for (const d of byArrival) {
      live.ingest(d);
      live.advanceTo(d.tReport);
    }
    live.flush();
    expect(live.stats.tooLate).toBe(0);
    expect(live.stats.detections).toBe(stream.length);
    expect(snapshot(live.tracks)).toEqual(snapshot(inOrder.tracks));
    expect(live.confirmedTracks().length).toBe(3);
    // Both sensors contributed to every confirmed track.
    for (const t of live.confirmedTracks()) expect(t.sensorMask).toBe(0b11);
  });

  it("counts (never silently loses) a report that breaks the lag bound", () => {
    const stream = makeStream();
    const live = cvManager({ lagWindow: 0.2 });
    for (const d of [...stream].sort((a, b) => a.tReport - b.tReport)) {
      live.ingest(d);
      live.advanceTo(d.tReport);
    }
    live.flush();
    expect(live.stats.tooLate).toBeGreaterThan(0);
    expect(live.stats.detections + live.stats.tooLate).toBe(stream.length);
  });
});

describe("rangePreGate", () => {
  it("never rejects a radar detection that the full EKF χ² gate accepts", async () => {
    const { geodeticToEcef, ecefToGeodetic, enuMatrix } = await import("../core/geodesy.ts");
    const { rangePreGate } = await import("./track-manager.ts");
    const rng = new Rng("pregate");
    const site = geodeticToEcef(0.65, 2.2, 50);
    const g = ecefToGeodetic(site[0], site[1], site[2]);
    const E = enuMatrix(g.lat, g.lon);
    const target = geodeticToEcef(0.68, 2.24, 150_000);
    const P = new Float64Array(36);
    for (let a = 0; a < 3; a++) {
      P[a * 7] = 400 ** 2;
      P[(3 + a) * 7] = 50 ** 2;
    }
    P[1] = P[6] = 0.5 * 400 ** 2;
    const f = new CvKalmanFilter(0, Float64Array.from([...target, 0, 0, 0]), P, 1);
    let accepted = 0;
    let preRejected = 0;
    for (let k = 0; k < 3000; k++) {
      const p = [0, 1, 2].map((a) => target[a] + 1500 * rng.normal());
      const d = [p[0] - site[0], p[1] - site[1], p[2] - site[2]];
      const e = E[0] * d[0] + E[1] * d[1] + E[2] * d[2];
      const n = E[3] * d[0] + E[4] * d[1] + E[5] * d[2];
      const u = E[6] * d[0] + E[7] * d[1] + E[8] * d[2];
      const det: Detection = {
        id: `r:${k}`,
        t: 0,
        tReport: 0,
        sensorId: "r",
        nation: "KOR",
        kind: "radar",
        siteEcef: site,
        z: Float64Array.from([Math.hypot(e, n, u), Math.atan2(e, n), Math.atan2(u, Math.hypot(e, n))]),
        R: Float64Array.from([30 ** 2, 0, 0, 0, 2e-3 ** 2, 0, 0, 0, 2e-3 ** 2]),
      };
      const full = f.gate(det) <= 14.16; // χ²₃(0.997)
      const pre = rangePreGate(f, det, 14.16);
      if (full) {
        accepted++;
        expect(pre).toBe(true);
      }
      if (!pre) preRejected++;
    }
    expect(accepted).toBeGreaterThan(50);
    expect(preRejected).toBeGreaterThan(500);
  });
});

import { describe, expect, it } from "vitest";
import {
  deg2rad,
  ecefToGeodetic,
  enuMatrix,
  enuToEcef,
  geodesicInverse,
  geodeticToEcef,
} from "../core/geodesy.ts";
import { Rng } from "../core/rng.ts";
import type { Detection } from "../sensors/detection.ts";
import {
  estimateLaunch,
  IrLaunchDetector,
  lineOfSight,
  triangulate,
  triangulateFrame,
} from "./ir-launch-detection.ts";

const GEO_R = 6378137 + 35_786_000;
const satA = Float64Array.from([GEO_R * Math.cos(deg2rad(105)), GEO_R * Math.sin(deg2rad(105)), 0]);
const satB = Float64Array.from([GEO_R * Math.cos(deg2rad(165)), GEO_R * Math.sin(deg2rad(165)), 0]);
const satC = geodeticToEcef(deg2rad(63), deg2rad(130), 39_000_000); // HEO-like, near apogee

/** An ir detection of ECEF point p from satellite s, angle noise σ (isotropic), as the sensor model does. */
function irDet(
  sensorId: string,
  s: Float64Array,
  p: ArrayLike<number>,
  t: number,
  sigma: number,
  rng: Rng,
  k: number,
): Detection {
  const g = ecefToGeodetic(s[0], s[1], s[2]);
  const E = enuMatrix(g.lat, g.lon);
  const d = [p[0] - s[0], p[1] - s[1], p[2] - s[2]];
  const e = E[0] * d[0] + E[1] * d[1] + E[2] * d[2];
  const n = E[3] * d[0] + E[4] * d[1] + E[5] * d[2];
  const u = E[6] * d[0] + E[7] * d[1] + E[8] * d[2];
  const el = Math.atan2(u, Math.hypot(e, n)) + sigma * rng.normal();
  const az = Math.atan2(e, n) + (sigma / Math.cos(el)) * rng.normal();
  return {
    id: `${sensorId}:${k}`,
    t,
    tReport: t + 20,
    sensorId,
    nation: "USA",
    kind: "ir",
    siteEcef: s,
    z: Float64Array.from([az, el]),
    R: Float64Array.from([(sigma / Math.cos(el)) ** 2, 0, 0, sigma ** 2]),
  };
}

/**
 * Synthetic booster (truth known exactly): from rest at (lat, lon, 0) at t0, in the launch site's ENU
 * frame up(τ) = ½·a·τ² + j·τ³/6 and a pitch-over along azimuth `az`: downrange(τ) = k·τ³/6.
 */
function booster(latDeg: number, lonDeg: number, t0: number, az: number) {
  const lat = deg2rad(latDeg);
  const lon = deg2rad(lonDeg);
  const site = geodeticToEcef(lat, lon, 0);
  return {
    lat,
    lon,
    t0,
    at(t: number): Float64Array {
      const tau = t - t0;
      const up = 0.5 * 12 * tau * tau + (0.15 * tau ** 3) / 6;
      const down = (0.12 * tau ** 3) / 6;
      return enuToEcef(Float64Array.from([down * Math.sin(az), down * Math.cos(az), up]), site, lat, lon);
    },
  };
}

describe("lines of sight and triangulation", () => {
  it("a noiseless line of sight passes through the target; two lines intersect at it", () => {
    const p = geodeticToEcef(deg2rad(39), deg2rad(125.7), 50_000);
    const rng = new Rng("los");
    const la = lineOfSight(irDet("A", satA, p, 0, 1e-9, rng, 0));
    const lb = lineOfSight(irDet("B", satB, p, 0, 1e-9, rng, 1));
    const tri = triangulate([la, lb])!;
    for (let i = 0; i < 3; i++) expect(Math.abs(tri.pos[i] - p[i])).toBeLessThan(0.5);
    expect(tri.chi2).toBeLessThan(10);
  });

  it("with 50 µrad noise the error is consistent with the returned covariance (NEES ≈ 3 over 400 trials)", () => {
    const rng = new Rng("tri-nees");
    const p = geodeticToEcef(deg2rad(39.5), deg2rad(126), 80_000);
    let sum = 0;
    const trials = 400;
    for (let k = 0; k < trials; k++) {
      const tri = triangulate([
        lineOfSight(irDet("A", satA, p, 0, 50e-6, rng, 0)),
        lineOfSight(irDet("B", satB, p, 0, 50e-6, rng, 1)),
        lineOfSight(irDet("C", satC, p, 0, 50e-6, rng, 2)),
      ])!;
      const d = [tri.pos[0] - p[0], tri.pos[1] - p[1], tri.pos[2] - p[2]];
      // dᵀ C⁻¹ d via solving with the 3×3 inverse.
      const C = tri.cov;
      const det =
        C[0] * (C[4] * C[8] - C[5] * C[7]) -
        C[1] * (C[3] * C[8] - C[5] * C[6]) +
        C[2] * (C[3] * C[7] - C[4] * C[6]);
      const inv = [
        (C[4] * C[8] - C[5] * C[7]) / det,
        (C[2] * C[7] - C[1] * C[8]) / det,
        (C[1] * C[5] - C[2] * C[4]) / det,
        (C[5] * C[6] - C[3] * C[8]) / det,
        (C[0] * C[8] - C[2] * C[6]) / det,
        (C[2] * C[3] - C[0] * C[5]) / det,
        (C[3] * C[7] - C[4] * C[6]) / det,
        (C[1] * C[6] - C[0] * C[7]) / det,
        (C[0] * C[4] - C[1] * C[3]) / det,
      ];
      let e = 0;
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) e += d[i] * inv[i * 3 + j] * d[j];
      sum += e;
    }
    // Mean of χ²₃ over 400 trials: 3 ± 0.12 (1σ); band ±4σ.
    expect(sum / trials).toBeGreaterThan(2.5);
    expect(sum / trials).toBeLessThan(3.5);
  });

  it("associates two simultaneous boosters seen by two satellites without ghosts", () => {
    const rng = new Rng("assoc");
    const p1 = geodeticToEcef(deg2rad(39), deg2rad(125.5), 40_000);
    const p2 = geodeticToEcef(deg2rad(40.2), deg2rad(127.5), 60_000);
    const dets = [
      irDet("A", satA, p1, 5, 50e-6, rng, 0),
      irDet("A", satA, p2, 5, 50e-6, rng, 1),
      irDet("B", satB, p2, 5, 50e-6, rng, 2),
      irDet("B", satB, p1, 5, 50e-6, rng, 3),
    ];
    const tris = triangulateFrame(dets);
    expect(tris.length).toBe(2);
    const near = (p: Float64Array) =>
      tris.filter((t) => Math.hypot(t.pos[0] - p[0], t.pos[1] - p[1], t.pos[2] - p[2]) < 10_000).length;
    expect(near(p1)).toBe(1);
    expect(near(p2)).toBe(1);
  });
});

describe("launch point and time by back-propagation", () => {
  it("recovers an exact synthetic launch from noiseless points to metres and tenths of a second", () => {
    const b = booster(39.0, 125.7, 100, deg2rad(80));
    const pts = [];
    for (let t = 125; t <= 200; t += 5) pts.push({ t, pos: b.at(t), cov: [1e4, 0, 0, 0, 1e4, 0, 0, 0, 1e4] });
    const est = estimateLaunch(pts)!;
    expect(Math.abs(est.tLaunch - 100)).toBeLessThan(0.3);
    const d = geodesicInverse(b.lat, b.lon, est.latRad, est.lonRad).distanceM;
    expect(d).toBeLessThan(300);
  });

  it("two GEO satellites (σ = 50 µrad, 10 s revisit): launch point within 6 km and launch time within 10 s", () => {
    // Tolerance reasoning: each triangulated point has ≈1–2 km error (50 µrad × 38,000 km, lines ~45°
    // from the vertical at 39°N); the first observation comes ≈38 s after launch (plume above 10 km);
    // back-propagating the double-root cubic over the ≈9 points of the 90 s window then gives errors of
    // a few km and a few seconds. Measured on these 5 seeds: 0.6–4.7 km and 1.3–7.2 s.
    const errorsKm: number[] = [];
    const errorsS: number[] = [];
    for (const seed of ["s1", "s2", "s3", "s4", "s5"]) {
      const rng = new Rng(`ir-launch-${seed}`);
      const b = booster(39.0, 125.7, 37, deg2rad(95));
      const det = new IrLaunchDetector();
      let k = 0;
      for (let t = 0; t <= 180; t += 10) {
        if (t <= b.t0) continue;
        const p = b.at(t);
        if (ecefToGeodetic(p[0], p[1], p[2]).h < 10_000) continue; // plume below the cloud tops
        det.ingest([irDet("A", satA, p, t, 50e-6, rng, k++), irDet("B", satB, p, t, 50e-6, rng, k++)]);
      }
      det.flush();
      const tracks = det.boostTracks();
      expect(tracks.length).toBe(1);
      const launch = tracks[0].launch!;
      expect(launch).not.toBeNull();
      errorsKm.push(geodesicInverse(b.lat, b.lon, launch.latRad, launch.lonRad).distanceM / 1000);
      errorsS.push(Math.abs(launch.tLaunch - b.t0));
      // The boost track itself follows the truth within a few km at the last point.
      const x = tracks[0].track.filter.x;
      const p = b.at(tracks[0].track.filter.t);
      expect(Math.hypot(x[0] - p[0], x[1] - p[1], x[2] - p[2])).toBeLessThan(5_000);
    }
    for (const e of errorsKm) expect(e).toBeLessThan(6);
    for (const e of errorsS) expect(e).toBeLessThan(10);
  });
});

describe("launch detection with the world and sensor models", () => {
  it("an MRBM seen by two SBIRS-GEO-like satellites (catalogue, staring at 2 s revisit): launch within 10 km and 15 s", async () => {
    const { planMissileFlight } = await import("../world/missile-flight.ts");
    const { launchSite, aimArea } = await import("../world/sites.ts");
    const { createSensor } = await import("../sensors/catalogue.ts");
    const site = launchSite("Sinpo");
    const aim = aimArea("east-sea-central");
    const tLaunch = 42;
    const flight = planMissileFlight({
      id: "m1",
      missileClass: "MRBM",
      launchSite: { lat: deg2rad(site.latDeg), lon: deg2rad(site.lonDeg) },
      tLaunch,
      aim: { lat: deg2rad(aim.latDeg), lon: deg2rad(aim.lonDeg) },
      trajectory: "minimum-energy",
    });
    // Both satellites scan on one 2 s schedule (the catalogue's 10 s revisit sees this MRBM's plume
    // above 10 km in only 4 scans, 45–88 s after launch: too few for the 3-parameter fit, see the
    // report); no false alarms, so the test checks geometry and fitting, not clutter rejection.
    // Measured: 3.8 km and −12.7 s — the real boost acceleration grows faster than the model's linear
    // growth, which biases the launch time early by ~10–16 s for this missile.
    const sats = ["USA-SBIRS-GEO-WEST-PACIFIC", "USA-SBIRS-GEO-CENTRAL-PACIFIC"].map((name) =>
      createSensor({ catalogue: name, overrides: { falseAlarmsPerScan: 0, pd: 1, revisitS: 2 } }),
    );
    const rng = new Rng("ir-world");
    const detector = new IrLaunchDetector();
    for (let t = 0; t <= tLaunch + 200; t += 2) {
      const out: Detection[] = [];
      for (const s of sats) s.scan(t, [flight], rng, out, []);
      detector.ingest(out);
    }
    detector.flush();
    const tracks = detector.boostTracks();
    expect(tracks.length).toBe(1);
    const launch = tracks[0].launch!;
    const dKm =
      geodesicInverse(deg2rad(site.latDeg), deg2rad(site.lonDeg), launch.latRad, launch.lonRad).distanceM /
      1000;
    expect(dKm).toBeLessThan(10);
    expect(Math.abs(launch.tLaunch - tLaunch)).toBeLessThan(15);
  });
});

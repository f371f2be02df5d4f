import { describe, expect, it } from "vitest";
import { deg2rad, ecefToGeodetic, geodesicInverse } from "../core/geodesy.ts";
import { planMissileFlight, REENTRY_ALTITUDE_M } from "./missile-flight.ts";
import { aimArea, launchSite } from "./sites.ts";
import { type FlightPhase, newTruthState } from "./truth.ts";

describe("the lofted ICBM of 31 Oct 2024", () => {
  // Public figures: launched from the Pyongyang area, fell ~200 km west of Okushiri (Hokkaido) outside
  // Japan's EEZ after ≈86 min, apogee ≈7,687 km, ≈1,000 km ground range (Japan MOD / ROK JCS).
  const site = launchSite("Pyongyang");
  for (const areaName of ["sea-west-of-okushiri", "sea-west-of-hokkaido"]) {
    it(`lands in ${areaName} with apogee 7,000–7,700 km and flight time 80–90 min`, () => {
      const area = aimArea(areaName);
      const f = planMissileFlight({
        id: "icbm-2024-10-31",
        missileClass: "ICBM",
        launchSite: { lat: deg2rad(site.latDeg), lon: deg2rad(site.lonDeg) },
        tLaunch: 0,
        aim: { lat: deg2rad(area.latDeg), lon: deg2rad(area.lonDeg) },
        trajectory: "lofted",
      });
      const s = f.summary;
      expect(s.apogeeM).toBeGreaterThan(7000e3);
      expect(s.apogeeM).toBeLessThan(7700e3);
      expect(s.flightTimeS).toBeGreaterThan(80 * 60);
      expect(s.flightTimeS).toBeLessThan(90 * 60);
      expect(s.aimErrorM).toBeLessThan(1000);
      expect(s.groundRangeM).toBeGreaterThan(900e3);
      expect(s.groundRangeM).toBeLessThan(1300e3);
    });
  }

  it("takes a feasible apogee target instead of the full burn", () => {
    const f = planMissileFlight({
      id: "icbm",
      missileClass: "ICBM",
      launchSite: { lat: deg2rad(site.latDeg), lon: deg2rad(site.lonDeg) },
      tLaunch: 0,
      aim: { lat: deg2rad(41.9), lon: deg2rad(137.0) },
      trajectory: "lofted",
      apogeeTargetM: 7000e3,
    });
    expect(Math.abs(f.summary.apogeeM - 7000e3)).toBeLessThan(20e3);
    expect(f.summary.aimErrorM).toBeLessThan(1000);
  });
});

describe("MissileFlight as a Mover", () => {
  const f = planMissileFlight({
    id: "m1",
    missileClass: "MRBM",
    launchSite: { lat: deg2rad(39.22), lon: deg2rad(125.67), h: 30 },
    tLaunch: 500,
    aim: { lat: deg2rad(40.0), lon: deg2rad(133.0) },
    trajectory: "minimum-energy",
  });

  it("starts at the launch site at rest in ECEF and reports phases in order", () => {
    const s = newTruthState();
    expect(f.sample(499.9, s)).toBe(false);
    expect(f.sample(f.tEnd + 0.1, s)).toBe(false);
    expect(f.sample(500, s)).toBe(true);
    const g = ecefToGeodetic(s.pos[0], s.pos[1], s.pos[2]);
    expect(g.h).toBeCloseTo(30, 3);
    expect(Math.hypot(s.vel[0], s.vel[1], s.vel[2])).toBeLessThan(1e-9);
    expect(s.phase).toBe("boost");
    expect(s.burning).toBe(true);

    const seen: FlightPhase[] = [];
    for (let t = 500; t <= f.tEnd; t += 0.5) {
      f.sample(t, s);
      if (seen[seen.length - 1] !== s.phase) seen.push(s.phase);
      const h = ecefToGeodetic(s.pos[0], s.pos[1], s.pos[2]).h;
      if (s.phase === "reentry") expect(h).toBeLessThan(REENTRY_ALTITUDE_M + 1);
      expect(s.burning).toBe(t < f.burnoutT);
    }
    expect(seen).toEqual(["boost", "midcourse", "reentry"]);
    expect(f.rcsAt(501)).toBeGreaterThan(f.rcsAt(f.tEnd));
    expect(f.kind).toBe("MRBM");
  });

  it("velocity read back is the derivative of position (Hermite consistency)", () => {
    const a = newTruthState();
    const b = newTruthState();
    const c = newTruthState();
    for (const t of [530, 700, 900, f.tEnd - 30]) {
      f.sample(t - 0.01, a);
      f.sample(t + 0.01, b);
      f.sample(t, c);
      for (let k = 0; k < 3; k++) expect((b.pos[k] - a.pos[k]) / 0.02).toBeCloseTo(c.vel[k], 0);
    }
  });

  it("summary agrees with the trajectory: apogee, ground range, burnout", () => {
    const s = newTruthState();
    let hMax = 0;
    for (let t = 500; t <= f.tEnd; t += 1) {
      f.sample(t, s);
      hMax = Math.max(hMax, ecefToGeodetic(s.pos[0], s.pos[1], s.pos[2]).h);
    }
    // Radial vs geodetic height differ by < 0.1% of the height; 1 s sampling near apogee costs < 10 m.
    expect(Math.abs(hMax - f.summary.apogeeM)).toBeLessThan(0.002 * hMax);
    const inv = geodesicInverse(deg2rad(39.22), deg2rad(125.67), f.summary.impact.lat, f.summary.impact.lon);
    expect(f.summary.groundRangeM).toBeCloseTo(inv.distanceM, 3);
    expect(f.burnoutT).toBeGreaterThan(500);
    expect(f.summary.apogeeT).toBeGreaterThan(f.burnoutT);
    expect(f.stageReleases.length).toBe(1);
  });

  it("samples many objects far faster than real time (no assertion on speed, only on work done)", () => {
    const s = newTruthState();
    let n = 0;
    for (let t = f.tStart; t <= f.tEnd; t += 0.1) if (f.sample(t, s)) n++;
    expect(n).toBeGreaterThan(1000);
  });
});

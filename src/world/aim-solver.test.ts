import LatLonV from "geodesy/latlon-ellipsoidal-vincenty.js";
import { describe, expect, it } from "vitest";
import { deg2rad, ecefToGeodetic, rad2deg } from "../core/geodesy.ts";
import { TRAJECTORY_TYPES } from "./aim-solver.ts";
import { MISSILE_CLASS_NAMES, MISSILE_CLASSES } from "./missile-classes.ts";
import { type MissileFlight, planMissileFlight } from "./missile-flight.ts";
import { newTruthState } from "./truth.ts";

// Launch from the Sunan area toward the east-north-east (over the East Sea), each class at its
// nominal range; every class × trajectory type must land within 1 km of the aim point.
const SUNAN = { lat: deg2rad(39.22), lon: deg2rad(125.67) };
const AZIMUTH = deg2rad(80);

/** Independent check of the miss with Vincenty's formulae (npm `geodesy`), in metres. */
function vincentyMiss(f: MissileFlight): number {
  const a = new LatLonV(rad2deg(f.summary.aimPoint.lat), rad2deg(f.summary.aimPoint.lon));
  const b = new LatLonV(rad2deg(f.summary.impact.lat), rad2deg(f.summary.impact.lon));
  return a.distanceTo(b);
}

describe("aim solver: impact within 1 km of the aim point for every class and trajectory type", () => {
  for (const cls of MISSILE_CLASS_NAMES) {
    it(`${cls}: minimum-energy, lofted and depressed`, () => {
      const apogees: Record<string, number> = {};
      const cutoffs: Record<string, number> = {};
      for (const trajectory of TRAJECTORY_TYPES) {
        const f = planMissileFlight({
          id: `${cls}-${trajectory}`,
          missileClass: cls,
          launchSite: SUNAN,
          tLaunch: 100,
          aim: { azimuth: AZIMUTH, rangeM: MISSILE_CLASSES[cls].nominalRangeM },
          trajectory,
        });
        expect(f.summary.aimErrorM).toBeLessThan(1000);
        expect(vincentyMiss(f)).toBeLessThan(1000);
        // The stored trajectory ends on the ground at the reported impact point.
        const s = newTruthState();
        expect(f.sample(f.tEnd, s)).toBe(true);
        const g = ecefToGeodetic(s.pos[0], s.pos[1], s.pos[2]);
        expect(Math.abs(g.h)).toBeLessThan(1);
        expect(Math.abs(g.lat - f.summary.impact.lat)).toBeLessThan(1e-7);
        expect(f.tEnd - f.tStart).toBeCloseTo(f.summary.flightTimeS, 6);
        apogees[trajectory] = f.summary.apogeeM;
        cutoffs[trajectory] = f.solution.controls.cutoffS;
      }
      // Shapes: depressed below minimum energy below lofted; minimum energy burns least.
      expect(apogees.depressed).toBeLessThan(apogees["minimum-energy"]);
      expect(apogees["minimum-energy"]).toBeLessThan(apogees.lofted);
      expect(cutoffs["minimum-energy"]).toBeLessThanOrEqual(cutoffs.lofted + 1e-6);
      expect(cutoffs["minimum-energy"]).toBeLessThanOrEqual(cutoffs.depressed + 1e-6);
    });
  }

  it("hits an apogee target on a lofted flight and on a depressed flight", () => {
    for (const [trajectory, target] of [
      ["lofted", 400e3],
      ["depressed", 150e3],
    ] as const) {
      const f = planMissileFlight({
        id: "m",
        missileClass: "MRBM",
        launchSite: SUNAN,
        tLaunch: 0,
        aim: { lat: deg2rad(40.0), lon: deg2rad(133.0) },
        trajectory,
        apogeeTargetM: target,
      });
      expect(f.summary.aimErrorM).toBeLessThan(1000);
      expect(Math.abs(f.summary.apogeeM - target)).toBeLessThan(0.01 * target);
    }
  });

  it("refuses an aim beyond the class's reach, and an unreachable apogee, with a clear message", () => {
    const base = { id: "x", launchSite: SUNAN, tLaunch: 0, trajectory: "minimum-energy" as const };
    expect(() =>
      planMissileFlight({ ...base, missileClass: "SRBM", aim: { azimuth: AZIMUTH, rangeM: 900e3 } }),
    ).toThrow(/launch x: aim: ground range 900 km is beyond the reach of class SRBM/);
    expect(() =>
      planMissileFlight({
        ...base,
        missileClass: "SRBM",
        trajectory: "lofted",
        apogeeTargetM: 1000e3,
        aim: { azimuth: AZIMUTH, rangeM: 250e3 },
      }),
    ).toThrow(/apogee target 1000 km is outside what a lofted SRBM can fly/);
    expect(() =>
      planMissileFlight({ ...base, missileClass: "XRBM", aim: { azimuth: 0, rangeM: 1e5 } }),
    ).toThrow(/missileClass: unknown missile class "XRBM"/);
    expect(() =>
      planMissileFlight({
        ...base,
        missileClass: "SRBM",
        trajectory: "wobbly" as never,
        aim: { azimuth: 0, rangeM: 1e5 },
      }),
    ).toThrow(/trajectory: unknown type "wobbly"/);
    expect(() =>
      planMissileFlight({ ...base, missileClass: "SRBM", aim: { azimuth: 0, rangeM: -5 } }),
    ).toThrow(/aim.rangeM: must be positive/);
  });
});

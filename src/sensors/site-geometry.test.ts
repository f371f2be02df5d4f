import fc from "fast-check";
import proj4 from "proj4";
import { describe, expect, it } from "vitest";
import { deg2rad, geodeticToEcef, WGS84 } from "../core/geodesy.ts";
import { geodeticHeight, lineOfSightBlocked, wrapPi, wrapTwoPi } from "./site-geometry.ts";

const toGeodetic = proj4(
  "+proj=geocent +datum=WGS84 +units=m +no_defs",
  "+proj=longlat +datum=WGS84 +no_defs",
);

describe("geodeticHeight", () => {
  it("matches proj4 from the surface to beyond GEO to within a millimetre", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -89.9, max: 89.9, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.double({ min: -1000, max: 40_000_000, noNaN: true }),
        (lat, lon, h) => {
          const p = geodeticToEcef(deg2rad(lat), deg2rad(lon), h);
          const ref = toGeodetic.forward([p[0], p[1], p[2]])[2];
          expect(Math.abs(geodeticHeight(p[0], p[1], p[2]) - ref)).toBeLessThan(1e-3);
          expect(Math.abs(geodeticHeight(p[0], p[1], p[2]) - h)).toBeLessThan(1e-3);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("handles the poles", () => {
    expect(geodeticHeight(0, 0, WGS84.b + 1234)).toBeCloseTo(1234, 6);
    expect(geodeticHeight(0, 0, -WGS84.b - 10)).toBeCloseTo(10, 6);
  });
});

describe("lineOfSightBlocked", () => {
  const eq = (lonDeg: number, h: number) => geodeticToEcef(0, deg2rad(lonDeg), h);

  it("closed-form cases on the equator (a circle of radius a)", () => {
    // From h above the equator the horizon is at ground angle acos(a / (a + h)); a target at height H
    // is visible up to acos(a/(a+h)) + acos(a/(a+H)).
    const a = WGS84.a;
    const h = 1000;
    const H = 200_000;
    const limit = Math.acos(a / (a + h)) + Math.acos(a / (a + H));
    const s = eq(0, h);
    const just = (f: number) => eq((limit * f * 180) / Math.PI, H);
    const pin = just(0.999);
    const pout = just(1.001);
    expect(lineOfSightBlocked(s[0], s[1], s[2], pin[0], pin[1], pin[2])).toBe(false);
    expect(lineOfSightBlocked(s[0], s[1], s[2], pout[0], pout[1], pout[2])).toBe(true);
  });

  it("never blocks an upward-looking ray, and blocks a target underground", () => {
    const s = eq(10, 0);
    const up = eq(10, 500_000);
    expect(lineOfSightBlocked(s[0], s[1], s[2], up[0], up[1], up[2])).toBe(false);
    const under = eq(10.1, -500);
    const site = eq(10, 100);
    expect(lineOfSightBlocked(site[0], site[1], site[2], under[0], under[1], under[2])).toBe(true);
    // A site a little below the ellipsoid (negative ellipsoidal height) still sees straight up.
    const low = eq(10, -20);
    expect(lineOfSightBlocked(low[0], low[1], low[2], up[0], up[1], up[2])).toBe(false);
  });

  it("uses the ellipsoid, not a sphere: a polar chord that a sphere of radius a would block", () => {
    // Two points 5 km above the poles' neighbourhood: the chord between (89°N, 0°, h) and (89°N, 180°, h)
    // passes 2° of latitude across the pole; the polar radius b is 21 km below a.
    const h = 5_000;
    const p = geodeticToEcef(deg2rad(89), 0, h);
    const q = geodeticToEcef(deg2rad(89), Math.PI, h);
    const mid = [(p[0] + q[0]) / 2, (p[1] + q[1]) / 2, (p[2] + q[2]) / 2];
    const hMid = toGeodetic.forward(mid)[2];
    // Independent reference decides; the test is only meaningful if a sphere of radius a would block.
    expect(Math.hypot(mid[0], mid[1], mid[2])).toBeLessThan(WGS84.a);
    expect(hMid).toBeGreaterThan(3_000); // the chord's sagitta over 2° is only ≈ 1 km
    expect(lineOfSightBlocked(p[0], p[1], p[2], q[0], q[1], q[2])).toBe(false);
  });
});

describe("angle wrapping", () => {
  it("wrapPi → (−π, π], wrapTwoPi → [0, 2π)", () => {
    expect(wrapPi(3 * Math.PI)).toBeCloseTo(Math.PI, 12);
    expect(wrapPi(-Math.PI)).toBeCloseTo(Math.PI, 12);
    expect(wrapPi(0.5 - 4 * Math.PI)).toBeCloseTo(0.5, 12);
    expect(wrapTwoPi(-0.1)).toBeCloseTo(2 * Math.PI - 0.1, 12);
    expect(wrapTwoPi(2 * Math.PI)).toBe(0);
  });
});

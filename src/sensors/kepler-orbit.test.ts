import { describe, expect, it } from "vitest";
import { UserError } from "../core/errors.ts";
import { deg2rad, rad2deg, WGS84 } from "../core/geodesy.ts";
import { KeplerOrbit } from "./kepler-orbit.ts";

// A Molniya-type orbit: half a sidereal day, e = 0.72, critical inclination, apogee over the north.
const MOLNIYA = {
  semiMajorAxisM: 26_554_000,
  eccentricity: 0.72,
  inclinationRad: deg2rad(63.4),
  raanRad: deg2rad(40),
  argPerigeeRad: deg2rad(270),
  meanAnomalyRad: Math.PI, // at apogee at t = 0
};

/** ECEF → the inertial frame (ECEF frozen at t = 0). */
function toInertial(p: Float64Array, t: number): number[] {
  const th = WGS84.omega * t;
  const c = Math.cos(th);
  const s = Math.sin(th);
  return [c * p[0] - s * p[1], s * p[0] + c * p[1], p[2]];
}

describe("KeplerOrbit", () => {
  const orbit = new KeplerOrbit(MOLNIYA);
  const a = MOLNIYA.semiMajorAxisM;
  const e = MOLNIYA.eccentricity;

  it("starts at apogee over the northern hemisphere at the node longitude + 90°", () => {
    const p = orbit.positionAt(0, new Float64Array(3));
    const r = Math.hypot(p[0], p[1], p[2]);
    expect(r / (a * (1 + e))).toBeCloseTo(1, 12);
    // Argument of latitude 90°: the northernmost point, geocentric latitude = inclination.
    expect(rad2deg(Math.asin(p[2] / r))).toBeCloseTo(63.4, 9);
    expect(rad2deg(Math.atan2(p[1], p[0]))).toBeCloseTo(40 + 90, 9);
  });

  it("has the two-body period and returns to the same inertial position after one period", () => {
    // Kepler's third law: T = 2π √(a³/GM) ≈ 11.96 h for this orbit.
    expect(orbit.periodS).toBeCloseTo(2 * Math.PI * Math.sqrt(a ** 3 / WGS84.GM), 6);
    expect(orbit.periodS / 3600).toBeGreaterThan(11.9);
    expect(orbit.periodS / 3600).toBeLessThan(12.0);
    const p0 = toInertial(orbit.positionAt(0, new Float64Array(3)), 0);
    const p1 = toInertial(orbit.positionAt(orbit.periodS, new Float64Array(3)), orbit.periodS);
    for (let j = 0; j < 3; j++) expect(Math.abs(p1[j] - p0[j])).toBeLessThan(1e-3);
    const half = orbit.positionAt(orbit.periodS / 2, new Float64Array(3));
    expect(Math.hypot(half[0], half[1], half[2]) / (a * (1 - e))).toBeCloseTo(1, 10);
  });

  it("obeys vis-viva and keeps the orbital plane (inertial frame)", () => {
    const dt = 0.01;
    for (const t of [0, 1000, 9000, 20_000, 40_000]) {
      const pm = toInertial(orbit.positionAt(t - dt, new Float64Array(3)), t - dt);
      const pp = toInertial(orbit.positionAt(t + dt, new Float64Array(3)), t + dt);
      const p = toInertial(orbit.positionAt(t, new Float64Array(3)), t);
      const v = [0, 1, 2].map((j) => (pp[j] - pm[j]) / (2 * dt));
      const r = Math.hypot(p[0], p[1], p[2]);
      const v2 = v[0] ** 2 + v[1] ** 2 + v[2] ** 2;
      expect(v2 / (WGS84.GM * (2 / r - 1 / a))).toBeCloseTo(1, 6);
      const h = [p[1] * v[2] - p[2] * v[1], p[2] * v[0] - p[0] * v[2], p[0] * v[1] - p[1] * v[0]];
      expect(h[2] / Math.hypot(h[0], h[1], h[2])).toBeCloseTo(Math.cos(MOLNIYA.inclinationRad), 6);
    }
  });

  it("solves Kepler's equation for high eccentricity", () => {
    const hi = new KeplerOrbit({ ...MOLNIYA, eccentricity: 0.95, semiMajorAxisM: 200_000_000 });
    for (const M of [1e-6, 0.1, 1, 3, 3.1, 5, 6.2]) {
      const E = hi.eccentricAnomaly(M);
      expect(E - 0.95 * Math.sin(E)).toBeCloseTo(M, 12);
    }
  });

  it("refuses orbits that hit the Earth or are not ellipses", () => {
    expect(() => new KeplerOrbit({ ...MOLNIYA, eccentricity: 1 })).toThrow(UserError);
    expect(() => new KeplerOrbit({ ...MOLNIYA, semiMajorAxisM: 7_000_000 })).toThrow(/semiMajorAxisM/);
    expect(() => new KeplerOrbit({ ...MOLNIYA, raanRad: Number.NaN })).toThrow(/raanRad/);
  });
});

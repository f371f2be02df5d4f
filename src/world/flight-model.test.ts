import { describe, expect, it } from "vitest";
import { WGS84 } from "../core/geodesy.ts";
import { gravityJ2, rotatingFrameAccel } from "../core/gravity.ts";
import {
  ATMOSPHERE,
  airDensity,
  BallisticDynamics,
  EARTH_WGS84,
  type EarthModel,
  gravityAccel,
  integrateFlight,
  jacobiIntegral,
} from "./flight-model.ts";

const MU = 3.986004418e14;
/** Spherical, non-rotating, point-mass Earth without air: the two-body problem. */
const KEPLER_EARTH: EarthModel = {
  gm: MU,
  j2: 0,
  omega: 0,
  radiusM: 6371e3,
  flattening: 0,
  atmosphere: false,
};

/**
 * Closed-form two-body propagation (Lagrange f and g functions with the eccentric-anomaly change
 * solved from Kepler's equation by Newton's method), written independently of the integrator.
 */
function keplerPropagate(r0: number[], v0: number[], dt: number): { r: number[]; v: number[] } {
  const rn = Math.hypot(r0[0], r0[1], r0[2]);
  const v2 = v0[0] ** 2 + v0[1] ** 2 + v0[2] ** 2;
  const a = 1 / (2 / rn - v2 / MU);
  const sigma0 = (r0[0] * v0[0] + r0[1] * v0[1] + r0[2] * v0[2]) / Math.sqrt(MU);
  const n = Math.sqrt(MU / (a * a * a));
  const M = n * dt;
  let dE = M;
  for (let i = 0; i < 50; i++) {
    const f = dE + (sigma0 / Math.sqrt(a)) * (1 - Math.cos(dE)) - (1 - rn / a) * Math.sin(dE) - M;
    const fp = 1 + (sigma0 / Math.sqrt(a)) * Math.sin(dE) - (1 - rn / a) * Math.cos(dE);
    const step = f / fp;
    dE -= step;
    if (Math.abs(step) < 1e-15) break;
  }
  const r = a + (rn - a) * Math.cos(dE) + sigma0 * Math.sqrt(a) * Math.sin(dE);
  const f = 1 - (a / rn) * (1 - Math.cos(dE));
  const g = dt - Math.sqrt((a * a * a) / MU) * (dE - Math.sin(dE));
  const fd = (-Math.sqrt(MU * a) / (r * rn)) * Math.sin(dE);
  const gd = 1 - (a / r) * (1 - Math.cos(dE));
  return {
    r: [0, 1, 2].map((k) => f * r0[k] + g * v0[k]),
    v: [0, 1, 2].map((k) => fd * r0[k] + gd * v0[k]),
  };
}

describe("flight model: closed-form checks", () => {
  it("matches Kepler's equation for a two-body orbit (end state and dense read-back)", () => {
    const r0 = [7000e3, 0, 0];
    const v0 = [300, 7200, 1500]; // elliptical, inclined, not circular
    const T = 5400;
    const res = integrateFlight(
      new BallisticDynamics(KEPLER_EARTH, Number.POSITIVE_INFINITY),
      0,
      [...r0, ...v0],
      {
        tMax: T,
        impactArmedAfter: Number.POSITIVE_INFINITY,
      },
    );
    expect(res.impacted).toBe(false);
    expect(res.tEnd).toBeCloseTo(T, 9);
    const ref = keplerPropagate(r0, v0, T);
    const dr = Math.hypot(...[0, 1, 2].map((k) => res.endState[k] - ref.r[k]));
    const dv = Math.hypot(...[0, 1, 2].map((k) => res.endState[3 + k] - ref.v[k]));
    expect(dr).toBeLessThan(0.05);
    expect(dv).toBeLessThan(1e-4);
    // Hermite read-back at arbitrary times between samples.
    const traj = res.trajectory!;
    const p = new Float64Array(3);
    const v = new Float64Array(3);
    let worstP = 0;
    let worstV = 0;
    for (let t = 3.7; t < T; t += 97.3) {
      expect(traj.interpolate(t, p, v)).toBe(true);
      const k = keplerPropagate(r0, v0, t);
      worstP = Math.max(worstP, Math.hypot(p[0] - k.r[0], p[1] - k.r[1], p[2] - k.r[2]));
      worstV = Math.max(worstV, Math.hypot(v[0] - k.v[0], v[1] - k.v[1], v[2] - k.v[2]));
    }
    expect(worstP).toBeLessThan(0.5);
    expect(worstV).toBeLessThan(1e-3);
    expect(traj.interpolate(T + 1, p, v)).toBe(false);
    expect(traj.interpolate(-1, p, v)).toBe(false);
  });

  it("finds the impact of a sub-orbital two-body flight where Kepler puts the surface crossing", () => {
    const r0 = [KEPLER_EARTH.radiusM, 0, 0];
    const v0 = [4000, 4000, 0];
    const res = integrateFlight(
      new BallisticDynamics(KEPLER_EARTH, Number.POSITIVE_INFINITY),
      0,
      [...r0, ...v0],
      {
        tMax: 7200,
        impactArmedAfter: 1,
      },
    );
    expect(res.impacted).toBe(true);
    // Symmetric ellipse: the impact speed equals the launch speed, radius equals R, and Kepler agrees.
    const ref = keplerPropagate(r0, v0, res.tEnd);
    expect(Math.hypot(ref.r[0], ref.r[1], ref.r[2]) - KEPLER_EARTH.radiusM).toBeLessThan(0.01);
    expect(Math.hypot(...[0, 1, 2].map((k) => res.endState[k] - ref.r[k]))).toBeLessThan(0.05);
    // Apogee against the vis-viva / angular-momentum closed form.
    const h = Math.abs(r0[0] * v0[1] - r0[1] * v0[0]);
    const a = 1 / (2 / r0[0] - (v0[0] ** 2 + v0[1] ** 2) / MU);
    const e = Math.sqrt(1 - (h * h) / (MU * a));
    expect(res.apogeeM).toBeCloseTo(a * (1 + e) - KEPLER_EARTH.radiusM, 0);
  });

  it("conserves specific mechanical energy in vacuum without J2 (non-rotating, < 1e-6 relative)", () => {
    const y0 = [6700e3, 0, 300e3, 1000, 7000, 2000];
    const res = integrateFlight(new BallisticDynamics(KEPLER_EARTH, Number.POSITIVE_INFINITY), 0, y0, {
      tMax: 3 * 3600,
      impactArmedAfter: Number.POSITIVE_INFINITY,
    });
    const e0 = jacobiIntegral(KEPLER_EARTH, y0.slice(0, 3), y0.slice(3));
    const traj = res.trajectory!;
    const p = new Float64Array(3);
    const v = new Float64Array(3);
    let worst = 0;
    for (let i = 0; i < traj.count; i++) {
      const t = traj.times[i];
      traj.interpolate(t, p, v);
      worst = Math.max(worst, Math.abs(jacobiIntegral(KEPLER_EARTH, p, v) - e0) / Math.abs(e0));
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it("conserves the Jacobi integral in the rotating frame, with and without J2 (< 1e-6 relative)", () => {
    for (const j2 of [0, WGS84.J2]) {
      const earth: EarthModel = { ...EARTH_WGS84, j2, atmosphere: false };
      // A long, high ICBM-like arc from 40°N in ECEF (starts with the Earth's rotation removed).
      const y0 = [4.8e6, 1.2e6, 4.2e6, -2500, 5000, 3500];
      const res = integrateFlight(new BallisticDynamics(earth, Number.POSITIVE_INFINITY), 0, y0, {
        tMax: 4000,
      });
      const c0 = jacobiIntegral(earth, y0.slice(0, 3), y0.slice(3));
      const c1 = jacobiIntegral(earth, res.endState.subarray(0, 3), res.endState.subarray(3));
      expect(Math.abs(c1 - c0) / Math.abs(c0)).toBeLessThan(1e-6);
      expect(res.tEnd).toBeGreaterThan(600);
    }
  });

  it("gravity is minus the gradient of the potential used by the Jacobi integral (J2 formula check)", () => {
    const earth: EarthModel = { ...EARTH_WGS84, omega: 0 };
    const zero = [0, 0, 0];
    const U = (x: number, y: number, z: number): number => jacobiIntegral(earth, [x, y, z], zero);
    const g = new Float64Array(3);
    for (const p of [
      [6.5e6, 1e6, 2e6],
      [1e6, -2e6, 6.2e6],
      [-7e6, 3e6, -1e6],
    ]) {
      gravityAccel(earth, p[0], p[1], p[2], g);
      const d = 1;
      for (let k = 0; k < 3; k++) {
        const a = [...p];
        const b = [...p];
        a[k] += d;
        b[k] -= d;
        const grad = (U(a[0], a[1], a[2]) - U(b[0], b[1], b[2])) / (2 * d);
        expect(g[k]).toBeCloseTo(-grad, 6);
      }
    }
  });

  it("gravity at the equator and pole matches the J2 textbook values", () => {
    const g = new Float64Array(3);
    gravityAccel(EARTH_WGS84, WGS84.a, 0, 0, g);
    // GM/a² (1 + 1.5 J2) = 9.7982 m/s² (before centrifugal).
    expect(-g[0]).toBeCloseTo((MU / WGS84.a ** 2) * (1 + 1.5 * WGS84.J2), 9);
    gravityAccel(EARTH_WGS84, 0, 0, WGS84.b, g);
    expect(-g[2]).toBeCloseTo((MU / WGS84.b ** 2) * (1 - 3 * WGS84.J2 * (WGS84.a / WGS84.b) ** 2), 9);
  });

  it("agrees with the core gravity module (J2 + rotating-frame terms), a separate implementation", () => {
    const dyn = new BallisticDynamics({ ...EARTH_WGS84, atmosphere: false }, Number.POSITIVE_INFINITY);
    const y = new Float64Array([4.1e6, -3.3e6, 4.4e6, 1200, -800, 3000]);
    const dy = new Float64Array(6);
    dyn.deriv(0, y, dy);
    const g = gravityJ2(y.subarray(0, 3), new Float64Array(3));
    const w = rotatingFrameAccel(y.subarray(0, 3), y.subarray(3), new Float64Array(3));
    for (let k = 0; k < 3; k++) expect(dy[3 + k]).toBeCloseTo(g[k] + w[k], 12);
  });

  it("exponential atmosphere: ρ0 at sea level, e-folds every scale height, zero above the top", () => {
    expect(airDensity(0)).toBe(ATMOSPHERE.rho0);
    expect(airDensity(ATMOSPHERE.scaleHeightM) / airDensity(0)).toBeCloseTo(Math.exp(-1), 12);
    // US Standard Atmosphere 1976 at 30 km: 1.84e-2 kg/m³ — the single-scale-height fit is within 40%.
    expect(airDensity(30e3) / 1.841e-2).toBeGreaterThan(0.6);
    expect(airDensity(30e3) / 1.841e-2).toBeLessThan(1.4);
    expect(airDensity(ATMOSPHERE.topM + 1)).toBe(0);
  });

  it("drag slows a falling body toward terminal speed √(2βg/ρ)", () => {
    const earth: EarthModel = { ...EARTH_WGS84, omega: 0, j2: 0 };
    const beta = 100; // light debris
    const y0 = [WGS84.a + 30e3, 0, 0, -2000, 0, 0];
    const res = integrateFlight(new BallisticDynamics(earth, beta), 0, y0, { tMax: 3000 });
    expect(res.impacted).toBe(true);
    const vImpact = Math.hypot(res.endState[3], res.endState[4], res.endState[5]);
    const g = MU / WGS84.a ** 2;
    const vTerminal = Math.sqrt((2 * beta * g) / ATMOSPHERE.rho0);
    expect(vImpact).toBeGreaterThan(0.9 * vTerminal);
    expect(vImpact).toBeLessThan(1.1 * vTerminal);
  });
});

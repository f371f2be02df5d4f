import { describe, expect, it } from "vitest";
import { deg2rad } from "../core/geodesy.ts";
import { BallisticModel } from "../tracking/models/ballistic.ts";
import { EARTH_WGS84, surfaceHeight } from "../world/flight-model.ts";
import { planMissileFlight } from "../world/missile-flight.ts";
import { newTruthState } from "../world/truth.ts";
import { FlightWork, flyToGround } from "./fly-to-ground.ts";

/** Counts dynamics evaluations (the integrator's cost, independent of the machine). */
class CountingModel extends BallisticModel {
  evaluations = 0;
  override derivative(x: ArrayLike<number>, out: Float64Array): Float64Array {
    this.evaluations++;
    return super.derivative(x, out);
  }
}

/** Independent reference: fixed 20 ms RK4 steps, the crossing step bisected with RK4 to 1 µs. */
function reference(model: BallisticModel, x0: ArrayLike<number>, t0: number, out: Float64Array): number {
  const n = model.dim;
  const y = Float64Array.from(x0);
  const k = [0, 1, 2, 3].map(() => new Float64Array(n));
  const tmp = new Float64Array(n);
  const step = (s: Float64Array, h: number) => {
    model.derivative(s, k[0]);
    for (let i = 0; i < n; i++) tmp[i] = s[i] + 0.5 * h * k[0][i];
    model.derivative(tmp, k[1]);
    for (let i = 0; i < n; i++) tmp[i] = s[i] + 0.5 * h * k[1][i];
    model.derivative(tmp, k[2]);
    for (let i = 0; i < n; i++) tmp[i] = s[i] + h * k[2][i];
    model.derivative(tmp, k[3]);
    for (let i = 0; i < n; i++) s[i] += (h / 6) * (k[0][i] + 2 * k[1][i] + 2 * k[2][i] + k[3][i]);
  };
  const dt = 0.02;
  for (let t = t0; t - t0 < 3000; t += dt) {
    const prev = Float64Array.from(y);
    step(y, dt);
    if (surfaceHeight(EARTH_WGS84, y[0], y[1], y[2]) > 0) continue;
    let lo = 0;
    let hi = dt;
    while (hi - lo > 1e-6) {
      const mid = 0.5 * (lo + hi);
      y.set(prev);
      step(y, mid);
      if (surfaceHeight(EARTH_WGS84, y[0], y[1], y[2]) > 0) lo = mid;
      else hi = mid;
    }
    y.set(prev);
    step(y, hi);
    out.set(y.subarray(0, 3));
    return t + hi;
  }
  return Number.NaN;
}

const flights = [
  planMissileFlight({
    id: "S",
    missileClass: "SRBM",
    launchSite: { lat: deg2rad(39.66), lon: deg2rad(124.7) },
    tLaunch: 0,
    aim: { lat: deg2rad(39.9), lon: deg2rad(128.2) },
    trajectory: "depressed",
  }),
  planMissileFlight({
    id: "M",
    missileClass: "MRBM",
    launchSite: { lat: deg2rad(39.0), lon: deg2rad(125.7) },
    tLaunch: 0,
    aim: { lat: deg2rad(40.5), lon: deg2rad(138.5) },
    trajectory: "minimum-energy",
  }),
];

describe("flyToGround", () => {
  it("matches a fine fixed-step reference to a metre, with a few hundred evaluations at most", () => {
    const model = new CountingModel({ drag: true, qAccel: 0 });
    const ref = new BallisticModel({ drag: true, qAccel: 0 });
    const work = new FlightWork(7);
    const a = new Float64Array(3);
    const b = new Float64Array(3);
    const s = newTruthState();
    let cases = 0;
    for (const f of flights) {
      for (const frac of [0.3, 0.6, 0.9]) {
        const t = f.burnoutT + frac * (f.tEnd - f.burnoutT);
        expect(f.sample(t, s)).toBe(true);
        // Debris-light to heavy reentry vehicles.
        for (const beta of [300, 5000, 20000]) {
          const x = [...s.pos, ...s.vel, beta];
          model.evaluations = 0;
          const tNew = flyToGround(model, x, t, 7200, a, work);
          const tRef = reference(ref, x, t, b);
          expect(Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2])).toBeLessThan(1);
          expect(Math.abs(tNew - tRef)).toBeLessThan(0.01);
          expect(Math.abs(surfaceHeight(EARTH_WGS84, a[0], a[1], a[2]))).toBeLessThan(0.5);
          // The reference needs 200 evaluations per second of flight; these flights (15–460 s) at most
          // ~300 in all (2 s RK4 steps shrinking towards the ground took ~450 for a 150 s fall).
          expect(model.evaluations).toBeLessThan(350);
          cases++;
        }
      }
    }
    expect(cases).toBe(18);
  });

  it("returns the start for a state at or below the ground, NaN for one that never comes down", () => {
    const model = new BallisticModel({ drag: true, qAccel: 0 });
    const out = new Float64Array(3);
    const ground = [EARTH_WGS84.radiusM - 10, 0, 0, 100, 0, 0, 5000];
    expect(flyToGround(model, ground, 42, 7200, out)).toBe(42);
    expect([...out]).toEqual(ground.slice(0, 3));
    const r = 7.0e6;
    const vCirc = Math.sqrt(EARTH_WGS84.gm / r);
    const orbit = [r, 0, 0, 0, vCirc - EARTH_WGS84.omega * r, 0, 5000];
    expect(flyToGround(model, orbit, 0, 3000, out)).toBeNaN();
  });
});

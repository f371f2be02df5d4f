import { describe, expect, it } from "vitest";
import { BallisticDynamics, EARTH_WGS84, integrateFlight } from "../../world/flight-model.ts";
import { BallisticModel } from "./ballistic.ts";
import { ecefDeg, maxRowRelativeError, numericJacobian } from "./test-fixtures.ts";

/** A state climbing steeply from 300 km over the Korean peninsula. */
function loftedState(): Float64Array {
  const r = ecefDeg(39, 126, 300e3);
  const rn = Math.hypot(r[0], r[1], r[2]);
  const up = [r[0] / rn, r[1] / rn, r[2] / rn];
  const east = [-Math.sin((126 * Math.PI) / 180), Math.cos((126 * Math.PI) / 180), 0];
  const v = up.map((u, i) => 4500 * u + 1200 * east[i]);
  return Float64Array.of(...r, ...v);
}

/** A re-entering state at 40 km, 4 km/s, 30° below the horizon. */
function reentryState(beta: number): Float64Array {
  const r = ecefDeg(38, 133, 40e3);
  const rn = Math.hypot(r[0], r[1], r[2]);
  const up = [r[0] / rn, r[1] / rn, r[2] / rn];
  const east = [-Math.sin((133 * Math.PI) / 180), Math.cos((133 * Math.PI) / 180), 0];
  const c = Math.cos(Math.PI / 6);
  const s = Math.sin(Math.PI / 6);
  const v = up.map((u, i) => 4000 * (-s * u + c * east[i]));
  return Float64Array.of(...r, ...v, beta);
}

/** The world's flight of x0 (position, velocity) over tMax s at ballistic coefficient β, tightly solved. */
function worldFlight(beta: number, x0: ArrayLike<number>, tMax: number): Float64Array {
  return integrateFlight(new BallisticDynamics(EARTH_WGS84, beta), 0, x0, {
    tMax,
    rtol: 1e-12,
    atol: 1e-9,
    record: false,
  }).endState;
}

describe("ballistic process model", () => {
  it("follows the world's adaptive Dormand–Prince flight model without drag (600 s)", () => {
    const x0 = loftedState();
    const ref = worldFlight(Number.POSITIVE_INFINITY, x0, 600);
    const model = new BallisticModel({ drag: false, qAccel: 0 });
    const x = Float64Array.from(x0);
    model.propagate(x, 600, null);
    for (let i = 0; i < 3; i++) expect(Math.abs(x[i] - ref[i])).toBeLessThan(0.01);
    for (let i = 3; i < 6; i++) expect(Math.abs(x[i] - ref[i])).toBeLessThan(1e-4);
  });

  it("follows the world's flight model with drag through reentry (20 s at β = 3000 kg/m²)", () => {
    const x0 = reentryState(3000);
    const ref = worldFlight(3000, x0.subarray(0, 6), 20);
    const model = new BallisticModel({ drag: true, qAccel: 0, maxStepS: 0.5 });
    const x = Float64Array.from(x0);
    model.propagate(x, 20, null);
    // Drag decelerates hard here (tens of m/s²), so the check is meaningful:
    const dv = Math.hypot(x[3] - x0[3], x[4] - x0[4], x[5] - x0[5]);
    expect(dv).toBeGreaterThan(100);
    for (let i = 0; i < 3; i++) expect(Math.abs(x[i] - ref[i])).toBeLessThan(0.05);
    for (let i = 3; i < 6; i++) expect(Math.abs(x[i] - ref[i])).toBeLessThan(0.01);
    expect(x[6]).toBe(3000);
  });

  it("stays stable in stiff drag: a light fragment near the ground, in the default 2-s steps", () => {
    // β 50 kg/m² at 2 km, 300 m/s down: drag's rate ρ|v|/β ≈ 6 /s, beyond RK4's stable 2.8 / 2 s.
    const r = ecefDeg(40.9, 138.7, 2e3);
    const rn = Math.hypot(r[0], r[1], r[2]);
    const x0 = Float64Array.of(...r, ...r.map((c) => (-300 * c) / rn), 50);
    const ref = worldFlight(50, x0.subarray(0, 6), 4);
    const model = new BallisticModel({ drag: true, qAccel: 0 });
    const x = Float64Array.from(x0);
    const Phi = new Float64Array(49);
    model.propagate(x, 4, Phi);
    // It has slowed to its terminal speed (≈ 28 m/s here) as the truth has, within a metre.
    for (let i = 0; i < 3; i++) expect(Math.abs(x[i] - ref[i])).toBeLessThan(1);
    for (let i = 3; i < 6; i++) expect(Math.abs(x[i] - ref[i])).toBeLessThan(0.5);
    expect(Math.hypot(x[3], x[4], x[5])).toBeLessThan(40);
    for (const v of Phi) expect(Math.abs(v)).toBeLessThan(10);
  });

  it("has a transition Jacobian equal to finite differences of the propagation (6-state, 30 s)", () => {
    const model = new BallisticModel({ drag: false, qAccel: 0 });
    const x0 = loftedState();
    const Phi = new Float64Array(36);
    model.propagate(Float64Array.from(x0), 30, Phi);
    const ref = numericJacobian(
      (x, out) => {
        out.set(x);
        model.propagate(out, 30, null);
      },
      x0,
      6,
      6,
      [10, 10, 10, 0.1, 0.1, 0.1],
    );
    expect(maxRowRelativeError(Phi, ref, 6, 6)).toBeLessThan(1e-6);
  });

  it("has a transition Jacobian equal to finite differences with drag (7-state, 5 s at 40 km)", () => {
    const model = new BallisticModel({ drag: true, qAccel: 0, maxStepS: 0.5 });
    const x0 = reentryState(2000);
    const Phi = new Float64Array(49);
    model.propagate(Float64Array.from(x0), 5, Phi);
    const ref = numericJacobian(
      (x, out) => {
        out.set(x);
        model.propagate(out, 5, null);
      },
      x0,
      7,
      7,
      [1, 1, 1, 0.01, 0.01, 0.01, 1],
    );
    expect(maxRowRelativeError(Phi, ref, 7, 7)).toBeLessThan(1e-6);
    // β column is far from zero: drag sensitivity is resolved
    expect(Math.abs(Phi[3 * 7 + 6]) + Math.abs(Phi[4 * 7 + 6]) + Math.abs(Phi[5 * 7 + 6])).toBeGreaterThan(
      1e-3,
    );
  });

  it("has an analytic drag/gravity Jacobian A = ∂f/∂x equal to finite differences", () => {
    const model = new BallisticModel({ drag: true, qAccel: 0 });
    const x0 = reentryState(2000);
    const A = model.jacobian(x0, new Float64Array(49));
    const ref = numericJacobian(
      (x, out) => model.derivative(x, out),
      x0,
      7,
      7,
      [1, 1, 1, 0.01, 0.01, 0.01, 1],
    );
    expect(maxRowRelativeError(A, ref, 7, 7)).toBeLessThan(1e-5);
  });

  it("with 1/β in the state, flies as with β, and its Jacobians equal finite differences", () => {
    const withBeta = new BallisticModel({ drag: true, qAccel: 0, maxStepS: 0.5 });
    const inverse = new BallisticModel({ drag: true, dragState: "inverse", qAccel: 0, maxStepS: 0.5 });
    const xb = reentryState(2000);
    const xi = Float64Array.from(xb);
    xi[6] = 1 / 2000;
    const fb = withBeta.derivative(xb, new Float64Array(7));
    const fi = inverse.derivative(xi, new Float64Array(7));
    for (let i = 0; i < 6; i++) expect(fi[i]).toBeCloseTo(fb[i], 12);
    const PhiB = new Float64Array(49);
    const PhiI = new Float64Array(49);
    withBeta.propagate(Float64Array.from(xb), 5, PhiB);
    const flown = Float64Array.from(xi);
    inverse.propagate(flown, 5, PhiI);
    // The same flight; the chain rule links the two drag columns: ∂x/∂(1/β) = −β²·∂x/∂β.
    const ref = Float64Array.from(xb);
    withBeta.propagate(ref, 5, null);
    for (let i = 0; i < 6; i++) expect(flown[i]).toBeCloseTo(ref[i], 6);
    for (let i = 0; i < 6; i++) expect(PhiI[i * 7 + 6]).toBeCloseTo(-2000 * 2000 * PhiB[i * 7 + 6], 3);
    const A = inverse.jacobian(xi, new Float64Array(49));
    const dA = numericJacobian(
      (x, out) => inverse.derivative(x, out),
      xi,
      7,
      7,
      [1, 1, 1, 0.01, 0.01, 0.01, 1e-7],
    );
    expect(maxRowRelativeError(A, dA, 7, 7)).toBeLessThan(1e-5);
    const dPhi = numericJacobian(
      (x, out) => {
        out.set(x);
        inverse.propagate(out, 5, null);
      },
      xi,
      7,
      7,
      [1, 1, 1, 0.01, 0.01, 0.01, 1e-7],
    );
    expect(maxRowRelativeError(PhiI, dPhi, 7, 7)).toBeLessThan(1e-6);
    // Held in [0, 1/50]: drag never pushes.
    const negative = Float64Array.from(xi);
    negative[6] = -1e-3;
    inverse.propagate(negative, 1, null);
    expect(negative[6]).toBe(0);
  });

  it("with a thrust state, adds a_T along the velocity: the speed gained is a_T·dt beyond the ballistic flight's", () => {
    // Above the atmosphere (300 km) drag is nil, so the 8-state model with a_T = 0 is the ballistic
    // one, and a thrust of 50 m/s² along the velocity adds ≈ 50 m/s per second of flight to the
    // speed (gravity and rotation act on both flights alike over a short burn).
    const ballistic = new BallisticModel({ drag: true, qAccel: 0, maxStepS: 0.5 });
    const boost = new BallisticModel({ drag: true, thrust: true, qAccel: 0, maxStepS: 0.5 });
    const x0 = Float64Array.of(...loftedState(), 5000);
    const xb = x0.slice(0, 7);
    ballistic.propagate(xb, 4, null);
    const coast = Float64Array.of(...x0.subarray(0, 7), 0);
    boost.propagate(coast, 4, null);
    for (let i = 0; i < 7; i++) expect(coast[i]).toBeCloseTo(xb[i], 9);
    const burn = Float64Array.of(...x0.subarray(0, 7), 50);
    boost.propagate(burn, 4, null);
    const speed = (x: ArrayLike<number>) => Math.hypot(x[3], x[4], x[5]);
    expect(speed(burn) - speed(xb)).toBeCloseTo(200, 0);
    expect(burn[7]).toBe(50);
    // Thrust only pushes: a negative estimate is propagated as none.
    const braking = Float64Array.of(...x0.subarray(0, 7), -30);
    boost.propagate(braking, 4, null);
    expect(Array.from(braking)).toEqual(Array.from(coast));
  });

  it("has a transition Jacobian equal to finite differences with thrust (8-state, 10 s climbing at 40 km)", () => {
    const model = new BallisticModel({ drag: true, thrust: true, qAccel: 0, maxStepS: 0.5 });
    const r = reentryState(2000);
    // The same place, climbing: velocity reversed, 60 m/s² of thrust.
    const x0 = Float64Array.of(...r.subarray(0, 3), -r[3], -r[4], -r[5], 2000, 60);
    const Phi = new Float64Array(64);
    model.propagate(Float64Array.from(x0), 10, Phi);
    const ref = numericJacobian(
      (x, out) => {
        out.set(x);
        model.propagate(out, 10, null);
      },
      x0,
      8,
      8,
      [1, 1, 1, 0.01, 0.01, 0.01, 1, 0.01],
    );
    expect(maxRowRelativeError(Phi, ref, 8, 8)).toBeLessThan(1e-6);
    const A = model.jacobian(x0, new Float64Array(64));
    const refA = numericJacobian(
      (x, out) => model.derivative(x, out),
      x0,
      8,
      8,
      [1, 1, 1, 0.01, 0.01, 0.01, 1, 0.01],
    );
    expect(maxRowRelativeError(A, refA, 8, 8)).toBeLessThan(1e-5);
    // 10 s of thrust: ∂v/∂a_T ≈ 10 s along the velocity (a little less: more speed, more drag).
    expect(Math.hypot(Phi[3 * 8 + 7], Phi[4 * 8 + 7], Phi[5 * 8 + 7])).toBeCloseTo(10, 0);
  });

  it("builds the white-acceleration process noise", () => {
    const model = new BallisticModel({ drag: true, qAccel: 2, qBeta: 5 });
    const Q = model.processNoise(3, new Float64Array(49));
    expect(Q[0]).toBeCloseTo(18, 12); // q dt³/3
    expect(Q[3]).toBeCloseTo(9, 12); // q dt²/2
    expect(Q[3 * 7 + 3]).toBeCloseTo(6, 12); // q dt
    expect(Q[48]).toBeCloseTo(15, 12);
    const boost = new BallisticModel({ drag: true, thrust: true, qAccel: 2, qBeta: 5, qThrust: 7 });
    const Q8 = boost.processNoise(3, new Float64Array(64));
    expect(Q8[6 * 8 + 6]).toBeCloseTo(15, 12);
    expect(Q8[63]).toBeCloseTo(21, 12); // q_T dt
    expect(() => new BallisticModel({ drag: false, qAccel: -1 })).toThrow(/qAccel/);
    expect(() => new BallisticModel({ drag: false, thrust: true, qAccel: 1 })).toThrow(/drag/);
  });
});

import { describe, expect, it } from "vitest";
import { BallisticModel } from "../tracking/models/ballistic.ts";
import { PoweredFlightDetector } from "./powered-flight.ts";
import { phaseOf } from "./track-messages.ts";

const model = new BallisticModel({ drag: false, qAccel: 0 });

/**
 * A climbing object sampled once a second: gravity and rotation from the ballistic model, plus
 * `thrust(t)` m/s² along the velocity (Euler steps of 0.01 s — the detector sees the difference of
 * whole-window velocity changes, far above the integration error).
 */
function flight(seconds: number, thrust: (t: number) => number): { t: number; x: Float64Array }[] {
  const x = Float64Array.from([6_478_137, 0, 0, 1500, 1500, 0]);
  const d = new Float64Array(6);
  const out = [{ t: 0, x: Float64Array.from(x) }];
  const h = 0.01;
  for (let k = 1; k <= seconds * 100; k++) {
    const t = k * h;
    model.derivative(x, d);
    const v = Math.hypot(x[3], x[4], x[5]);
    const a = thrust(t);
    for (let i = 0; i < 3; i++) {
      x[i] += h * x[3 + i];
      x[3 + i] += h * (d[3 + i] + (a * x[3 + i]) / v);
    }
    if (k % 100 === 0) out.push({ t: Math.round(t), x: Float64Array.from(x) });
  }
  return out;
}

/** The detector's judgement after each sample. */
function judge(d: PoweredFlightDetector, samples: { t: number; x: Float64Array }[]): Map<number, boolean> {
  const out = new Map<number, boolean>();
  for (const s of samples) out.set(s.t, d.add(s.t, s.x));
  return out;
}

describe("PoweredFlightDetector", () => {
  it("calls a 30 m/s² burn powered and, a window after burnout, unpowered; nothing judged before half a window", () => {
    const d = new PoweredFlightDetector();
    const seen = judge(
      d,
      flight(60, (t) => (t < 30 ? 30 : 0)),
    );
    expect(seen.get(3)).toBe(true); // the prior
    expect(d.judged).toBe(true);
    for (let t = 4; t < 30; t++) expect(seen.get(t), `t=${t}`).toBe(true);
    for (let t = 39; t <= 60; t++) expect(seen.get(t), `t=${t}`).toBe(false);
    expect(new PoweredFlightDetector().judged).toBe(false);
  });

  it("with relightS, a short burst after burnout is not thrust; a sustained burn is, once it has lasted relightS", () => {
    // A 1-s kick of 60 m/s² keeps the 8-s window's mean excess above 6 m/s² for ≈ 7 s.
    const burst = (t: number) => (t < 20 ? 30 : t >= 40 && t < 41 ? 60 : 0);
    const at = judge(new PoweredFlightDetector({ relightS: 10 }), flight(70, burst));
    const plain = judge(new PoweredFlightDetector(), flight(70, burst));
    expect([...plain.values()].slice(41).some((p) => p)).toBe(true); // the burst flips the plain detector
    expect([...at.values()].slice(30).some((p) => p)).toBe(false);

    const relit = judge(
      new PoweredFlightDetector({ relightS: 10 }),
      flight(90, (t) => (t < 20 ? 30 : t >= 40 ? 30 : 0)),
    );
    const firstAgain = [...relit].find(([t, p]) => t > 30 && p)?.[0];
    // Above the threshold from ≈ 42 s (the window's mean excess crosses 6 m/s²), called powered 10 s later.
    expect(firstAgain).toBeGreaterThanOrEqual(50);
    expect(firstAgain).toBeLessThanOrEqual(54);
  });
});

describe("PoweredFlightDetector with forwardOnly", () => {
  it("does not call a climbing object decelerating in the air powered (a spent stage); a burn it does", () => {
    const drag = flight(30, () => -30);
    expect([...judge(new PoweredFlightDetector(), drag).values()].slice(5).every((p) => p)).toBe(true);
    expect(
      [...judge(new PoweredFlightDetector({ forwardOnly: true }), drag).values()].slice(5).some((p) => p),
    ).toBe(false);
    const burn = flight(30, () => 30);
    expect([...judge(new PoweredFlightDetector({ forwardOnly: true }), burn).values()].every((p) => p)).toBe(
      true,
    );
  });
});

describe("phaseOf", () => {
  const up = [6_478_137, 0, 0, 1000, 1000, 0];
  const downLow = [6_428_137, 0, 0, -2000, 500, 0];
  const downHigh = [6_978_137, 0, 0, -2000, 500, 0];
  it("says boost under thrust, unknown while climbing unjudged, reentry only coming down inside 100 km", () => {
    expect(phaseOf(up, true)).toBe("boost");
    expect(phaseOf(up, undefined)).toBe("unknown");
    expect(phaseOf(up, false)).toBe("midcourse");
    expect(phaseOf(downLow, undefined)).toBe("reentry");
    expect(phaseOf(downHigh, false)).toBe("midcourse");
  });
});

import { describe, expect, it } from "vitest";
import { deg2rad, ecefToEnu, geodesicInverse, geodeticToEcef } from "../core/geodesy.ts";
import { Rng } from "../core/rng.ts";
import { diagonalCovariance as diagP } from "../tracking/models/test-fixtures.ts";
import { planMissileFlight } from "../world/missile-flight.ts";
import { newTruthState } from "../world/truth.ts";
import { ellipseScale, predictImpact } from "./impact-prediction.ts";

const flight = planMissileFlight({
  id: "S1",
  missileClass: "SRBM",
  launchSite: { lat: deg2rad(39.66), lon: deg2rad(124.7) },
  tLaunch: 0,
  aim: { lat: deg2rad(39.9), lon: deg2rad(128.2) },
  trajectory: "minimum-energy",
});
const beta = flight.vehicle.rvBallisticCoefKgM2;

function truthAt(t: number): Float64Array {
  const s = newTruthState();
  expect(flight.sample(t, s)).toBe(true);
  return Float64Array.from([...s.pos, ...s.vel]);
}

describe("impact prediction", () => {
  it("flies a near-certain midcourse state to the truth's impact point and time", () => {
    const t = flight.burnoutT + 60;
    const pred = predictImpact(truthAt(t), diagP(1, 0.01), t, {
      rng: new Rng(1),
      samples: 32,
      betaKgM2: beta,
      betaRelSigma: 1e-6,
    });
    expect(pred).not.toBeNull();
    const miss = geodesicInverse(
      pred!.impact.lat,
      pred!.impact.lon,
      flight.summary.impact.lat,
      flight.summary.impact.lon,
    ).distanceM;
    expect(miss).toBeLessThan(300);
    expect(Math.abs(pred!.tImpact - flight.tEnd)).toBeLessThan(1);
    expect(pred!.ellipse.semiMajorM).toBeLessThan(200);
  });

  it("the 95% ellipse holds the true impact about 95% of the time when the state error matches P", () => {
    const t = flight.burnoutT + 40;
    const x = truthAt(t);
    const P = diagP(300, 5);
    const rng = new Rng("coverage");
    const trials = 60;
    let inside = 0;
    let insideHalf = 0;
    const k2 = ellipseScale(0.95) ** 2;
    const k2Half = ellipseScale(0.5) ** 2;
    const truthEcef = geodeticToEcef(flight.summary.impact.lat, flight.summary.impact.lon, 0);
    for (let i = 0; i < trials; i++) {
      // The estimate is the truth plus an error drawn from P (diagonal, so σ·z per axis).
      const est = Float64Array.from(x, (v, j) => v + Math.sqrt(P[j * 7]) * rng.normal());
      const pred = predictImpact(est, P, t, {
        rng: rng.fork(`p${i}`),
        samples: 200,
        betaKgM2: beta,
        betaRelSigma: 1e-6,
      })!;
      const c = pred.impact;
      const ref = geodeticToEcef(c.lat, c.lon, 0);
      const d = ecefToEnu(truthEcef, ref, c.lat, c.lon);
      const [ee, en, nn] = pred.covEnM2;
      const det = ee * nn - en * en;
      const m2 = (nn * d[0] * d[0] - 2 * en * d[0] * d[1] + ee * d[1] * d[1]) / det;
      if (m2 <= k2) inside++;
      if (m2 <= k2Half) insideHalf++;
    }
    // Binomial(60, 0.95): 99% of runs give 53..60 inside.
    expect(inside).toBeGreaterThanOrEqual(52);
    // Two-sided: an inflated ellipse would hold everything; the 50% ellipse must hold about half.
    expect(insideHalf).toBeGreaterThanOrEqual(19);
    expect(insideHalf).toBeLessThanOrEqual(41);
  });

  it("impact error shrinks as the flight goes on (same state error model)", () => {
    const rng = new Rng(7);
    const spread = [flight.burnoutT + 5, flight.tEnd - 60].map((t) => {
      const pred = predictImpact(truthAt(t), diagP(200, 4), t, {
        rng: rng.fork(String(t)),
        samples: 200,
        betaKgM2: beta,
      })!;
      return pred.ellipse.semiMajorM;
    });
    expect(spread[1]).toBeLessThan(spread[0] / 2);
  });

  it("a converged track is predicted from the checked surrogate: a fraction of the flights, the same statistics", () => {
    const t = flight.burnoutT + 60;
    const x = truthAt(t);
    const P = diagP(300, 5);
    const opts = { samples: 200, betaKgM2: beta } as const;
    const fast = predictImpact(x, P, t, { ...opts, rng: new Rng("same") })!;
    const full = predictImpact(x, P, t, { ...opts, rng: new Rng("same"), method: "monte-carlo" })!;
    expect(fast.method).toBe("surrogate");
    expect(full.method).toBe("monte-carlo");
    expect(fast.flights).toBeLessThan(50);
    expect(full.flights).toBe(200);
    // Same draws: the two agree far inside Monte Carlo's own scatter (≈ 0.07 σ for the mean).
    const sigma = Math.sqrt(full.covEnM2[0] + full.covEnM2[2]);
    const dMean = geodesicInverse(
      fast.impact.lat,
      fast.impact.lon,
      full.impact.lat,
      full.impact.lon,
    ).distanceM;
    expect(dMean / sigma).toBeLessThan(0.01);
    expect(fast.ellipse.semiMajorM / full.ellipse.semiMajorM).toBeCloseTo(1, 2);
    expect(fast.ellipse.semiMinorM / full.ellipse.semiMinorM).toBeCloseTo(1, 1);
    expect(Math.abs(fast.tImpact - full.tImpact)).toBeLessThan(0.05);
    expect(fast.sampleCount).toBe(full.sampleCount);
    let worst = 0;
    for (let i = 0; i < fast.sampleCount; i++) {
      const d = geodesicInverse(
        fast.samples[2 * i],
        fast.samples[2 * i + 1],
        full.samples[2 * i],
        full.samples[2 * i + 1],
      ).distanceM;
      worst = Math.max(worst, d);
    }
    expect(worst / sigma).toBeLessThan(0.1);
  });

  it("falls back to flying every sample when the surrogate fails its check (very uncertain, just after burnout)", () => {
    const t = flight.burnoutT + 5;
    const pred = predictImpact(truthAt(t), diagP(10_000, 200), t, { rng: new Rng(1), samples: 200 })!;
    expect(pred.method).toBe("monte-carlo");
    expect(pred.flights).toBeGreaterThan(200);
  });

  it("refuses a malformed state and returns null for an object that never comes down", () => {
    expect(() => predictImpact([1, 2, 3], [1], 0, { rng: new Rng(1) })).toThrow(/6 or 7/);
    const r = 7.0e6;
    const vCirc = Math.sqrt(3.986004418e14 / r);
    // An orbit in the equatorial plane, expressed in ECEF (subtract Earth rotation).
    const orbit = [r, 0, 0, 0, vCirc - 7.292115e-5 * r, 0];
    expect(
      predictImpact(orbit, diagP(1, 0.01), 0, { rng: new Rng(1), samples: 16, maxFlightS: 3000 }),
    ).toBeNull();
  });
});

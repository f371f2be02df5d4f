import { describe, expect, it } from "vitest";
import { Rng } from "../../core/rng.ts";
import { loftedIrbmBurnout } from "../metrics/ballistic-study.ts";
import { BallisticModel } from "./ballistic.ts";
import { BallisticEkf } from "./ekf.ts";
import { Imm, immMix, linearisedLogLikelihood } from "./imm.ts";
import { burningStage, makeDetection } from "./test-fixtures.ts";

describe("IMM mixing", () => {
  it("matches a hand-computed two-model case (mixing probabilities, mixed means, spread term)", () => {
    const models = [
      { x: Float64Array.of(1, 0), P: Float64Array.of(1, 0.2, 0.2, 1), dim: 2 },
      { x: Float64Array.of(3, 2), P: Float64Array.of(2, 0, 0, 2), dim: 2 },
    ];
    const mu = [0.6, 0.4];
    const Pi = [0.9, 0.1, 0.2, 0.8];
    const outX = [new Float64Array(2), new Float64Array(2)];
    const outP = [new Float64Array(4), new Float64Array(4)];
    const cbar = new Float64Array(2);
    immMix(models, mu, Pi, outX, outP, cbar);
    // c̄₁ = 0.9·0.6 + 0.2·0.4 = 0.62, c̄₂ = 0.38.
    expect(cbar[0]).toBeCloseTo(0.62, 15);
    expect(cbar[1]).toBeCloseTo(0.38, 15);
    // Into model 1: μ₁|₁ = 0.54/0.62 = 27/31, μ₂|₁ = 4/31; x⁰ = (27·(1,0) + 4·(3,2))/31 = (39, 8)/31.
    expect(outX[0][0]).toBeCloseTo(39 / 31, 14);
    expect(outX[0][1]).toBeCloseTo(8 / 31, 14);
    // P⁰ = (27·P₁ + 4·P₂)/31 + spread; spread = 27/31·(8/31)² + 4/31·(54/31)² = 13392/29791 in every entry.
    const spread1 = 13392 / 29791;
    expect(outP[0][0]).toBeCloseTo(35 / 31 + spread1, 14);
    expect(outP[0][1]).toBeCloseTo(5.4 / 31 + spread1, 14);
    expect(outP[0][2]).toBeCloseTo(5.4 / 31 + spread1, 14);
    expect(outP[0][3]).toBeCloseTo(35 / 31 + spread1, 14);
    // Into model 2: μ₁|₂ = 0.06/0.38 = 3/19, μ₂|₂ = 16/19; x⁰ = (51, 32)/19; spread = 3648/6859.
    const spread2 = 3648 / 6859;
    expect(outX[1][0]).toBeCloseTo(51 / 19, 14);
    expect(outX[1][1]).toBeCloseTo(32 / 19, 14);
    expect(outP[1][0]).toBeCloseTo(35 / 19 + spread2, 14);
    expect(outP[1][1]).toBeCloseTo(0.6 / 19 + spread2, 14);
  });

  it("mixes models of different dimension without biasing the extra state", () => {
    const small = { x: Float64Array.of(10), P: Float64Array.of(4), dim: 1 };
    const big = { x: Float64Array.of(20, 3000), P: Float64Array.of(9, 1, 1, 100), dim: 2 };
    const outX = [new Float64Array(1), new Float64Array(2)];
    const outP = [new Float64Array(1), new Float64Array(4)];
    immMix([small, big], [0.5, 0.5], [0.5, 0.5, 0.5, 0.5], outX, outP, new Float64Array(2));
    expect(outX[1][0]).toBeCloseTo(15, 12);
    expect(outX[1][1]).toBe(3000); // β-like extra state is the big model's own
    expect(outP[1][3]).toBeCloseTo(100, 12);
    expect(outP[1][0]).toBeCloseTo(0.5 * (4 + 25) + 0.5 * (9 + 25), 12);
    // The small model's share has no covariance between the shared and the extra state.
    expect(outP[1][1]).toBeCloseTo(0.5 * 0 + 0.5 * 1, 12);
    expect(outX[0][0]).toBeCloseTo(15, 12);
  });

  it("keeps the mixed covariance positive definite when the bigger model's extra state is tightly correlated", () => {
    // Boost model: velocity 100² and thrust 10², correlation 0.99. Ballistic model: velocity 1².
    // With the boost model's cross term (990) beside the ballistic model's velocity variance (1),
    // the small model's share alone would be [[1, 990], [990, 100]]: not a covariance.
    const ballistic = { x: Float64Array.of(0), P: Float64Array.of(1), dim: 1 };
    const boost = { x: Float64Array.of(0, 0), P: Float64Array.of(10_000, 990, 990, 100), dim: 2 };
    const outX = [new Float64Array(1), new Float64Array(2)];
    const outP = [new Float64Array(1), new Float64Array(4)];
    immMix([ballistic, boost], [0.999, 0.001], [0.9, 0.1, 0.1, 0.9], outX, outP, new Float64Array(2));
    const P = outP[1];
    expect(P[0]).toBeGreaterThan(0);
    expect(P[0] * P[3] - P[1] * P[2]).toBeGreaterThan(0);
  });
});

describe("IMM over ballistic EKFs", () => {
  it("uses the EKF likelihood, equal to the linearised one", () => {
    const model = new BallisticModel({ drag: false, qAccel: 1e-3 });
    const x0 = loftedIrbmBurnout();
    const P = new Float64Array(36);
    for (let i = 0; i < 6; i++) P[i * 7] = i < 3 ? 1e4 : 100;
    const f = new BallisticEkf(model, 0, x0, P);
    const det = makeDetection(
      "position",
      [0, 0, 0],
      [x0[0] + 50, x0[1], x0[2] - 30],
      [100, 0, 0, 0, 100, 0, 0, 0, 100],
    );
    expect(f.logLikelihood(det)).toBeCloseTo(linearisedLogLikelihood(f, det), 10);
    // N(ν; 0, S) with S = diag(10100): closed form
    const s = 10100;
    const ref = -0.5 * ((50 * 50 + 30 * 30) / s + 3 * Math.log(s) + 3 * Math.log(2 * Math.PI));
    expect(f.logLikelihood(det)).toBeCloseTo(ref, 10);
  });

  it("switches from a boost model to the ballistic model when the motor stops", () => {
    const ballistic = new BallisticModel({ drag: false, qAccel: 1e-3 });
    const boost = new BallisticModel({ drag: false, qAccel: 400 });
    const P0 = new Float64Array(36);
    for (let i = 0; i < 6; i++) P0[i * 7] = i < 3 ? 300 ** 2 : 30 ** 2;
    // A last stage still burning: 25 m/s² along the velocity for the first 40 s.
    const { x0, seconds } = burningStage(new Rng("imm"), P0, { thrust: 25, burnS: 40, untilS: 160 });
    const imm = new Imm([new BallisticEkf(boost, 0, x0, P0), new BallisticEkf(ballistic, 0, x0, P0)], {
      transition: [0.95, 0.05, 0.01, 0.99],
      mu0: [0.5, 0.5],
    });
    const ballisticOnly = new BallisticEkf(ballistic, 0, x0, P0);
    let muBoostDuringBurn = 0;
    let muBallisticCoasting = 0;
    let errImm = 0;
    let errBallistic = 0;
    for (const { t, truth, dets } of seconds) {
      imm.predictTo(t);
      ballisticOnly.predictTo(t);
      for (const d of dets) {
        imm.update(d);
        ballisticOnly.update(d);
      }
      expect(imm.mu[0] + imm.mu[1]).toBeCloseTo(1, 12);
      if (t > 10 && t <= 40) muBoostDuringBurn += imm.mu[0] / 30;
      if (t > 60) muBallisticCoasting += imm.mu[1] / 100;
      if (t > 20 && t <= 40) {
        errImm += Math.hypot(imm.x[0] - truth[0], imm.x[1] - truth[1], imm.x[2] - truth[2]);
        errBallistic += Math.hypot(
          ballisticOnly.x[0] - truth[0],
          ballisticOnly.x[1] - truth[1],
          ballisticOnly.x[2] - truth[2],
        );
      }
    }
    // The thrust moves the track ~12 m per second beyond ballistic flight against ~300 m of
    // cross-range noise, so the evidence is gradual: the boost model dominates but not overwhelmingly.
    expect(muBoostDuringBurn).toBeGreaterThan(0.75);
    expect(muBallisticCoasting).toBeGreaterThan(0.95);
    // During thrust the IMM follows the truth far better than a ballistic-only filter.
    expect(errImm).toBeLessThan(0.5 * errBallistic);
    const c = imm.clone();
    expect(Array.from(c.x)).toEqual(Array.from(imm.x));
    expect(c.models[0]).not.toBe(imm.models[0]);
  });

  it("rejects bad configuration", () => {
    const model = new BallisticModel({ drag: false, qAccel: 1 });
    const f = new BallisticEkf(
      model,
      0,
      loftedIrbmBurnout(),
      Float64Array.from({ length: 36 }, (_, i) => (i % 7 === 0 ? 1 : 0)),
    );
    expect(() => new Imm([f, f.clone()], { transition: [0.5, 0.5, 0.5, 0.4], mu0: [0.5, 0.5] })).toThrow(
      /sums to/,
    );
    expect(() => new Imm([f, f.clone()], { transition: [1, 0, 0, 1], mu0: [1] })).toThrow(/mu0/);
  });
});

import { expect, it } from "vitest";
import { Rng } from "../../core/rng.ts";
import { loftedIrbmBurnout } from "../metrics/ballistic-study.ts";
import { BallisticModel } from "./ballistic.ts";
import { BallisticEkf } from "./ekf.ts";
import { Imm, type ImmOptions } from "./imm.ts";
import { SettlingImm } from "./settling-imm.ts";
import { burningStage } from "./test-fixtures.ts";

it("runs as the IMM while boost is possible, then as the ballistic filter alone for good", () => {
  const ballistic = new BallisticModel({ drag: false, qAccel: 1e-3 });
  const boost = new BallisticModel({ drag: false, qAccel: 400 });
  const P0 = new Float64Array(36);
  for (let i = 0; i < 6; i++) P0[i * 7] = i < 3 ? 300 ** 2 : 30 ** 2;
  // A last stage burning at 25 m/s² along its velocity for 40 s, then ballistic.
  const { x0, truth, seconds } = burningStage(new Rng("settling"), P0, {
    thrust: 25,
    burnS: 40,
    untilS: 160,
  });
  const options: ImmOptions = { transition: [0.9999, 0.0001, 0.05, 0.95], mu0: [0.5, 0.5] };
  const models = () => [new BallisticEkf(ballistic, 0, x0, P0), new BallisticEkf(boost, 0, x0, P0)];
  const settling = new SettlingImm(models(), options, { keep: 0, below: 0.01, settleS: 10 });
  const imm = new Imm(models(), options);
  let settledAt = Number.NaN;
  let twin: SettlingImm | undefined;
  for (const { t, dets } of seconds) {
    settling.predictTo(t);
    imm.predictTo(t);
    twin?.predictTo(t);
    for (const d of dets) {
      settling.update(d);
      imm.update(d);
      twin?.update(d);
    }
    if (!settling.settled) {
      // Until it settles it is exactly the IMM.
      expect(Array.from(settling.x)).toEqual(Array.from(imm.x));
      expect(Array.from(settling.P)).toEqual(Array.from(imm.P));
      expect(Array.from(settling.mu)).toEqual(Array.from(imm.mu));
    } else if (Number.isNaN(settledAt)) settledAt = t;
    else {
      // Settled: the kept model alone, with all the probability.
      expect(Array.from(settling.mu)).toEqual([1, 0]);
    }
    if (t === 30) twin = settling.clone();
  }
  // Boost is ruled out some time after the burn ends, never during it.
  expect(settledAt).toBeGreaterThan(40 + 10);
  expect(settledAt).toBeLessThan(160);
  // After settling it still tracks: within a few hundred metres of the truth.
  expect(
    Math.hypot(settling.x[0] - truth[0], settling.x[1] - truth[1], settling.x[2] - truth[2]),
  ).toBeLessThan(1_000);
  // A clone taken mid-burn lived its own life on the same detections: same result, separate arrays.
  expect(twin?.settled).toBe(true);
  expect(Array.from(twin?.x ?? [])).toEqual(Array.from(settling.x));
  expect(twin?.x).not.toBe(settling.x);
});

it("does not settle while the other models' own estimates still show their cause", () => {
  const ballistic = new BallisticModel({ drag: false, qAccel: 1e-3 });
  const boost = new BallisticModel({ drag: false, qAccel: 400 });
  const P0 = new Float64Array(36);
  for (let i = 0; i < 6; i++) P0[i * 7] = i < 3 ? 300 ** 2 : 30 ** 2;
  const options: ImmOptions = { transition: [0.9999, 0.0001, 0.05, 0.95], mu0: [0.5, 0.5] };
  /** When the IMM settles on the flight above, with the boost model held plausible until `until`. */
  const settlesAt = (until: number) => {
    const { x0, seconds } = burningStage(new Rng("settling"), P0, { thrust: 25, burnS: 40, untilS: 160 });
    let now = 0;
    const settling = new SettlingImm(
      [new BallisticEkf(ballistic, 0, x0, P0), new BallisticEkf(boost, 0, x0, P0)],
      options,
      { keep: 0, below: 0.01, settleS: 10, othersPlausible: () => now < until },
    );
    for (const { t, dets } of seconds) {
      now = t;
      settling.predictTo(t);
      for (const d of dets) settling.update(d);
      if (settling.settled) return t;
    }
    return Number.NaN;
  };
  const free = settlesAt(0);
  expect(free).toBeLessThan(100);
  expect(settlesAt(120)).toBeGreaterThanOrEqual(120 + 10);
});

it("refuses to keep a model it does not have", () => {
  const m = new BallisticModel({ drag: false, qAccel: 1 });
  const P = new Float64Array(36);
  for (let i = 0; i < 6; i++) P[i * 7] = 1;
  const f = new BallisticEkf(m, 0, loftedIrbmBurnout(), P);
  expect(
    () => new SettlingImm([f], { transition: [1], mu0: [1] }, { keep: 1, below: 0.01, settleS: 1 }),
  ).toThrow(/keep must index one of the 1 models/);
});

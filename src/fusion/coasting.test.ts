import { describe, expect, it } from "vitest";
import { deg2rad } from "../core/geodesy.ts";
import { Rng } from "../core/rng.ts";
import { BallisticModel } from "../tracking/models/ballistic.ts";
import { flyToGround } from "../warning/fly-to-ground.ts";
import { planMissileFlight } from "../world/missile-flight.ts";
import { newTruthState } from "../world/truth.ts";
import { FusionEngine } from "./fusion-engine.ts";
import type { TrackReport } from "./track-report.ts";

/** The lofted ICBM of scenarios/icbm-2024-10-31.yaml (truth: J2, Earth rotation, drag). */
const icbm = planMissileFlight({
  id: "ICBM-1",
  missileClass: "ICBM",
  launchSite: { lat: deg2rad(39.03), lon: deg2rad(125.75) },
  tLaunch: 60,
  aim: { lat: deg2rad(41.9), lon: deg2rad(137.0) },
  trajectory: "lofted",
});
/** Another missile in the air at the same time (an IRBM from elsewhere). */
const other = planMissileFlight({
  id: "IRBM-2",
  missileClass: "IRBM",
  launchSite: { lat: deg2rad(40.0), lon: deg2rad(127.5) },
  tLaunch: 3000,
  aim: { lat: deg2rad(38.0), lon: deg2rad(150.0) },
  trajectory: "minimum-energy",
});

function truth(flight: typeof icbm, t: number): Float64Array {
  const s = newTruthState();
  if (!flight.sample(t, s)) throw new Error(`no truth at ${t}`);
  return Float64Array.from([...s.pos, ...s.vel]);
}

/** A report on the truth with a diagonal covariance (σ position, σ velocity). */
function report(trackNumber: string, t: number, x: Float64Array, sp = 500, sv = 20): TrackReport {
  const P = new Float64Array(36);
  for (let i = 0; i < 3; i++) {
    P[i * 7] = sp * sp;
    P[(i + 3) * 7] = sv * sv;
  }
  return { source: "JPN", trackNumber, t, x, P };
}

/** Fuses every second from t0 to t1 with the given report function (null: nothing to report). */
function run(f: FusionEngine, t0: number, t1: number, r: (t: number) => TrackReport | null) {
  let last: ReturnType<FusionEngine["fuse"]> = [];
  for (let t = t0; t <= t1; t++) {
    const rep = r(t);
    if (rep) f.report(rep);
    last = f.fuse(t);
  }
  return last;
}

describe("coasting system tracks", () => {
  const burnout = icbm.burnoutT;
  const tUp = burnout + 40; // last ascent estimate
  const tDown = icbm.tEnd - 200; // reentry track, ≈ 80 minutes later

  it("takes a dropped track back when a new track continues its ballistic flight 80 minutes later", () => {
    const f = new FusionEngine({ nation: "JPN" });
    run(f, tUp - 20, tUp, (t) => report("JPN-1", t, truth(icbm, t)));
    expect(f.fuse(tUp).map((s) => s.stn)).toEqual([1]);
    f.drop("JPN", "JPN-1");
    f.fuse(tUp + 1);
    const drop = f.takeEvents().find((e) => e.kind === "drop");
    expect(drop && drop.kind === "drop" && drop.coastUntil).toBeGreaterThan(tDown);
    expect(f.isCoasting(1)).toBe(true);
    const pic = run(f, tDown, tDown + 5, (t) => report("JPN-2", t, truth(icbm, t), 2000, 200));
    expect(pic.map((s) => s.stn)).toEqual([1]);
    expect(pic[0].contributors[0].trackNumber).toBe("JPN-2");
    const ev = f.takeEvents();
    expect(ev.some((e) => e.kind === "resume" && e.stn === 1)).toBe(true);
    expect(ev.some((e) => e.kind === "new")).toBe(false);
    expect(f.isCoasting(1)).toBe(false);
  });

  it("takes back a track a radar lost and re-initiated a minute later", () => {
    const f = new FusionEngine({ nation: "JPN" });
    run(f, tUp, tUp + 20, (t) => report("JPN-1", t, truth(icbm, t), 100, 5));
    f.drop("JPN", "JPN-1");
    const pic = run(f, tUp + 21, tUp + 90, (t) => (t < tUp + 80 ? null : report("JPN-7", t, truth(icbm, t))));
    expect(pic.map((s) => s.stn)).toEqual([1]);
  });

  it("does not capture another missile, nor the same one flown ten minutes later", () => {
    const f = new FusionEngine({ nation: "JPN" });
    run(f, tUp - 20, tUp, (t) => report("JPN-1", t, truth(icbm, t)));
    f.drop("JPN", "JPN-1");
    const tOther = other.burnoutT + 60;
    const pic = run(f, tOther, tOther + 5, (t) => report("JPN-2", t, truth(other, t), 2000, 200));
    expect(pic.map((s) => s.stn)).toEqual([2]);
    // The ICBM's own reentry state, shown 600 s late (a second missile on the same path).
    const late = run(f, tDown, tDown + 5, (t) => report("JPN-3", t + 600, truth(icbm, t), 2000, 200));
    expect(late.map((s) => s.stn)).not.toContain(1);
    expect(f.isCoasting(1)).toBe(true);
  });

  it("forgets a candidate once its predicted impact has passed", () => {
    const f = new FusionEngine({ nation: "JPN" });
    run(f, tUp - 20, tUp, (t) => report("JPN-1", t, truth(icbm, t)));
    f.drop("JPN", "JPN-1");
    f.fuse(tUp + 1);
    const until = f.coastingTracks()[0].tExpire;
    expect(until).toBeGreaterThan(icbm.tEnd - 300);
    expect(until).toBeLessThan(icbm.tEnd + 3600);
    f.takeEvents();
    f.fuse(until + 1);
    expect(f.isCoasting(1)).toBe(false);
    expect(f.takeEvents()).toContainEqual({ kind: "forget", stn: 1, t: until + 1 });
    // The reentry state no longer finds it.
    const pic = run(f, until + 2, until + 4, (t) => report("JPN-2", t, truth(icbm, tDown), 2000, 200));
    expect(pic.map((s) => s.stn)).toEqual([2]);
  });

  it("coasts at least until 99 % of the impact times its uncertainty allows (Monte Carlo)", () => {
    // A post-burnout track known to 100 m/s per axis: its time of impact spreads over minutes, from
    // several axes at once, which the sigma points' own latest impact does not cover.
    const sv = 100;
    const f = new FusionEngine({ nation: "JPN" });
    const x = truth(icbm, tUp);
    run(f, tUp, tUp, (t) => report("JPN-1", t, x, 2000, sv));
    f.drop("JPN", "JPN-1");
    f.fuse(tUp);
    const until = f.coastingTracks()[0].tExpire;
    const model = new BallisticModel({ drag: false, qAccel: 0 });
    const rng = new Rng("coast-mc");
    const hit = new Float64Array(3);
    const times: number[] = [];
    for (let k = 0; k < 400; k++) {
      const xs = Float64Array.from(x, (v, i) => v + (i < 3 ? 2000 : sv) * rng.normal());
      times.push(flyToGround(model, xs, tUp, 7200, hit));
    }
    times.sort((a, b) => a - b);
    expect(until).toBeGreaterThanOrEqual(times[Math.floor(0.99 * times.length)]);
  });

  it("can be switched off (a new track then starts a new system track)", () => {
    const f = new FusionEngine({ nation: "JPN", coasting: false });
    run(f, tUp - 20, tUp, (t) => report("JPN-1", t, truth(icbm, t)));
    f.drop("JPN", "JPN-1");
    const pic = run(f, tDown, tDown + 5, (t) => report("JPN-2", t, truth(icbm, t), 2000, 200));
    expect(pic.map((s) => s.stn)).toEqual([2]);
  });
});

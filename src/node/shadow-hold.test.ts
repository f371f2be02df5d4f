/**
 * The shadowing hold (national-node.ts step(), threat-leaders.ts shadowingLeader): a threat flying
 * beside a better-known one that is still under thrust issues no alert — near burnout a relayed track
 * that missed the last seconds of thrust splits off the missile's system track and looks ballistic —
 * and the hold ends when the better-known track burns out.
 */
import { expect, it } from "vitest";
import type { Alert } from "../warning/alert.ts";
import { newTruthState } from "../world/truth.ts";
import type { NodeEvent } from "./node-events.ts";
import { jpnNode, reportCovariance, sinpoMrbm } from "./test-node.ts";

const mrbm = sinpoMrbm();

/**
 * Plays two KOR tracks for 60 s from 30 s after burnout: "split", the missile's true ballistic flight
 * known to 2 km, and "booster", known to 200 m, 25 km ahead of it along the velocity (too far to be
 * taken for the same flight, threat-leaders.ts, so the split track is a threat of its own), that
 * accelerates at 30 m/s² along the velocity for `burnS` seconds and coasts after. Returns JPN's events
 * and the split track's threat id.
 */
async function play(burnS: number): Promise<{ events: NodeEvent[]; t0: number; split: string }> {
  const events: NodeEvent[] = [];
  const node = jpnNode(events);
  const t0 = Math.ceil(mrbm.burnoutT) + 30;
  const s = newTruthState();
  const offset = new Float64Array(6);
  for (let t = t0; t <= t0 + 60; t++) {
    if (!mrbm.sample(t, s)) throw new Error(`no truth at ${t}`);
    const v = Math.hypot(s.vel[0], s.vel[1], s.vel[2]);
    const burning = Math.min(t - t0, burnS); // seconds of thrust so far
    for (let i = 0; i < 3; i++) {
      const u = s.vel[i] / v;
      offset[i] = u * (25_000 + 0.5 * 30 * burning * burning + 30 * burnS * Math.max(0, t - t0 - burnS));
      offset[3 + i] = u * 30 * burning;
    }
    const split = Float64Array.from([...s.pos, ...s.vel]);
    const booster = split.map((c, i) => c + offset[i]);
    node.fusion.report({ source: "KOR", trackNumber: "KOR-1", t, x: booster, P: reportCovariance(200, 20) });
    node.fusion.report({ source: "KOR", trackNumber: "KOR-2", t, x: split, P: reportCovariance(2000, 100) });
    await node.step(t);
  }
  const st = node.picture().systemTracks.find((x) => x.contributors.some((c) => c.trackNumber === "KOR-2"));
  await node.stop();
  return { events, t0, split: `T${st?.stn}` };
}

const issued = (events: NodeEvent[]): Alert[] =>
  events.flatMap((e) => (e.type === "alert" && e.alert.state === "issued" ? [e.alert] : []));

it("a track beside a better-known booster issues nothing while the booster burns, and warns once it is out", async () => {
  const { events, t0, split } = await play(25);
  // The split track is predicted (it looks ballistic and falls in Japan's EEZ) ...
  const predicted = events.filter((e) => e.type === "prediction" && e.t < t0 + 25);
  expect(predicted.length).toBeGreaterThan(0);
  // ... but nothing is issued while the booster beside it is powered (its detector needs up to a
  // window, 8 s, to see the burn end).
  const alerts = issued(events);
  expect(alerts.filter((a) => a.t < t0 + 25)).toEqual([]);
  expect(alerts.filter((a) => a.threatId === split).length).toBeGreaterThan(0);
  expect(alerts[0].area.name).toMatch(/JPN/);
});

it("beside a better-known track that is not under thrust, the split track warns for itself at once", async () => {
  const { events, t0, split } = await play(0);
  const own = issued(events).filter((a) => a.threatId === split);
  expect(own.length).toBeGreaterThan(0);
  expect(own[0].t).toBeLessThan(t0 + 10);
});

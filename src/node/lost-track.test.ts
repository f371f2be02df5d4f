import { expect, it } from "vitest";
import { BallisticModel } from "../tracking/models/ballistic.ts";
import type { NationalNode } from "./national-node.ts";
import type { NodeEvent } from "./node-events.ts";
import { jpnNode, reportCovariance } from "./test-node.ts";

it("a threat whose track ends in flight is not reported as having fallen at its last predicted point", async () => {
  const events: NodeEvent[] = [];
  const node = jpnNode(events);
  // One allied report of a missile climbing at 240 km (1.3 km/s up), then nothing: it is forgotten
  // after 20 s, minutes before the impact its predictions gave.
  const P = reportCovariance();
  const x = Float64Array.from([-3_300_000, 4_000_000, 4_100_000, -1_200, 300, 800]);
  node.fusion.report({ source: "KOR", trackNumber: "KOR-1", t: 100, x, P });
  // Predicted once its fused states show no thrust (powered-flight.ts: half an 8-s window).
  for (let t = 100; t <= 110; t++) await node.step(t);
  await node.step(121);
  expect(node.picture().systemTracks).toEqual([]);
  const pred = events.filter((e) => e.type === "prediction").at(-1);
  if (pred?.type !== "prediction") throw new Error("no prediction");
  expect(pred.tImpact).toBeGreaterThan(200);
  await node.step(Math.ceil(pred.tImpact) + 1);
  // It ended (nothing more is assessed for it), but no place is named where it fell.
  expect(node.alerts.isFinished(`T${pred.stn}`)).toBe(true);
  expect(events.filter((e) => e.type === "impact.outcome")).toEqual([]);
  await node.stop();
});

/**
 * An allied track at 60 km climbing at 1 km/s that looks unpowered for ten seconds (t = 100–110 s, so
 * it is predicted to come down within minutes), then accelerates at 20 m/s² along its velocity: a young
 * track's first seconds of a boost that only looked ballistic.
 */
async function boosterThatLookedBallistic(node: NationalNode, events: NodeEvent[]) {
  const P = reportCovariance();
  const gravity = new BallisticModel({ drag: false, qAccel: 0 });
  const d = new Float64Array(7);
  const up = [-3_300_000, 4_000_000, 4_100_000].map((c, _, a) => c / Math.hypot(...a));
  const east = [-up[1], up[0], 0].map((c, _, a) => c / Math.hypot(...a));
  const x = Float64Array.from([
    ...up.map((c) => c * 6_430_000),
    ...up.map((c, i) => 1_000 * c + 500 * east[i]),
    0,
  ]);
  const flight = {
    thrust: 0,
    /** Reports the track at t, steps the node to t, and flies on for a second. */
    async report(t: number): Promise<void> {
      const phase = flight.thrust > 0 ? "boost" : undefined; // as its source judges it
      node.fusion.report({ source: "KOR", trackNumber: "KOR-1", t, x: x.slice(0, 6), P, phase });
      await node.step(t);
      for (let k = 0; k < 10; k++) {
        gravity.derivative(x, d);
        const v = Math.hypot(x[3], x[4], x[5]);
        for (let i = 0; i < 3; i++) {
          x[3 + i] += 0.1 * (d[3 + i] + (flight.thrust * x[3 + i]) / v);
          x[i] += 0.1 * x[3 + i];
        }
      }
    },
  };
  for (let t = 100; t <= 110; t++) await flight.report(t);
  const first = events.find((e) => e.type === "prediction");
  if (first?.type !== "prediction") throw new Error("no prediction while it looked unpowered");
  flight.thrust = 20;
  return { flight, first };
}

it("a threat whose track still flies high after its predicted impact has not fallen: it is predicted again", async () => {
  const events: NodeEvent[] = [];
  const node = jpnNode(events);
  const { flight, first } = await boosterThatLookedBallistic(node, events);
  let t = 111;
  for (; t <= first.tImpact + 30; t++) await flight.report(t);
  const threat = `T${first.stn}`;
  expect(events.filter((e) => e.type === "impact.outcome")).toEqual([]);
  expect(node.alerts.isFinished(threat)).toBe(false);
  // Burnout: predicted again once the flight looks unpowered, to come down later.
  flight.thrust = 0;
  for (const end = t + 20; t <= end; t++) await flight.report(t);
  const again = events.filter((e) => e.type === "prediction" && e.t > first.tImpact);
  expect(again.length).toBeGreaterThan(0);
  const latest = again.at(-1);
  if (latest?.type !== "prediction") throw new Error("unreachable");
  expect(latest.tImpact).toBeGreaterThan(t);
  await node.stop();
});

it("a threat whose track ends too high to come down by its predicted impact is lost, not fallen", async () => {
  const events: NodeEvent[] = [];
  const node = jpnNode(events);
  const { flight, first } = await boosterThatLookedBallistic(node, events);
  // Reported climbing hundreds of kilometres up until 30 s before that impact time, then never again
  // (its system track lingers for 20 s on the last report, so it is last seen 10 s before it).
  const lastSeen = Math.floor(first.tImpact) - 30;
  for (let t = 111; t <= lastSeen; t++) await flight.report(t);
  for (let t = lastSeen + 1; t <= first.tImpact + 120; t += 5) await node.step(t);
  expect(events.filter((e) => e.type === "impact.outcome")).toEqual([]);
  expect(node.alerts.isFinished(`T${first.stn}`)).toBe(true);
  await node.stop();
});

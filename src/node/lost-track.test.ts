import { expect, it } from "vitest";
import { Rng } from "../core/rng.ts";
import { DEFAULT_POLICY_PATH } from "../exercise/virtual-run.ts";
import { InProcessBus } from "../sharing/inprocess-bus.ts";
import { generateSigningKey, pinnedFrom } from "../sharing/keys.ts";
import { loadPolicy } from "../sharing/policy.ts";
import { VirtualScheduler } from "../sharing/virtual-scheduler.ts";
import { NationalNode } from "./national-node.ts";
import type { NodeEvent } from "./node-events.ts";

it("a threat whose track ends in flight is not reported as having fallen at its last predicted point", async () => {
  const policy = loadPolicy(DEFAULT_POLICY_PATH);
  const scheduler = new VirtualScheduler(100);
  const bus = new InProcessBus({ policy, scheduler, rng: new Rng(1) });
  const jpn = generateSigningKey("JPN");
  const events: NodeEvent[] = [];
  const node = new NationalNode({
    nation: "JPN",
    policy,
    key: jpn,
    keys: pinnedFrom([jpn, generateSigningKey("KOR"), generateSigningKey("USA")]),
    transport: bus.connect("JPN"),
    clock: () => scheduler.now(),
    rng: new Rng(2),
    predictionSamples: 50,
    fusion: { coasting: false },
    sink: (e) => events.push(e),
  });
  // One allied report of a missile climbing at 240 km (1.3 km/s up), then nothing: it is forgotten
  // after 20 s, minutes before the impact its predictions gave.
  const P = new Float64Array(36);
  for (let i = 0; i < 6; i++) P[i * 7] = i < 3 ? 200 ** 2 : 20 ** 2;
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

/**
 * A national node as its own process: it flies the scenario's world (deterministic from the seed, the
 * same in every nation's process), scans only its own nation's sensors, and runs its NationalNode on
 * wall-clock time × speed over whatever Transport it is given — NATS in distributed mode. Every
 * process must agree on the wall-clock instant of scenario time 0 (`startAtMs`), as allied watch
 * floors agree on UTC.
 */
import { Rng } from "../core/rng.ts";
import { SensorField } from "../exercise/sensor-field.ts";
import { buildScenario } from "../scenario/build.ts";
import type { Scenario } from "../scenario/scenario.ts";
import type { PinnedKeySet, SigningKey } from "../sharing/keys.ts";
import type { Policy } from "../sharing/policy.ts";
import type { Transport } from "../sharing/transport.ts";
import type { ProtectedArea } from "../warning/threat-areas.ts";
import type { AllyCode } from "../world/nation.ts";
import { NationalNode } from "./national-node.ts";
import type { NodeEventSink } from "./node-events.ts";

export interface LiveNodeOptions {
  readonly scenario: Scenario;
  readonly nation: AllyCode;
  readonly policy: Policy;
  readonly key: SigningKey;
  readonly keys: PinnedKeySet;
  readonly transport: Transport;
  /** Wall-clock ms at which scenario time 0 happens. */
  readonly startAtMs: number;
  /** Scenario seconds per wall second (default 1). */
  readonly speed?: number;
  /** Stop at this scenario time (default: the scenario's duration). */
  readonly untilS?: number;
  readonly sink?: NodeEventSink;
  /** Wall clock (ms); tests may pass their own. */
  readonly now?: () => number;
  /** Wall ms between steps (default 200). */
  readonly tickMs?: number;
  readonly signal?: AbortSignal;
}

export async function runLiveNode(o: LiveNodeOptions): Promise<NationalNode> {
  const speed = o.speed ?? 1;
  const now = o.now ?? Date.now;
  const rng = new Rng(o.scenario.seed);
  const built = buildScenario(o.scenario, rng.fork("world"));
  const protectedAreas: ProtectedArea[] = o.scenario.protectedAreas.map((p) => ({
    id: p.id,
    name: p.name,
    owner: p.nation,
    polygon: p.polygon.map((v) => ({ lat: v.latRad, lon: v.lonRad })),
  }));
  const scenarioTime = () => ((now() - o.startAtMs) / 1000) * speed;
  const node = new NationalNode({
    nation: o.nation,
    policy: o.policy,
    key: o.key,
    keys: o.keys,
    transport: o.transport,
    clock: () => Math.max(0, scenarioTime()),
    clockSpeed: speed,
    rng: rng.fork(`node:${o.nation}`),
    protectedAreas,
    sink: o.sink,
  });
  await node.start();
  const field = new SensorField(
    built.sensors.filter((s) => s.nation === o.nation),
    built.movers,
    rng,
  );
  const pending: { tReport: number; det: Parameters<NationalNode["ingest"]>[0] }[] = [];
  const until = o.untilS ?? o.scenario.durationS;
  const tick = o.tickMs ?? 200;
  for (;;) {
    if (o.signal?.aborted) break;
    const t = scenarioTime();
    if (t >= 0) {
      const tt = Math.min(t, until);
      field.scanUntil(tt, (det) => pending.push({ tReport: det.tReport, det }));
      pending.sort((a, b) => a.tReport - b.tReport);
      while (pending.length && pending[0].tReport <= tt) node.ingest(pending.shift()!.det);
      await node.step(tt);
      node.drainEvents();
      if (t >= until) break;
    }
    await new Promise((r) => setTimeout(r, tick));
  }
  await node.stop();
  return node;
}

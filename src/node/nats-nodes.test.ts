import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_POLICY_PATH } from "../exercise/virtual-run.ts";
import { loadScenarioFile } from "../scenario/load.ts";
import { loadPinnedKeys, writeNationKeys } from "../sharing/keys.ts";
import { NatsCluster } from "../sharing/nats/cluster.ts";
import { topologyFromPolicy } from "../sharing/nats/config.ts";
import { NatsTransport } from "../sharing/nats/nats-transport.ts";
import { loadPolicy } from "../sharing/policy.ts";
import { ALLIES } from "../world/nation.ts";
import { runLiveNode } from "./live-node.ts";
import type { NodeEvent } from "./node-events.ts";

// An MRBM that only the Korean radar sees early, flown on wall-clock time at 25× by three nodes that
// talk only through a real NATS hub and leaves generated from the default policy.
const SCENARIO = `
name: nats-nodes
description: three nodes over NATS
epoch: 2026-01-01T00:00:00Z
durationS: 900
seed: 7
nations: [KOR, USA, JPN]
sharing: trilateral
sensors:
  - catalog: KOR-GREENPINE-NORTH-CHUNGCHEONG
  - catalog: JPN-FPS5-SHIMOKOSHIKI
launches:
  - id: M1
    time: 10
    site: Sukchon
    class: MRBM
    aim: { lat: 37.3, lon: 136.9 }
    trajectory: minimum-energy
`;

const dir = mkdtempSync(join(tmpdir(), "allylink-natsnodes-"));
const policy = loadPolicy(DEFAULT_POLICY_PATH);
let cluster: NatsCluster;

beforeAll(async () => {
  cluster = await NatsCluster.start({ topology: topologyFromPolicy(policy) });
});
afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("national nodes over NATS", () => {
  it("JPN receives Korean tracks through the hub and warns; nothing is rejected", async () => {
    const file = join(dir, "s.yaml");
    writeFileSync(file, SCENARIO);
    const scenario = loadScenarioFile(file);
    const keys = new Map(ALLIES.map((n) => [n, writeNationKeys(n, join(dir, "keys")).key]));
    const pinned = loadPinnedKeys(join(dir, "keys", "pinned-keys.json"));
    const events: NodeEvent[] = [];
    const startAtMs = Date.now() + 2000;
    const transports = await Promise.all(
      ALLIES.map((n) =>
        NatsTransport.connect({ nation: n, nodeId: `${n}-node`, ...cluster.appConnectOptions(n), policy }),
      ),
    );
    try {
      await Promise.all(
        ALLIES.map((n, i) =>
          runLiveNode({
            scenario,
            nation: n,
            policy,
            key: keys.get(n)!,
            keys: pinned,
            transport: transports[i],
            startAtMs,
            speed: 25,
            untilS: 760,
            tickMs: 100,
            sink: (e) => events.push(e),
          }),
        ),
      );
    } finally {
      await Promise.all(transports.map((t) => t.close()));
    }
    const jpnTracksFromKor = events.filter(
      (e) =>
        e.nation === "JPN" &&
        e.type === "message.received" &&
        e.origin === "KOR" &&
        e.kind === "BallisticTrack",
    );
    expect(jpnTracksFromKor.length).toBeGreaterThan(5);
    const jpnAlerts = events.filter((e) => e.nation === "JPN" && e.type === "alert");
    expect(jpnAlerts.some((e) => e.type === "alert" && e.alert.state === "issued")).toBe(true);
    expect(events.filter((e) => e.type === "message.rejected")).toEqual([]);
  });

  it("the node command refuses a bad flag with one clear line", () => {
    const r = spawnSync(
      process.execPath,
      [
        join(import.meta.dirname, "../../bin/allylink.js"),
        "node",
        "--nation",
        "PRK",
        "--nats",
        "nats://127.0.0.1:1",
        "--keys",
        dir,
        "--policy",
        DEFAULT_POLICY_PATH,
        "--scenario",
        "x.yaml",
      ],
      { encoding: "utf8" },
    );
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('allylink: --nation: "PRK" is not one of KOR, USA, JPN');
  });
});

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Rng } from "../core/rng.ts";
import type { Envelope } from "./envelope.ts";
import { InProcessBus } from "./inprocess-bus.ts";
import { generateSigningKey, pinnedFrom } from "./keys.ts";
import { makeLabel } from "./label.ts";
import type { BallisticTrack } from "./messages.ts";
import { loadPolicy } from "./policy.ts";
import { Receiver } from "./receiver.ts";
import { Sender } from "./sender.ts";
import { exampleTrack } from "./test-fixtures.ts";
import { VirtualScheduler } from "./virtual-scheduler.ts";

const policy = loadPolicy(join(import.meta.dirname, "..", "..", "policies", "default.yaml"));

describe("sender → in-process bus → receiver, in virtual time", () => {
  it("a 30 s hub→JPN outage: every KOR track reaches JPN via the hub, once, in order, sanitised; KOR-only items never", async () => {
    const keys = [generateSigningKey("KOR"), generateSigningKey("USA"), generateSigningKey("JPN")];
    const scheduler = new VirtualScheduler(0);
    const bus = new InProcessBus({
      policy,
      scheduler,
      rng: new Rng(7),
      links: {
        "KOR>USA": { latency: { kind: "lognormal", medianS: 0.02, sigma: 0.3 } },
        "USA>JPN": {
          latency: { kind: "lognormal", medianS: 0.03, sigma: 0.3 },
          outages: [{ startS: 20, endS: 50 }],
        },
      },
    });
    const clock = () => scheduler.now();
    const logs: string[] = [];
    const mk = (nation: "USA" | "JPN") =>
      new Receiver({ nation, policy, keys: pinnedFrom(keys), clock, logger: { warn: (m) => logs.push(m) } });
    const got: Record<string, Envelope[]> = { USA: [], JPN: [] };
    const rxUsa = mk("USA");
    const rxJpn = mk("JPN");
    await rxUsa.attach(bus.connect("USA"), (e) => {
      got.USA.push(e);
    });
    await rxJpn.attach(bus.connect("JPN"), (e) => {
      got.JPN.push(e);
    });
    const sender = new Sender({ policy, key: keys[0], nodeId: "kor-node", clock, validityS: 60 });
    const kor = bus.connect("KOR");
    const trilateral = makeLabel(policy, "SECRET", ["KOR", "USA", "JPN"]);
    const bilateral = makeLabel(policy, "SECRET", ["KOR", "USA"]);
    for (let i = 0; i < 80; i++) {
      scheduler.runUntil(i);
      await sender.send(kor, "BallisticTrack", exampleTrack("KOR", "T1", i), trilateral);
      await sender.send(kor, "BallisticTrack", exampleTrack("KOR", "K9", i), bilateral);
    }
    scheduler.runAll();
    const seqs = (n: string, track: string) =>
      got[n]
        .map((e) => e.payload as BallisticTrack)
        .filter((p) => p.trackNumber === track)
        .map((p) => p.updateSequence);
    const all = Array.from({ length: 80 }, (_, i) => i);
    expect(seqs("JPN", "T1")).toEqual(all);
    expect(seqs("USA", "T1")).toEqual(all);
    expect(seqs("USA", "K9")).toEqual(all);
    expect(seqs("JPN", "K9")).toEqual([]);
    for (const e of [...got.JPN, ...got.USA])
      for (const c of (e.payload as BallisticTrack).contributors ?? []) {
        expect(c.sensorId).toBeUndefined();
        expect(c.siteEcef).toBeUndefined();
      }
    expect(logs).toEqual([]);
    expect(rxJpn.counters().accepted).toBe(80);
    expect(bus.stats().redelivered).toBe(0);
  });

  it("messages held longer than their validity by an outage are rejected as stale, and counted", async () => {
    const keys = [generateSigningKey("KOR"), generateSigningKey("USA")];
    const scheduler = new VirtualScheduler(0);
    const bus = new InProcessBus({
      policy,
      scheduler,
      rng: new Rng(1),
      links: { "KOR>USA": { latency: { kind: "fixed", s: 0.01 }, outages: [{ startS: 0, endS: 100 }] } },
    });
    const clock = () => scheduler.now();
    const rx = new Receiver({
      nation: "USA",
      policy,
      keys: pinnedFrom(keys),
      clock,
      logger: { warn: () => {} },
    });
    await rx.attach(bus.connect("USA"), () => {});
    const sender = new Sender({ policy, key: keys[0], nodeId: "k", clock, validityS: 30 });
    await sender.send(
      bus.connect("KOR"),
      "BallisticTrack",
      exampleTrack(),
      makeLabel(policy, "SECRET", ["USA"]),
    );
    scheduler.runAll();
    expect(rx.counters()).toMatchObject({ accepted: 0, stale: 1 });
  });
});

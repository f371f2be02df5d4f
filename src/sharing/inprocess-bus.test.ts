import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Rng } from "../core/rng.ts";
import type { NationCode } from "../world/nation.ts";
import { InProcessBus, type InProcessBusOptions } from "./inprocess-bus.ts";
import { loadPolicy } from "./policy.ts";
import { type InboundMessage, shareSubject, TransportRefusedError } from "./transport.ts";
import { VirtualScheduler } from "./virtual-scheduler.ts";

const policy = loadPolicy(join(import.meta.dirname, "..", "..", "policies", "default.yaml"));
const TRACK = "BallisticTrack" as const;

function setup(extra: Partial<InProcessBusOptions> = {}) {
  const scheduler = new VirtualScheduler(0);
  const bus = new InProcessBus({ policy, scheduler, rng: new Rng(42), ...extra });
  const got: Record<string, { t: number; text: string; n: number; subject: string }[]> = {};
  const listen = async (nation: NationCode, ack = true) => {
    got[nation] = [];
    const t = bus.connect(nation);
    await t.subscribeInbox((m: InboundMessage) => {
      got[nation].push({
        t: scheduler.now(),
        text: Buffer.from(m.data).toString(),
        n: m.deliveryCount,
        subject: m.subject,
      });
      if (ack) m.ack();
    });
    return t;
  };
  return { scheduler, bus, got, listen };
}
const data = (s: string) => Buffer.from(s);

describe("in-process bus", () => {
  it("delivers after the link latency, in publish order per link", async () => {
    const { scheduler, bus, got, listen } = setup({
      links: { "KOR>USA": { latency: { kind: "uniform", minS: 0.01, maxS: 0.5 } } },
    });
    await listen("USA");
    const kor = bus.connect("KOR");
    for (let i = 0; i < 200; i++) {
      scheduler.runUntil(i * 0.1);
      await kor.publish(shareSubject("KOR", "USA", TRACK), data(`m${i}`), { msgId: `k${i}` });
    }
    scheduler.runAll();
    expect(got.USA.map((x) => x.text)).toEqual(Array.from({ length: 200 }, (_, i) => `m${i}`));
    // Every arrival at least minS after its publish time and never later than the latest possible.
    got.USA.forEach((x, i) => {
      expect(x.t - i * 0.1).toBeGreaterThanOrEqual(0.01 - 1e-12);
      expect(x.t).toBeLessThanOrEqual(19.9 + 0.5 + 1e-9);
    });
    // Arrival times are non-decreasing (FIFO) and genuinely spread by the latency distribution.
    for (let i = 1; i < got.USA.length; i++) expect(got.USA[i].t).toBeGreaterThanOrEqual(got.USA[i - 1].t);
    expect(new Set(got.USA.map((x) => x.t)).size).toBeGreaterThan(80);
  });

  it("samples latency from the configured distribution (lognormal median)", async () => {
    const { scheduler, bus, got, listen } = setup({
      links: { "USA>JPN": { latency: { kind: "lognormal", medianS: 0.05, sigma: 0.5 } } },
    });
    await listen("JPN");
    const usa = bus.connect("USA");
    // One message per second so FIFO never holds one back: arrival − publish is a pure latency draw.
    for (let i = 0; i < 400; i++) {
      scheduler.runUntil(i);
      await usa.publish(shareSubject("USA", "JPN", TRACK), data(`${i}`), { msgId: `u${i}` });
    }
    scheduler.runAll();
    const lat = got.JPN.map((x) => x.t - Number(x.text)).sort((a, b) => a - b);
    const median = lat[200];
    // Median of 400 lognormal draws: within ±15 % of 50 ms (σ_median ≈ 1.25·0.5/√400 ≈ 3 %).
    expect(median).toBeGreaterThan(0.0425);
    expect(median).toBeLessThan(0.0575);
  });

  it("is deterministic for a seed", async () => {
    const run = async () => {
      const { scheduler, bus, got, listen } = setup({
        links: {
          "KOR>USA": { latency: { kind: "shifted-exponential", minS: 0.01, meanExtraS: 0.05 }, loss: 0.1 },
        },
      });
      await listen("USA");
      const kor = bus.connect("KOR");
      for (let i = 0; i < 50; i++)
        await kor.publish(shareSubject("KOR", "USA", TRACK), data(`${i}`), { msgId: `${i}` });
      scheduler.runAll();
      return got.USA.map((x) => `${x.text}@${x.t}`);
    };
    expect(await run()).toEqual(await run());
  });

  it("relays KOR → JPN through the US hub, across both links", async () => {
    const { scheduler, bus, got, listen } = setup({
      links: {
        "KOR>USA": { latency: { kind: "fixed", s: 0.03 } },
        "USA>JPN": { latency: { kind: "fixed", s: 0.04 } },
        "KOR>JPN": { latency: { kind: "fixed", s: 0.001 } },
      },
    });
    await listen("JPN");
    await listen("USA");
    const kor = bus.connect("KOR");
    await kor.publish(shareSubject("KOR", "JPN", TRACK), data("x"), { msgId: "a" });
    scheduler.runAll();
    expect(got.JPN).toHaveLength(1);
    expect(got.JPN[0].t).toBeCloseTo(0.07, 12);
    expect(got.USA).toHaveLength(0); // the hub forwards; it does not consume KOR→JPN traffic
    const s = bus.stats();
    expect(s.links["KOR>USA"].sent).toBe(1);
    expect(s.links["USA>JPN"].sent).toBe(1);
    expect(s.links["KOR>JPN"]).toBeUndefined();
  });

  it("holds messages published during an outage and delivers them, in order, when it ends", async () => {
    const { scheduler, bus, got, listen } = setup({
      links: { "USA>JPN": { latency: { kind: "fixed", s: 0.05 }, outages: [{ startS: 10, endS: 40 }] } },
    });
    await listen("JPN");
    const usa = bus.connect("USA");
    for (let i = 0; i < 50; i++) {
      scheduler.runUntil(i);
      await usa.publish(shareSubject("USA", "JPN", TRACK), data(`${i}`), { msgId: `${i}` });
    }
    scheduler.runAll();
    expect(got.JPN.map((x) => Number(x.text))).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const during = got.JPN.filter((x) => Number(x.text) >= 10 && Number(x.text) < 40);
    expect(during).toHaveLength(30);
    for (const x of during) expect(x.t).toBeCloseTo(40.05, 9);
    expect(bus.stats().links["USA>JPN"].delayedByOutage).toBe(30);
  });

  it("loses messages at the configured rate in drop mode, delays but never loses them in retransmit mode", async () => {
    const n = 2000;
    for (const lossMode of ["drop", "retransmit"] as const) {
      const { scheduler, bus, got, listen } = setup({
        lossMode,
        retransmitAfterS: 0.5,
        links: { "KOR>USA": { latency: { kind: "fixed", s: 0.01 }, loss: 0.2 } },
      });
      await listen("USA");
      const kor = bus.connect("KOR");
      for (let i = 0; i < n; i++) {
        scheduler.runUntil(i);
        await kor.publish(shareSubject("KOR", "USA", TRACK), data(`${i}`), { msgId: `${i}` });
      }
      scheduler.runAll();
      const received = got.USA.map((x) => Number(x.text));
      if (lossMode === "drop") {
        // Binomial(2000, 0.8): mean 1600, sd ≈ 17.9; ±5 sd.
        expect(received.length).toBeGreaterThan(1600 - 90);
        expect(received.length).toBeLessThan(1600 + 90);
        expect(bus.stats().lost).toBe(n - received.length);
      } else {
        expect(received).toEqual(Array.from({ length: n }, (_, i) => i));
        expect(bus.stats().lost).toBe(0);
        expect(bus.stats().links["KOR>USA"].lost).toBeGreaterThan(300);
      }
      for (let i = 1; i < received.length; i++) expect(received[i]).toBeGreaterThan(received[i - 1]);
    }
  });

  it("redelivers unacked messages after ackWait until acked (at least once)", async () => {
    const { scheduler, bus } = setup({
      ackWaitS: 5,
      links: { "KOR>USA": { latency: { kind: "fixed", s: 0.1 } } },
    });
    const seen: { t: number; n: number }[] = [];
    const usa = bus.connect("USA");
    await usa.subscribeInbox((m) => {
      seen.push({ t: scheduler.now(), n: m.deliveryCount });
      if (m.deliveryCount === 3) m.ack();
    });
    await bus.connect("KOR").publish(shareSubject("KOR", "USA", TRACK), data("x"), { msgId: "x" });
    scheduler.runAll();
    expect(seen.map((s) => s.n)).toEqual([1, 2, 3]);
    expect(seen[1].t - seen[0].t).toBeCloseTo(5, 9);
    expect(bus.pendingFor("USA")).toBe(0);
    expect(bus.stats()).toMatchObject({ delivered: 1, redelivered: 2, acked: 1 });
  });

  it("keeps messages for a node that is not subscribed and delivers the backlog on subscribe", async () => {
    const { scheduler, bus, got, listen } = setup();
    const kor = bus.connect("KOR");
    for (let i = 0; i < 5; i++)
      await kor.publish(shareSubject("KOR", "USA", TRACK), data(`${i}`), { msgId: `${i}` });
    scheduler.runUntil(100);
    expect(bus.pendingFor("USA")).toBe(5);
    await listen("USA");
    scheduler.runAll();
    expect(got.USA.map((x) => x.text)).toEqual(["0", "1", "2", "3", "4"]);
    expect(bus.pendingFor("USA")).toBe(0);
  });

  it("de-duplicates a republished msgId", async () => {
    const { scheduler, bus, got, listen } = setup();
    await listen("USA");
    const kor = bus.connect("KOR");
    const a = await kor.publish(shareSubject("KOR", "USA", TRACK), data("x"), { msgId: "same" });
    const b = await kor.publish(shareSubject("KOR", "USA", TRACK), data("x"), { msgId: "same" });
    scheduler.runAll();
    expect([a.duplicate, b.duplicate]).toEqual([false, true]);
    expect(got.USA).toHaveLength(1);
  });

  it("refuses publishing as another nation and flows the policy does not allow", async () => {
    const { bus } = setup();
    const jpn = bus.connect("JPN");
    await expect(
      jpn.publish(shareSubject("KOR", "USA", TRACK), data("x"), { msgId: "1" }),
    ).rejects.toBeInstanceOf(TransportRefusedError);
    // JPN → KOR carries only launch, track and impact under the trilateral agreement.
    await expect(
      jpn.publish(shareSubject("JPN", "KOR", "Warning"), data("x"), { msgId: "2" }),
    ).rejects.toThrow(/no Warning flow JPN → KOR/);
    await expect(jpn.publish("share.JPN.rel.CHN.track", data("x"), { msgId: "3" })).rejects.toThrow(
      /no BallisticTrack flow/,
    );
    await expect(jpn.publish("foo.bar", data("x"), { msgId: "4" })).rejects.toThrow(/not a sharing subject/);
    expect(bus.stats().refused).toBe(4);
    await expect(
      jpn.publish(shareSubject("JPN", "KOR", TRACK), data("x"), { msgId: "5" }),
    ).resolves.toMatchObject({
      duplicate: false,
    });
  });

  it("rejects bad link configurations with a clear reason", () => {
    const scheduler = new VirtualScheduler();
    const mk =
      (links: InProcessBusOptions["links"], extra = {}) =>
      () =>
        new InProcessBus({ policy, scheduler, rng: new Rng(1), links, ...extra });
    expect(mk({ "KOR>USA": { latency: { kind: "fixed", s: -1 } } })).toThrow(/KOR>USA: latency.s/);
    expect(mk({ "KOR>USA": { latency: { kind: "fixed", s: 0 }, loss: 1.5 } })).toThrow(/loss/);
    expect(
      mk({ "KOR>USA": { latency: { kind: "fixed", s: 0 }, outages: [{ startS: 5, endS: 1 }] } }),
    ).toThrow(/outage/);
    expect(
      mk({ "KOR>USA": { latency: { kind: "fixed", s: 0 }, loss: 1 } }, { lossMode: "retransmit" }),
    ).toThrow(/never deliver/);
  });
});

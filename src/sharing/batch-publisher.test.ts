import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BatchPublisher } from "./batch-publisher.ts";
import { generateSigningKey, pinnedFrom } from "./keys.ts";
import { makeLabel } from "./label.ts";
import type { BallisticTrack } from "./messages.ts";
import { loadPolicy } from "./policy.ts";
import { Receiver } from "./receiver.ts";
import { Sender } from "./sender.ts";
import { exampleTrack } from "./test-fixtures.ts";
import type { PublishAck, Transport } from "./transport.ts";

const policy = loadPolicy(join(import.meta.dirname, "..", "..", "policies", "default.yaml"));
const korKey = generateSigningKey("KOR");
const pinned = pinnedFrom([korKey]);
const trilateral = makeLabel(policy, "SECRET", ["KOR", "USA", "JPN"]);
const bilateral = makeLabel(policy, "SECRET", ["KOR", "USA"]);
const nextTurn = () => new Promise((r) => setImmediate(r));

interface Published {
  subject: string;
  data: Uint8Array;
  msgId: string;
}

/** A transport that records what it is given; `fail` makes publishes on a subject reject. */
function recordingTransport(fail?: string): Transport & { published: Published[] } {
  const published: Published[] = [];
  return {
    nation: "KOR",
    published,
    publish: async (subject, data, opts): Promise<PublishAck> => {
      if (subject === fail) throw new Error(`refused ${subject}`);
      published.push({ subject, data, msgId: opts.msgId });
      return { subject, duplicate: false };
    },
    subscribeInbox: () => Promise.reject(new Error("not used")),
    close: async () => {},
  };
}

const sender = (maxBatch?: number) =>
  new Sender({ policy, key: korKey, nodeId: "kor-node", clock: () => 100, maxBatch });
const parse = (p: Published) =>
  JSON.parse(new TextDecoder().decode(p.data)) as {
    sig: string;
    batch: { n: number; i: number };
    header: { id: string };
    payload: BallisticTrack;
  };

describe("batch publisher", () => {
  it("signs the items of one turn together, per destination, and publishes each envelope alone", async () => {
    const t = recordingTransport();
    const s = sender();
    const pub = new BatchPublisher(s, t);
    const sent = await Promise.all(
      Array.from({ length: 10 }, (_, k) =>
        pub.send("BallisticTrack", exampleTrack("KOR", "T1", k), trilateral),
      ),
    );
    expect(sent.map((o) => o.map((x) => x.destination))).toEqual(Array(10).fill(["USA", "JPN"]));
    // One NATS message per envelope, on its own subject, with its own message id, in sequence order.
    expect(t.published).toHaveLength(20);
    expect(new Set(t.published.map((p) => p.msgId)).size).toBe(20);
    for (const p of t.published) expect(parse(p).header.id).toBe(p.msgId);
    const to = (dest: string) => t.published.filter((p) => p.subject === `share.KOR.rel.${dest}.track`);
    expect(to("USA").map((p) => parse(p).payload.updateSequence)).toEqual([...Array(10).keys()]);
    // One signature per destination batch.
    expect(s.stats).toEqual({ envelopes: 20, batches: 2 });
    expect(new Set(to("USA").map((p) => parse(p).sig)).size).toBe(1);
    expect(new Set(to("JPN").map((p) => parse(p).sig)).size).toBe(1);
    expect(parse(to("USA")[0]).sig).not.toBe(parse(to("JPN")[0]).sig);
    expect(to("JPN").map((p) => parse(p).batch)).toMatchObject(
      Array.from({ length: 10 }, (_, i) => ({ n: 10, i })),
    );
    // Each destination's receiver accepts all of them with one verification.
    for (const dest of ["USA", "JPN"] as const) {
      const rx = new Receiver({
        nation: dest,
        policy,
        keys: pinned,
        clock: () => 100,
        logger: { warn: () => {} },
      });
      for (const p of to(dest)) expect(rx.receive(p.subject, p.data).accepted).toBe(true);
      expect(rx.verifiedRoots.misses).toBe(1);
    }
  });

  it("a lone item is a batch of one; items of different turns do not share a signature", async () => {
    const t = recordingTransport();
    const pub = new BatchPublisher(sender(), t);
    await pub.send("BallisticTrack", exampleTrack("KOR", "T1", 0), bilateral);
    await nextTurn();
    await pub.send("BallisticTrack", exampleTrack("KOR", "T1", 1), bilateral);
    const [a, b] = t.published.map(parse);
    expect(a.batch).toEqual({ n: 1, i: 0, path: [] });
    expect(b.batch).toEqual({ n: 1, i: 0, path: [] });
    expect(a.sig).not.toBe(b.sig);
  });

  it("flushes at once when maxBatch envelopes wait, and the sender caps each batch", async () => {
    const t = recordingTransport();
    const s = sender(4);
    const pub = new BatchPublisher(s, t, { maxBatch: 4 });
    const ps = [];
    for (let k = 0; k < 3; k++) ps.push(pub.send("BallisticTrack", exampleTrack("KOR", "T1", k), bilateral));
    expect(s.stats.batches).toBe(0); // waiting for the end of the turn
    ps.push(pub.send("BallisticTrack", exampleTrack("KOR", "T1", 3), bilateral));
    expect(s.stats).toEqual({ envelopes: 4, batches: 1 }); // signed without waiting
    for (let k = 4; k < 10; k++) ps.push(pub.send("BallisticTrack", exampleTrack("KOR", "T1", k), bilateral));
    await Promise.all(ps);
    expect(t.published.map((p) => parse(p).batch.n)).toEqual([4, 4, 4, 4, 4, 4, 4, 4, 2, 2]);
    // A sender's maxBatch caps a batch even when the publisher queues more.
    const t2 = recordingTransport();
    const pub2 = new BatchPublisher(sender(3), t2, { maxBatch: 100 });
    await Promise.all(
      Array.from({ length: 7 }, (_, k) =>
        pub2.send("BallisticTrack", exampleTrack("KOR", "T1", k), bilateral),
      ),
    );
    expect(t2.published.map((p) => parse(p).batch.n)).toEqual([3, 3, 3, 3, 3, 3, 1]);
  });

  it("an invalid item is refused alone; a failed publish rejects only its own item", async () => {
    const t = recordingTransport("share.KOR.rel.JPN.track");
    const pub = new BatchPublisher(sender(), t);
    const bad = { ...exampleTrack("KOR", "T1", 0), quality: 99 };
    const results = await Promise.allSettled([
      pub.send("BallisticTrack", exampleTrack("KOR", "T1", 1), bilateral),
      pub.send("BallisticTrack", bad, bilateral),
      pub.send("BallisticTrack", exampleTrack("KOR", "T1", 2), trilateral),
      pub.send("BallisticTrack", exampleTrack("KOR", "T1", 3), bilateral),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "rejected", "fulfilled"]);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/refusing to send an invalid/);
    expect(String((results[2] as PromiseRejectedResult).reason)).toMatch(/refused share.KOR.rel.JPN.track/);
    // The USA copies all went out, in one batch.
    expect(t.published.map((p) => parse(p).payload.updateSequence)).toEqual([1, 2, 3]);
    expect(t.published.map((p) => parse(p).batch.n)).toEqual([3, 3, 3]);
  });
});

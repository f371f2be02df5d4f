/**
 * Frames over a real hub + leaves (frame.ts, nats-transport.ts): a turn's publishes on one subject
 * travel as one JetStream message and come out as separate items, each through the receiver's own
 * checks; a bad item is rejected alone, a malformed frame or one carrying an item that does not
 * belong on its subject is rejected whole; frames split at their size bound; unframed publishes
 * still work.
 */
import { jetstream } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BatchPublisher } from "../batch-publisher.ts";
import { type Envelope, encodeEnvelope, messageId, signEnvelopes } from "../envelope.ts";
import { generateSigningKey, pinnedFrom } from "../keys.ts";
import { makeLabel } from "../label.ts";
import type { MessageKind } from "../message-kinds.ts";
import { SCHEMA_VERSIONS } from "../messages.ts";
import type { Policy } from "../policy.ts";
import { Receiver } from "../receiver.ts";
import { Sender } from "../sender.ts";
import { examplePayload, exampleTrack } from "../test-fixtures.ts";
import { shareSubject } from "../transport.ts";
import type { NatsCluster } from "./cluster.ts";
import { HUB_JS_DOMAIN } from "./config.ts";
import { encodeFrame, type FrameItem } from "./frame.ts";
import { nodeTransport, startDefaultCluster, waitFor } from "./nats-test-support.ts";
import type { NatsInboundMessage, NatsTransport } from "./nats-transport.ts";

let cluster: NatsCluster;
let policy: Policy;
let kor: NatsTransport;
let raw: NatsConnection;
const keys = {
  KOR: generateSigningKey("KOR"),
  USA: generateSigningKey("USA"),
  JPN: generateSigningKey("JPN"),
};
const pinned = pinnedFrom(Object.values(keys));
const clock = () => 100;

beforeAll(async () => {
  ({ cluster, policy } = await startDefaultCluster());
  kor = await nodeTransport(cluster, "KOR", "kor1", { policy });
  // KOR's application login, straight to JetStream: publishes hand-made frames.
  raw = await connect(cluster.appConnectOptions("KOR"));
});

afterAll(async () => {
  await Promise.all([kor?.close(), raw?.close()]);
  await cluster?.stop();
});

/**
 * A fresh node of `nation` (own durable consumer, so it reads the inbox from the start) feeding the
 * real Receiver with the items of KOR sender node `from` only (earlier tests' items are in the inbox
 * too); records what it accepted.
 */
async function node(nation: "USA" | "JPN", nodeId: string, from: string, checkReleasability = true) {
  const t = await nodeTransport(cluster, nation, nodeId);
  const receiver = new Receiver({
    nation,
    policy,
    keys: pinned,
    clock,
    logger: { warn() {} },
    checkReleasability,
  });
  const accepted: { msgId?: string; seq: number; index: number; size: number; env: Envelope }[] = [];
  /** Items handed over with the transport's parse (msg.parsed), as Receiver.attach passes it on. */
  const delivered = { items: 0, parsed: 0 };
  const sub = await t.subscribeInbox((m) => {
    const msg = m as NatsInboundMessage;
    if (msg.msgId?.startsWith(`KOR.${from}.`)) {
      delivered.items++;
      if (msg.parsed) delivered.parsed++;
      const r = receiver.receive(msg.subject, msg.data, msg.parsed);
      if (r.accepted)
        accepted.push({
          msgId: msg.msgId,
          seq: msg.streamSequence,
          index: msg.frameIndex,
          size: msg.frameSize,
          env: r.envelope,
        });
    }
    msg.ack();
  });
  return {
    t,
    receiver,
    accepted,
    delivered,
    close: async () => {
      await sub.unsubscribe();
      await t.close();
    },
  };
}

/** KOR envelopes signed as one batch, no application check (label and kind as given). */
function korBatch(
  node: string,
  items: { kind: MessageKind; releasable: ("KOR" | "USA" | "JPN")[]; payload?: unknown }[],
): Envelope[] {
  return signEnvelopes(
    items.map((x, s) => ({
      header: {
        id: messageId("KOR", node, s),
        origin: "KOR" as const,
        senderNode: node,
        sequence: s,
        created: 100,
        validUntil: 160,
        kind: x.kind,
        schemaVersion: SCHEMA_VERSIONS[x.kind],
      },
      label: makeLabel(policy, "SECRET", x.releasable),
      payload: x.payload ?? examplePayload(x.kind, "KOR"),
    })),
    keys.KOR,
  );
}

async function publishRaw(subject: string, frame: Uint8Array, msgID: string): Promise<void> {
  await jetstream(raw, { domain: HUB_JS_DOMAIN }).publish(subject, frame, { msgID, timeout: 5000 });
}

const frameOf = (envs: Envelope[]): FrameItem[] =>
  envs.map((e) => ({ msgId: e.header.id, data: encodeEnvelope(e) }));

describe("frames over NATS", () => {
  it("a turn's publishes to one destination travel as one frame and arrive as separate items", async () => {
    const usa = await node("USA", "usa-turn", "kor-turn");
    try {
      const sender = new Sender({ policy, key: keys.KOR, nodeId: "kor-turn", clock });
      const publisher = new BatchPublisher(sender, kor);
      const label = makeLabel(policy, "SECRET", ["KOR", "USA"]);
      const frames0 = kor.stats.framesPublished;
      const sent = (
        await Promise.all(
          Array.from({ length: 40 }, (_, k) =>
            publisher.send("BallisticTrack", exampleTrack("KOR", "T1", k), label),
          ),
        )
      ).flat();
      expect(kor.stats.framesPublished - frames0).toBe(1);
      await waitFor(() => usa.accepted.length >= 40, 10_000, "40 items at USA");
      expect(usa.accepted.map((a) => a.msgId)).toEqual(sent.map((o) => o.msgId));
      expect(new Set(usa.accepted.map((a) => a.seq)).size).toBe(1);
      expect(usa.accepted.map((a) => a.index)).toEqual(Array.from({ length: 40 }, (_, i) => i));
      expect(usa.accepted.every((a) => a.size === 40)).toBe(true);
      expect(usa.receiver.verifiedRoots.misses).toBe(1);
      expect(usa.t.stats.framesDelivered).toBe(1);
    } finally {
      await usa.close();
    }
  });

  it("a frame with one tampered item: that item is rejected, its siblings are delivered", async () => {
    const usa = await node("USA", "usa-tamper", "kor-tamper");
    try {
      // Built by the real Sender (validated, sanitised for USA, one batch signature), framed by hand.
      const sender = new Sender({ policy, key: keys.KOR, nodeId: "kor-tamper", clock });
      const label = makeLabel(policy, "SECRET", ["KOR", "USA"]);
      const out = sender
        .prepareBatch(
          Array.from({ length: 8 }, (_, k) => ({
            kind: "BallisticTrack" as const,
            payload: exampleTrack("KOR", `T${k}`, k),
            label,
          })),
        )
        .flat();
      const items: FrameItem[] = out.map((o) => ({ msgId: o.msgId, data: o.bytes }));
      const text = Buffer.from(items[3].data).toString("utf8");
      expect(text).toContain('"trackNumber":"T3"');
      items[3] = {
        msgId: items[3].msgId,
        data: Buffer.from(text.replace('"trackNumber":"T3"', '"trackNumber":"T9"')),
      };
      await publishRaw(shareSubject("KOR", "USA", "BallisticTrack"), encodeFrame(items), "frame-tamper");
      await waitFor(
        () => usa.receiver.counters()["bad-signature"] === 1 && usa.accepted.length === 7,
        10_000,
        "7 of 8",
      ).catch((e) => {
        throw new Error(
          `${e.message}: ${JSON.stringify(usa.receiver.counters())} ${JSON.stringify(usa.t.stats)}`,
        );
      });
      expect(usa.accepted.map((a) => a.msgId)).toEqual(out.filter((_, k) => k !== 3).map((o) => o.msgId));
      expect(usa.receiver.counters().accepted).toBe(7);
      // Every item, the tampered one too, came with the transport's parse of it: the receiver used it
      // and still refused the item whose bytes are not what was signed.
      expect(usa.delivered).toEqual({ items: 8, parsed: 8 });
      expect(usa.t.stats.framesRejected).toEqual({ "malformed-frame": 0, "frame-subject-mismatch": 0 });
    } finally {
      await usa.close();
    }
  });

  it("a frame with an item not for its subject is rejected whole, even with the application checks off", async () => {
    // Application releasability checks off: only the frame check stands between JPN and these.
    const jpn = await node("JPN", "jpn-mismatch", "kor-mm4", false);
    try {
      const subject = shareSubject("KOR", "JPN", "BallisticTrack");
      const tri = ["KOR", "USA", "JPN"] as ("KOR" | "USA" | "JPN")[];
      // 1. A KOR-only item among trilateral ones.
      const labelBad = korBatch("kor-mm1", [
        { kind: "BallisticTrack", releasable: tri },
        { kind: "BallisticTrack", releasable: ["KOR", "USA"] },
        { kind: "BallisticTrack", releasable: tri },
      ]);
      await publishRaw(subject, encodeFrame(frameOf(labelBad)), "frame-mm1");
      // 2. A Warning (a kind the policy never lets KOR send JPN) inside a track frame.
      const kindBad = korBatch("kor-mm2", [
        { kind: "BallisticTrack", releasable: tri },
        { kind: "Warning", releasable: tri },
      ]);
      await publishRaw(subject, encodeFrame(frameOf(kindBad)), "frame-mm2");
      // 3. Not a frame at all past its magic.
      await publishRaw(subject, Buffer.from("ALF1\u0000\u0002junk"), "frame-mm3");
      // 4. A good frame afterwards still arrives.
      const good = korBatch("kor-mm4", [
        { kind: "BallisticTrack", releasable: tri, payload: exampleTrack("KOR", "T1", 1) },
        { kind: "BallisticTrack", releasable: tri, payload: exampleTrack("KOR", "T1", 2) },
      ]);
      await publishRaw(subject, encodeFrame(frameOf(good)), "frame-mm4");
      await waitFor(() => jpn.accepted.length >= 2, 10_000, "the good frame at JPN").catch((e) => {
        throw new Error(
          `${e.message}: ${JSON.stringify(jpn.receiver.counters())} ${JSON.stringify(jpn.t.stats)}`,
        );
      });
      expect(jpn.accepted.map((a) => a.msgId)).toEqual(good.map((e) => e.header.id));
      expect(jpn.t.stats.framesRejected).toEqual({ "malformed-frame": 1, "frame-subject-mismatch": 2 });
      expect(jpn.t.stats.framesDelivered).toBe(1);
      expect(jpn.receiver.counters().accepted).toBe(2);
    } finally {
      await jpn.close();
    }
  });

  it("frames split at their size bound (bytes and items), in order", async () => {
    const usa = await node("USA", "usa-split", "kor-split");
    const sender = new Sender({ policy, key: keys.KOR, nodeId: "kor-split", clock });
    const label = makeLabel(policy, "SECRET", ["KOR", "USA"]);
    const out = sender.prepareBatch(
      Array.from({ length: 10 }, (_, k) => ({
        kind: "BallisticTrack" as const,
        payload: exampleTrack("KOR", "T1", k),
        label,
      })),
    );
    const itemBytes = Math.max(...out.flat().map((o) => o.bytes.byteLength + o.msgId.length + 5));
    // Room for three items a frame.
    const small = await nodeTransport(cluster, "KOR", "kor-small", { maxFrameBytes: 6 + 3 * itemBytes + 2 });
    const fewItems = await nodeTransport(cluster, "KOR", "kor-few", { maxFrameItems: 4 });
    try {
      await Promise.all(out.flat().map((o) => small.publish(o.subject, o.bytes, { msgId: o.msgId })));
      expect(small.stats.framesPublished).toBe(4); // 3 + 3 + 3 + 1
      expect(small.stats.framedItemsPublished).toBe(10);
      await waitFor(() => usa.accepted.length >= 10, 10_000, "10 items at USA");
      expect(usa.accepted.map((a) => a.msgId)).toEqual(out.flat().map((o) => o.msgId));
      expect(usa.accepted.map((a) => a.size)).toEqual([3, 3, 3, 3, 3, 3, 3, 3, 3, 1]);
      for (let i = 1; i < 10; i++) {
        const [a, b] = [usa.accepted[i - 1], usa.accepted[i]];
        expect(b.seq > a.seq || (b.seq === a.seq && b.index === a.index + 1)).toBe(true);
      }
      const more = sender.prepareBatch(
        Array.from({ length: 10 }, (_, k) => ({
          kind: "BallisticTrack" as const,
          payload: exampleTrack("KOR", "T2", k),
          label,
        })),
      );
      await Promise.all(more.flat().map((o) => fewItems.publish(o.subject, o.bytes, { msgId: o.msgId })));
      expect(fewItems.stats.framesPublished).toBe(3); // 4 + 4 + 2
      await waitFor(() => usa.accepted.length >= 20, 10_000, "10 more items at USA");
      expect(usa.accepted.slice(10).map((a) => a.size)).toEqual([4, 4, 4, 4, 4, 4, 4, 4, 2, 2]);
    } finally {
      await Promise.all([small.close(), fewItems.close(), usa.close()]);
    }
  });

  it("unframed publishes (framing off) still arrive, one JetStream message each", async () => {
    const usa = await node("USA", "usa-unframed", "kor-plain");
    const plain = await nodeTransport(cluster, "KOR", "kor-plain", { framing: false });
    try {
      const sender = new Sender({ policy, key: keys.KOR, nodeId: "kor-plain", clock });
      const label = makeLabel(policy, "SECRET", ["KOR", "USA"]);
      const out = sender
        .prepareBatch(
          Array.from({ length: 5 }, (_, k) => ({
            kind: "BallisticTrack" as const,
            payload: exampleTrack("KOR", "T1", k),
            label,
          })),
        )
        .flat();
      await Promise.all(out.map((o) => plain.publish(o.subject, o.bytes, { msgId: o.msgId })));
      expect(plain.stats.framesPublished).toBe(0);
      expect(plain.stats.published).toBe(5);
      await waitFor(() => usa.accepted.length >= 5, 10_000, "5 items at USA");
      expect(usa.accepted.map((a) => a.msgId)).toEqual(out.map((o) => o.msgId));
      expect(new Set(usa.accepted.map((a) => a.seq)).size).toBe(5);
      expect(usa.accepted.every((a) => a.size === 1 && a.index === 0)).toBe(true);
    } finally {
      await Promise.all([plain.close(), usa.close()]);
    }
  });

  it("an item nak'ed by its handler: the frame comes back, only that item is handed over again", async () => {
    const usa = await nodeTransport(cluster, "USA", "usa-nak", { ackWaitMs: 60_000 });
    const seen: string[] = [];
    let failOnce = true;
    const sub = await usa.subscribeInbox((m) => {
      const id = (m as NatsInboundMessage).msgId ?? "";
      if (!id.startsWith("KOR.kor-nak.")) return m.ack();
      seen.push(id);
      if (id === "KOR.kor-nak.1" && failOnce) {
        failOnce = false;
        return m.nak();
      }
      m.ack();
    });
    try {
      const sender = new Sender({ policy, key: keys.KOR, nodeId: "kor-nak", clock });
      const label = makeLabel(policy, "SECRET", ["KOR", "USA"]);
      const out = sender
        .prepareBatch(
          Array.from({ length: 3 }, (_, k) => ({
            kind: "BallisticTrack" as const,
            payload: exampleTrack("KOR", "T1", k),
            label,
          })),
        )
        .flat();
      await Promise.all(out.map((o) => kor.publish(o.subject, o.bytes, { msgId: o.msgId })));
      await waitFor(() => seen.length >= 4, 10_000, "the nak'ed item again");
      await new Promise((r) => setTimeout(r, 300));
      expect(seen).toEqual(["KOR.kor-nak.0", "KOR.kor-nak.1", "KOR.kor-nak.2", "KOR.kor-nak.1"]);
      expect(usa.stats.redeliveriesSuppressed).toBe(2);
    } finally {
      await sub.unsubscribe();
      await usa.close();
    }
  });
});

/**
 * Releasability and forgery over a real NATS hub + leaves generated from the default policy: the
 * transport itself refuses flows the policy does not allow, with the receiver's application checks
 * switched off, and the receiver refuses what the transport cannot know (labels).
 */
import { jetstream } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BatchPublisher } from "../batch-publisher.ts";
import { type Envelope, encodeEnvelope, messageId, signEnvelope } from "../envelope.ts";
import { generateSigningKey, pinnedFrom } from "../keys.ts";
import { makeLabel } from "../label.ts";
import type { MessageKind } from "../message-kinds.ts";
import { type PayloadOf, SCHEMA_VERSIONS } from "../messages.ts";
import type { Policy } from "../policy.ts";
import { Receiver } from "../receiver.ts";
import { Sender } from "../sender.ts";
import { examplePayload } from "../test-fixtures.ts";
import { shareSubject, TransportRefusedError } from "../transport.ts";
import type { NatsCluster } from "./cluster.ts";
import { HUB_JS_DOMAIN } from "./config.ts";
import { nodeTransport, startDefaultCluster, waitFor } from "./nats-test-support.ts";
import type { NatsInboundMessage, NatsTransport } from "./nats-transport.ts";

let cluster: NatsCluster;
let policy: Policy;
let kor: NatsTransport;
let jpn: NatsTransport;
let usa: NatsTransport;
const raw: NatsConnection[] = [];
const keys = {
  KOR: generateSigningKey("KOR"),
  USA: generateSigningKey("USA"),
  JPN: generateSigningKey("JPN"),
};
const pinned = pinnedFrom(Object.values(keys));
const clock = () => 100;
let seq = 1000;

/** A KOR envelope built without any application check (label and destination as given). */
function korEnvelope<K extends MessageKind>(
  kind: K,
  payload: PayloadOf[K],
  releasable: ("KOR" | "USA" | "JPN")[],
) {
  const s = seq++;
  return signEnvelope(
    {
      id: messageId("KOR", "rogue", s),
      origin: "KOR",
      senderNode: "rogue",
      sequence: s,
      created: 100,
      validUntil: 160,
      kind,
      schemaVersion: SCHEMA_VERSIONS[kind],
    },
    makeLabel(policy, "SECRET", releasable),
    payload,
    keys.KOR,
  ) as Envelope;
}

beforeAll(async () => {
  ({ cluster, policy } = await startDefaultCluster());
  // No `policy` option: the transports do no local policy check, so refusals below come from NATS.
  [kor, jpn, usa] = await Promise.all([
    nodeTransport(cluster, "KOR", "kor1"),
    nodeTransport(cluster, "JPN", "jpn1"),
    nodeTransport(cluster, "USA", "usa1"),
  ]);
});

afterAll(async () => {
  await Promise.all([kor?.close(), jpn?.close(), usa?.close(), ...raw.map((c) => c.close())]);
  await cluster?.stop();
});

/** Everything a node's inbox delivers, with the receiver's verdicts. */
function collect(t: NatsTransport, receiver: Receiver) {
  const got: { subject: string; kind: string; releasable: string[]; accepted: boolean; reason?: string }[] =
    [];
  const sub = t.subscribeInbox((m) => {
    const env = JSON.parse(Buffer.from(m.data).toString("utf8")) as Envelope;
    const r = receiver.receive(m.subject, m.data);
    got.push({
      subject: m.subject,
      kind: env.header.kind,
      releasable: env.label.categories[0].values as string[],
      accepted: r.accepted,
      reason: r.accepted ? undefined : r.reason,
    });
    m.ack();
  });
  return { got, sub };
}

const receiverFor = (nation: "JPN" | "USA", checkReleasability: boolean) =>
  new Receiver({ nation, policy, keys: pinned, clock, logger: { warn() {} }, checkReleasability });

describe("releasability enforced by the transport (application checks off)", () => {
  it("a JPN node never receives a KOR→JPN kind the policy does not allow", async () => {
    const jpnIn = collect(jpn, receiverFor("JPN", false));
    await jpnIn.sub;
    // KOR-only kinds for Japan: NodeStatus and Warning exist only on the ROK–US bilateral flow.
    for (const kind of ["NodeStatus", "Warning", "TrackManagement"] as const) {
      const env = korEnvelope(kind, examplePayload(kind, "KOR"), ["KOR", "USA", "JPN"]);
      const subject = shareSubject("KOR", "JPN", kind);
      await expect(
        kor.publish(subject, encodeEnvelope(env), { msgId: env.header.id }),
      ).rejects.toBeInstanceOf(TransportRefusedError);
    }
    // A rogue leaf (the hub login of KOR's leaf, used directly, bypassing the leaf's own rules) is
    // refused by the hub as well.
    const c = cluster.credentials.hubLeaf.KOR;
    const rogue = await connect({ servers: cluster.hubUrl(), user: c.user, pass: c.password });
    raw.push(rogue);
    const env = korEnvelope("Warning", examplePayload("Warning", "KOR"), ["KOR", "JPN"]);
    await expect(
      jetstream(rogue, { domain: HUB_JS_DOMAIN }).publish(
        shareSubject("KOR", "JPN", "Warning"),
        encodeEnvelope(env),
        {
          msgID: env.header.id,
          timeout: 3000,
          retries: 0,
        },
      ),
    ).rejects.toThrow(/Permissions Violation/);
    // A marker the policy allows proves the path works and everything before it has arrived.
    const marker = korEnvelope("BallisticTrack", examplePayload("BallisticTrack", "KOR"), [
      "KOR",
      "USA",
      "JPN",
    ]);
    const ack = await kor.publish(shareSubject("KOR", "JPN", "BallisticTrack"), encodeEnvelope(marker), {
      msgId: marker.header.id,
    });
    expect(ack.duplicate).toBe(false);
    await waitFor(() => jpnIn.got.length >= 1, 10_000, "the marker at JPN");
    await new Promise((r) => setTimeout(r, 300));
    expect(jpnIn.got.map((g) => g.kind)).toEqual(["BallisticTrack"]);
    expect(jpnIn.got[0].accepted).toBe(true);
    await (await jpnIn.sub).unsubscribe();
  });

  it("JPN's own login cannot even subscribe to KOR's traffic to the US", async () => {
    const c = cluster.appConnectOptions("JPN");
    const nc = await connect(c);
    raw.push(nc);
    const errors: string[] = [];
    (async () => {
      for await (const s of nc.status())
        if (s.type === "error") errors.push(String((s as { error?: Error }).error?.message));
    })();
    const heard: string[] = [];
    nc.subscribe("share.KOR.rel.USA.>", {
      callback: (e, m) => {
        if (e) errors.push(e.message);
        else heard.push(m.subject);
      },
    });
    await nc.flush();
    const env = korEnvelope("Warning", examplePayload("Warning", "KOR"), ["KOR", "USA"]);
    await kor.publish(shareSubject("KOR", "USA", "Warning"), encodeEnvelope(env), { msgId: env.header.id });
    await new Promise((r) => setTimeout(r, 300));
    expect(heard).toEqual([]);
    await waitFor(
      () => errors.some((e) => /Permissions Violation for Subscription/.test(e)),
      5000,
      "sub refusal",
    );
  });
});

describe("the policy check inside the transport", () => {
  it("a transport given the policy refuses a disallowed flow before it reaches NATS", async () => {
    const guarded = await nodeTransport(cluster, "KOR", "kor-guarded", { policy });
    try {
      await expect(
        guarded.publish(shareSubject("KOR", "JPN", "Warning"), new Uint8Array([1]), {
          msgId: "KOR.kor-guarded.1",
        }),
      ).rejects.toThrow(/policy has no flow KOR→JPN for Warning/);
      await expect(
        guarded.publish("share.KOR.rel.JPN.bogus", new Uint8Array([1]), { msgId: "KOR.kor-guarded.2" }),
      ).rejects.toThrow(/not a sharing subject/);
      expect(guarded.stats.refused).toBe(2);
      expect(guarded.stats.published).toBe(0);
    } finally {
      await guarded.close();
    }
  });
});

describe("releasability with the application checks on", () => {
  it("a KOR-only track is never accepted at JPN, and the sender never sends it", async () => {
    const receiver = receiverFor("JPN", true);
    const jpnIn = collect(jpn, receiver);
    await jpnIn.sub;
    const sender = new Sender({ policy, key: keys.KOR, nodeId: "kor1", clock, startSequence: 5000 });
    const korOnly = makeLabel(policy, "SECRET", ["KOR"]);
    expect(sender.prepare("BallisticTrack", examplePayload("BallisticTrack", "KOR"), korOnly)).toEqual([]);
    // A misbehaving sender puts the KOR-only track on the KOR→JPN track subject (a kind NATS allows).
    // Unframed, it reaches JPN's receiver, which refuses it on its label…
    const plain = await nodeTransport(cluster, "KOR", "kor-plain", { framing: false });
    const bad = korEnvelope("BallisticTrack", examplePayload("BallisticTrack", "KOR"), ["KOR"]);
    await plain.publish(shareSubject("KOR", "JPN", "BallisticTrack"), encodeEnvelope(bad), {
      msgId: bad.header.id,
    });
    await plain.close();
    // …and in a frame, JPN's transport refuses the whole frame before any item reaches the receiver
    // (an item whose label is not releasable to the subject's destination).
    const rejected0 = jpn.stats.framesRejected["frame-subject-mismatch"];
    const bad2 = korEnvelope(
      "BallisticTrack",
      { ...examplePayload("BallisticTrack", "KOR"), updateSequence: 7 },
      ["KOR"],
    );
    await kor.publish(shareSubject("KOR", "JPN", "BallisticTrack"), encodeEnvelope(bad2), {
      msgId: bad2.header.id,
    });
    // The policy-abiding path for a trilateral item still works.
    const tri = makeLabel(policy, "SECRET", ["KOR", "USA", "JPN"]);
    const sent = await sender.send(kor, "BallisticTrack", examplePayload("BallisticTrack", "KOR"), tri);
    expect(sent.map((o) => o.destination).sort()).toEqual(["JPN", "USA"]);
    await waitFor(() => jpnIn.got.length >= 2, 10_000, "both tracks at JPN");
    await new Promise((r) => setTimeout(r, 300));
    const [first, second] = jpnIn.got;
    expect(jpnIn.got).toHaveLength(2);
    expect(first.releasable).toEqual(["KOR"]);
    expect(first.accepted).toBe(false);
    expect(first.reason).toBe("not-releasable");
    expect(second.accepted).toBe(true);
    expect(receiver.counters()["not-releasable"]).toBe(1);
    expect(jpn.stats.framesRejected["frame-subject-mismatch"]).toBe(rejected0 + 1);
    await (await jpnIn.sub).unsubscribe();
  });
});

describe("batch-signed items over NATS", () => {
  it("one frame (one JetStream message) per destination, items with their own ids; JPN gets only its own", async () => {
    const usaRx = receiverFor("USA", true);
    const jpnRx = receiverFor("JPN", true);
    const seen: Record<string, { subject: string; msgId?: string; seq: number; accepted: boolean }[]> = {
      USA: [],
      JPN: [],
    };
    // Fresh nodes (fresh durable consumers): they read the inboxes from the start, in stream order.
    const usaB = await nodeTransport(cluster, "USA", "usa-batch");
    const jpnB = await nodeTransport(cluster, "JPN", "jpn-batch");
    const subs = await Promise.all(
      (
        [
          ["USA", usaB, usaRx],
          ["JPN", jpnB, jpnRx],
        ] as const
      ).map(([n, t, rx]) =>
        t.subscribeInbox((m) => {
          // Earlier tests' messages are in the inboxes too: this sender's only.
          const msgId = (m as NatsInboundMessage).msgId;
          if (msgId?.startsWith("KOR.kor-batch."))
            seen[n].push({
              subject: m.subject,
              msgId,
              seq: (m as NatsInboundMessage).streamSequence,
              accepted: rx.receive(m.subject, m.data).accepted,
            });
          m.ack();
        }),
      ),
    );
    const ours = (n: "USA" | "JPN") => seen[n];
    try {
      const sender = new Sender({ policy, key: keys.KOR, nodeId: "kor-batch", clock });
      const publisher = new BatchPublisher(sender, kor);
      const tri = makeLabel(policy, "SECRET", ["KOR", "USA", "JPN"]);
      const bi = makeLabel(policy, "SECRET", ["KOR", "USA"]);
      const track = (n: string, u: number) => ({
        ...examplePayload("BallisticTrack", "KOR"),
        trackNumber: n,
        updateSequence: u,
      });
      // Submitted in one turn: one batch per destination.
      const sent = (
        await Promise.all(
          Array.from({ length: 12 }, (_, k) =>
            publisher.send("BallisticTrack", track(k % 2 ? "B1" : "T1", k), k % 2 ? bi : tri),
          ),
        )
      ).flat();
      expect(sender.stats.batches).toBe(2);
      expect(sent.filter((o) => o.destination === "USA")).toHaveLength(12);
      expect(sent.filter((o) => o.destination === "JPN")).toHaveLength(6);
      await waitFor(
        () => ours("USA").length >= 12 && ours("JPN").length >= 6,
        10_000,
        "the batch at USA and JPN",
      );
      await new Promise((r) => setTimeout(r, 300));
      for (const n of ["USA", "JPN"] as const) {
        const mine = sent.filter((o) => o.destination === n);
        expect(ours(n).map((x) => x.msgId)).toEqual(mine.map((o) => o.msgId));
        expect(ours(n).map((x) => x.subject)).toEqual(
          mine.map(() => shareSubject("KOR", n, "BallisticTrack")),
        );
        expect(ours(n).every((x) => x.accepted)).toBe(true);
        // Published in one turn on one subject: one frame.
        expect(new Set(ours(n).map((x) => x.seq)).size).toBe(1);
      }
      // Only the trilateral items reached Japan, and each receiver verified one signature.
      expect(new Set(sent.filter((o) => o.destination === "JPN").map((o) => o.envelope.label))).toEqual(
        new Set([tri]),
      );
      expect(usaRx.verifiedRoots.misses).toBe(1);
      expect(jpnRx.verifiedRoots.misses).toBe(1);
    } finally {
      await Promise.all(subs.map((s) => s.unsubscribe()));
      await Promise.all([usaB.close(), jpnB.close()]);
    }
  });
});

describe("forged publishes", () => {
  it("a KOR login publishing on JPN's subjects is refused by the servers and never reaches the US", async () => {
    const usaIn = collect(usa, receiverFor("USA", false));
    await usaIn.sub;
    // The transport refuses it before it leaves the process…
    await expect(
      kor.publish(shareSubject("JPN", "USA", "BallisticTrack"), new Uint8Array([1]), { msgId: "forged-0" }),
    ).rejects.toThrow(/origin is JPN/);
    // …and the KOR leaf refuses it when a KOR client tries anyway, signed with JPN's stolen key or not.
    const nc = await connect(cluster.appConnectOptions("KOR"));
    raw.push(nc);
    const js = jetstream(nc, { domain: HUB_JS_DOMAIN });
    const forged = signEnvelope(
      {
        id: messageId("JPN", "jpn1", 1),
        origin: "JPN",
        senderNode: "jpn1",
        sequence: 1,
        created: 100,
        validUntil: 160,
        kind: "BallisticTrack",
        schemaVersion: SCHEMA_VERSIONS.BallisticTrack,
      },
      makeLabel(policy, "SECRET", ["JPN", "USA"]),
      examplePayload("BallisticTrack", "JPN"),
      keys.JPN,
    );
    for (const subject of [
      shareSubject("JPN", "USA", "BallisticTrack"),
      shareSubject("USA", "JPN", "Warning"),
    ]) {
      await expect(
        js.publish(subject, encodeEnvelope(forged), {
          msgID: `forged-${subject}`,
          timeout: 3000,
          retries: 0,
        }),
      ).rejects.toThrow(/Permissions Violation for Publish/);
    }
    // Plain (non-JetStream) publishes are refused the same way.
    nc.publish(shareSubject("JPN", "USA", "BallisticTrack"), encodeEnvelope(forged));
    await nc.flush();
    // A genuine KOR→USA message arrives, and it is the only one.
    const ok = korEnvelope("Warning", examplePayload("Warning", "KOR"), ["KOR", "USA"]);
    await kor.publish(shareSubject("KOR", "USA", "Warning"), encodeEnvelope(ok), { msgId: ok.header.id });
    await waitFor(
      () => usaIn.got.some((g) => g.subject === shareSubject("KOR", "USA", "Warning")),
      10_000,
      "KOR→USA",
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(usaIn.got.every((g) => g.subject.startsWith("share.KOR.rel.USA."))).toBe(true);
    expect(usaIn.got.some((g) => g.subject.startsWith("share.JPN."))).toBe(false);
    expect(kor.stats.refused).toBeGreaterThanOrEqual(4);
    await (await usaIn.sub).unsubscribe();
  });
});

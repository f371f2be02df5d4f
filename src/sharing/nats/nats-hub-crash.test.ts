/**
 * `kill -9` of the hub in the middle of a stream of publishes, then a restart on the same ports and
 * store: every message whose publish was acknowledged reaches the receiving application exactly once.
 * The publishes go in frames (frame.ts: the publishes of one turn on one subject as one JetStream
 * message, retried under one Nats-Msg-Id), so this is exactly-once per item, with frames.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { shareSubject } from "../transport.ts";
import type { NatsCluster } from "./cluster.ts";
import { nodeTransport, startDefaultCluster, waitFor } from "./nats-test-support.ts";
import type { NatsInboundMessage, NatsTransport } from "./nats-transport.ts";

let cluster: NatsCluster;
let kor: NatsTransport;
let usa: NatsTransport;

beforeAll(async () => {
  ({ cluster } = await startDefaultCluster());
  [kor, usa] = await Promise.all([
    nodeTransport(cluster, "KOR", "kor1", { attemptTimeoutMs: 1000, maxBackoffMs: 250 }),
    nodeTransport(cluster, "USA", "usa1", { attemptTimeoutMs: 1000, maxBackoffMs: 250 }),
  ]);
});

afterAll(async () => {
  await Promise.all([kor?.close(), usa?.close()]);
  await cluster?.stop();
});

it("kill -9 of the hub mid-stream loses and duplicates nothing that was acknowledged", async () => {
  const N = 1500;
  const IN_FLIGHT = 32;
  const deliveries = new Map<string, number>();
  let outOfOrder = 0;
  let last = { seq: 0, index: -1 };
  const sub = await usa.subscribeInbox((m) => {
    const msg = m as NatsInboundMessage;
    const id = Buffer.from(msg.data).toString("utf8");
    deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
    expect(msg.msgId).toBe(id);
    // Stream order, then order within a frame.
    if (msg.streamSequence < last.seq || (msg.streamSequence === last.seq && msg.frameIndex <= last.index))
      outOfOrder++;
    last = { seq: msg.streamSequence, index: msg.frameIndex };
    msg.ack();
  });

  const acked = new Set<string>();
  const subject = shareSubject("KOR", "USA", "BallisticTrack");
  let next = 0;
  let crashed = false;
  const crash = async () => {
    await cluster.killHub("SIGKILL");
    await new Promise((r) => setTimeout(r, 1500));
    await cluster.startHub();
  };
  let crashDone: Promise<void> | undefined;
  // A bounded window of concurrent publishes; the hub dies once a third of them are acknowledged.
  const worker = async () => {
    while (next < N) {
      const id = `KOR.kor1.${next++}`;
      const ack = await kor.publish(subject, Buffer.from(id), { msgId: id });
      expect(ack.subject).toBe(subject);
      acked.add(id);
      if (!crashed && acked.size >= N / 3) {
        crashed = true;
        crashDone = crash();
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  await crashDone;
  expect(crashed).toBe(true);
  expect(acked.size).toBe(N);
  expect(kor.stats.publishRetries).toBeGreaterThan(0); // the outage really hit publishes
  // Items really travelled in frames of several.
  expect(kor.stats.framedItemsPublished).toBe(N);
  expect(kor.stats.framesPublished).toBeLessThan(N / 2);

  await waitFor(() => deliveries.size >= N, 30_000, `all ${N} messages at USA (have ${deliveries.size})`);
  await new Promise((r) => setTimeout(r, 500)); // room for any stray redelivery to show up
  const missing = [...acked].filter((id) => !deliveries.has(id));
  const duplicated = [...deliveries].filter(([, n]) => n !== 1);
  expect(missing).toEqual([]);
  expect(duplicated).toEqual([]);
  expect(outOfOrder).toBe(0);
  if (process.env.ALLYLINK_NATS_VERBOSE) console.log({ kor: kor.stats, usa: usa.stats });
  await sub.unsubscribe();
});

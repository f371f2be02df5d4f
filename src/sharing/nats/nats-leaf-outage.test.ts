/**
 * A 30 s outage of Japan's leaf (its server killed, so its node is cut off) while Korea keeps
 * publishing to Japan: the hub-side inbox keeps collecting, and after the leaf comes back the
 * backlog drains to the Japanese node in order, each message once. The 30 s is real wall time.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { shareSubject } from "../transport.ts";
import type { NatsCluster } from "./cluster.ts";
import { nodeTransport, startDefaultCluster, waitFor } from "./nats-test-support.ts";
import type { NatsInboundMessage, NatsTransport } from "./nats-transport.ts";

const OUTAGE_MS = 30_000;

let cluster: NatsCluster;
let kor: NatsTransport;
let jpn: NatsTransport;

beforeAll(async () => {
  ({ cluster } = await startDefaultCluster());
  [kor, jpn] = await Promise.all([
    nodeTransport(cluster, "KOR", "kor1", { maxBackoffMs: 500 }),
    nodeTransport(cluster, "JPN", "jpn1", { maxBackoffMs: 500 }),
  ]);
});

afterAll(async () => {
  await Promise.all([kor?.close(), jpn?.close()]);
  await cluster?.stop();
});

it("a 30 s leaf outage: the backlog drains in order after reconnection", async () => {
  const received: { id: number; seq: number }[] = [];
  const sub = await jpn.subscribeInbox((m) => {
    const msg = m as NatsInboundMessage;
    received.push({ id: Number(Buffer.from(msg.data).toString("utf8")), seq: msg.streamSequence });
    msg.ack();
  });
  const subject = shareSubject("KOR", "JPN", "BallisticTrack");
  let n = 0;
  const send = async () => {
    const id = n++;
    await kor.publish(subject, Buffer.from(String(id)), { msgId: `KOR.kor1.${id}` });
  };

  // Before the outage: live traffic flows.
  for (let i = 0; i < 20; i++) await send();
  await waitFor(() => received.length === 20, 10_000, "20 live messages at JPN");

  await cluster.killLeaf("JPN", "SIGKILL");
  const outageStart = Date.now();
  const beforeOutage = received.length;
  // During the outage Korea keeps publishing one message every 100 ms; each is acknowledged by
  // Japan's inbox on the hub although Japan's leaf is down.
  while (Date.now() - outageStart < OUTAGE_MS) {
    await send();
    await new Promise((r) => setTimeout(r, 100));
  }
  const sentDuringOutage = n - beforeOutage;
  expect(sentDuringOutage).toBeGreaterThan(100);
  expect(received.length).toBe(beforeOutage); // nothing can reach JPN while its leaf is down

  await cluster.startLeaf("JPN");
  await waitFor(() => received.length >= n, 30_000, `backlog of ${sentDuringOutage} at JPN`);
  await new Promise((r) => setTimeout(r, 300));
  expect(received.map((r) => r.id)).toEqual(Array.from({ length: n }, (_, i) => i));
  for (let i = 1; i < received.length; i++) expect(received[i].seq).toBeGreaterThan(received[i - 1].seq);
  expect(jpn.stats.reconnects).toBeGreaterThanOrEqual(1);
  await sub.unsubscribe();
});

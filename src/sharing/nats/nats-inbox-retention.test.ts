/**
 * The inbox stream keeps the backlog, not the history (interest retention), and never drops a
 * message it acknowledged: over a real hub + leaves from the default policy.
 */
import { jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, expect, it } from "vitest";
import { shareSubject } from "../transport.ts";
import type { NatsCluster } from "./cluster.ts";
import { HUB_JS_DOMAIN, inboxStreamName } from "./config.ts";
import { nodeTransport, startDefaultCluster, waitFor } from "./nats-test-support.ts";
import { closedInboxSubject, ensureInboxStream, type NatsTransport } from "./nats-transport.ts";

let cluster: NatsCluster;
let kor: NatsTransport;
const raw: NatsConnection[] = [];
const closers: NatsTransport[] = [];

beforeAll(async () => {
  ({ cluster } = await startDefaultCluster());
  kor = await nodeTransport(cluster, "KOR", "kor1", { maxBackoffMs: 100 });
});

afterAll(async () => {
  await Promise.all([kor?.close(), ...closers.map((t) => t.close()), ...raw.map((c) => c.close())]);
  await cluster?.stop();
});

/** The hub's JetStream of a nation's account, through that nation's leaf. */
async function managerOf(nation: "USA" | "JPN") {
  const nc = await connect(cluster.appConnectOptions(nation));
  raw.push(nc);
  return jetstreamManager(nc, { domain: HUB_JS_DOMAIN });
}

const body = (text: string) => new TextEncoder().encode(text);

it("a message for a nation whose inbox exists but has no consumer waits for one, then arrives once", async () => {
  // JPN's inbox stream as a node leaves it when it stops between creating the stream and its
  // consumer: closed. An open interest stream would PubAck this message and drop it.
  const jsm = await managerOf("JPN");
  await ensureInboxStream(jsm, "JPN");
  expect((await jsm.streams.info(inboxStreamName("JPN"))).config.subjects).toEqual([
    closedInboxSubject("JPN"),
  ]);

  let acked = false;
  const published = kor
    .publish(shareSubject("KOR", "JPN", "BallisticTrack"), body("early"), { msgId: "KOR.kor1.early" })
    .then((ack) => {
      acked = true;
      return ack;
    });
  await new Promise((r) => setTimeout(r, 500));
  expect(acked).toBe(false); // no stream captures the subject yet: no PubAck, the publisher retries

  const jpn = await nodeTransport(cluster, "JPN", "jpn1");
  closers.push(jpn);
  const got: string[] = [];
  await jpn.subscribeInbox((m) => {
    got.push(Buffer.from(m.data).toString("utf8"));
    m.ack();
  });
  expect((await published).duplicate).toBe(false);
  await waitFor(() => got.length >= 1, 10_000, "the early message at JPN");
  await new Promise((r) => setTimeout(r, 300));
  expect(got).toEqual(["early"]);
});

it("what every node has acked leaves the inbox; what one node has not acked stays for it", async () => {
  const usa1 = await nodeTransport(cluster, "USA", "usa1");
  const usa2 = await nodeTransport(cluster, "USA", "usa2"); // connected, not consuming yet
  closers.push(usa1, usa2);
  const jsm = await managerOf("USA");
  const stored = async () => (await jsm.streams.info(inboxStreamName("USA"))).state.messages;

  const got1: string[] = [];
  await usa1.subscribeInbox((m) => {
    got1.push(Buffer.from(m.data).toString("utf8"));
    m.ack();
  });
  for (let i = 0; i < 20; i++)
    await kor.publish(shareSubject("KOR", "USA", "BallisticTrack"), body(`m${i}`), {
      msgId: `KOR.kor1.m${i}`,
    });
  await waitFor(() => got1.length >= 20, 10_000, "20 messages at usa1");
  // usa2 has acked nothing: all 20 wait for it.
  await new Promise((r) => setTimeout(r, 300));
  expect(await stored()).toBe(20);

  const got2: string[] = [];
  await usa2.subscribeInbox((m) => {
    got2.push(Buffer.from(m.data).toString("utf8"));
    m.ack();
  });
  await waitFor(() => got2.length >= 20, 10_000, "20 messages at usa2");
  expect(got2).toEqual(got1);
  // Acks reach the hub asynchronously; once both nodes' are in, nothing is left.
  const deadline = Date.now() + 10_000;
  while ((await stored()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(await stored()).toBe(0);
});

/**
 * Signed, verified messages over NATS on loopback (DESIGN target: ≥ 10,000 msg/s, p99 added
 * latency < 5 ms). A real hub and leaves from the default policy; a KOR node sends BallisticTrack
 * updates to a USA node: each is sanitised, labelled and Ed25519-signed by the real Sender, stored in
 * USA's JetStream inbox on the hub (PubAck awaited), delivered through USA's leaf and accepted by the
 * real Receiver (size, parse, schema, signature, origin, freshness, replay, releasability, de-dup).
 *
 * Latency of a message = from just before signing to just after the receiver accepted it.
 * Two runs: a saturated run (publishes pipelined with a bounded window of in-flight acks) gives
 * msgsPerSec and the latency under saturation; a paced run at a steady rate below saturation gives
 * the added latency a message sees in normal operation (p50Ms, p99Ms). Nothing is asserted.
 */
import { performance } from "node:perf_hooks";
import { generateSigningKey, pinnedFrom } from "../src/sharing/keys.ts";
import { makeLabel } from "../src/sharing/label.ts";
import { nodeTransport, startDefaultCluster } from "../src/sharing/nats/nats-test-support.ts";
import { Receiver } from "../src/sharing/receiver.ts";
import { Sender } from "../src/sharing/sender.ts";
import { exampleTrack } from "../src/sharing/test-fixtures.ts";
import type { Benchmark, BenchRow } from "./benchmark.ts";

const SATURATED_MESSAGES = Number(process.env.ALLYLINK_BENCH_NATS_N ?? 30_000);
const IN_FLIGHT = 64;
const PACED_RATE = 2_000; // msg/s
const PACED_MESSAGES = 6_000;

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function run(): Promise<BenchRow[]> {
  const { cluster, policy } = await startDefaultCluster();
  const kor = await nodeTransport(cluster, "KOR", "kor-bench", { policy });
  const usa = await nodeTransport(cluster, "USA", "usa-bench", { policy, maxAckPending: 4096 });
  try {
    const korKey = generateSigningKey("KOR");
    const clock = () => 100;
    const sender = new Sender({ policy, key: korKey, nodeId: "kor-bench", clock, validityS: 60 });
    const receiver = new Receiver({
      nation: "USA",
      policy,
      keys: pinnedFrom([korKey]),
      clock,
      logger: { warn: () => {} },
      replayWindow: 1 << 16,
    });
    const label = makeLabel(policy, "SECRET", ["KOR", "USA"]);
    const total = SATURATED_MESSAGES + PACED_MESSAGES + 1000;
    const start = new Float64Array(total).fill(Number.NaN);
    const latency = new Float64Array(total).fill(Number.NaN);
    let accepted = 0;
    let rejected = 0;
    const sub = await receiver.attach(usa, (env) => {
      const i = env.header.sequence;
      latency[i] = performance.now() - start[i];
      accepted++;
    });
    const originalAck = rejected; // receiver acks every message itself
    void originalAck;

    let seq = 0;
    const sendOne = async (): Promise<void> => {
      const i = seq;
      start[i] = performance.now();
      const out = sender.prepare("BallisticTrack", exampleTrack("KOR", "T0001", i), label);
      seq += out.length;
      for (const o of out) await kor.publish(o.subject, o.bytes, { msgId: o.msgId });
    };
    const waitAccepted = async (n: number): Promise<void> => {
      const deadline = Date.now() + 60_000;
      while (accepted < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      rejected = Object.entries(receiver.counters())
        .filter(([k]) => k !== "accepted")
        .reduce((s, [, v]) => s + v, 0);
    };

    // Warm-up (JIT, connections, stream files).
    for (let i = 0; i < 1000; i++) await sendOne();
    await waitAccepted(1000);

    // Saturated run: IN_FLIGHT workers each awaiting its own PubAck.
    const satFrom = seq;
    const t0 = performance.now();
    let left = SATURATED_MESSAGES;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (left > 0) {
          left--;
          await sendOne();
        }
      }),
    );
    await waitAccepted(1000 + SATURATED_MESSAGES);
    const satSeconds = (performance.now() - t0) / 1000;
    const satTo = seq;

    // Paced run: one message every 1/PACED_RATE s (open loop: the next send does not wait for acks).
    const paceFrom = seq;
    const interval = 1000 / PACED_RATE;
    const p0 = performance.now();
    const pending: Promise<void>[] = [];
    for (let k = 0; k < PACED_MESSAGES; k++) {
      const due = p0 + k * interval;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      pending.push(sendOne());
      if (pending.length >= 256) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
    await waitAccepted(1000 + SATURATED_MESSAGES + PACED_MESSAGES);
    const paceTo = seq;

    const sorted = (from: number, to: number) => {
      const xs = latency.slice(from, to).filter((x) => !Number.isNaN(x));
      return xs.sort();
    };
    const sat = sorted(satFrom, satTo);
    const paced = sorted(paceFrom, paceTo);
    await sub.unsubscribe();
    return [
      {
        name: "sharing-nats",
        transport: "nats",
        msgsPerSec: SATURATED_MESSAGES / satSeconds,
        p50Ms: percentile(paced, 0.5),
        p99Ms: percentile(paced, 0.99),
        pacedRateMsgsPerSec: PACED_RATE,
        saturatedP50Ms: percentile(sat, 0.5),
        saturatedP99Ms: percentile(sat, 0.99),
        inFlight: IN_FLIGHT,
        messages: SATURATED_MESSAGES + PACED_MESSAGES,
        rejected,
        bytesPerMessage: sender.prepare("BallisticTrack", exampleTrack("KOR"), label)[0].bytes.byteLength,
      },
    ];
  } finally {
    await Promise.all([kor.close(), usa.close()]);
    await cluster.stop();
  }
}

export const benchmarks: Benchmark[] = [{ name: "sharing-nats", run }];

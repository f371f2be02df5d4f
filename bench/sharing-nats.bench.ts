/**
 * Signed, verified messages over NATS on loopback (DESIGN target: ≥ 10,000 msg/s, p99 added
 * latency < 5 ms). A real hub and leaves from the default policy; a KOR node sends BallisticTrack
 * updates to a USA node: each is sanitised, labelled and Ed25519-signed by the real Sender, stored in
 * USA's JetStream inbox on the hub (PubAck awaited), delivered through USA's leaf and accepted by the
 * real Receiver (size, parse, schema, signature, origin, freshness, replay, releasability, de-dup).
 *
 * The receiving node runs in its own process (bench/sharing-nats-receiver.ts), as a real node would.
 * Latency of a message = from just before signing to just after the receiver accepted it (wall
 * clock with µs resolution, compared across the two processes).
 * Two runs: a saturated run (publishes pipelined with a bounded window of in-flight acks) gives
 * msgsPerSec (accepted at the receiver) and the latency under saturation; a paced run at half the
 * saturation rate gives the added latency a message sees in normal operation (p50Ms, p99Ms).
 * Row "sharing-nats" signs inside the timed path; row "sharing-nats-presigned" signs beforehand, to
 * separate the sender's signing cost from transport + verification. Nothing is asserted.
 */
import { type ChildProcess, fork } from "node:child_process";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { generateSigningKey, pinnedFrom } from "../src/sharing/keys.ts";
import { makeLabel } from "../src/sharing/label.ts";
import {
  DEFAULT_POLICY_FILE,
  nodeTransport,
  startDefaultCluster,
} from "../src/sharing/nats/nats-test-support.ts";
import { Sender } from "../src/sharing/sender.ts";
import { exampleTrack } from "../src/sharing/test-fixtures.ts";
import type { Benchmark, BenchRow } from "./benchmark.ts";

const SATURATED_MESSAGES = Number(process.env.ALLYLINK_BENCH_NATS_N ?? 30_000);
const IN_FLIGHT = 64;
const MAX_PACED_RATE = 2_000; // msg/s
const PACED_MESSAGES = 6_000;
const WARMUP = 1_000;

const now = () => performance.timeOrigin + performance.now();

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** The receiving node in its own process (bench/sharing-nats-receiver.ts). */
class ReceiverProcess {
  private readonly child: ChildProcess;
  private constructor(child: ChildProcess) {
    this.child = child;
  }
  static async start(init: object): Promise<ReceiverProcess> {
    const child = fork(join(import.meta.dirname, "sharing-nats-receiver.ts"), [], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const r = new ReceiverProcess(child);
    child.send({ type: "start", ...init });
    await r.next("ready");
    return r;
  }
  private next<T>(type: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const onMessage = (m: { type: string }) => {
        if (m.type !== type) return;
        this.child.off("message", onMessage);
        this.child.off("exit", onExit);
        resolve(m as T);
      };
      const onExit = (code: number | null) => reject(new Error(`receiver process exited (${code})`));
      this.child.on("message", onMessage);
      this.child.once("exit", onExit);
    });
  }
  /** Waits until `until` messages were accepted; returns acceptance times by sequence. */
  async collect(
    until: number,
  ): Promise<{ times: number[]; counters: Record<string, number>; cpuUs: number }> {
    this.child.send({ type: "collect", until });
    return this.next("times");
  }
  async stop(): Promise<void> {
    const exited = new Promise((r) => this.child.once("exit", r));
    this.child.send({ type: "stop" });
    const t = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(t);
  }
}

/**
 * One measurement on a fresh cluster. `presigned`: every envelope is signed before the clock starts
 * (isolates transport + verification from the sender's signing cost); otherwise each message is
 * signed inside the timed path, as a live node does.
 */
async function measure(presigned: boolean): Promise<BenchRow> {
  const { cluster, policy } = await startDefaultCluster();
  const kor = await nodeTransport(cluster, "KOR", "kor-bench", { policy });
  const korKey = generateSigningKey("KOR");
  const total = WARMUP + SATURATED_MESSAGES + PACED_MESSAGES;
  let usa: ReceiverProcess | undefined;
  try {
    const usaLogin = cluster.appConnectOptions("USA");
    usa = await ReceiverProcess.start({
      nation: "USA",
      servers: usaLogin.servers,
      user: usaLogin.user,
      pass: usaLogin.pass,
      policyFile: DEFAULT_POLICY_FILE,
      pinned: (pinnedFrom([korKey]).toJSON() as { keys: unknown[] }).keys,
      capacity: total,
    });
    const sender = new Sender({ policy, key: korKey, nodeId: "kor-bench", clock: () => 100, validityS: 60 });
    const label = makeLabel(policy, "SECRET", ["KOR", "USA"]);
    const start = new Float64Array(total).fill(Number.NaN);
    const prepare = (i: number) => sender.prepare("BallisticTrack", exampleTrack("KOR", "T0001", i), label);
    const ready = presigned ? Array.from({ length: total }, (_, i) => prepare(i)) : [];
    let seq = 0;
    const sendOne = async (): Promise<void> => {
      const i = seq++;
      start[i] = now();
      const out = presigned ? ready[i] : prepare(i);
      for (const o of out) await kor.publish(o.subject, o.bytes, { msgId: o.msgId });
    };

    // Warm-up (JIT, connections, stream files).
    for (let i = 0; i < WARMUP; i++) await sendOne();
    const warm = await usa.collect(WARMUP);

    // Saturated run: IN_FLIGHT concurrent publishers, each awaiting its own PubAck.
    const satFrom = seq;
    const senderCpu0 = process.cpuUsage();
    let left = SATURATED_MESSAGES;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (left > 0) {
          left--;
          await sendOne();
        }
      }),
    );
    const satTo = seq;
    const sat = await usa.collect(satTo);
    const senderCpu = process.cpuUsage(senderCpu0);
    let lastAccept = 0;
    for (let i = satFrom; i < satTo; i++) lastAccept = Math.max(lastAccept, sat.times[i] ?? 0);
    const msgsPerSec = (satTo - satFrom) / ((lastAccept - start[satFrom]) / 1000);

    // Paced run at half the measured saturation rate (at most MAX_PACED_RATE): one message every
    // 1/rate s, open loop (sends do not wait for earlier acks). This is the latency a message sees
    // in operation, without the queueing of a saturated pipe.
    const rate = Math.min(MAX_PACED_RATE, Math.max(50, Math.floor(msgsPerSec / 2)));
    const pacedCount = Math.min(PACED_MESSAGES, rate * 5);
    const paceFrom = seq;
    const interval = 1000 / rate;
    const p0 = performance.now();
    const pending: Promise<void>[] = [];
    for (let k = 0; k < pacedCount; k++) {
      const wait = p0 + k * interval - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      pending.push(sendOne());
      if (pending.length >= 512) await Promise.all(pending.splice(0, 256));
    }
    await Promise.all(pending);
    const paceTo = seq;
    const paced = await usa.collect(paceTo);

    const latencies = (times: number[], from: number, to: number) => {
      const xs: number[] = [];
      for (let i = from; i < to; i++) if (!Number.isNaN(times[i])) xs.push(times[i] - start[i]);
      return Float64Array.from(xs).sort();
    };
    const satLat = latencies(sat.times, satFrom, satTo);
    const pacedLat = latencies(paced.times, paceFrom, paceTo);
    const rejected = Object.entries(paced.counters)
      .filter(([k]) => k !== "accepted")
      .reduce((s, [, v]) => s + v, 0);
    return {
      name: presigned ? "sharing-nats-presigned" : "sharing-nats",
      transport: "nats",
      msgsPerSec,
      p50Ms: percentile(pacedLat, 0.5),
      p99Ms: percentile(pacedLat, 0.99),
      pacedRateMsgsPerSec: rate,
      saturatedP50Ms: percentile(satLat, 0.5),
      saturatedP99Ms: percentile(satLat, 0.99),
      inFlight: IN_FLIGHT,
      // CPU time per message in the saturated run: the sending node (sign + NATS publish) and the
      // receiving node (NATS consume + the receiver's checks), to show where the time goes.
      senderCpuUsPerMsg: (senderCpu.user + senderCpu.system) / (satTo - satFrom),
      receiverCpuUsPerMsg: (sat.cpuUs - warm.cpuUs) / (satTo - satFrom),
      accepted: paced.counters.accepted,
      rejected,
      bytesPerMessage: prepare(0)[0].bytes.byteLength,
    };
  } finally {
    await usa?.stop();
    await kor.close();
    await cluster.stop();
  }
}

async function run(): Promise<BenchRow[]> {
  return [await measure(false), await measure(true)];
}

export const benchmarks: Benchmark[] = [{ name: "sharing-nats", run }];

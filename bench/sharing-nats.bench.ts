/**
 * Signed, verified messages over NATS on loopback (DESIGN target: ≥ 10,000 msg/s, p99 added
 * latency < 5 ms). A real hub and leaves from the default policy; a KOR node sends BallisticTrack
 * updates to a USA node: each is validated, sanitised, labelled and signed by the real Sender
 * through a BatchPublisher (Merkle batch signatures: everything submitted in one event-loop turn,
 * at most 64 envelopes, shares one Ed25519 signature; src/sharing/batch-signature.ts), published
 * into USA's JetStream inbox on the hub (PubAck awaited), delivered through USA's leaf and accepted
 * by the real Receiver (size, parse, schema, Merkle path + batch root signature, origin, freshness,
 * replay, releasability, de-dup), item by item.
 *
 * FRAMES (src/sharing/nats/frame.ts): in the main row the transport carries the items published on
 * one subject within one event-loop turn as ONE JetStream message (one publish, PubAck,
 * Nats-Msg-Id, pull delivery and explicit ack per frame); the receiving transport unpacks it and
 * every item goes through the Receiver on its own. msgsPerSec counts ITEMS (application messages:
 * signed, verified, checked, accepted), not frames; the row prints the mean items per frame
 * (saturatedItemsPerFrame, pacedItemsPerFrame) and jetStreamMsgsPerSec. Row
 * "sharing-nats-unframed" is the same pipeline with one JetStream message per item.
 *
 * The receiving node runs in its own process (bench/sharing-nats-receiver.ts), as a real node would.
 *
 * What is measured:
 * - latency of a message = from its submission to the publisher (before it is validated,
 *   sanitised, batched and signed) to just after the receiver accepted it (µs-resolution wall
 *   clock, the same machine's clock in both processes). Batching wait is included.
 * - msgsPerSec: saturated run, closed loop with at most `inFlight` messages whose PubAck is still
 *   outstanding (publishes are pipelined, never awaited one by one): messages accepted by the
 *   receiver / (last acceptance − first submission).
 * - p50Ms, p99Ms: paced run, open loop at pacedRateMsgsPerSec = min(10,000, half of msgsPerSec)
 *   for PACED_SECONDS: the added latency a message sees in operation, without the self-inflicted
 *   queue of a saturated pipe (at the 10,000 msg/s target when the fabric can do twice that).
 *   saturatedP50Ms/saturatedP99Ms give the saturated run's latency.
 * - CPU µs per message of the sender, the receiver and the three nats-server processes, and the
 *   mean batch size, to show where the time goes (2 cores = 200 µs per message at 10,000 msg/s).
 *
 * Row "sharing-nats-unbatched" runs the same pipeline with maxBatch 1 (one Ed25519 signature and
 * verification per message, the cost before batch signatures), on fewer messages. Row
 * "sharing-nats-fabric-only" measures the fabric alone: one envelope's bytes published again and
 * again (new Nats-Msg-Id each time) to a receiving node that only acks — no building, signing or
 * checking; its msgsPerSec is the ceiling of this machine for any signed row. Nothing is asserted.
 */
import { type ChildProcess, execFileSync, fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { BatchPublisher } from "../src/sharing/batch-publisher.ts";
import { generateSigningKey, pinnedFrom } from "../src/sharing/keys.ts";
import { makeLabel } from "../src/sharing/label.ts";
import type { NatsCluster } from "../src/sharing/nats/cluster.ts";
import {
  DEFAULT_POLICY_FILE,
  nodeTransport,
  startDefaultCluster,
} from "../src/sharing/nats/nats-test-support.ts";
import { Sender } from "../src/sharing/sender.ts";
import { exampleTrack } from "../src/sharing/test-fixtures.ts";
import type { Benchmark, BenchRow } from "./benchmark.ts";

const SATURATED_MESSAGES = Number(process.env.ALLYLINK_BENCH_NATS_N ?? 40_000);
const IN_FLIGHT = Number(process.env.ALLYLINK_BENCH_NATS_IN_FLIGHT ?? 512);
const TARGET_RATE = 10_000; // msg/s
const PACED_SECONDS = Number(process.env.ALLYLINK_BENCH_NATS_PACED_S ?? 4);
/** Fixed rate for the paced run instead of min(10,000, half the saturated rate). */
const PACED_RATE = Number(process.env.ALLYLINK_BENCH_NATS_PACED_RATE) || undefined;
const WARMUP = 2_000;
const MAX_BATCH = 64;

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (µs) used so far by the hub and leaf processes, from /proc (Linux). */
function serverCpuUs(cluster: NatsCluster): number {
  let ticks = 0;
  for (const role of ["hub", ...cluster.nations]) {
    const pid = cluster.pid(role);
    if (pid === undefined) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      return Number.NaN;
    }
  }
  return (ticks / CLK_TCK) * 1e6;
}

interface Collected {
  times: number[];
  counters: Record<string, number>;
  cpuUs: number;
  verifications: number;
  /** Messages accepted (fabric only: acked) so far. */
  accepted: number;
}

/** The receiving node in its own process (bench/sharing-nats-receiver.ts). */
class ReceiverProcess {
  private readonly child: ChildProcess;
  private constructor(child: ChildProcess) {
    this.child = child;
  }
  static async start(init: object): Promise<ReceiverProcess> {
    const child = fork(join(import.meta.dirname, "sharing-nats-receiver.ts"), [], {
      // ALLYLINK_BENCH_NATS_RX_PROF=DIR: a CPU profile of the receiving node, written to DIR.
      execArgv: [
        "--import",
        "tsx",
        ...(process.env.ALLYLINK_BENCH_NATS_RX_PROF
          ? ["--cpu-prof", `--cpu-prof-dir=${process.env.ALLYLINK_BENCH_NATS_RX_PROF}`]
          : []),
      ],
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
  async collect(until: number): Promise<Collected> {
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
 * One measurement on a fresh cluster; `maxBatch` envelopes at most per signature. `fabricOnly`: the
 * same envelope bytes (signed once, beforehand) published again and again under new message ids,
 * and a receiving node that only acks: the cost of the NATS fabric alone, without building,
 * signing or checking anything.
 */
async function measure(
  name: string,
  maxBatch: number,
  saturatedMessages: number,
  fabricOnly = false,
  framing = true,
): Promise<BenchRow> {
  const { cluster, policy } = await startDefaultCluster();
  const kor = await nodeTransport(cluster, "KOR", "kor-bench", { policy, framing });
  const korKey = generateSigningKey("KOR");
  const maxPaced = Math.max(TARGET_RATE, PACED_RATE ?? 0) * PACED_SECONDS;
  const total = WARMUP + saturatedMessages + maxPaced;
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
      fabricOnly,
    });
    const sender = new Sender({
      policy,
      key: korKey,
      nodeId: "kor-bench",
      clock: () => 100,
      validityS: 60,
      maxBatch,
    });
    const publisher = new BatchPublisher(sender, kor, { maxBatch });
    const label = makeLabel(policy, "SECRET", ["KOR", "USA"]);
    const start = new Float64Array(total).fill(Number.NaN);
    const fixed = sender.prepare("BallisticTrack", exampleTrack("KOR", "T0001", 0), label)[0];
    let fabricSeq = 0;
    const seq = () => (fabricOnly ? fabricSeq : sender.nextSequence);
    // `fixed` took a sequence number of its own: the receiver counts acceptances, not sequences.
    const firstSeq = seq();
    const sentSoFar = () => seq() - firstSeq;
    /** Submits the next track update; resolves on its PubAck. Sequence i = message i (one destination). */
    const sendOne = (): Promise<unknown> => {
      const i = seq();
      start[i] = now();
      if (!fabricOnly) return publisher.send("BallisticTrack", exampleTrack("KOR", "T0001", i), label);
      fabricSeq++;
      return kor.publish(fixed.subject, fixed.bytes, { msgId: `KOR.fabric.${i}` });
    };
    /** Closed loop: keeps `window` messages awaiting their PubAck until `count` were sent. */
    const saturate = (count: number, window: number) =>
      new Promise<void>((resolve, reject) => {
        let left = count;
        let inFlight = 0;
        const pump = () => {
          while (inFlight < window && left > 0) {
            left--;
            inFlight++;
            sendOne().then(() => {
              inFlight--;
              if (left === 0 && inFlight === 0) resolve();
              else pump();
            }, reject);
          }
        };
        pump();
      });
    const stats = () => ({
      ...sender.stats,
      frames: kor.stats.framesPublished,
      framedItems: kor.stats.framedItemsPublished,
      jsMessages: kor.stats.framesPublished + kor.stats.published - kor.stats.framedItemsPublished,
    });
    /** Items per JetStream message published between two stats() (1 when unframed). */
    const itemsPerMessage = (a: ReturnType<typeof stats>, b: ReturnType<typeof stats>) => {
      const items = b.framedItems - a.framedItems + (b.jsMessages - b.frames - (a.jsMessages - a.frames));
      return items / Math.max(1, b.jsMessages - a.jsMessages);
    };
    const meanBatch = (
      a: { envelopes: number; batches: number },
      b: { envelopes: number; batches: number },
    ) => (b.envelopes - a.envelopes) / Math.max(1, b.batches - a.batches);

    // Warm-up (JIT, connections, stream files).
    await saturate(WARMUP, 64);
    const warm = await usa.collect(WARMUP);

    // Saturated run.
    const satFrom = seq();
    const satStats0 = stats();
    const senderCpu0 = process.cpuUsage();
    const serverCpu0 = serverCpuUs(cluster);
    await saturate(saturatedMessages, IN_FLIGHT);
    const satTo = seq();
    const sat = await usa.collect(sentSoFar());
    const senderCpu = process.cpuUsage(senderCpu0);
    const serverCpu = serverCpuUs(cluster) - serverCpu0;
    const satStats = stats();
    let lastAccept = 0;
    for (let i = satFrom; i < satTo; i++) lastAccept = Math.max(lastAccept, sat.times[i] ?? 0);
    const msgsPerSec = (satTo - satFrom) / ((lastAccept - start[satFrom]) / 1000);
    const nSat = satTo - satFrom;

    // Paced run, open loop: every millisecond (timer permitting) submit the messages due by now.
    const rate = PACED_RATE ?? Math.max(100, Math.min(TARGET_RATE, Math.floor(msgsPerSec / 2)));
    const pacedCount = Math.round(rate * PACED_SECONDS);
    const paceFrom = seq();
    const paceStats0 = stats();
    const p0 = performance.now();
    let submitted = 0;
    let done = 0;
    let failed: unknown;
    while (submitted < pacedCount) {
      const due = Math.min(pacedCount, Math.floor(((performance.now() - p0) * rate) / 1000) + 1);
      for (; submitted < due; submitted++)
        sendOne().then(
          () => done++,
          (err) => {
            failed = err;
          },
        );
      await sleep(1);
    }
    const pacedElapsedS = (performance.now() - p0) / 1000;
    while (done < pacedCount && failed === undefined) await sleep(5);
    if (failed !== undefined) throw failed;
    const paceTo = seq();
    const paced = await usa.collect(sentSoFar());
    const paceStats = stats();

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
    const satPerFrame = itemsPerMessage(satStats0, satStats);
    const pacedPerFrame = itemsPerMessage(paceStats0, paceStats);
    return {
      name,
      transport: "nats",
      msgsPerSec,
      p50Ms: percentile(pacedLat, 0.5),
      p99Ms: percentile(pacedLat, 0.99),
      framing: framing
        ? `items travel in frames (one JetStream message, PubAck, delivery and ack per frame): ${satPerFrame.toFixed(1)} items/frame saturated, ${pacedPerFrame.toFixed(1)} paced; msgsPerSec counts items (application messages), not frames`
        : "unframed: one JetStream message, PubAck, delivery and ack per item",
      saturatedItemsPerFrame: satPerFrame,
      pacedItemsPerFrame: pacedPerFrame,
      jetStreamMsgsPerSec: msgsPerSec / satPerFrame,
      latency: fabricOnly
        ? "publish of ready bytes → arrival at the receiving node (no checks), per message"
        : "submit (before validate/sanitise/batch/sign) → accepted by the receiver (after verify and all checks), per message",
      pacedRateMsgsPerSec: rate,
      pacedAchievedMsgsPerSec: pacedCount / pacedElapsedS,
      pacedP999Ms: percentile(pacedLat, 0.999),
      pacedMaxMs: pacedLat[pacedLat.length - 1],
      pacedMeanBatch: meanBatch(paceStats0, paceStats),
      saturatedP50Ms: percentile(satLat, 0.5),
      saturatedP99Ms: percentile(satLat, 0.99),
      saturatedMessages: nSat,
      inFlight: IN_FLIGHT,
      maxBatch,
      saturatedMeanBatch: meanBatch(satStats0, satStats),
      // Ed25519 verifications the receiver made (batch roots not already cached) per message.
      verificationsPerMsg: (sat.verifications - warm.verifications) / nSat,
      // CPU time per message in the saturated run, by process.
      senderCpuUsPerMsg: (senderCpu.user + senderCpu.system) / nSat,
      receiverCpuUsPerMsg: (sat.cpuUs - warm.cpuUs) / nSat,
      natsServersCpuUsPerMsg: serverCpu / nSat,
      accepted: paced.accepted,
      rejected,
      bytesPerMessage: fixed.bytes.byteLength,
    };
  } finally {
    await usa?.stop();
    await kor.close();
    await cluster.stop();
  }
}

/**
 * Rows (ALLYLINK_BENCH_NATS_ROWS=comma-separated suffixes selects some: "framed" is the main row):
 * - sharing-nats: batch signatures, frames (the default transport);
 * - sharing-nats-unframed: batch signatures, one JetStream message per item (before frames);
 * - sharing-nats-unbatched: frames, one signature per item (maxBatch 1);
 * - sharing-nats-fabric-only(-framed): ready bytes, no signing or checks, per item / in frames.
 */
const ROWS = process.env.ALLYLINK_BENCH_NATS_ROWS?.split(",").map((r) => r.trim());
const row = (suffix: string, name: string, run: () => Promise<BenchRow>): Benchmark[] =>
  !ROWS || ROWS.includes(suffix) ? [{ name, run: async () => [await run()] }] : [];

export const benchmarks: Benchmark[] = [
  ...row("framed", "sharing-nats", () => measure("sharing-nats", MAX_BATCH, SATURATED_MESSAGES)),
  ...row("unframed", "sharing-nats-unframed", () =>
    measure("sharing-nats-unframed", MAX_BATCH, Math.min(SATURATED_MESSAGES, 20_000), false, false),
  ),
  ...row("unbatched", "sharing-nats-unbatched", () =>
    measure("sharing-nats-unbatched", 1, Math.min(SATURATED_MESSAGES, 10_000)),
  ),
  ...row("fabric-only", "sharing-nats-fabric-only", () =>
    measure("sharing-nats-fabric-only", 1, SATURATED_MESSAGES, true, false),
  ),
  ...row("fabric-only-framed", "sharing-nats-fabric-only-framed", () =>
    measure("sharing-nats-fabric-only-framed", 1, SATURATED_MESSAGES, true, true),
  ),
];

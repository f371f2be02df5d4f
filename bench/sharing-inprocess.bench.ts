/**
 * Signed, verified messages over the in-process bus. A KOR node sends BallisticTrack updates to a
 * USA node (and, in a second row, to JPN through the US hub): each is validated, sanitised,
 * labelled and Ed25519-signed by the real Sender, carried by the InProcessBus (simulated network
 * latency 0, so only our own work is measured) and accepted by the real Receiver (size, parse,
 * schema, signature, origin, freshness, replay, releasability, de-dup).
 *
 * Rows "sharing-inprocess" and "-relay": one message at a time, so each is a batch of one (one
 * Ed25519 signature and one verification per message): latency = wall time from just before signing
 * to just after acceptance. Row "sharing-inprocess-batched": bursts of BURST items handed to the
 * sender together (Sender.prepareBatch, as BatchPublisher does with what arrives in one event-loop
 * turn), so each burst shares one batch signature (batch-signature.ts) and the receiver verifies it
 * once; latency = from just before the burst is built and signed to each message's acceptance.
 * msgsPerSec = messages / total wall time of the loop (a single core doing both ends);
 * cpuMsgsPerSec = messages / CPU seconds used, which a shared, loaded machine distorts less.
 * Nothing is asserted.
 */
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Rng } from "../src/core/rng.ts";
import { InProcessBus } from "../src/sharing/inprocess-bus.ts";
import { generateSigningKey, pinnedFrom } from "../src/sharing/keys.ts";
import { makeLabel } from "../src/sharing/label.ts";
import { loadPolicy } from "../src/sharing/policy.ts";
import { Receiver } from "../src/sharing/receiver.ts";
import { Sender } from "../src/sharing/sender.ts";
import { exampleTrack } from "../src/sharing/test-fixtures.ts";
import { VirtualScheduler } from "../src/sharing/virtual-scheduler.ts";
import type { Benchmark, BenchRow } from "./benchmark.ts";

const N = Number(process.env.ALLYLINK_BENCH_INPROCESS_N ?? 5_000);

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const BURST = 64;

async function run(dest: "USA" | "JPN", burst = 1): Promise<BenchRow> {
  const policy = loadPolicy(join(import.meta.dirname, "..", "policies", "default.yaml"));
  const keys = [generateSigningKey("KOR"), generateSigningKey("USA"), generateSigningKey("JPN")];
  const scheduler = new VirtualScheduler(0);
  const bus = new InProcessBus({
    policy,
    scheduler,
    rng: new Rng(1),
    defaultLink: { latency: { kind: "fixed", s: 0 } },
  });
  const sender = new Sender({ policy, key: keys[0], nodeId: "kor-node", clock: () => scheduler.now() });
  const rx = new Receiver({
    nation: dest,
    policy,
    keys: pinnedFrom(keys),
    clock: () => scheduler.now(),
    logger: { warn: (m) => process.stderr.write(`${m}\n`) },
  });
  const label = makeLabel(policy, "SECRET", [dest]);
  const lat = new Float64Array(N);
  let t0 = 0;
  let accepted = 0;
  await rx.attach(bus.connect(dest), () => {
    lat[accepted++] = performance.now() - t0;
  });
  const kor = bus.connect("KOR");
  const track = exampleTrack("KOR", "T1", 0);
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  if (burst === 1)
    for (let i = 0; i < N; i++) {
      track.updateSequence = i;
      t0 = performance.now();
      await sender.send(kor, "BallisticTrack", track, label);
      scheduler.runAll();
    }
  else
    for (let i = 0; i < N; i += burst) {
      const items = Array.from({ length: Math.min(burst, N - i) }, (_, k) => ({
        kind: "BallisticTrack" as const,
        payload: { ...track, updateSequence: i + k },
        label,
      }));
      t0 = performance.now();
      const out = sender.prepareBatch(items).flat();
      await Promise.all(out.map((o) => kor.publish(o.subject, o.bytes, { msgId: o.msgId })));
      scheduler.runAll();
    }
  const elapsedS = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  if (accepted !== N) throw new Error(`only ${accepted} of ${N} accepted: ${JSON.stringify(rx.counters())}`);
  lat.sort();
  return {
    name:
      burst > 1
        ? "sharing-inprocess-batched"
        : dest === "USA"
          ? "sharing-inprocess"
          : "sharing-inprocess-relay",
    transport: "inprocess",
    path: dest === "USA" ? "KOR>USA" : "KOR>USA>JPN",
    messages: N,
    batch: burst,
    verificationsPerMsg: rx.verifiedRoots.misses / N,
    msgsPerSec: N / elapsedS,
    /** Messages per second of CPU time used by this process: the figure a busy machine distorts least. */
    cpuMsgsPerSec: N / cpuS,
    p50Ms: quantile(lat, 0.5),
    p99Ms: quantile(lat, 0.99),
  };
}

export const benchmarks: Benchmark[] = [
  {
    name: "sharing-inprocess",
    run: async () => [await run("USA"), await run("JPN"), await run("USA", BURST)],
  },
];

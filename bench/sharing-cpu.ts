/**
 * CPU per item of the sharing pipeline alone, without any transport: a KOR sender builds and signs N
 * track updates for USA (batches of 64, as the NATS bench), then a USA receiver runs every check on
 * them. Prints µs of process CPU per item for each side (best of `ALLYLINK_CPU_ROUNDS` rounds, default
 * 5) and the receiver's counters, so a change that alters verdicts shows up.
 *
 *   npx tsx bench/sharing-cpu.ts [N=20000]
 *
 * Not a vitest bench (bench/run.ts does not pick it up): a measuring aid for profiling with
 * `node --cpu-prof --import tsx bench/sharing-cpu.ts`.
 */
import { join } from "node:path";
import { generateSigningKey, pinnedFrom } from "../src/sharing/keys.ts";
import { makeLabel } from "../src/sharing/label.ts";
import { loadPolicy } from "../src/sharing/policy.ts";
import { Receiver } from "../src/sharing/receiver.ts";
import { Sender, type SendItem } from "../src/sharing/sender.ts";
import { exampleTrack } from "../src/sharing/test-fixtures.ts";

const N = Number(process.argv[2] ?? 20_000);
const ROUNDS = Number(process.env.ALLYLINK_CPU_ROUNDS ?? 5);
const BATCH = 64;

const policy = loadPolicy(join(import.meta.dirname, "../policies/default.yaml"));
const key = generateSigningKey("KOR");
const label = makeLabel(policy, "SECRET", ["KOR", "USA"]);
const cpuUs = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

let bestSend = Number.POSITIVE_INFINITY;
let bestRecv = Number.POSITIVE_INFINITY;
let counters: unknown;
for (let round = 0; round < ROUNDS; round++) {
  const sender = new Sender({ policy, key, nodeId: "kor-cpu", clock: () => 100, maxBatch: BATCH });
  const items: SendItem[] = [];
  for (let i = 0; i < N; i++)
    items.push({ kind: "BallisticTrack", payload: exampleTrack("KOR", `T${i % 50}`, i), label });
  const wire: { subject: string; bytes: Uint8Array }[] = [];
  const s0 = cpuUs();
  for (let i = 0; i < N; i += BATCH)
    for (const out of sender.prepareBatch(items.slice(i, i + BATCH)))
      for (const o of out) wire.push({ subject: o.subject, bytes: o.bytes });
  const sendUs = (cpuUs() - s0) / N;

  const receiver = new Receiver({
    nation: "USA",
    policy,
    keys: pinnedFrom([key]),
    clock: () => 100,
    logger: { warn: () => {} },
    replayWindow: 1 << 16,
  });
  const r0 = cpuUs();
  for (const w of wire) receiver.receive(w.subject, w.bytes);
  const recvUs = (cpuUs() - r0) / wire.length;
  bestSend = Math.min(bestSend, sendUs);
  bestRecv = Math.min(bestRecv, recvUs);
  counters = Object.fromEntries(Object.entries(receiver.counters()).filter(([, v]) => v !== 0));
  console.log(`round ${round}: sender ${sendUs.toFixed(1)} µs/item, receiver ${recvUs.toFixed(1)} µs/item`);
}
console.log(
  `best of ${ROUNDS}, N=${N}: sender ${bestSend.toFixed(1)} µs/item, receiver ${bestRecv.toFixed(1)} µs/item; counters ${JSON.stringify(counters)}`,
);

/**
 * The receiving node of the sharing-nats benchmark, run as its own process (as a real node would
 * be): connects to its nation's leaf, consumes its inbox through the real Receiver pipeline and
 * records, per accepted message, the wall-clock time (ms, µs resolution) it was accepted (with
 * fabricOnly: acks every message without checks and records when it arrived). The parent sends
 * {type:"start", ...} over IPC; this process answers {type:"ready"}, then on {type:"collect",
 * until} it waits for `until` acceptances and replies {type:"times", times, counters, cpuUs,
 * verifications, accepted} (cpuUs: this process's CPU time so far, µs; verifications: Ed25519
 * verifications of batch roots so far, i.e. roots not already in the receiver's cache).
 */
import { createPublicKey } from "node:crypto";
import { performance } from "node:perf_hooks";
import { PinnedKeySet } from "../src/sharing/keys.ts";
import { type NatsInboundMessage, NatsTransport } from "../src/sharing/nats/nats-transport.ts";
import { loadPolicy } from "../src/sharing/policy.ts";
import { Receiver } from "../src/sharing/receiver.ts";
import type { NationCode } from "../src/world/nation.ts";

interface StartMessage {
  type: "start";
  nation: NationCode;
  servers: string;
  user: string;
  pass: string;
  policyFile: string;
  pinned: { keyId: string; nation: NationCode; publicKeyPem: string }[];
  capacity: number;
  /** Only ack and time each message (by the number in its Nats-Msg-Id); no Receiver checks. */
  fabricOnly?: boolean;
}

const send = (m: unknown) => process.send?.(m);
const now = () => performance.timeOrigin + performance.now();

process.once("message", async (raw) => {
  const start = raw as StartMessage;
  const policy = loadPolicy(start.policyFile);
  const keys = new PinnedKeySet(
    start.pinned.map((k) => ({
      keyId: k.keyId,
      nation: k.nation,
      publicKey: createPublicKey(k.publicKeyPem),
    })),
  );
  const receiver = new Receiver({
    nation: start.nation,
    policy,
    keys,
    clock: () => 100,
    logger: { warn: () => {} },
    replayWindow: 1 << 16,
  });
  const transport = await NatsTransport.connect({
    nation: start.nation,
    nodeId: "bench-receiver",
    servers: start.servers,
    user: start.user,
    pass: start.pass,
    policy,
    maxAckPending: 4096,
  });
  const times = new Float64Array(start.capacity).fill(Number.NaN);
  let accepted = 0;
  const sub = start.fabricOnly
    ? await transport.subscribeInbox((m) => {
        const id = (m as NatsInboundMessage).msgId ?? "";
        times[Number(id.slice(id.lastIndexOf(".") + 1))] = now();
        accepted++;
        m.ack();
      })
    : await receiver.attach(transport, (env) => {
        times[env.header.sequence] = now();
        accepted++;
      });
  process.on("message", async (m) => {
    const msg = m as { type: string; until?: number };
    if (msg.type === "collect") {
      const deadline = Date.now() + 120_000;
      while (accepted < (msg.until ?? 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      const cpu = process.cpuUsage();
      send({
        type: "times",
        times: Array.from(times),
        counters: receiver.counters(),
        cpuUs: cpu.user + cpu.system,
        verifications: receiver.verifiedRoots.misses,
        accepted,
      });
    } else if (msg.type === "stop") {
      await sub.unsubscribe();
      await transport.close();
      process.exit(0);
    }
  });
  send({ type: "ready" });
});

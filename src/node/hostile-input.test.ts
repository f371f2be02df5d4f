import { expect, it } from "vitest";
import { Rng } from "../core/rng.ts";
import { DEFAULT_POLICY_PATH } from "../exercise/virtual-run.ts";
import { InProcessBus } from "../sharing/inprocess-bus.ts";
import { generateSigningKey, pinnedFrom } from "../sharing/keys.ts";
import { makeLabel } from "../sharing/label.ts";
import { loadPolicy } from "../sharing/policy.ts";
import { Sender } from "../sharing/sender.ts";
import { exampleTrack } from "../sharing/test-fixtures.ts";
import { VirtualScheduler } from "../sharing/virtual-scheduler.ts";
import { NationalNode } from "./national-node.ts";

it("a node fed malformed, forged and unreleasable input keeps working and keeps its picture", async () => {
  const policy = loadPolicy(DEFAULT_POLICY_PATH);
  const scheduler = new VirtualScheduler(100);
  const bus = new InProcessBus({ policy, scheduler, rng: new Rng(1) });
  const kor = generateSigningKey("KOR");
  const jpn = generateSigningKey("JPN");
  const pinned = pinnedFrom([kor, jpn, generateSigningKey("USA")]);
  const node = new NationalNode({
    nation: "JPN",
    policy,
    key: jpn,
    keys: pinned,
    transport: bus.connect("JPN"),
    clock: () => scheduler.now(),
    rng: new Rng(2),
  });
  await node.start();
  const korTransport = bus.connect("KOR");
  const sender = new Sender({ policy, key: kor, nodeId: "KOR-node", clock: () => scheduler.now() });
  const label = makeLabel(policy, "RESTRICTED", ["KOR", "USA", "JPN"]);

  // One good track from Korea (relayed by the US hub) builds JPN's picture.
  await sender.send(korTransport, "BallisticTrack", exampleTrack("KOR", "KOR-1", 1), label);
  scheduler.runUntil(101);
  await node.step(101);
  expect(node.picture().systemTracks.length).toBe(1);
  const before = node.picture().systemTracks[0];

  // Garbage on the wire, a payload edited after signing, a KOR–US-only item (every bad-input case of
  // the receiver is covered in src/sharing; here: the node survives them with its picture intact).
  const subject = "share.KOR.rel.JPN.track";
  await korTransport.publish(subject, new TextEncoder().encode("{not json"), { msgId: "bad-1" });
  const [good] = sender
    .prepare("BallisticTrack", exampleTrack("KOR", "KOR-1", 2), label)
    .filter((o) => o.destination === "JPN");
  const forged = JSON.parse(new TextDecoder().decode(good.bytes));
  forged.payload.state.posEcef[0] += 50_000; // edited after signing
  await korTransport.publish(subject, new TextEncoder().encode(JSON.stringify(forged)), { msgId: "bad-2" });
  const korUsOnly = makeLabel(policy, "RESTRICTED", ["KOR", "USA"]);
  const leaked = sender.prepare("BallisticTrack", exampleTrack("KOR", "KOR-9", 1), korUsOnly);
  expect(leaked.map((o) => o.destination)).not.toContain("JPN");
  scheduler.runUntil(103);
  await node.step(103);

  const counters = node.receiver.counters();
  expect(counters.malformed).toBeGreaterThanOrEqual(1);
  expect(counters["bad-signature"]).toBeGreaterThanOrEqual(1);
  const after = node.picture().systemTracks;
  expect(after.length).toBe(1);
  expect(after[0].stn).toBe(before.stn);
  // The forged +50 km never reached the fused estimate.
  expect(Math.abs(after[0].x[0] - before.x[0])).toBeLessThan(5_000);
  const rejected = node.drainEvents().filter((e) => e.type === "message.rejected");
  expect(rejected.length).toBeGreaterThanOrEqual(2);
  await node.stop();
});

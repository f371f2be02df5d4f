/**
 * Distributed mode from the shell: scripts/nats-up.sh generates the configs from the policy and
 * starts the hub and leaves in the background; nodes connect with the generated credentials; and
 * scripts/nats-down.sh stops every server it started.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { loadPolicy } from "../policy.ts";
import { shareSubject } from "../transport.ts";
import type { NatsCredentials, NatsPorts } from "./config.ts";
import { DEFAULT_POLICY_FILE, waitFor } from "./nats-test-support.ts";
import { NatsTransport } from "./nats-transport.ts";

const root = join(import.meta.dirname, "../../..");
const dir = mkdtempSync(join(tmpdir(), "allylink-nats-up-"));

afterAll(() => {
  spawnSync("bash", [join(root, "scripts/nats-down.sh"), "--dir", dir, "--purge"], { encoding: "utf8" });
  rmSync(dir, { recursive: true, force: true });
});

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });

/** A base port whose whole layout (base … base+15) is free right now. */
async function freeLayout(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    let ok = true;
    for (let p = base; p < base + 16 && ok; p++) ok = await portFree(p);
    if (ok) return base;
  }
  throw new Error("no free port range for the NATS layout");
}

const pidAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it("nats-up.sh starts a working fabric and nats-down.sh stops all of it", async () => {
  const base = await freeLayout();
  const up = spawnSync(
    "bash",
    [join(root, "scripts/nats-up.sh"), "--dir", dir, "--base-port", String(base)],
    {
      encoding: "utf8",
      timeout: 60_000,
    },
  );
  expect(up.stderr).toBe("");
  expect(up.status).toBe(0);
  expect(up.stdout).toContain(`hub nats://127.0.0.1:${base}`);
  const pids = ["hub", "leaf-KOR", "leaf-USA", "leaf-JPN"].map((n) =>
    Number(readFileSync(join(dir, `${n}.pid`), "utf8")),
  );
  expect(pids.every(pidAlive)).toBe(true);

  const creds = JSON.parse(readFileSync(join(dir, "credentials.json"), "utf8")) as NatsCredentials;
  const ports = JSON.parse(readFileSync(join(dir, "ports.json"), "utf8")) as NatsPorts;
  const policy = loadPolicy(DEFAULT_POLICY_FILE);
  const login = (n: "KOR" | "JPN") => ({
    servers: `nats://127.0.0.1:${ports.leaves[n].client}`,
    user: creds.leafApp[n].user,
    pass: creds.leafApp[n].password,
  });
  const kor = await NatsTransport.connect({ nation: "KOR", nodeId: "kor1", policy, ...login("KOR") });
  const jpn = await NatsTransport.connect({ nation: "JPN", nodeId: "jpn1", policy, ...login("JPN") });
  try {
    const got: string[] = [];
    const sub = await jpn.subscribeInbox((m) => {
      got.push(Buffer.from(m.data).toString("utf8"));
      m.ack();
    });
    await kor.publish(shareSubject("KOR", "JPN", "LaunchEvent"), Buffer.from("launch"), {
      msgId: "KOR.kor1.1",
    });
    await waitFor(() => got.length === 1, 10_000, "the launch event at JPN");
    expect(got).toEqual(["launch"]);
    await sub.unsubscribe();
  } finally {
    await Promise.all([kor.close(), jpn.close()]);
  }

  const down = spawnSync("bash", [join(root, "scripts/nats-down.sh"), "--dir", dir], {
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(down.status).toBe(0);
  expect(down.stdout).toContain("stopped hub");
  expect(pids.some(pidAlive)).toBe(false);
});

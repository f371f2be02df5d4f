/**
 * Starts and stops a real NATS fabric on loopback: the hub (with JetStream in a private store
 * directory) and one leaf per nation, on free ports, from configs generated out of the policy.
 * Used by the tests (which kill -9 the hub or a leaf and restart it on the same ports and store) and
 * by distributed mode (`scripts/nats-up.sh` does the same from the shell for long-lived servers).
 *
 * Every process this module starts is remembered and killed when the Node process exits, so a
 * failed test cannot leave servers behind.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../../core/errors.ts";
import {
  type GeneratedNatsConfigs,
  generateNatsConfigs,
  type NatsCredentials,
  type NatsPorts,
  type NatsTopology,
} from "./config.ts";

export const DEFAULT_NATS_SERVER = "/usr/sbin/nats-server";

/** Finds the nats-server binary: $NATS_SERVER, /usr/sbin/nats-server, or on PATH. */
export function natsServerBinary(): string {
  const env = process.env.NATS_SERVER;
  if (env) return env;
  if (existsSync(DEFAULT_NATS_SERVER)) return DEFAULT_NATS_SERVER;
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir && existsSync(join(dir, "nats-server"))) return join(dir, "nats-server");
  }
  throw new UserError("nats-server not found: run `npm run setup` (installs Debian's nats-server)");
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export async function allocatePorts(nations: readonly string[]): Promise<NatsPorts> {
  const taken = new Set<number>();
  const next = async (): Promise<number> => {
    for (;;) {
      const p = await freePort();
      if (!taken.has(p)) {
        taken.add(p);
        return p;
      }
    }
  };
  const leaves: Record<string, { client: number; http: number }> = {};
  const hubClient = await next();
  const hubLeaf = await next();
  const hubHttp = await next();
  for (const n of nations) leaves[n] = { client: await next(), http: await next() };
  return { hubClient, hubLeaf, hubHttp, leaves };
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const p of live) {
      try {
        p.kill("SIGKILL");
      } catch {
        // already gone
      }
    }
  });
}

export interface NatsClusterOptions {
  readonly topology: NatsTopology;
  /** Working directory (configs, logs, JetStream store); a fresh temporary one when absent. */
  readonly dir?: string;
  /** Remove `dir` on stop() (default: true when the directory was created here). */
  readonly removeDirOnStop?: boolean;
  /** Milliseconds to wait for a server to become ready (default 15 s). */
  readonly readyTimeoutMs?: number;
  /**
   * GOMAXPROCS of each server (default: $GOMAXPROCS when set, else the machine's cores divided by
   * the number of servers, at least 1). Every server here shares one machine: with Go's default (all
   * cores each) the idle schedulers of four servers spin against each other, which on 2 cores cost
   * about a third of the servers' CPU per message in the sharing-nats benchmark.
   */
  readonly goMaxProcs?: number;
}

type Role = "hub" | string;

/** A hub plus one leaf per nation, each a real nats-server process. */
export class NatsCluster {
  readonly dir: string;
  readonly ports: NatsPorts;
  readonly configs: GeneratedNatsConfigs;
  private readonly procs = new Map<Role, ChildProcess>();
  private readonly bin: string;
  private readonly removeDir: boolean;
  private readonly readyTimeoutMs: number;
  private readonly goMaxProcs: string;

  private constructor(opts: NatsClusterOptions, dir: string, ports: NatsPorts, removeDir: boolean) {
    this.dir = dir;
    this.ports = ports;
    this.bin = natsServerBinary();
    this.removeDir = removeDir;
    this.readyTimeoutMs = opts.readyTimeoutMs ?? 15_000;
    const servers = opts.topology.nations.length + 1;
    this.goMaxProcs = String(
      opts.goMaxProcs ??
        (process.env.GOMAXPROCS || Math.max(1, Math.floor(availableParallelism() / servers))),
    );
    this.configs = generateNatsConfigs(opts.topology, { ports, storeRoot: join(dir, "store") });
    writeFileSync(join(dir, "hub.conf"), this.configs.hub, { mode: 0o600 });
    for (const [n, c] of Object.entries(this.configs.leaves))
      writeFileSync(join(dir, `leaf-${n}.conf`), c, { mode: 0o600 });
    writeFileSync(join(dir, "credentials.json"), JSON.stringify(this.configs.credentials, null, 2), {
      mode: 0o600,
    });
  }

  /** Generates configs, starts the hub and every leaf, and waits until the leaves are linked. */
  static async start(opts: NatsClusterOptions): Promise<NatsCluster> {
    const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "allylink-nats-"));
    mkdirSync(dir, { recursive: true });
    const ports = await allocatePorts(opts.topology.nations);
    const c = new NatsCluster(opts, dir, ports, opts.removeDirOnStop ?? opts.dir === undefined);
    try {
      await c.startHub();
      await Promise.all(opts.topology.nations.map((n) => c.startLeaf(n)));
    } catch (err) {
      await c.stop();
      throw err;
    }
    return c;
  }

  get nations(): string[] {
    return Object.keys(this.configs.leaves);
  }

  get credentials(): NatsCredentials {
    return this.configs.credentials;
  }

  /** Where a nation's applications connect: its own leaf. */
  leafUrl(nation: string): string {
    const p = this.ports.leaves[nation];
    if (!p) throw new UserError(`no leaf for nation "${nation}"`);
    return `nats://127.0.0.1:${p.client}`;
  }

  /** The hub's client port (tests use it with a leaf user to act as a rogue leaf). */
  hubUrl(): string {
    return `nats://127.0.0.1:${this.ports.hubClient}`;
  }

  /** Connection options for a nation's application user on its leaf. */
  appConnectOptions(nation: string): { servers: string; user: string; pass: string } {
    const u = this.credentials.leafApp[nation];
    return { servers: this.leafUrl(nation), user: u.user, pass: u.password };
  }

  isRunning(role: Role): boolean {
    return this.procs.has(role);
  }

  /** Process id of the hub ("hub") or a nation's leaf, while it runs (benchmarks read its CPU time). */
  pid(role: Role): number | undefined {
    return this.procs.get(role)?.pid;
  }

  async startHub(): Promise<void> {
    await this.spawnServer("hub", join(this.dir, "hub.conf"));
    await this.waitHttp(this.ports.hubHttp, "/healthz", () => true, "hub");
  }

  /** Starts a nation's leaf and waits until its link to the hub is up (when the hub runs). */
  async startLeaf(nation: string): Promise<void> {
    const p = this.ports.leaves[nation];
    if (!p) throw new UserError(`no leaf for nation "${nation}"`);
    await this.spawnServer(nation, join(this.dir, `leaf-${nation}.conf`));
    await this.waitHttp(p.http, "/healthz", () => true, `leaf ${nation}`);
    if (this.isRunning("hub")) await this.waitLeafLinked(nation);
  }

  /** Waits until a nation's leaf reports its hub connection (after a hub or leaf restart). */
  async waitLeafLinked(nation: string): Promise<void> {
    await this.waitHttp(
      this.ports.leaves[nation].http,
      "/leafz",
      (body) =>
        Array.isArray((body as { leafs?: unknown[] }).leafs) &&
        (body as { leafs: unknown[] }).leafs.length > 0,
      `leaf ${nation} link to hub`,
    );
  }

  async waitAllLinked(): Promise<void> {
    await Promise.all(this.nations.filter((n) => this.isRunning(n)).map((n) => this.waitLeafLinked(n)));
  }

  /** `kill -9` (or another signal) of the hub; resolves when the process has exited. */
  killHub(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    return this.kill("hub", signal);
  }

  killLeaf(nation: string, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    return this.kill(nation, signal);
  }

  /** Restarts the hub on the same ports and store, then waits for running leaves to relink. */
  async restartHub(): Promise<void> {
    if (this.isRunning("hub")) await this.kill("hub", "SIGTERM");
    await this.startHub();
    await this.waitAllLinked();
  }

  /** Stops every server (SIGTERM, then SIGKILL after 5 s) and removes the work directory if ours. */
  async stop(): Promise<void> {
    await Promise.all([...this.procs.keys()].map((r) => this.kill(r, "SIGTERM")));
    if (this.removeDir) rmSync(this.dir, { recursive: true, force: true });
  }

  private async spawnServer(role: Role, conf: string): Promise<void> {
    if (this.procs.has(role)) throw new Error(`${role} is already running`);
    installExitHook();
    const log = openSync(join(this.dir, `${role === "hub" ? "hub" : `leaf-${role}`}.log`), "a");
    const child = spawn(this.bin, ["-c", conf], {
      stdio: ["ignore", log, log],
      env: { ...process.env, GOMAXPROCS: this.goMaxProcs },
    });
    live.add(child);
    this.procs.set(role, child);
    child.on("exit", () => {
      live.delete(child);
      if (this.procs.get(role) === child) this.procs.delete(role);
    });
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", () => resolve());
      child.once("error", (e) => reject(new Error(`cannot start nats-server for ${role}: ${e.message}`)));
    });
  }

  private async kill(role: Role, signal: NodeJS.Signals): Promise<void> {
    const child = this.procs.get(role);
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.procs.delete(role);
      return;
    }
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
    this.procs.delete(role);
  }

  private async waitHttp(
    port: number,
    path: string,
    ok: (body: unknown) => boolean,
    what: string,
  ): Promise<void> {
    const deadline = Date.now() + this.readyTimeoutMs;
    let last = "";
    while (Date.now() < deadline) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(1_000) });
        const body: unknown = await res.json();
        if (res.ok && ok(body)) return;
        last = `HTTP ${res.status} ${JSON.stringify(body).slice(0, 200)}`;
      } catch (err) {
        last = (err as Error).message;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${what} not ready after ${this.readyTimeoutMs} ms (${last}); logs in ${this.dir}`);
  }
}

/**
 * `allylink nats-config --policy FILE --out DIR`: writes the NATS server configs for the coalition
 * fabric — DIR/hub.conf, DIR/leaf-<NATION>.conf — plus DIR/credentials.json (generated passwords,
 * mode 0600, never committed; reused when already present so regenerating keeps logins valid) and
 * DIR/ports.json. Ports are laid out from --base-port: hub client +0, hub leafnode +1, hub monitor +2,
 * then per nation (policy order) client +10+2i and monitor +11+2i.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { UserError } from "../../core/errors.ts";
import {
  generateNatsConfigs,
  type NatsCredentials,
  type NatsPorts,
  topologyFromPolicy,
} from "../../sharing/nats/config.ts";
import { loadPolicy } from "../../sharing/policy.ts";

export function portsFromBase(base: number, nations: readonly string[]): NatsPorts {
  const leaves: Record<string, { client: number; http: number }> = {};
  nations.forEach((n, i) => {
    leaves[n] = { client: base + 10 + 2 * i, http: base + 11 + 2 * i };
  });
  return { hubClient: base, hubLeaf: base + 1, hubHttp: base + 2, leaves };
}

export interface NatsConfigArgs {
  readonly policy: string;
  readonly out: string;
  readonly basePort: number;
  readonly host: string;
  /** Address leaves dial for the hub (default: host). */
  readonly hubAddress?: string;
}

/** Writes the config set; returns the files written. */
export function writeNatsConfigs(args: NatsConfigArgs): string[] {
  const topology = topologyFromPolicy(loadPolicy(args.policy));
  const out = resolve(args.out);
  mkdirSync(out, { recursive: true, mode: 0o700 });
  const credFile = join(out, "credentials.json");
  let credentials: NatsCredentials | undefined;
  if (existsSync(credFile)) {
    try {
      credentials = JSON.parse(readFileSync(credFile, "utf8")) as NatsCredentials;
    } catch (err) {
      throw new UserError(
        `${credFile}: existing credentials file is not valid JSON (${(err as Error).message})`,
      );
    }
  }
  const ports = portsFromBase(args.basePort, topology.nations);
  const g = generateNatsConfigs(topology, {
    ports,
    storeRoot: join(out, "store"),
    host: args.host,
    hubAddress: args.hubAddress,
    credentials:
      credentials && topology.nations.every((n) => credentials!.hubLeaf?.[n] && credentials!.leafApp?.[n])
        ? credentials
        : undefined,
  });
  const files: string[] = [];
  const write = (name: string, text: string): void => {
    const f = join(out, name);
    writeFileSync(f, text, { mode: 0o600 });
    files.push(f);
  };
  write("hub.conf", g.hub);
  for (const [n, c] of Object.entries(g.leaves)) write(`leaf-${n}.conf`, c);
  write("credentials.json", `${JSON.stringify(g.credentials, null, 2)}\n`);
  write("ports.json", `${JSON.stringify(ports, null, 2)}\n`);
  return files;
}

export function register(program: Command): void {
  program
    .command("nats-config")
    .description("write NATS hub and leaf server configs generated from a releasability policy")
    .requiredOption("--policy <file>", "releasability policy YAML (e.g. policies/default.yaml)")
    .requiredOption("--out <dir>", "output directory (configs, credentials.json, ports.json)")
    .option("--base-port <n>", "first TCP port of the layout", "14222")
    .option("--host <addr>", "address servers listen on", "127.0.0.1")
    .option("--hub-address <addr>", "address leaves dial to reach the hub (default: --host)")
    .action((opts: { policy: string; out: string; basePort: string; host: string; hubAddress?: string }) => {
      const base = Number(opts.basePort);
      if (!Number.isInteger(base) || base < 1024 || base > 65000)
        throw new UserError(`--base-port: must be an integer from 1024 to 65000, got "${opts.basePort}"`);
      for (const [flag, v] of [
        ["--host", opts.host],
        ["--hub-address", opts.hubAddress],
      ] as const)
        if (v !== undefined && !/^[A-Za-z0-9.:-]+$/.test(v))
          throw new UserError(`${flag}: not a host name or address: "${v}"`);
      const files = writeNatsConfigs({
        policy: opts.policy,
        out: opts.out,
        basePort: base,
        host: opts.host,
        hubAddress: opts.hubAddress,
      });
      for (const f of files) process.stdout.write(`${f}\n`);
    });
}

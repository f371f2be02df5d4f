/**
 * `allylink node --nation JPN --nats URL --keys DIR --policy FILE --scenario FILE`: one nation's node
 * as its own process over NATS, on wall-clock time. Prints one JSON line per node event with --json.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { UserError } from "../../core/errors.ts";
import { parseEpoch } from "../../core/time.ts";
import { runLiveNode } from "../../node/live-node.ts";
import { loadScenarioFile } from "../../scenario/load.ts";
import { loadPinnedKeys, loadSigningKey } from "../../sharing/keys.ts";
import { NatsTransport } from "../../sharing/nats/nats-transport.ts";
import { loadPolicy } from "../../sharing/policy.ts";
import { isAllyCode } from "../../world/nation.ts";

interface NodeCliOptions {
  nation: string;
  nats: string;
  keys: string;
  policy: string;
  scenario: string;
  credentials?: string;
  user?: string;
  pass?: string;
  speed: string;
  startAt?: string;
  until?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command("node")
    .description("run one nation's node as its own process over NATS (wall-clock time)")
    .requiredOption("--nation <code>", "KOR, USA or JPN")
    .requiredOption("--nats <url>", "the nation's leaf server, e.g. nats://127.0.0.1:4222")
    .requiredOption("--keys <dir>", "directory with <NATION>.key.pem and pinned-keys.json (allylink keys)")
    .requiredOption("--policy <file>", "releasability policy YAML")
    .requiredOption("--scenario <file>", "scenario YAML (the world and this nation's sensors)")
    .option("--credentials <file>", "credentials.json written by allylink nats-config")
    .option("--user <user>", "NATS user (instead of --credentials)")
    .option("--pass <password>", "NATS password (instead of --credentials)")
    .option("--speed <x>", "scenario seconds per wall second", "1")
    .option(
      "--start-at <iso>",
      "UTC wall-clock time of scenario time 0 (default: now); give every node the same",
    )
    .option("--until <s>", "stop at this scenario time, s (default: the scenario's duration)")
    .option("--json", "print node events as JSON lines")
    .action(async (o: NodeCliOptions) => {
      if (!isAllyCode(o.nation)) throw new UserError(`--nation: "${o.nation}" is not one of KOR, USA, JPN`);
      const speed = Number(o.speed);
      if (!(speed > 0 && Number.isFinite(speed)))
        throw new UserError(`--speed: must be a number > 0, got "${o.speed}"`);
      const until = o.until === undefined ? undefined : Number(o.until);
      if (until !== undefined && !(until > 0))
        throw new UserError(`--until: must be a number of seconds > 0, got "${o.until}"`);
      const keyFile = join(o.keys, `${o.nation}.key.pem`);
      const pinnedFile = join(o.keys, "pinned-keys.json");
      for (const f of [keyFile, pinnedFile])
        if (!existsSync(f)) throw new UserError(`--keys: ${f} does not exist (make it with allylink keys)`);
      let user = o.user;
      let pass = o.pass;
      if (o.credentials) {
        let creds: { leafApp?: Record<string, { user: string; password: string }> };
        try {
          creds = JSON.parse(readFileSync(o.credentials, "utf8"));
        } catch (err) {
          throw new UserError(`--credentials: ${o.credentials}: ${(err as Error).message}`);
        }
        const c = creds.leafApp?.[o.nation];
        if (!c) throw new UserError(`--credentials: ${o.credentials} has no leafApp entry for ${o.nation}`);
        user = c.user;
        pass = c.password;
      }
      const scenario = loadScenarioFile(o.scenario);
      const policy = loadPolicy(o.policy);
      const transport = await NatsTransport.connect({
        nation: o.nation,
        nodeId: `${o.nation}-node`,
        servers: o.nats,
        user,
        pass,
        policy,
      });
      const startAtMs = o.startAt ? parseEpoch(o.startAt, "--start-at") : Date.now();
      const abort = new AbortController();
      process.once("SIGINT", () => abort.abort());
      process.once("SIGTERM", () => abort.abort());
      try {
        await runLiveNode({
          scenario,
          nation: o.nation,
          policy,
          key: loadSigningKey(keyFile, o.nation),
          keys: loadPinnedKeys(pinnedFile),
          transport,
          startAtMs,
          speed,
          untilS: until,
          signal: abort.signal,
          sink: (e) => {
            if (o.json) process.stdout.write(`${JSON.stringify(e)}\n`);
            else if (
              e.type === "alert" ||
              e.type === "impact.outcome" ||
              e.type === "track.confirmed" ||
              e.type === "message.rejected"
            )
              process.stdout.write(
                `T+${e.t.toFixed(1)} ${e.nation} ${e.type}${e.type === "alert" ? ` ${e.alert.state} ${e.alert.area.name} p=${e.alert.probability.toFixed(2)}` : ""}\n`,
              );
          },
        });
      } finally {
        await transport.close();
      }
    });
}

/**
 * `allylink serve [SCENARIO]`: plays a scenario live (wall clock × speed) and serves the common
 * operational picture to browsers. Prints the address and one sign-in link per participant.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { UserError } from "../../core/errors.ts";
import { isSharingMode, SHARING_MODES } from "../../node/sharing-mode.ts";
import { loadScenarioFile } from "../../scenario/load.ts";
import { startServer } from "../../server/serve.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** The demo scenario: the shipped exercise when present, else the ICBM of 31 Oct 2024. */
export function defaultScenarioPath(): string {
  const pd = join(ROOT, "scenarios", "pacific-dragon.yaml");
  return existsSync(pd) ? pd : join(ROOT, "scenarios", "icbm-2024-10-31.yaml");
}

interface ServeOptions {
  port: string;
  host: string;
  speed: string;
  start?: string;
  paused?: boolean;
  sharing?: string;
  seed?: string;
  reports: string;
}

export function register(program: Command): void {
  program
    .command("serve")
    .description("serve the live common operational picture to browsers (sign in with the printed links)")
    .argument("[scenario]", "scenario YAML file (default: the demo scenario)")
    .option("--port <port>", "TCP port", "8080")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--speed <x>", "scenario seconds per wall second", "1")
    .option("--start <s>", "start at this scenario time, s")
    .option("--paused", "start paused")
    .option("--sharing <mode>", `sharing mode: ${SHARING_MODES.join(", ")} (default: the scenario's)`)
    .option("--seed <seed>", "random seed (default: the scenario's)")
    .option("--reports <dir>", "folder of after-action report HTML files", "out")
    .action(async (file: string | undefined, o: ServeOptions) => {
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UserError(`--port: must be an integer 0..65535, got ${o.port}`);
      const speed = Number(o.speed);
      if (!Number.isFinite(speed) || speed <= 0 || speed > 1000)
        throw new UserError(`--speed: must be a number in (0, 1000], got ${o.speed}`);
      const start = o.start === undefined ? undefined : Number(o.start);
      if (start !== undefined && (!Number.isFinite(start) || start < 0))
        throw new UserError(`--start: must be seconds ≥ 0, got ${o.start}`);
      if (o.sharing !== undefined && !isSharingMode(o.sharing))
        throw new UserError(`--sharing: unknown mode "${o.sharing}" (expected ${SHARING_MODES.join(", ")})`);
      const scenario = loadScenarioFile(file ?? defaultScenarioPath());
      const seed = o.seed === undefined ? undefined : /^-?\d+$/.test(o.seed) ? Number(o.seed) : o.seed;
      const server = await startServer({
        scenario,
        port,
        host: o.host,
        speed,
        startT: start,
        paused: o.paused,
        sharing: o.sharing as never,
        seed,
        reportsDir: o.reports,
      });
      process.stdout.write(`allylink: ${scenario.name} live at ${server.url} (×${speed}); sign in with:\n`);
      for (const l of server.links()) process.stdout.write(`  ${l.who.padEnd(16)} ${l.url}\n`);
      process.stdout.write("Ctrl-C stops the server.\n");
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          void server.close().then(resolve);
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
    });
}

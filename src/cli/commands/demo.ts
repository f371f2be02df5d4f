/**
 * `allylink demo`: the end-to-end demonstration on the embedded defaults (in-process bus, SQLite): the
 * Pacific Dragon-style trilateral exercise with its scripted link outage is played in virtual time,
 * its log verified, and the after-action report written in English and Arabic; then it prints where
 * the report and the log are, and serves the same exercise live to browsers (the common operational
 * picture, with sign-in links per nation and for control) until interrupted — `--no-serve` skips that.
 */
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { UserError } from "../../core/errors.ts";
import { renderReport } from "../../report/after-action.ts";
import { readRun } from "../../report/run-data.ts";
import { loadScenarioFile } from "../../scenario/load.ts";
import { startServer } from "../../server/serve.ts";
import { EventLog } from "../../store/event-log.ts";
import { printTable, runCommand } from "./run.ts";

const DEMO_SCENARIO = fileURLToPath(new URL("../../../scenarios/pacific-dragon.yaml", import.meta.url));

export function register(program: Command): void {
  program
    .command("demo")
    .description(
      "run the demo end to end (Pacific Dragon-style exercise, in-process bus, SQLite) and write the report",
    )
    .option("--out <dir>", "output folder", "out/demo")
    .option("--json", "print one JSON object (and do not serve)")
    .option("--no-serve", "do not start the browser picture afterwards")
    .option("--port <port>", "port of the browser picture", "8080")
    .action(async (opts: { out: string; json?: boolean; serve: boolean; port: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UserError(`--port: "${opts.port}" is not a port number (0–65535)`);
      const dir = resolve(opts.out);
      const logPath = resolve(dir, "pacific-dragon.sqlite");
      // A demo starts afresh: its log holds this run only.
      for (const f of [logPath, `${logPath}-wal`, `${logPath}-shm`]) if (existsSync(f)) rmSync(f);
      const reportPath = resolve(dir, "report.html");
      const result = await runCommand(DEMO_SCENARIO, {
        log: logPath,
        report: reportPath,
        json: opts.json,
        progress: true,
      });
      const log = await EventLog.open(logPath, { readonly: true });
      let verified: boolean;
      const reportArPath = resolve(dir, "report.ar.html");
      try {
        verified = (await log.verify()).ok;
        writeFileSync(reportArPath, renderReport(await readRun(log, result.runId), "ar"));
      } finally {
        await log.close();
      }
      if (!verified) process.exitCode = 1;
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ ...result, reportArPath, logVerified: verified })}\n`);
        return;
      }
      printTable(result);
      process.stdout.write(`report (Arabic): ${reportArPath}\n`);
      process.stdout.write(
        `log verified: ${verified ? "intact" : "BROKEN"} (npx allylink verify-log ${logPath})\n`,
      );
      process.stdout.write(
        `exports: npx allylink export ${logPath} --format czml --out ${resolve(dir, "run.czml")}\n`,
      );
      if (!opts.serve) return;
      // The same exercise, live at 10× so the launches come within a minute, for people to watch.
      const server = await startServer({
        scenario: loadScenarioFile(DEMO_SCENARIO),
        port,
        speed: 10,
        reportsDir: dir,
      });
      process.stdout.write(`\nbrowser picture: ${server.url}  (live at 10×; Ctrl-C to stop)\n`);
      for (const l of server.links()) process.stdout.write(`  ${l.who.padEnd(16)} ${l.url}\n`);
      await new Promise<void>((done) => {
        process.once("SIGINT", done);
        process.once("SIGTERM", done);
      });
      await server.close();
    });
}

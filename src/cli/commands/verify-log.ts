import { existsSync } from "node:fs";
import type { Command } from "commander";
import { UserError } from "../../core/errors.ts";
import { EventLog } from "../../store/event-log.ts";

/** `allylink verify-log LOG`: re-derives the hash chain; exit 0 if intact, 1 naming the first bad event. */
export function register(program: Command): void {
  program
    .command("verify-log")
    .description("check the hash chain of an event log (SQLite file or postgres:// URL)")
    .argument("<log>", "SQLite event log file, or a postgres:// connection URL")
    .option("--json", "print the result as JSON")
    .action(async (target: string, opts: { json?: boolean }) => {
      const isUrl = /^postgres(ql)?:\/\//.test(target);
      if (!isUrl && !existsSync(target)) throw new UserError(`event log ${target} does not exist`);
      let log: EventLog;
      try {
        log = await EventLog.open(target, { readonly: !isUrl });
      } catch (err) {
        if (err instanceof UserError) throw err;
        throw new UserError(`${target} is not a readable AllyLink event log: ${(err as Error).message}`);
      }
      try {
        const result = await log.verify().catch((err: Error) => {
          throw new UserError(
            `${target} cannot be read as an event log (${err.message}): the file is damaged`,
          );
        });
        if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
        else if (result.ok)
          process.stdout.write(`${target}: intact (${result.runs} runs, ${result.events} events)\n`);
        else
          for (const p of result.problems)
            process.stdout.write(`${target}: run ${p.runId}: first bad event ${p.seq}: ${p.reason}\n`);
        if (!result.ok) process.exitCode = 1;
      } finally {
        await log.close();
      }
    });
}

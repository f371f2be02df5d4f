import type { Command } from "commander";
import { UserError } from "../../core/errors.ts";
import { planLaunches } from "../../scenario/build.ts";
import { loadScenarioFile } from "../../scenario/load.ts";

/**
 * `allylink scenario validate FILE...`: checks scenario files against the schema and the catalogues.
 * Prints "FILE: ok" per valid file; for an invalid one, one line per problem
 * (`FILE:LINE: PATH: reason`) and exit 1. An unreadable file is a usage error (exit 2). With
 * --flights every launch is also flown, which catches aims the missile class cannot reach.
 */
export function register(program: Command): void {
  const scenario = program.command("scenario").description("work with scenario files");
  scenario
    .command("validate")
    .description("check scenario files; one line per problem: FILE:LINE: PATH: reason")
    .argument("<files...>", "scenario files (YAML or JSON)")
    .option("--flights", "also solve every launch's flight (slower: finds aims beyond a missile's reach)")
    .action((files: string[], opts: { flights?: boolean }) => {
      let invalid = 0;
      for (const file of files) {
        try {
          const scenario = loadScenarioFile(file);
          if (opts.flights) planLaunches(scenario);
          process.stdout.write(`${file}: ok\n`);
        } catch (err) {
          // A file we could not even read has no problem lines: that is a usage error.
          if (!(err instanceof UserError) || err.details.length === 0) throw err;
          invalid++;
          for (const line of err.details) process.stdout.write(`${line}\n`);
        }
      }
      if (invalid > 0) process.exitCode = 1;
    });
}

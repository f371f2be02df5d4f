import type { Command } from "commander";
import { UserError } from "../../core/errors.ts";
import { loadScenarioFile } from "../../scenario/load.ts";

/**
 * `allylink scenario validate FILE...`: checks scenario files against the schema and the catalogues.
 * Prints "FILE: ok" per valid file; for an invalid one, one line per problem
 * (`FILE:LINE: PATH: reason`) and exit 1. An unreadable file is a usage error (exit 2).
 */
export function register(program: Command): void {
  const scenario = program.command("scenario").description("work with scenario files");
  scenario
    .command("validate")
    .description("check scenario files; one line per problem: FILE:LINE: PATH: reason")
    .argument("<files...>", "scenario files (YAML or JSON)")
    .action((files: string[]) => {
      let invalid = 0;
      for (const file of files) {
        try {
          loadScenarioFile(file);
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

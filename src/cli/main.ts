/**
 * The `allylink` command. Each subcommand lives in its own file under commands/ and registers
 * itself here. User mistakes (UserError) print one clear message and exit 2; anything else is a bug
 * and exits 1 with a short message (set ALLYLINK_DEBUG=1 for the stack).
 */
import { Command, CommanderError } from "commander";
import { UserError } from "../core/errors.ts";
import { registerCommands } from "./commands/index.ts";

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command("allylink")
    .description("AllyLink: allied missile warning, track sharing and tabletop exercises")
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)");
  try {
    await registerCommands(program, argv);
    await program.parseAsync(argv as string[], { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed the message (unknown option, missing argument, --help).
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UserError) {
      process.stderr.write(`allylink: ${err.message}\n`);
      for (const line of err.details) process.stderr.write(`${line}\n`);
      return 2;
    }
    const e = err as Error;
    process.stderr.write(`allylink: internal error: ${e?.message ?? String(err)}\n`);
    if (process.env.ALLYLINK_DEBUG) process.stderr.write(`${e?.stack ?? ""}\n`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;

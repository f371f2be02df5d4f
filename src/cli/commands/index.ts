import type { Command } from "commander";

/** One line per subcommand module; each adds its commands to the program. */
export function registerCommands(program: Command): void {
  void program;
}

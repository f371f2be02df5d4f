import type { Command } from "commander";

type CommandModule = { register(program: Command): void };

/**
 * One line per top-level command: its name and the module that registers it. Modules are loaded
 * only when their command runs (all of them for --help), so `allylink verify-log` does not pay for
 * loading the tracker, the node and the geography.
 */
const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  keys: () => import("./keys.ts"),
  "nats-config": () => import("./nats-config.ts"),
  "verify-log": () => import("./verify-log.ts"),
  scenario: () => import("./scenario.ts"),
  truth: () => import("./truth.ts"),
  track: () => import("./track.ts"),
  run: () => import("./run.ts"),
  compare: () => import("./compare.ts"),
  export: () => import("./export.ts"),
  demo: () => import("./demo.ts"),
  node: () => import("./node.ts"),
  ttx: () => import("./ttx.ts"),
  serve: () => import("./serve.ts"),
};

export async function registerCommands(program: Command, argv: readonly string[]): Promise<void> {
  const first = argv.find((a) => !a.startsWith("-"));
  const names = first && first in COMMANDS ? [first] : Object.keys(COMMANDS);
  for (const name of names) (await COMMANDS[name]()).register(program);
}

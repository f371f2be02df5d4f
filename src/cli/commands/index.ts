import type { Command } from "commander";
import { register as keys } from "./keys.ts";
import { register as natsConfig } from "./nats-config.ts";
import { register as run } from "./run.ts";
import { register as scenario } from "./scenario.ts";
import { register as track } from "./track.ts";
import { register as truth } from "./truth.ts";
import { register as verifyLog } from "./verify-log.ts";

/** One line per subcommand module; each adds its commands to the program. */
export function registerCommands(program: Command): void {
  keys(program);
  natsConfig(program);
  verifyLog(program);
  scenario(program);
  truth(program);
  track(program);
  run(program);
}

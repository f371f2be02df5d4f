/**
 * Plays a scenario in virtual time, as fast as the machine allows and deterministic for a seed: the
 * world flies, every sensor scans on its own schedule, detections reach their nation's node after the
 * sensor's reporting latency, nodes track, share over the in-process bus (simulated latency, loss and
 * outages in the same virtual time), fuse and warn; the scenario's fault injects are executed on the
 * way. Every node event goes to the optional event log and to the threat metrics. The step loop
 * itself lives in exercise-run.ts (shared with the live runner).
 */
import type { NodeEvent } from "../node/node-events.ts";
import type { SharingMode } from "../node/sharing-mode.ts";
import type { Scenario } from "../scenario/scenario.ts";
import type { Policy } from "../sharing/policy.ts";
import type { EventLog } from "../store/event-log.ts";
import { DEFAULT_POLICY_PATH, type ExerciseResult, ExerciseRun, type RunListener } from "./exercise-run.ts";

export { DEFAULT_POLICY_PATH };

export interface VirtualRunOptions {
  readonly sharing?: SharingMode;
  readonly seed?: number | string;
  readonly policy?: Policy;
  /** Node step, s (default 1). */
  readonly stepS?: number;
  readonly log?: { readonly log: EventLog; readonly runId: string };
  /** Truth snapshots and GOSPA in the log every this many seconds (default 1; 0: none). */
  readonly truthEveryS?: number;
  /** Monte Carlo samples per impact prediction in each node (default 200). */
  readonly predictionSamples?: number;
  readonly onProgress?: (t: number, durationS: number) => void;
  readonly onNodeEvent?: (e: NodeEvent) => void;
  /** Everything the run records (the same events the log receives). */
  readonly onEvent?: RunListener;
}

export type VirtualRunResult = ExerciseResult;

export async function runVirtual(
  scenario: Scenario,
  options: VirtualRunOptions = {},
): Promise<VirtualRunResult> {
  const run = await ExerciseRun.create(scenario, options);
  if (options.onEvent) run.subscribe(options.onEvent);
  while (!run.done) {
    await run.step();
    options.onProgress?.(run.t, run.durationS);
  }
  return run.finish();
}

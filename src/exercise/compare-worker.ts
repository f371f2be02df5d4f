/**
 * A child process of `compare`: runs the scenario runs it is sent, one at a time, and answers with
 * their metrics. Scenarios are loaded once per file.
 */
import type { SharingMode } from "../node/sharing-mode.ts";
import { loadScenarioFile } from "../scenario/load.ts";
import type { Scenario } from "../scenario/scenario.ts";
import { runVirtual } from "./virtual-run.ts";

export interface CompareJob {
  readonly id: number;
  readonly file: string;
  readonly sharing: SharingMode;
  readonly seed: string;
  readonly predictionSamples?: number;
}

export type CompareReply =
  | { readonly id: number; readonly ok: true; readonly result: Awaited<ReturnType<typeof runVirtual>> }
  | { readonly id: number; readonly ok: false; readonly error: string };

const scenarios = new Map<string, Scenario>();

process.on("message", (job: CompareJob) => {
  void (async () => {
    let reply: CompareReply;
    try {
      let scenario = scenarios.get(job.file);
      if (!scenario) {
        scenario = loadScenarioFile(job.file);
        scenarios.set(job.file, scenario);
      }
      const result = await runVirtual(scenario, {
        sharing: job.sharing,
        seed: job.seed,
        predictionSamples: job.predictionSamples,
        truthEveryS: 0,
      });
      reply = { id: job.id, ok: true, result };
    } catch (err) {
      reply = { id: job.id, ok: false, error: (err as Error).message };
    }
    process.send!(reply);
  })();
});
process.on("disconnect", () => process.exit(0));

/**
 * `allylink compare SCENARIO --sharing none,bilateral,trilateral --runs 100 [--seed S] [--json]`:
 * Monte Carlo distributions of warning lead time and impact-point error per sharing mode and nation,
 * over child processes (both cores), reproducible with --seed.
 */
import type { Command } from "commander";
import { UserError } from "../../core/errors.ts";
import { compareModes } from "../../exercise/compare.ts";
import { parseInjects } from "../../exercise/injects.ts";
import { parseSharingModes, SHARING_MODES } from "../../node/sharing-mode.ts";
import { loadScenarioFile } from "../../scenario/load.ts";

interface CompareCliOptions {
  sharing: string;
  runs: string;
  seed?: string;
  workers?: string;
  samples?: string;
  json?: boolean;
  progress?: boolean;
}

function positiveInt(s: string, flag: string, max: number): number {
  if (!/^\d+$/.test(s.trim()) || Number(s) < 1 || Number(s) > max)
    throw new UserError(`${flag}: expected a whole number from 1 to ${max}, got "${s}"`);
  return Number(s);
}

export function register(program: Command): void {
  program
    .command("compare")
    .description("Monte Carlo comparison of sharing modes: warning lead time and impact error per nation")
    .argument("<scenario>", "scenario YAML file")
    .option(
      "--sharing <modes>",
      `comma-separated sharing modes (${SHARING_MODES.join(", ")})`,
      SHARING_MODES.join(","),
    )
    .option("--runs <n>", "runs per mode", "20")
    .option("--seed <seed>", "base seed (default: the scenario's); run k uses <seed>:<k>")
    .option("--workers <n>", "child processes (default: the machine's cores)")
    .option("--samples <n>", "Monte Carlo samples per impact prediction (default 200)")
    .option("--json", "print one JSON array")
    .option("--no-progress", "no progress on a terminal")
    .action(async (file: string, opts: CompareCliOptions) => {
      const modes = parseSharingModes(opts.sharing);
      const runs = positiveInt(opts.runs, "--runs", 10_000);
      const workers = opts.workers === undefined ? undefined : positiveInt(opts.workers, "--workers", 64);
      const samples =
        opts.samples === undefined ? undefined : positiveInt(opts.samples, "--samples", 100_000);
      if (opts.seed !== undefined && opts.seed.trim() === "")
        throw new UserError("--seed: give a number or a non-empty string");
      // Validate here so a bad file is one clear error, not one per worker.
      const scenario = loadScenarioFile(file);
      parseInjects(scenario);
      const tty = process.stderr.isTTY && opts.progress !== false && !opts.json;
      const rows = await compareModes(file, {
        modes,
        runs,
        seed: opts.seed ?? scenario.seed,
        workers,
        predictionSamples: samples,
        onProgress: (d, n) => {
          if (tty) process.stderr.write(`\r${d}/${n} runs`);
        },
      });
      if (tty) process.stderr.write("\n");
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(rows)}\n`);
        return;
      }
      const f = (x: number | null) => (x === null ? "-" : String(x));
      process.stdout.write(`${scenario.name}: ${runs} runs per mode, seed ${opts.seed ?? scenario.seed}\n`);
      process.stdout.write("mode         nation  lead p10  lead p50  lead p90  err p50 km  warned\n");
      for (const r of rows)
        process.stdout.write(
          `${r.mode.padEnd(12)} ${r.nation.padEnd(6)} ${f(r.leadTimeS.p10).padStart(8)}  ${f(r.leadTimeS.p50).padStart(8)}  ${f(r.leadTimeS.p90).padStart(8)}  ${f(r.impactErrorKm.p50).padStart(10)}  ${r.warned.count}/${r.warned.of}\n`,
        );
    });
}

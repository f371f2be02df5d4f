/**
 * Monte Carlo comparison of sharing modes: the same scenario run with `runs` seeds per mode, the
 * runs spread over child processes (both cores), and per mode and nation the distribution of the
 * warning lead time (p10, p50, p90) and of the impact-point error of the first warning (p50).
 *
 * Reproducible: run k of every mode uses the seed "<seed>:<k>" whatever process runs it, and results
 * are gathered by run index, so the same --seed gives the same numbers on any number of workers.
 * Seeds are shared between modes (common random numbers), so mode differences are not seed noise.
 * A threat a nation never warned of before impact has no lead time: it is counted in `warned`, not in
 * the percentiles.
 */
import { type ChildProcess, fork } from "node:child_process";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { SharingMode } from "../node/sharing-mode.ts";
import type { CompareJob, CompareReply } from "./compare-worker.ts";
import type { ExerciseResult } from "./exercise-run.ts";

export interface CompareRow {
  readonly mode: SharingMode;
  readonly nation: string;
  readonly leadTimeS: { p10: number | null; p50: number | null; p90: number | null };
  readonly impactErrorKm: { p50: number | null };
  /** Threat-runs the nation warned of before impact, out of all threat-runs. */
  readonly warned: { count: number; of: number };
  readonly falseWarnings: number;
  readonly firstAlliedTrackS: { p50: number | null };
}

export interface CompareOptions {
  readonly modes: readonly SharingMode[];
  readonly runs: number;
  readonly seed: string | number;
  /** Child processes (default: the machine's parallelism, at most the number of runs). */
  readonly workers?: number;
  readonly predictionSamples?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Linear-interpolation percentile (type 7, as numpy's default) of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return Math.round((sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo])) * 10) / 10;
}

export async function compareModes(file: string, opts: CompareOptions): Promise<CompareRow[]> {
  const jobs: CompareJob[] = [];
  for (const mode of opts.modes)
    for (let k = 0; k < opts.runs; k++)
      jobs.push({
        id: jobs.length,
        file,
        sharing: mode,
        seed: `${opts.seed}:${k}`,
        predictionSamples: opts.predictionSamples,
      });
  const results = await runJobs(
    jobs,
    Math.max(1, Math.min(opts.workers ?? availableParallelism(), jobs.length)),
    opts.onProgress,
  );
  return aggregate(jobs, results, opts.modes);
}

export function aggregate(
  jobs: readonly CompareJob[],
  results: readonly ExerciseResult[],
  modes: readonly SharingMode[],
): CompareRow[] {
  const rows: CompareRow[] = [];
  for (const mode of modes) {
    const rs = results.filter((_, i) => jobs[i].sharing === mode);
    const nations = [...new Set(rs.flatMap((r) => r.metrics.map((m) => m.nation)))];
    for (const nation of nations) {
      const ms = rs.flatMap((r) => r.metrics.filter((m) => m.nation === nation));
      const sorted = (xs: (number | null)[]) =>
        xs.filter((x): x is number => x !== null).sort((a, b) => a - b);
      const lead = sorted(ms.map((m) => m.leadTimeS));
      const err = sorted(ms.map((m) => m.impactErrorAtWarningKm));
      const allied = sorted(ms.map((m) => m.firstAlliedTrackS));
      rows.push({
        mode,
        nation,
        leadTimeS: { p10: percentile(lead, 0.1), p50: percentile(lead, 0.5), p90: percentile(lead, 0.9) },
        impactErrorKm: { p50: percentile(err, 0.5) },
        warned: { count: lead.length, of: ms.length },
        falseWarnings: ms.reduce((a, m) => a + m.falseWarnings, 0),
        firstAlliedTrackS: { p50: percentile(allied, 0.5) },
      });
    }
  }
  return rows;
}

async function runJobs(
  jobs: readonly CompareJob[],
  workers: number,
  onProgress?: (done: number, total: number) => void,
): Promise<ExerciseResult[]> {
  const results: ExerciseResult[] = new Array(jobs.length);
  const script = fileURLToPath(new URL("./compare-worker.ts", import.meta.url));
  // tsx's only entry is its ESM loader, so require.resolve finds the same file `--import tsx` would.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const children: ChildProcess[] = [];
  let next = 0;
  let done = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const feed = (child: ChildProcess) => {
        if (next >= jobs.length) {
          child.disconnect();
          return;
        }
        child.send(jobs[next++]);
      };
      for (let w = 0; w < workers; w++) {
        const child = fork(script, [], {
          execArgv: ["--import", tsx],
          stdio: ["ignore", "ignore", "inherit", "ipc"],
        });
        children.push(child);
        child.on("message", (reply: CompareReply) => {
          if (!reply.ok) {
            reject(new Error(`run ${jobs[reply.id].sharing} seed ${jobs[reply.id].seed}: ${reply.error}`));
            return;
          }
          results[reply.id] = reply.result;
          done++;
          onProgress?.(done, jobs.length);
          if (done === jobs.length) resolve();
          else feed(child);
        });
        child.on("exit", (code) => {
          if (code !== 0 && done < jobs.length)
            reject(new Error(`a compare worker exited with code ${code}`));
        });
        feed(child);
      }
    });
  } finally {
    for (const c of children) if (c.connected) c.disconnect();
  }
  return results;
}

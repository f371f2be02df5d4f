import { writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import type { Command } from "commander";
import { UserError } from "../../core/errors.ts";
import {
  type Frame,
  readDetectionsCsv,
  readTruthCsv,
  runTracker,
  type TrackRunOptions,
  tracksToCsv,
  tracksToJson,
} from "../../tracking/csv-tracking.ts";

/**
 * `allylink track --detections FILE.csv [--truth TRUTH.csv] ...`: runs the GNN tracker (CV or CA
 * Kalman filters, M-of-N confirmation) over a user's position detections, writes the tracks (CSV or
 * JSON by the --out extension) and prints a summary; with --truth also RMSE, NEES, GOSPA, purity.
 * `--json` prints {tracks, confirmedTracks, spuriousTracks, msPerScan, rmseM, meanNees, gospa, ...}.
 */
interface TrackCliOptions {
  detections: string;
  truth?: string;
  frame: string;
  model: string;
  q: string;
  sigma?: string;
  sigmaX?: string;
  sigmaY?: string;
  sigmaZ?: string;
  velocitySigma: string;
  accelerationSigma: string;
  confirm: string;
  maxMisses: string;
  gate: string;
  cutoff: string;
  out?: string;
  json?: boolean;
}

function positive(flag: string, s: string | undefined): number {
  const v = s === undefined ? Number.NaN : Number(s);
  if (!Number.isFinite(v) || v <= 0) throw new UserError(`${flag}: must be a positive number, got "${s}"`);
  return v;
}

export function parseTrackOptions(opts: TrackCliOptions): TrackRunOptions & { frame: Frame } {
  if (opts.frame !== "local" && opts.frame !== "ecef") {
    throw new UserError(`--frame: must be "local" or "ecef", got "${opts.frame}"`);
  }
  if (opts.model !== "cv" && opts.model !== "ca")
    throw new UserError(`--model: must be "cv" or "ca", got "${opts.model}"`);
  const perAxis = [opts.sigmaX, opts.sigmaY, opts.sigmaZ];
  let sigma: [number, number, number];
  if (opts.sigma !== undefined) {
    if (perAxis.some((s) => s !== undefined)) {
      throw new UserError("--sigma: give either --sigma or --sigma-x/--sigma-y/--sigma-z, not both");
    }
    const s = positive("--sigma", opts.sigma);
    sigma = [s, s, s];
  } else if (perAxis.every((s) => s !== undefined)) {
    sigma = [
      positive("--sigma-x", opts.sigmaX),
      positive("--sigma-y", opts.sigmaY),
      positive("--sigma-z", opts.sigmaZ),
    ];
  } else {
    throw new UserError(
      "--sigma: the measurement σ is required: --sigma METRES, or all of --sigma-x, --sigma-y, --sigma-z",
    );
  }
  const q = Number(opts.q);
  if (!Number.isFinite(q) || q < 0) throw new UserError(`--q: must be a number ≥ 0, got "${opts.q}"`);
  const m = /^(\d+)\/(\d+)$/.exec(opts.confirm);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) {
    throw new UserError(`--confirm: must be M/N with 1 ≤ M ≤ N (e.g. 3/4), got "${opts.confirm}"`);
  }
  const maxMisses = Number(opts.maxMisses);
  if (!Number.isInteger(maxMisses) || maxMisses < 1) {
    throw new UserError(`--max-misses: must be an integer ≥ 1, got "${opts.maxMisses}"`);
  }
  const gate = Number(opts.gate);
  if (!(gate > 0 && gate < 1))
    throw new UserError(`--gate: must be a probability in (0, 1), got "${opts.gate}"`);
  return {
    frame: opts.frame,
    model: opts.model,
    q,
    sigma,
    velocitySigma: positive("--velocity-sigma", opts.velocitySigma),
    accelerationSigma: positive("--acceleration-sigma", opts.accelerationSigma),
    confirmM: Number(m[1]),
    confirmN: Number(m[2]),
    maxMisses,
    gateProbability: gate,
    matchDistance: positive("--cutoff", opts.cutoff),
  };
}

export function register(program: Command): void {
  program
    .command("track")
    .description("track your own position detections (CSV) with the GNN tracker; score against truth")
    .requiredOption(
      "--detections <file>",
      "CSV with header; columns t,x,y,z required, sensor and truth optional",
    )
    .option("--truth <file>", "truth CSV: t,id,x,y,z (optional vx,vy,vz)")
    .option("--frame <frame>", "coordinate frame of x,y,z: local | ecef", "local")
    .option("--model <model>", "motion model: cv | ca", "cv")
    .option("--q <psd>", "process noise PSD (cv: m²/s³ white acceleration; ca: m²/s⁵ white jerk)", "0.1")
    .option("--sigma <m>", "measurement σ on every axis, m")
    .option("--sigma-x <m>", "measurement σ on x, m")
    .option("--sigma-y <m>", "measurement σ on y, m")
    .option("--sigma-z <m>", "measurement σ on z, m")
    .option("--velocity-sigma <mps>", "velocity prior σ of a new track, m/s per axis", "300")
    .option("--acceleration-sigma <mps2>", "acceleration prior σ of a new CA track, m/s² per axis", "50")
    .option("--confirm <M/N>", "confirm a track after M hits in its first N scans", "3/4")
    .option("--max-misses <n>", "delete a confirmed track after n consecutive misses", "5")
    .option("--gate <p>", "χ² gate probability", "0.999")
    .option("--cutoff <m>", "truth matching and GOSPA cut-off distance, m", "200")
    .option("--out <file>", "write the tracks: .csv or .json")
    .option("--json", "print the summary as JSON")
    .action((opts: TrackCliOptions) => {
      const o = parseTrackOptions(opts);
      if (opts.out !== undefined && !/\.(csv|json)$/i.test(opts.out)) {
        throw new UserError(`--out: file name must end in .csv or .json, got "${opts.out}"`);
      }
      const R = Float64Array.from([o.sigma[0] ** 2, 0, 0, 0, o.sigma[1] ** 2, 0, 0, 0, o.sigma[2] ** 2]);
      const records = readDetectionsCsv(opts.detections, o.frame, R);
      const truth = opts.truth !== undefined ? readTruthCsv(opts.truth, o.frame) : null;
      const r = runTracker(records, truth, { ...o, clock: () => performance.now() });
      if (opts.out !== undefined) {
        const text = /\.json$/i.test(opts.out) ? tracksToJson(r.rows) : tracksToCsv(r.rows);
        try {
          writeFileSync(opts.out, text);
        } catch (e) {
          throw new UserError(
            `--out: cannot write ${opts.out} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
          );
        }
      }
      const summary = {
        tracks: r.tracks,
        confirmedTracks: r.confirmedTracks,
        spuriousTracks: r.spuriousTracks,
        msPerScan: r.msPerScan,
        rmseM: r.rmseM,
        meanNees: r.meanNees,
        gospa: r.gospa,
        purity: r.purity,
        trackBreaks: r.trackBreaks,
        targetsHeld: r.targetsHeld,
        frames: r.frames,
        detections: r.detections,
        neesDof: r.evaluation?.neesDof ?? null,
      };
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(summary)}\n`);
        return;
      }
      const f = (v: number | null, d = 2) => (v === null ? "n/a" : v.toFixed(d));
      process.stdout.write(
        `${[
          `detections ${r.detections} in ${r.frames} scans; ${r.tracks} tracks started, ${r.confirmedTracks} confirmed`,
          `tracker time ${f(r.msPerScan, 3)} ms per scan`,
          truth
            ? `vs truth: spurious ${r.spuriousTracks}, RMSE ${f(r.rmseM)} m, mean NEES ${f(r.meanNees)} (${summary.neesDof} dof), GOSPA ${f(r.gospa)} m, purity ${f(r.purity, 3)}, breaks ${r.trackBreaks}`
            : "no truth given: no accuracy metrics",
          opts.out ? `tracks written to ${opts.out}` : "",
        ]
          .filter((l) => l !== "")
          .join("\n")}\n`,
      );
    });
}

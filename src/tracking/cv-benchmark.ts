/**
 * Runs the CV tracker on the synthetic CV scenario and scores it: the body of benchmarks A and B
 * (bench/tracking-cv.bench.ts) and of the tracker's correctness tests (small sizes, untimed asserts).
 *
 * Timing covers the tracker only (`processFrame`: predict, gate, assign, update, initiate, manage),
 * not the scenario's random draws nor the scoring: the scenario is drawn up front, one timed pass
 * runs the tracker over it, and a second, identical (deterministic) pass is scored. Scoring happens after every scan; RMSE and NEES
 * are taken over scans in the second half of the run (as the Stone Soup reference figures are).
 */
import { Rng } from "../core/rng.ts";
import type { Detection } from "../sensors/detection.ts";
import { CvScenario, type CvScenarioOptions } from "./cv-scenario.ts";
import { TrackEvaluator, type TruthPoint } from "./evaluation.ts";
import { CvKalmanFilter } from "./filters/cv-kalman.ts";
import { TrackManager, type TrackManagerOptions } from "./track-manager.ts";

export interface CvRunOptions {
  scans: number;
  seed: string;
  scenario?: Partial<CvScenarioOptions>;
  /** Velocity prior σ for one-point initiation, m/s per axis. */
  velocitySigma?: number;
  manager?: Partial<Omit<TrackManagerOptions, "filterFactory">>;
  /** Evaluation match cut-off, m. */
  matchDistance?: number;
  /** Measure time with this clock (ms); the core never reads the wall clock itself. */
  clock?: () => number;
  /** Optional CPU-time clock (ms of this process's CPU), reported as cpuMsPerScan. */
  cpuClock?: () => number;
}

export interface CvRunResult {
  msPerScan: number | null;
  /** Process CPU time per scan (insensitive to other processes competing for the cores). */
  cpuMsPerScan: number | null;
  rmseM: number | null;
  /** RMSE over the whole run (every matched scan), for comparison. */
  rmseAllM: number | null;
  meanNees: number | null;
  spuriousTracks: number;
  confirmedTracks: number;
  targetsHeld: number;
  gospa: number | null;
  trackBreaks: number;
  detections: number;
}

export function runCvTracking(o: CvRunOptions): CvRunResult {
  const rng = new Rng(o.seed);
  const scenario = new CvScenario(rng.fork("scenario"), o.scenario);
  const q = scenario.opts.q;
  const velocitySigma = o.velocitySigma ?? 300;
  const makeManager = () =>
    new TrackManager({
      filterFactory: (det: Detection) => CvKalmanFilter.fromPosition(det, q, velocitySigma),
      ...o.manager,
    });
  // The scenario is drawn first, so the timed pass runs the tracker alone (no random draws, no
  // scoring allocations and their garbage collection interleaved with it).
  const frames: Detection[][] = [];
  const truths: TruthPoint[][] = [];
  const times: number[] = [];
  let detections = 0;
  for (let s = 0; s < o.scans; s++) {
    if (s > 0) scenario.step();
    const dets = scenario.detections();
    detections += dets.length;
    frames.push(dets);
    truths.push(scenario.truthPoints().map((p) => ({ id: p.id, state: Float64Array.from(p.state) })));
    times.push(scenario.t);
  }
  let elapsed = 0;
  let cpu = 0;
  if (o.clock || o.cpuClock) {
    const timed = makeManager();
    const c0 = o.cpuClock ? o.cpuClock() : 0;
    const t0 = o.clock ? o.clock() : 0;
    for (const f of frames) timed.processFrame(f);
    if (o.clock) elapsed = o.clock() - t0;
    if (o.cpuClock) cpu = o.cpuClock() - c0;
  }
  // Scoring pass: the tracker is deterministic, so this run produces exactly the timed run's tracks.
  const manager = makeManager();
  const half = (o.scans * scenario.opts.dt) / 2;
  const match = o.matchDistance ?? 200;
  const evalHalf = new TrackEvaluator(match, half);
  const evalAll = new TrackEvaluator(match);
  for (let s = 0; s < o.scans; s++) {
    manager.processFrame(frames[s]);
    evalHalf.evaluate(times[s], truths[s], manager.tracks);
    evalAll.evaluate(times[s], truths[s], manager.tracks);
  }
  const h = evalHalf.summary();
  const a = evalAll.summary();
  return {
    msPerScan: o.clock ? elapsed / o.scans : null,
    cpuMsPerScan: o.cpuClock ? cpu / o.scans : null,
    rmseM: h.rmseM,
    rmseAllM: a.rmseM,
    meanNees: h.meanNees,
    spuriousTracks: a.spuriousTracks,
    confirmedTracks: manager.stats.tracksConfirmed,
    targetsHeld: a.targetsHeld,
    gospa: a.gospa,
    trackBreaks: a.trackBreaks,
    detections,
  };
}

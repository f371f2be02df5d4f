/**
 * Benchmark C: a lofted IRBM tracked by two radars, 50 Monte Carlo runs of the ballistic EKF (and,
 * for comparison, the UKF) against the posterior Cramér–Rao bound. Scenario, truth and measurement
 * simulation are documented in src/tracking/metrics/ballistic-study.ts (truth propagated with the
 * tracker's ballistic model plus white acceleration noise, since src/world has no mission planner
 * yet; detections from the real radar model of src/sensors).
 *
 * Targets (issue 3): RMSE / PCRLB ≤ 1.1 after convergence (here: after the first 100 s), mean 6-dof
 * NEES inside the 95 % band for 50 runs, [5.08, 7.00]. msPerScan is the filter's predict + update
 * time per scan (one detection per scan), measured with performance.now() around the filter only.
 */
import { runBallisticStudy } from "../src/tracking/metrics/ballistic-study.ts";
import { BallisticEkf } from "../src/tracking/models/ekf.ts";
import { BallisticUkf } from "../src/tracking/models/ukf.ts";
import type { Benchmark, BenchRow } from "./benchmark.ts";

const RUNS = 50;
const Q_ACCEL = 1e-3;

function row(name: string, filter: "ekf" | "ukf"): BenchRow {
  const r = runBallisticStudy({
    runs: RUNS,
    seed: "benchmark-C",
    qAccel: Q_ACCEL,
    convergedAfterS: 100,
    now: () => performance.now(),
    makeFilter: (model, t0, x0, P0) =>
      filter === "ekf" ? new BallisticEkf(model, t0, x0, P0) : new BallisticUkf(model, t0, x0, P0),
  });
  const round = (v: number, d = 4) => Number(v.toFixed(d));
  return {
    name,
    msPerScan: r.msPerScan === null ? null : round(r.msPerScan),
    rmseM: round(r.rmseM, 2),
    pcrlbM: round(r.pcrlbM, 2),
    rmseOverPcrlb: round(r.rmseOverPcrlb),
    meanNees: round(r.meanNees),
    neesBand: [round(r.neesBand[0], 3), round(r.neesBand[1], 3)],
    spuriousTracks: null,
    targetsHeld: null,
    neesStepsInBand: round(r.neesStepsInBand, 3),
    rmseVelMps: round(r.rmseVelMps),
    pcrlbVelMps: round(r.pcrlbVelMps),
    runs: r.runs,
    scansPerRun: r.scans,
    apogeeKm: round(r.apogeeM / 1000, 1),
  };
}

export const benchmarks: Benchmark[] = [
  { name: "C-ballistic", run: async () => [row("C-ballistic", "ekf")] },
  { name: "C-ballistic-ukf", run: async () => [row("C-ballistic-ukf", "ukf")] },
];

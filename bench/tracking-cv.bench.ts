/**
 * Benchmarks A and B of issue 3: the CV tracker (GNN + M-of-N, CvKalmanFilter) on the synthetic
 * 100-target constant-velocity scenario of src/tracking/cv-scenario.ts.
 *
 * A-cv-100: 1,000 scans, Pd = 1, no clutter. Targets: ≤ 0.5 ms/scan, RMSE ≤ 8.2 m, mean NEES in
 *   [5.5, 6.5] (RMSE and NEES over scans in the second half of the run, like the Stone Soup figures
 *   110–288 ms/scan, 8.14 m, 5.97). `rmseAllM` is the RMSE over the whole run, for comparison.
 * B-cv-clutter: 100 scans, Pd = 0.9, 100 clutter detections per scan over the grid ± 50 km,
 *   0–20 km altitude. Target: ≤ 5 spurious confirmed tracks over the run, all 100 targets held.
 *
 * msPerScan times the tracker alone (TrackManager.processFrame), not the scenario draws nor scoring;
 * the whole run is timed including JIT warm-up. msPerScan is wall time; cpuMsPerScan is this process's
 * CPU time over the same calls, which stays meaningful when other processes load the machine
 * (loadAvg1m is printed alongside). Nothing is asserted here: the figures are printed.
 */
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { runCvTracking } from "../src/tracking/cv-benchmark.ts";
import type { Benchmark, BenchRow } from "./benchmark.ts";

/** This process's CPU time, ms (user + system). */
function cpuClock(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function row(name: string, r: ReturnType<typeof runCvTracking>): BenchRow {
  return {
    name,
    msPerScan: r.msPerScan,
    cpuMsPerScan: r.cpuMsPerScan,
    rmseM: r.rmseM,
    meanNees: r.meanNees,
    spuriousTracks: r.spuriousTracks,
    targetsHeld: r.targetsHeld,
    confirmedTracks: r.confirmedTracks,
    rmseAllM: r.rmseAllM,
    gospa: r.gospa,
    trackBreaks: r.trackBreaks,
    peakMemoryMB: null,
    loadAvg1m: Number(loadavg()[0].toFixed(2)),
  };
}

export const benchmarks: Benchmark[] = [
  {
    name: "A-cv-100",
    async run() {
      const r = runCvTracking({ scans: 1000, seed: "bench-A", clock: () => performance.now(), cpuClock });
      return [row("A-cv-100", r)];
    },
  },
  {
    name: "B-cv-clutter",
    async run() {
      const r = runCvTracking({
        scans: 100,
        seed: "bench-B",
        scenario: { pd: 0.9, clutterPerScan: 100 },
        clock: () => performance.now(),
        cpuClock,
      });
      return [row("B-cv-clutter", r)];
    },
  },
];

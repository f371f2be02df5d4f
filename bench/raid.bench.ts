/**
 * Scale benchmark of the whole exercise (DESIGN "Scale"): scenarios/raid-50.yaml — 50 missiles with
 * debris (≥ 1,000 objects), 12 sensors, 3 national nodes tracking, sharing over the in-process bus,
 * fusing and warning — played in virtual time by the runner, without an event log (so the figure is
 * the simulation's, not SQLite's). Building the world (flight planning, debris integration) is
 * timed separately.
 *
 * Window: the run is played from T+0 to RAID_BENCH_UNTIL_S (default 300 s: all 50 launches, boost,
 * warhead separation and the debris release) — or to its end with RAID_BENCH_UNTIL_S=end. The full
 * raid (≈1,300 s) takes far longer than a benchmark should: see `perStepMsAtEnd`, the cost of one
 * simulated second at the end of the window, which grows with the debris tracked (impact prediction
 * for every system track dominates; profile with node --cpu-prof).
 *
 * Figures: realtimeFactor = simulated seconds / wall seconds of the run loop (target ≥ 100 on one
 * core); cpuRealtimeFactor = the same over this process's CPU time (the honest figure on a shared
 * machine); peakRssMb = the process's peak resident set. Nothing is asserted.
 */
import { fileURLToPath } from "node:url";
import { ExerciseRun } from "../src/exercise/exercise-run.ts";
import { loadScenarioFile } from "../src/scenario/load.ts";
import type { Benchmark, BenchRow } from "./benchmark.ts";

const SCENARIO = fileURLToPath(new URL("../scenarios/raid-50.yaml", import.meta.url));

export const benchmarks: Benchmark[] = [
  {
    name: "raid-50",
    async run(): Promise<BenchRow[]> {
      const scenario = loadScenarioFile(SCENARIO);
      const b0 = performance.now();
      const run = await ExerciseRun.create(scenario, { truthEveryS: 0 });
      const buildS = (performance.now() - b0) / 1000;
      const cpu0 = process.cpuUsage();
      const w0 = performance.now();
      const env = process.env.RAID_BENCH_UNTIL_S;
      const until = env === undefined ? 300 : env === "end" ? Number.POSITIVE_INFINITY : Number(env);
      if (!(until > 0))
        throw new Error(`RAID_BENCH_UNTIL_S must be a number of seconds > 0 or "end", got ${env}`);
      let lastStepMs = 0;
      while (!run.done && run.t + run.stepS <= until) {
        const s0 = performance.now();
        await run.step();
        lastStepMs = performance.now() - s0;
      }
      const simulatedS = run.t + run.stepS;
      const wallS = (performance.now() - w0) / 1000;
      const result = await run.finish();
      const cpu = process.cpuUsage(cpu0);
      const cpuS = (cpu.user + cpu.system) / 1e6;
      const warned = result.metrics.filter((m) => m.leadTimeS !== null).length;
      return [
        {
          name: "raid-50",
          realtimeFactor: simulatedS / wallS,
          cpuRealtimeFactor: simulatedS / cpuS,
          peakRssMb: process.resourceUsage().maxRSS / 1024,
          objects: run.objectCount,
          sensors: run.sensorCount,
          nodes: scenario.nations.length,
          simulatedS,
          runEndS: result.simulatedS,
          perStepMsAtEnd: lastStepMs,
          wallS,
          cpuS,
          buildS,
          detections: result.detections,
          messagesSent: result.messages.sent,
          nationThreatsWarned: warned,
        },
      ];
    },
  },
];

/**
 * Scale benchmark of the whole exercise (DESIGN "Scale"): scenarios/raid-50.yaml — 50 missiles with
 * debris (≥ 1,000 objects), 12 sensors, 3 national nodes tracking, sharing over the in-process bus,
 * fusing and warning — played in virtual time by the runner, without an event log (so the figure is
 * the simulation's, not SQLite's). Building the world (flight planning, debris integration) is
 * timed separately.
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
      while (!run.done) await run.step();
      const result = await run.finish();
      const wallS = (performance.now() - w0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const cpuS = (cpu.user + cpu.system) / 1e6;
      const warned = result.metrics.filter((m) => m.leadTimeS !== null).length;
      return [
        {
          name: "raid-50",
          realtimeFactor: result.simulatedS / wallS,
          cpuRealtimeFactor: result.simulatedS / cpuS,
          peakRssMb: process.resourceUsage().maxRSS / 1024,
          objects: run.objectCount,
          sensors: run.sensorCount,
          nodes: scenario.nations.length,
          simulatedS: result.simulatedS,
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

/**
 * World benchmark: cost of planning missile flights (aim solve + dense trajectory) per class and
 * trajectory type, of releasing debris, and of sampling 1,000+ objects — the truth side of the
 * "50 missiles with debris (≥ 1,000 objects) ≥ 100× real time" target. Prints figures only.
 */
import { performance } from "node:perf_hooks";
import { deg2rad } from "../src/core/geodesy.ts";
import { Rng } from "../src/core/rng.ts";
import { TRAJECTORY_TYPES } from "../src/world/aim-solver.ts";
import { releaseDebris } from "../src/world/debris.ts";
import { MISSILE_CLASS_NAMES, MISSILE_CLASSES } from "../src/world/missile-classes.ts";
import { type MissileFlight, planMissileFlight } from "../src/world/missile-flight.ts";
import { type Mover, newTruthState } from "../src/world/truth.ts";
import type { Benchmark, BenchRow } from "./benchmark.ts";

const SUNAN = { lat: deg2rad(39.22), lon: deg2rad(125.67) };

export const benchmarks: Benchmark[] = [
  {
    name: "world",
    async run() {
      const rows: BenchRow[] = [];
      const flights: MissileFlight[] = [];
      for (const cls of MISSILE_CLASS_NAMES) {
        for (const trajectory of TRAJECTORY_TYPES) {
          const t0 = performance.now();
          const f = planMissileFlight({
            id: `${cls}-${trajectory}`,
            missileClass: cls,
            launchSite: SUNAN,
            tLaunch: 0,
            aim: { azimuth: deg2rad(80), rangeM: MISSILE_CLASSES[cls].nominalRangeM },
            trajectory,
          });
          const ms = performance.now() - t0;
          flights.push(f);
          rows.push({
            name: `plan ${cls} ${trajectory}`,
            ms: Math.round(ms * 10) / 10,
            simulations: f.solution.simulations,
            samples: f.trajectory.count,
            aimErrorM: Math.round(f.summary.aimErrorM * 10) / 10,
            apogeeKm: Math.round(f.summary.apogeeM / 1e3),
            flightTimeS: Math.round(f.summary.flightTimeS),
          });
        }
      }
      // Debris: 12 flights × (stages + 80 fragments) ≈ 1,000+ objects.
      const rng = new Rng("bench-world");
      const t1 = performance.now();
      const movers: Mover[] = [...flights];
      for (const f of flights)
        movers.push(...releaseDebris(f, rng.fork(f.id), { fragmentsAtSeparation: 80 }));
      const debrisMs = performance.now() - t1;
      rows.push({
        name: "release debris",
        objects: movers.length - flights.length,
        ms: Math.round(debrisMs),
      });

      // Sampling: every object at 1 s over the longest flight (what a 1 Hz radar sweep asks).
      const s = newTruthState();
      let tEnd = 0;
      for (const m of movers) tEnd = Math.max(tEnd, m.tEnd);
      let n = 0;
      const t2 = performance.now();
      for (let t = 0; t <= tEnd; t += 1) for (const m of movers) if (m.sample(t, s)) n++;
      const sampleMs = performance.now() - t2;
      rows.push({
        name: "sample all objects at 1 Hz",
        objects: movers.length,
        samples: n,
        nsPerSample: Math.round((sampleMs * 1e6) / n),
        realTimeFactor: Math.round(tEnd / (sampleMs / 1e3)),
      });
      return rows;
    },
  },
];

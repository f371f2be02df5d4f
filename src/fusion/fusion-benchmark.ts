/**
 * Scale figure for the fusion engine: `objects` ballistic objects in a dense raid (1° × 1°, 50 km of
 * altitude, similar velocities), each reported by three nations every second (σ 200 m, 20 m/s, 0.3 s
 * old), fused once per second. Times only `fuse()` with the caller's clocks (injected so the engine
 * itself never reads one). Also scores association: the fraction of system tracks holding exactly one
 * object's three reports, after the first fusion.
 *
 * A bench/ wrapper only has to call `runFusionScale({ ..., clock: performance.now, cpuClock })`.
 */
import { Rng } from "../core/rng.ts";
import { FusionEngine } from "./fusion-engine.ts";
import { diagCov, noisyReport, propagateTruth, stateAt } from "./test-fixtures.ts";

export interface FusionScaleOptions {
  readonly objects: number;
  readonly steps: number;
  readonly seed?: string;
  /** Wall clock, ms. */
  readonly clock: () => number;
  /** Process CPU clock, ms. */
  readonly cpuClock: () => number;
}

export interface FusionScaleResult {
  readonly objects: number;
  readonly reportsPerFuse: number;
  readonly msPerFuse: number;
  readonly cpuMsPerFuse: number;
  readonly systemTracks: number;
  /** Fraction of system tracks (after the first fusion) holding exactly one object's 3 reports. */
  readonly purity: number;
}

export function runFusionScale(opts: FusionScaleOptions): FusionScaleResult {
  const rng = new Rng(opts.seed ?? "fusion-scale");
  const objs = Array.from({ length: opts.objects }, () =>
    stateAt(
      38 + rng.uniform(),
      128 + rng.uniform(),
      150e3 + 50e3 * rng.uniform(),
      1000 + 100 * rng.normal(),
      1000 + 100 * rng.normal(),
      100 * rng.normal(),
    ),
  );
  const sources = ["JPN", "KOR", "USA"] as const;
  const eng = new FusionEngine({ nation: "JPN" });
  const P = diagCov(200, 20);
  let wall = 0;
  let cpu = 0;
  let pure = 0;
  let total = 0;
  let systemTracks = 0;
  for (let t = 0; t < opts.steps; t++) {
    for (const src of sources)
      for (let i = 0; i < objs.length; i++)
        eng.report(noisyReport(rng, src, `${i}`, t - 0.3, propagateTruth(objs[i], t - 0.3), P));
    const w0 = opts.clock();
    const c0 = opts.cpuClock();
    const pic = eng.fuse(t);
    wall += opts.clock() - w0;
    cpu += opts.cpuClock() - c0;
    systemTracks = pic.length;
    if (t === 0) continue;
    for (const st of pic) {
      total++;
      if (st.contributors.length === 3 && new Set(st.contributors.map((c) => c.trackNumber)).size === 1)
        pure++;
    }
  }
  return {
    objects: opts.objects,
    reportsPerFuse: 3 * opts.objects,
    msPerFuse: wall / opts.steps,
    cpuMsPerFuse: cpu / opts.steps,
    systemTracks,
    purity: total > 0 ? pure / total : Number.NaN,
  };
}

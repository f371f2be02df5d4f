/**
 * Monte Carlo study of a ballistic tracking filter against the posterior Cramér–Rao bound:
 * the scenario of benchmark C (bench/tracking-ballistic.bench.ts) and of the EKF consistency test.
 *
 * Scenario: a lofted IRBM (public-level figures, in the style of the 2017 lofted IRBM shots into the
 * Sea of Japan: apogee 1,800 km, ground range 900 km), planned by the world model's
 * `planMissileFlight`, tracked from burnout, through apogee, down to 100 km altitude on the way back
 * (the exo-atmospheric part, where the 6-state ballistic model holds), by two radars of the real
 * sensor model (src/sensors/radar.ts): one in Korea, one in western Japan, each revisiting every 2 s,
 * interleaved so the track gets one detection per second.
 *
 * Truth: from the planned flight's burnout state, the truth is propagated with the tracker's ballistic
 * model (gravity with J2 + Earth rotation: the world's own functions, so without noise it is the
 * world's trajectory) plus a small white acceleration noise of the same density q the filter assumes:
 * x_{k+1} = f(x_k) + w_k, w_k ~ N(0, Q). That makes the filter's model exactly right, so the PCRLB recursion (linearised at
 * each run's truth, with the same Q) is the bound the filter should reach; what remains between them is
 * the EKF's linearisation error — which is what this study measures. Filters start from
 * x̂₀ ~ N(x₀, P₀) so the prior is consistent with P₀ and J₀ = P₀⁻¹.
 *
 * The caller may pass a clock (`now`) to time the filter's predict + update alone; nothing here reads
 * the wall clock itself.
 */

import { cholesky } from "../../core/matrix.ts";
import { Rng } from "../../core/rng.ts";
import type { Detection, DetectionTruth } from "../../sensors/detection.ts";
import { Radar } from "../../sensors/radar.ts";
import { TruthSnapshot } from "../../sensors/truth-snapshot.ts";
import { EARTH_WGS84, surfaceHeight } from "../../world/flight-model.ts";
import { planMissileFlight } from "../../world/missile-flight.ts";
import { newTruthState } from "../../world/truth.ts";
import { BallisticModel } from "../models/ballistic.ts";
import { predictMeasurement } from "../models/measurement-models.ts";
import type { TrackFilter } from "../track-filter.ts";
import { ConsistencyAccumulator, chiSquareBand, nees } from "./nees.ts";
import { PcrlbRecursion } from "./pcrlb.ts";
import { RmseAccumulator } from "./rmse.ts";

const DEG = Math.PI / 180;

export interface BallisticStudyOptions {
  /** Monte Carlo runs. */
  readonly runs: number;
  readonly seed: number | string;
  /** Acceleration noise density of truth and filter, m²/s³. */
  readonly qAccel: number;
  /** Steps before this time (s after burnout) are excluded from the post-convergence figures. */
  readonly convergedAfterS: number;
  /** Stop after this many seconds even if still above 100 km (default: no limit). */
  readonly maxDurationS?: number;
  /** Builds the filter under test from the first detection time, initial estimate and covariance. */
  readonly makeFilter: (model: BallisticModel, t0: number, x0: Float64Array, P0: Float64Array) => TrackFilter;
  /** Optional clock (ms) to time the filter alone. */
  readonly now?: () => number;
}

export interface BallisticStudyResult {
  readonly runs: number;
  /** Scans (detections processed) per run, the same for every run. */
  readonly scans: number;
  /** Pooled position RMSE after convergence, m. */
  readonly rmseM: number;
  /** √(mean over steps and runs of tr(PCRLB position block)) after convergence, m. */
  readonly pcrlbM: number;
  readonly rmseOverPcrlb: number;
  /** Pooled velocity RMSE after convergence, m/s, and the matching bound. */
  readonly rmseVelMps: number;
  readonly pcrlbVelMps: number;
  /** Mean 6-dof NEES after convergence, and the 95 % band for the average over `runs` runs. */
  readonly meanNees: number;
  readonly neesBand: [number, number];
  /** Fraction of post-convergence steps whose run-averaged NEES lies in that band (≈ 0.95). */
  readonly neesStepsInBand: number;
  /** Filter time per scan (predict + update), ms; null without a clock. */
  readonly msPerScan: number | null;
  /** Apogee height of the (noise-free) truth, m, and duration of the tracked segment, s. */
  readonly apogeeM: number;
  readonly durationS: number;
}

let burnoutCache: Float64Array | null = null;

/**
 * The burnout state (ECEF position, velocity) of the study's missile, planned by the world model
 * (src/world/missile-flight.ts): the IRBM class on a lofted trajectory from 39.8° N 125.6° E, azimuth
 * 95°, 900 km ground range, apogee 1,800 km. Planned once and cached (the aim solver takes ~1 s).
 */
export function loftedIrbmBurnout(): Float64Array {
  if (!burnoutCache) {
    const flight = planMissileFlight({
      id: "irbm-lofted",
      missileClass: "IRBM",
      launchSite: { lat: 39.8 * DEG, lon: 125.6 * DEG },
      tLaunch: 0,
      aim: { azimuth: 95 * DEG, rangeM: 900e3 },
      trajectory: "lofted",
      apogeeTargetM: 1800e3,
    });
    const s = newTruthState();
    // Just after cutoff, so the sample is on the coasting side of the thrust discontinuity.
    flight.sample(flight.burnoutT + 1e-6, s);
    burnoutCache = new Float64Array(6);
    burnoutCache.set(s.pos);
    burnoutCache.set(s.vel, 3);
  }
  return Float64Array.from(burnoutCache);
}

/** The two radars of the study (public-level accuracy figures for a long-range L-band and an X-band radar). */
export function studyRadars(): Radar[] {
  const common = {
    boresightAzRad: 0,
    halfWidthAzRad: Math.PI,
    elMinRad: 0.5 * DEG,
    elMaxRad: Math.PI / 2,
    rangeMinM: 1e3,
    rangeMaxM: 4.5e6,
    refRangeM: 1e8, // strong target: Pd ≈ 1 over the whole flight
    pfa: 1e-6,
    latencyS: 0,
    revisitS: 2,
    falseAlarmsPerScan: 0,
  } as const;
  return [
    new Radar({
      ...common,
      id: "KOR-LRR",
      nation: "KOR",
      site: { latRad: 36.9 * DEG, lonRad: 127.3 * DEG, hM: 150 },
      sigmaRangeM: 15,
      sigmaAzRad: 0.5e-3,
      sigmaElRad: 0.5e-3,
      scanOffsetS: 0,
    }),
    new Radar({
      ...common,
      id: "JPN-XBR",
      nation: "JPN",
      site: { latRad: 35.77 * DEG, lonRad: 135.19 * DEG, hM: 150 },
      sigmaRangeM: 5,
      sigmaAzRad: 0.3e-3,
      sigmaElRad: 0.3e-3,
      scanOffsetS: 1,
    }),
  ];
}

/** Initial covariance: 1 km per position axis, 50 m/s per velocity axis (a coarse cue). */
function initialCovariance(n: number): Float64Array {
  const P0 = new Float64Array(n * n);
  for (let i = 0; i < 3; i++) {
    P0[i * n + i] = 1000 ** 2;
    P0[(i + 3) * n + i + 3] = 50 ** 2;
  }
  return P0;
}

export function runBallisticStudy(opts: BallisticStudyOptions): BallisticStudyResult {
  const { runs, qAccel, convergedAfterS } = opts;
  const model = new BallisticModel({ drag: false, qAccel });
  const radars = studyRadars();
  const dt = 1;
  const n = 6;

  // Tracked segment: from burnout until the noise-free truth comes down through 100 km.
  const x = loftedIrbmBurnout();
  let apogeeM = 0;
  let steps = 0;
  const limit = opts.maxDurationS ?? Number.POSITIVE_INFINITY;
  for (;;) {
    model.propagate(x, dt, null);
    const h = surfaceHeight(EARTH_WGS84, x[0], x[1], x[2]);
    apogeeM = Math.max(apogeeM, h);
    if (h < 100e3 || steps + 1 > limit) break;
    steps++;
  }

  const P0 = initialCovariance(n);
  const L0 = new Float64Array(n * n);
  cholesky(P0, n, L0);
  const Q = model.processNoise(dt, new Float64Array(n * n));
  const Lq = new Float64Array(n * n);
  cholesky(Q, n, Lq);
  const Phi = new Float64Array(n * n);
  const Hbuf = new Float64Array(4 * n);
  const zbuf = new Float64Array(4);
  const neesWork = new Float64Array(n * n + n);
  const boundPos = new Float64Array(steps);
  const boundVel = new Float64Array(steps);
  const Jinv = new Float64Array(n * n);
  const rmse = new RmseAccumulator(steps);
  const consistency = new ConsistencyAccumulator(steps, n);
  const snap = new TruthSnapshot(1);
  const dets: Detection[] = [];
  const detTruth: DetectionTruth[] = [];
  const noise = new Float64Array(n);
  let filterMs = 0;
  let scans = 0;
  const root = new Rng(opts.seed);

  for (let run = 0; run < runs; run++) {
    const rng = root.fork(`run-${run}`);
    const truthRng = rng.fork("truth");
    const sensorRng = rng.fork("sensors");
    const truth = loftedIrbmBurnout();
    // Consistent prior: x̂₀ = x₀ + L₀·N(0, I).
    const initRng = rng.fork("init");
    for (let i = 0; i < n; i++) noise[i] = initRng.normal();
    const x0 = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = truth[i];
      for (let j = 0; j <= i; j++) s += L0[i * n + j] * noise[j];
      x0[i] = s;
    }
    const filter = opts.makeFilter(model, 0, x0, Float64Array.from(P0));
    const bound = new PcrlbRecursion(n, P0);
    for (let k = 0; k < steps; k++) {
      const t = (k + 1) * dt;
      // Truth step: x ← f(x) + w, and the transition Jacobian at the truth for the bound.
      const xPrev = Float64Array.from(truth);
      model.propagate(xPrev, dt, Phi);
      for (let i = 0; i < n; i++) noise[i] = truthRng.normal();
      for (let i = 0; i < n; i++) {
        let s = xPrev[i];
        for (let j = 0; j <= i; j++) s += Lq[i * n + j] * noise[j];
        truth[i] = s;
      }
      bound.predict(Phi, Q);

      // Detections of the radars scanning now.
      dets.length = 0;
      detTruth.length = 0;
      snap.reset(t).push("irbm", truth.subarray(0, 3), truth.subarray(3, 6), false, 1);
      for (const r of radars) {
        if (Math.abs(r.nextScanTime(t) - t) < 1e-9)
          r.scanSnapshot(snap, sensorRng.fork(`${r.id}@${k}`), dets, detTruth);
      }

      const t0 = opts.now?.() ?? 0;
      filter.predictTo(t);
      for (const det of dets) filter.update(det);
      if (opts.now) filterMs += opts.now() - t0;
      scans++;

      for (const det of dets) {
        const m = predictMeasurement(det, truth, n, zbuf, Hbuf);
        if (m > 0) bound.addMeasurement(Hbuf, det.R, m);
      }
      bound.bound(Jinv);
      boundPos[k] += Jinv[0] + Jinv[7] + Jinv[14];
      boundVel[k] += Jinv[21] + Jinv[28] + Jinv[35];
      rmse.add(k, truth, filter.x);
      consistency.add(k, nees(truth, filter.x, filter.P, n, filter.dim, neesWork));
    }
  }

  const from = Math.min(steps, Math.max(0, Math.ceil(convergedAfterS / dt) - 1));
  let bp = 0;
  let bv = 0;
  for (let k = from; k < steps; k++) {
    bp += boundPos[k];
    bv += boundVel[k];
  }
  const count = (steps - from) * runs;
  const rmseM = rmse.position(from, steps);
  const pcrlbM = Math.sqrt(bp / count);
  return {
    runs,
    scans: steps,
    rmseM,
    pcrlbM,
    rmseOverPcrlb: rmseM / pcrlbM,
    rmseVelMps: rmse.velocity(from, steps),
    pcrlbVelMps: Math.sqrt(bv / count),
    meanNees: consistency.mean(from, steps),
    neesBand: chiSquareBand(n, runs),
    neesStepsInBand: consistency.fractionInBand(from, steps),
    msPerScan: opts.now ? filterMs / scans : null,
    apogeeM,
    durationS: steps * dt,
  };
}

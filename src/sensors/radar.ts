/**
 * Ground and ship radars.
 *
 * Coverage: a target is in coverage when its range lies in [rangeMin, rangeMax], its elevation in
 * [elMin, elMax] and its azimuth within ±halfWidthAz of the boresight (halfWidthAz ≥ π: all round), all
 * in the site's ENU frame, and the straight line of sight does not pass below the WGS84 ellipsoid (no
 * refraction). The cheap tests come first (range sphere, elevation from one dot product, then azimuth)
 * so most objects cost a handful of multiplications.
 *
 * Detection probability: Swerling-1 (scan-to-scan Rayleigh fluctuation, square-law detector),
 *   Pd = Pfa^(1 / (1 + SNR)),   SNR = SNR₁ · (RCS / 1 m²) · (refRange / R)⁴,
 * with SNR₁ fixed by Pd(refRange, 1 m²) = 0.5, i.e. SNR₁ = ln Pfa / ln 0.5 − 1. `pfa` here is the per-cell
 * false-alarm probability that sets the detection threshold; the number of false reports per scan is
 * a separate setting (`falseAlarmsPerScan`), since it also depends on the number of cells searched.
 *
 * Measurements: z = [range, azimuth, elevation] (+ range rate when sigmaRangeRateMps is set) of the
 * target in the site's ENU frame, azimuth from north clockwise in [0, 2π), each plus independent
 * Gaussian noise with the stated σ; R = diag(σ²). Range rate is d|p − s|/dt from ECEF positions and
 * velocities (the same in any frame). False alarms: Poisson count per scan with mean
 * `falseAlarmsPerScan`, each uniformly distributed over the searched range–azimuth–elevation cells
 * (uniform in range, azimuth and elevation) and, with range rate, uniform in ±falseAlarmMaxRangeRateMps.
 */
import { UserError } from "../core/errors.ts";
import type { Rng } from "../core/rng.ts";
import { isNationCode, type NationCode } from "../world/nation.ts";
import type { Detection, DetectionTruth } from "./detection.ts";
import { Float64Slab } from "./float64-slab.ts";
import { SensorBase } from "./sensor.ts";
import { LocalFrame, lineOfSightBlocked, wrapPi, wrapTwoPi } from "./site-geometry.ts";
import { type SitePlacement, SiteTrack } from "./site-track.ts";
import type { TruthSnapshot } from "./truth-snapshot.ts";

/** Everything that defines one radar; SI units, angles in radians. */
export interface RadarParams {
  readonly id: string;
  readonly nation: NationCode;
  /** Fixed site or ship track; antenna height above the ellipsoid. */
  readonly site: SitePlacement;
  /** Centre of the azimuth sector, from north clockwise. Ignored when halfWidthAzRad ≥ π. */
  readonly boresightAzRad: number;
  /** Half-width of the azimuth sector; π (or more) for all-round coverage. */
  readonly halfWidthAzRad: number;
  /** Minimum elevation (radar horizon mask), radians. */
  readonly elMinRad: number;
  /** Maximum elevation, radians (π/2 for no limit). */
  readonly elMaxRad: number;
  readonly rangeMinM: number;
  readonly rangeMaxM: number;
  /** Range at which a 1 m² Swerling-1 target is detected with probability 0.5. */
  readonly refRangeM: number;
  /** Per-cell false-alarm probability setting the threshold of the Pd law (typically 1e-6). */
  readonly pfa: number;
  readonly sigmaRangeM: number;
  readonly sigmaAzRad: number;
  readonly sigmaElRad: number;
  /** σ of range rate, m/s; null or absent: the radar reports no range rate. */
  readonly sigmaRangeRateMps?: number | null;
  readonly revisitS: number;
  readonly latencyS: number;
  /** Scans at scanOffsetS + k · revisitS. */
  readonly scanOffsetS: number;
  /** Mean number of false alarms per scan (Poisson). */
  readonly falseAlarmsPerScan: number;
  /** Range-rate span of false alarms, ±m/s (only with range rate). Default 7,000 m/s. */
  readonly falseAlarmMaxRangeRateMps?: number;
}

export class Radar extends SensorBase {
  readonly kind = "radar" as const;
  readonly params: RadarParams;
  readonly track: SiteTrack;
  /** SNR of a 1 m² target at the reference range (linear). */
  readonly snrRef: number;
  private readonly logPfa: number;
  private readonly dim: number;
  private readonly sigmas: Float64Array;
  private readonly frame = new LocalFrame();
  private readonly siteVel = new Float64Array(3);
  private readonly sinElMin: number;
  private readonly sinElMax: number;
  private readonly allRound: boolean;
  /** Storage for the z, R and site arrays of detections. */
  private readonly slab = new Float64Slab();

  constructor(params: RadarParams) {
    validateRadarParams(params);
    super(params.id, params.nation, params.revisitS, params.latencyS, params.scanOffsetS);
    this.params = params;
    this.track = new SiteTrack(params.site, `${params.id}.site`);
    this.logPfa = Math.log(params.pfa);
    this.snrRef = this.logPfa / Math.log(0.5) - 1;
    const rr = params.sigmaRangeRateMps;
    this.dim = rr == null ? 3 : 4;
    this.sigmas =
      rr == null
        ? Float64Array.of(params.sigmaRangeM, params.sigmaAzRad, params.sigmaElRad)
        : Float64Array.of(params.sigmaRangeM, params.sigmaAzRad, params.sigmaElRad, rr);
    this.sinElMin = Math.sin(params.elMinRad);
    this.sinElMax = Math.sin(params.elMaxRad);
    this.allRound = params.halfWidthAzRad >= Math.PI;
    // A fixed site's frame never changes: set it once.
    this.track.frameAt(0, this.frame);
  }

  /** Whether detections carry range rate (z of length 4). */
  get measuresRangeRate(): boolean {
    return this.dim === 4;
  }

  /** Measurement noise covariance R = diag(σ²), row-major (a fresh array, not shared with others). */
  measurementCovariance(): Float64Array {
    const d = this.dim;
    const R = this.slab.take(d * d);
    for (let i = 0; i < d; i++) R[i * d + i] = this.sigmas[i] * this.sigmas[i];
    return R;
  }

  /** Detection probability of a target of `rcsM2` at range `rangeM` (Swerling 1). */
  detectionProbability(rangeM: number, rcsM2: number): number {
    const q = this.params.refRangeM / rangeM;
    const snr = this.snrRef * rcsM2 * q * q * q * q;
    return Math.exp(this.logPfa / (1 + snr));
  }

  positionAt(t: number, out: Float64Array): Float64Array {
    if (this.track.moving) this.track.frameAt(t, this.frame);
    out.set(this.frame.origin);
    return out;
  }

  /** The site's local frame at time t (shared scratch: copy it to keep it). */
  frameAt(t: number): LocalFrame {
    if (this.track.moving) this.track.frameAt(t, this.frame);
    return this.frame;
  }

  scanSnapshot(snap: TruthSnapshot, rng: Rng, out: Detection[], truthOut: DetectionTruth[]): number {
    const t = snap.t;
    const p = this.params;
    const frame = this.frameAt(t);
    const sv = this.track.velocityAt(t, frame, this.siteVel);
    const o = frame.origin;
    const b = frame.basis;
    const sx = o[0];
    const sy = o[1];
    const sz = o[2];
    const rMax2 = p.rangeMaxM * p.rangeMaxM;
    const rMin2 = p.rangeMinM * p.rangeMinM;
    const withRate = this.dim === 4;
    const pos = snap.pos;
    const vel = snap.vel;
    let appended = 0;
    let siteCopy: Float64Array | null = null;

    for (let i = 0; i < snap.count; i++) {
      const k = 3 * i;
      const dx = pos[k] - sx;
      const dy = pos[k + 1] - sy;
      const dz = pos[k + 2] - sz;
      const r2 = dx * dx + dy * dy + dz * dz;
      if (r2 > rMax2 || r2 < rMin2) continue;
      const r = Math.sqrt(r2);
      const up = b[6] * dx + b[7] * dy + b[8] * dz;
      if (up < r * this.sinElMin || up > r * this.sinElMax) continue;
      const east = b[0] * dx + b[1] * dy + b[2] * dz;
      const north = b[3] * dx + b[4] * dy + b[5] * dz;
      const az = Math.atan2(east, north);
      if (!this.allRound && Math.abs(wrapPi(az - p.boresightAzRad)) > p.halfWidthAzRad) continue;
      if (lineOfSightBlocked(sx, sy, sz, pos[k], pos[k + 1], pos[k + 2])) continue;
      if (rng.uniform() >= this.detectionProbability(r, snap.rcsM2[i])) continue;

      const el = Math.asin(Math.max(-1, Math.min(1, up / r)));
      const z = this.slab.take(this.dim);
      z[0] = r + this.sigmas[0] * rng.normal();
      z[1] = wrapTwoPi(az + this.sigmas[1] * rng.normal());
      z[2] = el + this.sigmas[2] * rng.normal();
      if (withRate) {
        const rate = (dx * (vel[k] - sv[0]) + dy * (vel[k + 1] - sv[1]) + dz * (vel[k + 2] - sv[2])) / r;
        z[3] = rate + this.sigmas[3] * rng.normal();
      }
      siteCopy ??= this.siteCopy(o);
      this.emit(t, z, siteCopy, snap.ids[i], out, truthOut);
      appended++;
    }

    const nFalse = p.falseAlarmsPerScan > 0 ? rng.poisson(p.falseAlarmsPerScan) : 0;
    for (let j = 0; j < nFalse; j++) {
      const z = this.slab.take(this.dim);
      z[0] = p.rangeMinM + (p.rangeMaxM - p.rangeMinM) * rng.uniform();
      const azU = rng.uniform();
      z[1] = this.allRound
        ? 2 * Math.PI * azU
        : wrapTwoPi(p.boresightAzRad + p.halfWidthAzRad * (2 * azU - 1));
      z[2] = p.elMinRad + (p.elMaxRad - p.elMinRad) * rng.uniform();
      if (withRate) {
        const span = p.falseAlarmMaxRangeRateMps ?? 7000;
        z[3] = span * (2 * rng.uniform() - 1);
      }
      siteCopy ??= this.siteCopy(o);
      this.emit(t, z, siteCopy, null, out, truthOut);
      appended++;
    }
    return appended;
  }

  private siteCopy(o: Float64Array): Float64Array {
    const c = this.slab.take(3);
    c.set(o);
    return c;
  }

  private emit(
    t: number,
    z: Float64Array,
    siteEcef: Float64Array,
    objectId: string | null,
    out: Detection[],
    truthOut: DetectionTruth[],
  ): void {
    const id = this.nextDetectionId();
    out.push({
      id,
      t,
      tReport: t + this.latencyS,
      sensorId: this.id,
      nation: this.nation,
      kind: "radar",
      siteEcef,
      z,
      R: this.measurementCovariance(),
    });
    truthOut.push({ detectionId: id, objectId });
  }
}

function need(ok: boolean, id: string, field: string, reason: string): void {
  if (!ok) throw new UserError(`sensor ${id}: ${field}: ${reason}`);
}

const finite = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);

/** Checks every radar parameter; throws UserError naming the field and the reason. */
export function validateRadarParams(p: RadarParams): void {
  const id = typeof p.id === "string" && p.id.length > 0 ? p.id : "(unnamed)";
  need(typeof p.id === "string" && p.id.length > 0, id, "id", "must be a non-empty string");
  need(isNationCode(p.nation), id, "nation", `must be a known nation code, got ${String(p.nation)}`);
  need(p.site != null && typeof p.site === "object", id, "site", "must give a position or waypoints");
  need(finite(p.boresightAzRad), id, "boresightAzRad", "must be a finite angle in radians");
  need(finite(p.halfWidthAzRad) && p.halfWidthAzRad > 0, id, "halfWidthAzRad", "must be > 0 radians");
  need(
    finite(p.elMinRad) && p.elMinRad >= -Math.PI / 2 && p.elMinRad < Math.PI / 2,
    id,
    "elMinRad",
    "must be in [-π/2, π/2) radians",
  );
  need(
    finite(p.elMaxRad) && p.elMaxRad > p.elMinRad && p.elMaxRad <= Math.PI / 2,
    id,
    "elMaxRad",
    "must be above elMinRad and at most π/2 radians",
  );
  need(finite(p.rangeMinM) && p.rangeMinM >= 0, id, "rangeMinM", "must be ≥ 0 metres");
  need(finite(p.rangeMaxM) && p.rangeMaxM > p.rangeMinM, id, "rangeMaxM", "must exceed rangeMinM");
  need(finite(p.refRangeM) && p.refRangeM > 0, id, "refRangeM", "must be > 0 metres");
  need(finite(p.pfa) && p.pfa > 0 && p.pfa < 0.5, id, "pfa", "must be in (0, 0.5)");
  need(finite(p.sigmaRangeM) && p.sigmaRangeM > 0, id, "sigmaRangeM", "must be > 0 metres");
  need(finite(p.sigmaAzRad) && p.sigmaAzRad > 0, id, "sigmaAzRad", "must be > 0 radians");
  need(finite(p.sigmaElRad) && p.sigmaElRad > 0, id, "sigmaElRad", "must be > 0 radians");
  if (p.sigmaRangeRateMps != null) {
    need(finite(p.sigmaRangeRateMps) && p.sigmaRangeRateMps > 0, id, "sigmaRangeRateMps", "must be > 0 m/s");
  }
  need(finite(p.revisitS) && p.revisitS > 0, id, "revisitS", "must be > 0 seconds");
  need(finite(p.latencyS) && p.latencyS >= 0, id, "latencyS", "must be ≥ 0 seconds");
  need(finite(p.scanOffsetS), id, "scanOffsetS", "must be a finite time in seconds");
  need(finite(p.falseAlarmsPerScan) && p.falseAlarmsPerScan >= 0, id, "falseAlarmsPerScan", "must be ≥ 0");
  if (p.falseAlarmMaxRangeRateMps !== undefined) {
    need(
      finite(p.falseAlarmMaxRangeRateMps) && p.falseAlarmMaxRangeRateMps > 0,
      id,
      "falseAlarmMaxRangeRateMps",
      "must be > 0 m/s",
    );
  }
}

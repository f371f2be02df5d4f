/**
 * What every simulated sensor offers a runner: when it scans next, and what it reports when it does.
 *
 * Scan schedule: a sensor scans at t_k = scanOffsetS + k · revisitS for every integer k. A runner keeps a
 * queue of `nextScanTime` per sensor, samples the movers once per scan instant into a `TruthSnapshot`
 * and hands that snapshot to every sensor scanning then (`scanSnapshot`); `scan` is the convenience that
 * samples the movers itself. Each scan appends detections to `out` and, index-aligned, their evaluation
 * truth to `truthOut` (`objectId` null for a false alarm). Detections are reported at `tReport = t +
 * latencyS`; delivering them at that time is the runner's job.
 *
 * Randomness: every draw comes from the `Rng` passed in; give each sensor its own fork so one sensor's
 * draws do not shift another's.
 */
import type { Rng } from "../core/rng.ts";
import type { NationCode } from "../world/nation.ts";
import type { Mover } from "../world/truth.ts";
import type { Detection, DetectionTruth } from "./detection.ts";
import { TruthSnapshot } from "./truth-snapshot.ts";

export type SensorKind = "radar" | "ir";

export interface Sensor {
  readonly id: string;
  readonly nation: NationCode;
  readonly kind: SensorKind;
  /** Seconds between scans. */
  readonly revisitS: number;
  /** Seconds from measurement to report at the node. */
  readonly latencyS: number;
  /** Phase of the scan schedule: scans happen at scanOffsetS + k · revisitS. */
  readonly scanOffsetS: number;
  /** The first scheduled scan time ≥ t. */
  nextScanTime(t: number): number;
  /** The first scheduled scan time strictly after t (the scan following one at t). */
  nextScanTimeAfter(t: number): number;
  /** Sensor position in ECEF at time t, written into `out` (length 3) and returned. */
  positionAt(t: number, out: Float64Array): Float64Array;
  /**
   * Scans the movers at time t. Appends detections (true and false) to `out` and their truth to
   * `truthOut`; returns the number appended.
   */
  scan(t: number, movers: readonly Mover[], rng: Rng, out: Detection[], truthOut: DetectionTruth[]): number;
  /** Same as `scan`, over states sampled once at `snapshot.t` and shared between sensors. */
  scanSnapshot(snapshot: TruthSnapshot, rng: Rng, out: Detection[], truthOut: DetectionTruth[]): number;
}

/** Scheduling, identity and sequence numbering shared by the sensor models. */
export abstract class SensorBase implements Sensor {
  abstract readonly kind: SensorKind;
  /** Sequence number of the next detection, for ids `${sensorId}:${sequence}`. */
  protected sequence = 0;
  private ownSnapshot: TruthSnapshot | null = null;

  constructor(
    readonly id: string,
    readonly nation: NationCode,
    readonly revisitS: number,
    readonly latencyS: number,
    readonly scanOffsetS: number,
  ) {}

  nextScanTime(t: number): number {
    // The tolerance keeps a scan time mapping to itself despite rounding in (t − offset) / revisit.
    const k = Math.ceil((t - this.scanOffsetS) / this.revisitS - 1e-9);
    return this.scanOffsetS + k * this.revisitS;
  }

  nextScanTimeAfter(t: number): number {
    const k = Math.floor((t - this.scanOffsetS) / this.revisitS + 1e-9) + 1;
    return this.scanOffsetS + k * this.revisitS;
  }

  abstract positionAt(t: number, out: Float64Array): Float64Array;

  scan(t: number, movers: readonly Mover[], rng: Rng, out: Detection[], truthOut: DetectionTruth[]): number {
    this.ownSnapshot ??= new TruthSnapshot(Math.max(16, movers.length));
    return this.scanSnapshot(this.ownSnapshot.fill(t, movers), rng, out, truthOut);
  }

  abstract scanSnapshot(
    snapshot: TruthSnapshot,
    rng: Rng,
    out: Detection[],
    truthOut: DetectionTruth[],
  ): number;

  protected nextDetectionId(): string {
    return `${this.id}:${this.sequence++}`;
  }
}

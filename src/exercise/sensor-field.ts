/**
 * Every sensor of a run, scanning the world on its own schedule. Shared by the virtual-time runner and
 * the live node process so both draw the same detections from the same seed: each sensor has its own
 * random stream, and the world is sampled once per scan instant for all sensors scanning then.
 */
import type { Rng } from "../core/rng.ts";
import type { Detection, DetectionTruth } from "../sensors/detection.ts";
import type { Sensor } from "../sensors/sensor.ts";
import { TruthSnapshot } from "../sensors/truth-snapshot.ts";
import type { Mover } from "../world/truth.ts";

export type DetectionHandler = (det: Detection, objectId: string | null, sensor: Sensor) => void;

export class SensorField {
  private readonly nextScan = new Map<string, number>();
  private readonly rngs = new Map<string, Rng>();
  private readonly dets: Detection[] = [];
  private readonly truths: DetectionTruth[] = [];
  private readonly snapshot = new TruthSnapshot();
  /** Outage windows [from, to) per sensor (fault injects). */
  private readonly outages = new Map<string, [number, number][]>();
  private lastT: number;
  detections = 0;

  constructor(
    readonly sensors: readonly Sensor[],
    private readonly movers: readonly Mover[],
    rng: Rng,
    tStart = 0,
  ) {
    this.lastT = tStart;
    for (const s of sensors) {
      this.rngs.set(s.id, rng.fork(`sensor:${s.id}`));
      this.nextScan.set(s.id, s.nextScanTime(tStart));
    }
  }

  /** Takes a sensor out of service over [from, to). */
  outage(sensorId: string, from: number, to: number): void {
    if (!this.nextScan.has(sensorId)) throw new Error(`no sensor "${sensorId}" in this run`);
    const list = this.outages.get(sensorId) ?? [];
    list.push([from, to]);
    this.outages.set(sensorId, list);
  }

  private isOut(sensorId: string, t: number): boolean {
    const list = this.outages.get(sensorId);
    return list !== undefined && list.some(([a, b]) => t >= a && t < b);
  }

  /** Runs every scan due at or before t, in each sensor's own time order. */
  scanUntil(t: number, onDetection: DetectionHandler): void {
    let active: Mover[] | null = null;
    for (const s of this.sensors) {
      for (let ts = this.nextScan.get(s.id)!; ts <= t + 1e-9; ts = s.nextScanTimeAfter(ts)) {
        this.nextScan.set(s.id, s.nextScanTimeAfter(ts));
        if (this.isOut(s.id, ts)) continue;
        // Movers alive at any instant of (lastT, t]; each samples itself only inside its own span.
        active ??= this.movers.filter((m) => m.tStart <= t && m.tEnd >= this.lastT);
        this.dets.length = 0;
        this.truths.length = 0;
        this.snapshot.fill(ts, active);
        s.scanSnapshot(this.snapshot, this.rngs.get(s.id)!, this.dets, this.truths);
        this.detections += this.dets.length;
        for (let i = 0; i < this.dets.length; i++)
          onDetection(this.dets[i], this.truths[i]?.objectId ?? null, s);
      }
    }
    this.lastT = t;
  }
}

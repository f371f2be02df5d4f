/**
 * What the exercise runner writes into the event log besides the nodes' own events (whose kind is the
 * NodeEvent type: "track.confirmed", "message.sent", "alert", ...). Readers (replay, report, exports)
 * rely on these shapes; add fields, do not rename them.
 *
 *   run.start      once, t = 0: scenario header, threats (truth), protected areas, sensors, injects
 *   inject         a fault or launch executed (inject.restart: a crashed node back up)
 *   threat.added   a launch added while running (its truth)
 *   metric         an observation behind the metrics, first occurrences only (see MetricObservation)
 *   truth          1 Hz: missiles and air movers in flight [id, latDeg, lonDeg, hM]; debris count
 *   gospa          1 Hz: each nation's picture against the truth
 *   run.end        once: counts, bus statistics and the metrics as computed live
 */
import type { BusStats } from "../sharing/inprocess-bus.ts";
import type { AllyCode } from "../world/nation.ts";
import type { ThreatMetrics, ThreatTruth } from "./threat-metrics.ts";

export interface RunStartPayload {
  readonly scenario: {
    readonly name: string;
    readonly description: string;
    readonly file: string;
    readonly epochMs: number;
    readonly durationS: number;
    readonly nations: readonly AllyCode[];
  };
  readonly sharing: string;
  readonly seed: number | string;
  readonly stepS: number;
  readonly endS: number;
  readonly threats: readonly ThreatTruth[];
  readonly protectedAreas: readonly {
    id: string;
    name: string;
    nation: AllyCode;
    polygon: readonly [number, number][];
  }[];
  readonly sensors: readonly { id: string; nation: string; kind: string; lat: number; lon: number }[];
  readonly launches: readonly { id: string; missileClass: string; tLaunch: number; kind: string }[];
  readonly injects: readonly { index: number; type: string; tS: number; description: string }[];
}

export interface RunEndPayload {
  readonly simulatedS: number;
  readonly detections: number;
  readonly messages: { sent: number; received: number; rejected: number };
  readonly bus: BusStats;
  readonly metrics: readonly ThreatMetrics[];
  readonly unmatchedFalseWarnings: Record<string, number>;
}

/** [id, latitude °, longitude °, height m] */
export type TruthObject = [string, number, number, number];

export type MetricObservation =
  | {
      readonly what: "detection" | "own-track" | "allied-track";
      readonly nation: AllyCode;
      readonly threat: string;
      readonly t: number;
    }
  | {
      readonly what: "alert";
      readonly nation: AllyCode;
      readonly t: number;
      readonly alertId: string;
      readonly version: number;
      /** The missile the alert's track was tied to; null: none (or debris, see `debris`). */
      readonly threat: string | null;
      /** The track followed debris or an air mover: the alert is not scored. */
      readonly debris: boolean;
      /**
       * The object the track followed, when that is a spent stage or a fragment that came down (not
       * the missile itself): where it fell. An alert for the area it fell in was right.
       */
      readonly fallen?: FallenObject;
    };

export interface FallenObject {
  readonly id: string;
  readonly impact: ThreatTruth["impact"];
  readonly impactFix: ThreatTruth["impactFix"];
}

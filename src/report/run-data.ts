/**
 * One run read back from the event log into the shapes the report and the exports draw from:
 * the header, truth tracks per object, predictions, alerts, messages, injects, GOSPA series, and
 * the metrics (replayed from the log, see ../exercise/replay.ts).
 */
import type { ExerciseResult } from "../exercise/exercise-run.ts";
import type { RunEndPayload, RunStartPayload, TruthObject } from "../exercise/log-kinds.ts";
import { replayMetrics } from "../exercise/replay.ts";
import type { NodeEvent } from "../node/node-events.ts";
import type { EventLog } from "../store/event-log.ts";
import type { Alert } from "../warning/alert.ts";

export interface TruthTrack {
  readonly id: string;
  /** [t, latDeg, lonDeg, hM] at 1 Hz. */
  readonly samples: [number, number, number, number][];
}

export interface RunData {
  readonly runId: string;
  readonly start: RunStartPayload;
  readonly end: RunEndPayload;
  readonly result: ExerciseResult;
  readonly truth: TruthTrack[];
  readonly alerts: Alert[];
  readonly predictions: Extract<NodeEvent, { type: "prediction" }>[];
  readonly nodeEvents: NodeEvent[];
  readonly injects: { t: number; kind: string; payload: Record<string, unknown> }[];
  readonly gospa: { t: number; values: Record<string, { gospaKm: number; missed: number; false: number }> }[];
  readonly events: number;
}

const NODE_KINDS = new Set([
  "track.confirmed",
  "track.deleted",
  "message.sent",
  "message.received",
  "message.rejected",
  "message.refused",
  "system-track.new",
  "prediction",
  "alert",
  "impact.outcome",
]);

export async function readRun(log: EventLog, runId: string): Promise<RunData> {
  const result = await replayMetrics(log, runId);
  let start: RunStartPayload | null = null;
  let end: RunEndPayload | null = null;
  const truth = new Map<string, TruthTrack>();
  const alerts: Alert[] = [];
  const predictions: RunData["predictions"] = [];
  const nodeEvents: NodeEvent[] = [];
  const injects: RunData["injects"] = [];
  const gospa: RunData["gospa"] = [];
  let events = 0;
  for await (const e of log.events(runId)) {
    events++;
    if (e.kind === "run.start") start = e.payload as RunStartPayload;
    else if (e.kind === "run.end") end = e.payload as RunEndPayload;
    else if (e.kind === "truth") {
      for (const [id, lat, lon, h] of (e.payload as { objects: TruthObject[] }).objects) {
        let tr = truth.get(id);
        if (!tr) {
          tr = { id, samples: [] };
          truth.set(id, tr);
        }
        tr.samples.push([e.t, lat, lon, h]);
      }
    } else if (e.kind === "gospa")
      gospa.push({ t: e.t, values: (e.payload as RunData["gospa"][number]).values });
    else if (e.kind === "inject" || e.kind === "inject.restart" || e.kind === "threat.added")
      injects.push({ t: e.t, kind: e.kind, payload: e.payload as Record<string, unknown> });
    else if (NODE_KINDS.has(e.kind)) {
      const ne = e.payload as NodeEvent;
      nodeEvents.push(ne);
      if (ne.type === "alert") alerts.push(ne.alert);
      else if (ne.type === "prediction") predictions.push(ne);
    }
  }
  // replayMetrics already refused a run without its header or end.
  return {
    runId,
    start: start!,
    end: end!,
    result,
    truth: [...truth.values()],
    alerts,
    predictions,
    nodeEvents,
    injects,
    gospa,
    events,
  };
}

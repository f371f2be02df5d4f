/**
 * Replays a run from its event log: the metrics are derived again from the recorded observations
 * (first detections, tracks, allied tracks, alerts and what each alert was tied to) and the recorded
 * truth, with the same collector the live run uses — no scenario file, no simulation. A run whose
 * replay disagrees with what it printed is a bug in the runner or a damaged log (verify-log says which).
 */
import { UserError } from "../core/errors.ts";
import type { EventLog, RunInfo } from "../store/event-log.ts";
import type { Alert } from "../warning/alert.ts";
import type { AllyCode } from "../world/nation.ts";
import type { ExerciseResult } from "./exercise-run.ts";
import type { MetricObservation, RunEndPayload, RunStartPayload } from "./log-kinds.ts";
import { ThreatMetricsCollector, type ThreatTruth } from "./threat-metrics.ts";

/** Picks a run of the log: the one named, or the only/latest one. */
export async function pickRun(log: EventLog, runId?: string): Promise<RunInfo> {
  const runs = await log.runs();
  if (runs.length === 0) throw new UserError(`${log.location}: the event log holds no runs`);
  if (runId === undefined) return runs[runs.length - 1];
  const r = runs.find((x) => x.runId === runId);
  if (!r)
    throw new UserError(
      `--run: no run "${runId}" in ${log.location} (runs: ${runs.map((x) => x.runId).join(", ")})`,
    );
  return r;
}

export async function replayMetrics(log: EventLog, runId: string): Promise<ExerciseResult> {
  let start: RunStartPayload | null = null;
  let end: RunEndPayload | null = null;
  let collector: ThreatMetricsCollector | null = null;
  const alerts = new Map<string, Alert>();
  let eventsLogged = 0;
  for await (const e of log.events(runId)) {
    eventsLogged++;
    switch (e.kind) {
      case "run.start": {
        start = e.payload as RunStartPayload;
        const areas = start.protectedAreas.map((p) => ({
          id: p.id,
          name: p.name,
          owner: p.nation,
          polygon: p.polygon.map(([lat, lon]) => ({
            lat: (lat * Math.PI) / 180,
            lon: (lon * Math.PI) / 180,
          })),
        }));
        collector = new ThreatMetricsCollector(start.scenario.nations, start.threats, areas);
        break;
      }
      case "threat.added":
        need(collector, e.seq).addThreat(e.payload as ThreatTruth);
        break;
      case "alert": {
        const a = (e.payload as { alert: Alert }).alert;
        alerts.set(`${a.id}:${a.version}`, a);
        break;
      }
      case "metric": {
        const o = e.payload as MetricObservation;
        const c = need(collector, e.seq);
        if (o.what === "alert") {
          const a = alerts.get(`${o.alertId}:${o.version}`);
          if (!a)
            throw new UserError(
              `event ${e.seq}: metric for alert ${o.alertId} v${o.version} that the log does not hold`,
            );
          c.alert(o.nation as AllyCode, o.debris ? undefined : o.threat, a, o.fallen);
        } else if (o.what === "detection") c.detection(o.nation, o.threat, o.t);
        else if (o.what === "own-track") c.ownTrack(o.nation, o.threat, o.t);
        else c.alliedTrack(o.nation, o.threat, o.t);
        break;
      }
      case "run.end":
        end = e.payload as RunEndPayload;
        break;
    }
  }
  if (!start || !collector)
    throw new UserError(`run ${runId}: no run.start event — not a run of the exercise runner`);
  if (!end) throw new UserError(`run ${runId}: no run.end event — the run did not finish`);
  return {
    scenario: start.scenario.name,
    sharing: start.sharing as ExerciseResult["sharing"],
    seed: start.seed,
    simulatedS: end.simulatedS,
    metrics: collector.results(),
    unmatchedFalseWarnings: collector.unmatchedFalseWarnings(),
    detections: end.detections,
    messages: end.messages,
    // run.end itself is counted by the live run too (it is recorded before the result is returned).
    eventsLogged,
  };
}

function need(c: ThreatMetricsCollector | null, seq: number): ThreatMetricsCollector {
  if (!c) throw new UserError(`event ${seq}: comes before the run.start event`);
  return c;
}

/**
 * The after-action report as CSV files (RFC 4180), for spreadsheets and other tools: the timeline,
 * the measures, the ratings and the improvement plan.
 */
import { toCsv } from "./csv.ts";
import type { TtxEvent } from "./events.ts";
import type { Measures } from "./measures.ts";
import type { TtxState } from "./state.ts";
import { type ReportLang, timelineRows } from "./timeline.ts";

const s = (v: number | null) => (v === null ? "" : String(v));

export function timelineCsv(events: readonly TtxEvent[], st: TtxState, lang: ReportLang = "en"): string {
  return toCsv([
    ["seq", "t_s", "time", "type", "actor", "audience", "story_time", "summary"],
    ...timelineRows(events, st.def, lang).map((r) => [
      String(r.seq),
      String(r.t),
      r.clock,
      r.type,
      r.actor,
      r.audience,
      r.story,
      r.summary,
    ]),
  ]);
}

export function measuresCsv(m: Measures): string {
  const rows: string[][] = [["measure", "scope", "value"]];
  const add = (name: string, scope: string, v: number | null) => rows.push([name, scope, s(v)]);
  add("injects_delivered", "exercise", m.injectsDelivered);
  add("consultations", "exercise", m.consultations);
  add("consultations_convened", "exercise", m.consultationsConvened);
  add("detection_to_ally_notification_s", "exercise", m.detectionToAllyNotificationS);
  for (const n of m.notifications) add("detection_to_ally_notification_s", n.inject, n.delayS);
  add("time_to_first_consultation_s", "exercise", m.timeToFirstConsultationS);
  for (const x of m.moves) add("time_to_first_consultation_s", x.move, x.timeToFirstConsultationS);
  add("time_to_decision_s", "exercise", m.timeToDecisionS);
  for (const d of m.decisionPoints) add("time_to_decision_s", d.decisionPoint, d.timeToDecisionS);
  add("time_to_cleared_statement_s", "exercise", m.timeToClearedStatementS);
  for (const x of m.moves) add("time_to_cleared_statement_s", x.move, x.timeToClearedStatementS);
  for (const x of m.moves)
    for (const d of x.deadlines)
      rows.push(["consultation_deadline_met", `${x.move}/${d.channel}`, d.met === null ? "" : String(d.met)]);
  add("proposals", "exercise", m.proposals);
  add("decisions", "exercise", m.decisions);
  add("non_concurrences", "exercise", m.nonConcurrences);
  add("consensus", "exercise", m.consensus);
  add("statements_released", "exercise", m.statementsReleased);
  add("escalation_rung_reached", "exercise", m.escalationRungReached);
  add("messages", "exercise", m.messages);
  add("read_share", "exercise", m.readShare);
  return toCsv(rows);
}

export function ratingsCsv(st: TtxState): string {
  return toCsv([
    ["objective", "rating", "evaluator", "t_s", "note"],
    ...st.ratings.map((r) => [r.objective, r.rating, r.evaluator, String(r.t), r.note]),
  ]);
}

export function improvementPlanCsv(st: TtxState): string {
  return toCsv([
    ["id", "objective", "issue", "corrective_action", "capability", "owner", "due_date"],
    ...st.improvements.map((i) => [
      i.id,
      i.objective,
      i.issue,
      i.correctiveAction,
      i.capability,
      i.owner,
      i.dueDate,
    ]),
  ]);
}

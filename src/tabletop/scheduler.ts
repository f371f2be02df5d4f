/**
 * What the passage of time causes, without anyone asking: scheduled injects fall due, conditional
 * triggers are evaluated at their deadlines ("no consultation opened within 10 minutes" → a
 * contingency inject), expected consultations are checked at their deadlines, decision points close,
 * decided options are carried out when their lead time has passed, and ENDEX comes.
 *
 * `nextDue` finds the earliest such item; the session processes items in time order (and in a fixed
 * order within one instant), stamping each with its own due time, so a run's events do not depend on
 * how often the clock is polled.
 */
import type { PendingEvent } from "./events.ts";
import { decisionPointAudience, deliveryEvents } from "./handlers.ts";
import type { TriggerCondition } from "./model.ts";
import { audienceOf, STAFF_ONLY } from "./releasability.ts";
import type { TtxState } from "./state.ts";

type DueItem =
  | { kind: "inject"; t: number; order: number; inject: string }
  | { kind: "trigger"; t: number; order: number; trigger: string; since: number }
  | { kind: "deadline"; t: number; order: number; move: string; channel: string; since: number }
  | { kind: "close"; t: number; order: number; decisionPoint: string }
  | { kind: "execute"; t: number; order: number; proposal: string }
  | { kind: "endex"; t: number; order: number };

/** Rank of each kind within one instant: injects first, ENDEX last. */
const RANK = { inject: 0, trigger: 1, deadline: 2, close: 3, execute: 4, endex: 5 } as const;

function before(a: DueItem, b: DueItem): boolean {
  if (a.t !== b.t) return a.t < b.t;
  if (RANK[a.kind] !== RANK[b.kind]) return RANK[a.kind] < RANK[b.kind];
  return a.order < b.order;
}

/** The earliest item due, or null when nothing remains (only after ENDEX). */
export function nextDue(s: TtxState): DueItem | null {
  if (s.ended) return null;
  let best: DueItem | null = null;
  const consider = (d: DueItem) => {
    if (best === null || before(d, best)) best = d;
  };
  for (const st of s.injects.values())
    if (st.deliveredAt === null && st.deliveryS !== null && st.inject.kind === "scheduled")
      consider({ kind: "inject", t: st.deliveryS, order: st.inject.seq, inject: st.inject.id });
  s.def.triggers.forEach((tr, i) => {
    if (s.triggers.has(tr.id)) return;
    const d = s.injects.get(tr.after)?.deliveredAt;
    if (d != null) consider({ kind: "trigger", t: d + tr.withinS, order: i, trigger: tr.id, since: d });
  });
  s.def.moves.forEach((m, mi) => {
    const d = s.injects.get(m.triggerInject)?.deliveredAt;
    if (d == null) return;
    m.consultations.forEach((c, ci) => {
      if (!s.deadlines.has(`${m.id}/${c.channel}`))
        consider({
          kind: "deadline",
          t: d + c.withinS,
          order: mi * 1000 + ci,
          move: m.id,
          channel: c.channel,
          since: d,
        });
    });
  });
  s.def.decisionPoints.forEach((dp, i) => {
    const st = s.decisionPoints.get(dp.id)!;
    if (st.openedAt !== null && st.closedAt === null)
      consider({ kind: "close", t: st.openedAt + dp.deadlineS, order: i, decisionPoint: dp.id });
  });
  let pi = 0;
  for (const p of s.proposals.values()) {
    if (p.effectiveS !== null && p.executedAt === null)
      consider({ kind: "execute", t: p.effectiveS, order: pi, proposal: p.id });
    pi++;
  }
  consider({ kind: "endex", t: s.def.exercise.endS, order: 0 });
  return best;
}

/** Whether a trigger's condition happened between `since` and `until` (inclusive). */
export function conditionMet(s: TtxState, c: TriggerCondition, since: number, until: number): boolean {
  // A consultation counts if it was open at some time in the window.
  const overlaps = (start: number | null, closed: number | null) =>
    start !== null && start <= until && (closed === null || closed >= since);
  switch (c.kind) {
    case "consultation-opened":
      return [...s.consultations.values()].some(
        (x) => (c.channel === undefined || x.channel === c.channel) && overlaps(x.openedAt, x.closedAt),
      );
    case "consultation-convened":
      return [...s.consultations.values()].some(
        (x) => (c.channel === undefined || x.channel === c.channel) && overlaps(x.convenedAt, x.closedAt),
      );
    case "decision-made":
      return [...s.proposals.values()].some(
        (p) =>
          (c.decisionPoint === undefined || p.decisionPoint === c.decisionPoint) &&
          p.decidedAt !== null &&
          p.decidedAt >= since &&
          p.decidedAt <= until,
      );
    case "statement-released":
      return [...s.statements.values()].some(
        (x) => x.releasedAt !== null && x.releasedAt >= since && x.releasedAt <= until,
      );
  }
}

/** The events one due item causes. */
export function dueEvents(s: TtxState, d: DueItem): PendingEvent[] {
  const at = { t: d.t, actor: null };
  switch (d.kind) {
    case "inject":
      return deliveryEvents(s, d.inject, d.t, "scheduled", null);
    case "trigger": {
      const tr = s.def.triggers.find((x) => x.id === d.trigger)!;
      if (conditionMet(s, tr.unless, d.since, d.t))
        return [{ type: "trigger.satisfied", trigger: tr.id, ...at, audience: STAFF_ONLY }];
      const fired: PendingEvent = {
        type: "trigger.fired",
        trigger: tr.id,
        inject: tr.inject,
        ...at,
        audience: STAFF_ONLY,
      };
      // Control may already have delivered the contingency inject by hand.
      if (s.injects.get(tr.inject)!.deliveredAt !== null) return [fired];
      return [fired, ...deliveryEvents(s, tr.inject, d.t, "trigger", null, tr.id)];
    }
    case "deadline": {
      const met = conditionMet(s, { kind: "consultation-convened", channel: d.channel }, d.since, d.t);
      const ch = s.def.channels.find((c) => c.id === d.channel)!;
      return [
        {
          type: "consultation.deadline",
          move: d.move,
          channel: d.channel,
          met,
          ...at,
          audience: audienceOf(ch.members),
        },
      ];
    }
    case "close": {
      const decided = [...s.proposals.values()].some(
        (p) => p.decisionPoint === d.decisionPoint && p.decidedAt !== null,
      );
      return [
        {
          type: "decision-point.closed",
          decisionPoint: d.decisionPoint,
          decided,
          ...at,
          audience: decisionPointAudience(s, d.decisionPoint),
        },
      ];
    }
    case "execute": {
      const p = s.proposals.get(d.proposal)!;
      // Carrying out a signalling option is public: that is its purpose.
      return [{ type: "option.executed", proposal: p.id, option: p.option, ...at, audience: { all: true } }];
    }
    case "endex":
      return [{ type: "exercise.ended", ...at, audience: { all: true } }];
  }
}

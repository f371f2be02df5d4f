/**
 * The after-action measures of a run, computed from its state (itself a fold of the events), in
 * exercise seconds:
 *
 * - detection to ally notification, per missile warning: from the warning's `tDetect` to the first
 *   moment another ally knew — the warning itself reaching an ally, a message from the detecting cell
 *   releasable to an ally, or a consultation the detecting cell opened with an ally;
 * - time to first consultation, per move: from the move's trigger inject to the first consultation
 *   opened in the move;
 * - time to decision, per decision point: from its opening to its first decision;
 * - time to a cleared joint statement, per move: from the trigger to the first statement (drafted in
 *   the move) that every party had cleared;
 * - consensus: share of proposals that reached a decision, and the non-concurrences on the way;
 * - the highest escalation rung decided; evaluator ratings (the latest per objective).
 *
 * The headline numbers are means over the moves (decision points) where a value exists, null when none.
 */
import type { NationalCell, Rating } from "./model.ts";
import { moveAt, type TtxState } from "./state.ts";

export interface NotificationMeasure {
  readonly inject: string;
  readonly detectingNation: NationalCell;
  readonly tDetect: number;
  readonly notifiedAt: number | null;
  readonly delayS: number | null;
  /** How the first ally learned: "warning", "message" or "consultation". */
  readonly via: string | null;
}

export interface MoveMeasure {
  readonly move: string;
  readonly triggerAt: number | null;
  readonly timeToFirstConsultationS: number | null;
  readonly timeToFirstConvenedS: number | null;
  readonly timeToClearedStatementS: number | null;
  readonly timeToReleasedStatementS: number | null;
  readonly deadlines: readonly { channel: string; met: boolean | null }[];
}

export interface DecisionMeasure {
  readonly decisionPoint: string;
  readonly openedAt: number | null;
  readonly decidedOptions: readonly string[];
  readonly timeToDecisionS: number | null;
}

export interface Measures {
  readonly injectsDelivered: number;
  readonly injectsByReason: Readonly<Record<string, number>>;
  readonly consultations: number;
  readonly consultationsConvened: number;
  readonly messages: number;
  /** Read receipts over the (message, eligible reader) pairs of national players. */
  readonly readShare: number | null;
  readonly proposals: number;
  readonly decisions: number;
  readonly nonConcurrences: number;
  readonly consensus: number | null;
  readonly statementsReleased: number;
  readonly escalationRungReached: number;
  readonly notifications: readonly NotificationMeasure[];
  readonly detectionToAllyNotificationS: number | null;
  readonly moves: readonly MoveMeasure[];
  readonly decisionPoints: readonly DecisionMeasure[];
  readonly timeToFirstConsultationS: number | null;
  readonly timeToDecisionS: number | null;
  readonly timeToClearedStatementS: number | null;
  /** Latest rating per objective (objectives not rated are absent). */
  readonly ratings: Readonly<Record<string, Rating>>;
}

function mean(xs: (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null);
  return v.length === 0 ? null : v.reduce((a, b) => a + b, 0) / v.length;
}

function minOrNull(xs: number[]): number | null {
  return xs.length === 0 ? null : Math.min(...xs);
}

export function computeMeasures(s: TtxState): Measures {
  const delivered = [...s.injects.values()].filter((i) => i.deliveredAt !== null);
  const byReason: Record<string, number> = {};
  for (const i of delivered) byReason[i.reason!] = (byReason[i.reason!] ?? 0) + 1;
  const consultations = [...s.consultations.values()];
  const messages = [...s.messages.values()];
  const proposals = [...s.proposals.values()];
  const decided = proposals.filter((p) => p.decidedAt !== null);
  const statements = [...s.statements.values()];

  const notifications: NotificationMeasure[] = delivered
    .filter((i) => i.inject.warning)
    .map((i) => {
      const w = i.inject.warning!;
      const n = w.detectingNation;
      const d = i.deliveredAt!;
      const cands: { t: number; via: string }[] = [];
      if (i.inject.to.some((c) => c !== n && c !== "CONTROL" && c !== "SIMCELL"))
        cands.push({ t: d, via: "warning" });
      for (const m of messages)
        if (m.fromCell === n && m.t >= d && m.releasableTo.some((c) => c !== n))
          cands.push({ t: m.t, via: "message" });
      for (const c of consultations) {
        const members = s.def.channels.find((x) => x.id === c.channel)!.members;
        if (c.openedBy === n && c.openedAt >= d && members.some((x) => x !== n))
          cands.push({ t: c.openedAt, via: "consultation" });
      }
      cands.sort((a, b) => a.t - b.t);
      const first = cands[0];
      return {
        inject: i.inject.id,
        detectingNation: n,
        tDetect: w.tDetect,
        notifiedAt: first?.t ?? null,
        delayS: first ? first.t - w.tDetect : null,
        via: first?.via ?? null,
      };
    });

  const moves: MoveMeasure[] = s.def.moves.map((m) => {
    const trig = s.injects.get(m.triggerInject)?.deliveredAt ?? null;
    if (trig === null)
      return {
        move: m.id,
        triggerAt: null,
        timeToFirstConsultationS: null,
        timeToFirstConvenedS: null,
        timeToClearedStatementS: null,
        timeToReleasedStatementS: null,
        deadlines: m.consultations.map((c) => ({ channel: c.channel, met: null })),
      };
    const inMove = consultations.filter((c) => c.move === m.id && c.openedAt >= trig);
    const opened = minOrNull(inMove.map((c) => c.openedAt));
    const convened = minOrNull(inMove.filter((c) => c.convenedAt !== null).map((c) => c.convenedAt!));
    const moveStatements = statements.filter((x) => moveAt(s, x.draftedAt) === m.id && x.draftedAt >= trig);
    const cleared = minOrNull(
      moveStatements.filter((x) => x.allClearedAt !== null).map((x) => x.allClearedAt!),
    );
    const released = minOrNull(moveStatements.filter((x) => x.releasedAt !== null).map((x) => x.releasedAt!));
    return {
      move: m.id,
      triggerAt: trig,
      timeToFirstConsultationS: opened === null ? null : opened - trig,
      timeToFirstConvenedS: convened === null ? null : convened - trig,
      timeToClearedStatementS: cleared === null ? null : cleared - trig,
      timeToReleasedStatementS: released === null ? null : released - trig,
      deadlines: m.consultations.map((c) => ({
        channel: c.channel,
        met: s.deadlines.get(`${m.id}/${c.channel}`) ?? null,
      })),
    };
  });

  const decisionPoints: DecisionMeasure[] = s.def.decisionPoints.map((dp) => {
    const st = s.decisionPoints.get(dp.id)!;
    const ds = decided.filter((p) => p.decisionPoint === dp.id).sort((a, b) => a.decidedAt! - b.decidedAt!);
    return {
      decisionPoint: dp.id,
      openedAt: st.openedAt,
      decidedOptions: ds.map((p) => p.option),
      timeToDecisionS: st.openedAt !== null && ds.length > 0 ? ds[0].decidedAt! - st.openedAt : null,
    };
  });

  let eligible = 0;
  let read = 0;
  const players = [...s.participants.values()].filter((p) => p.role === "player");
  for (const m of messages)
    for (const p of players) {
      if (p.id === m.from || !m.releasableTo.includes(p.cell as NationalCell)) continue;
      eligible++;
      if (m.readBy.has(p.id)) read++;
    }

  const ratings: Record<string, Rating> = {};
  for (const r of [...s.ratings].sort((a, b) => a.t - b.t)) ratings[r.objective] = r.rating;

  let nonConcurrences = 0;
  for (const p of proposals) for (const a of p.answers.values()) if (!a.concur) nonConcurrences++;

  return {
    injectsDelivered: delivered.length,
    injectsByReason: byReason,
    consultations: consultations.length,
    consultationsConvened: consultations.filter((c) => c.convenedAt !== null).length,
    messages: messages.length,
    readShare: eligible === 0 ? null : read / eligible,
    proposals: proposals.length,
    decisions: decided.length,
    nonConcurrences,
    consensus: proposals.length === 0 ? null : decided.length / proposals.length,
    statementsReleased: statements.filter((x) => x.releasedAt !== null).length,
    escalationRungReached: Math.max(
      0,
      ...decided.map((p) => s.def.options.find((o) => o.id === p.option)!.rung),
    ),
    notifications,
    detectionToAllyNotificationS: mean(notifications.map((n) => n.delayS)),
    moves,
    decisionPoints,
    timeToFirstConsultationS: mean(moves.map((m) => m.timeToFirstConsultationS)),
    timeToDecisionS: mean(decisionPoints.map((d) => d.timeToDecisionS)),
    timeToClearedStatementS: mean(moves.map((m) => m.timeToClearedStatementS)),
    ratings,
  };
}

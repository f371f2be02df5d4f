/**
 * The state of a tabletop run: a fold over its events (events.ts), nothing else. `applyEvent` is the
 * only code that changes it and it never fails: every check happens before an event exists
 * (handlers.ts), so replaying a recorded run always reproduces the state.
 */
import type { ClockPhase, ClockState } from "./clock.ts";
import { INITIAL_CLOCK } from "./clock.ts";
import type { ImprovementItem, InjectReason, TtxEvent } from "./events.ts";
import type { CellId, Inject, LocalizedText, NationalCell, Rating, Role, TtxDefinition } from "./model.ts";
import type { Audience } from "./releasability.ts";

export interface ParticipantState {
  readonly id: string;
  readonly name: string;
  readonly cell: CellId;
  readonly role: Role;
  online: boolean;
  joinedAt: number | null;
}

export interface InjectState {
  inject: Inject;
  /** Current scheduled delivery (after timeline shifts), null when not scheduled. */
  deliveryS: number | null;
  deliveredAt: number | null;
  reason: InjectReason | null;
}

export interface ConsultationState {
  readonly id: string;
  readonly channel: string;
  readonly move: string | null;
  readonly openedBy: NationalCell;
  readonly openedAt: number;
  /** Cell → first time a member of it joined. */
  readonly joined: Map<NationalCell, number>;
  /** Participant → time they joined (presence in the consultation). */
  readonly present: Map<string, number>;
  convenedAt: number | null;
  closedAt: number | null;
}

export interface MessageState {
  readonly id: string;
  readonly consultation: string | null;
  readonly from: string;
  readonly fromCell: NationalCell;
  readonly releasableTo: readonly NationalCell[];
  readonly audience: Audience;
  readonly text: string;
  readonly t: number;
  /** Participant → time read. */
  readonly readBy: Map<string, number>;
}

export interface ProposalState {
  readonly id: string;
  readonly decisionPoint: string;
  readonly option: string;
  readonly cell: NationalCell;
  readonly proposer: string;
  readonly required: readonly NationalCell[];
  readonly consultation: string | null;
  readonly t: number;
  readonly answers: Map<NationalCell, { concur: boolean; t: number; reason: string }>;
  decidedAt: number | null;
  effectiveS: number | null;
  executedAt: number | null;
  adjudicatedAt: number | null;
}

export interface DecisionPointState {
  openedAt: number | null;
  closedAt: number | null;
}

export interface StatementState {
  readonly id: string;
  readonly parties: readonly NationalCell[];
  version: number;
  text: LocalizedText;
  readonly draftedAt: number;
  /** Cell → version it cleared (a clearance counts only for the current version). */
  readonly clearedVersion: Map<NationalCell, number>;
  /** Time every party had cleared the current version, or null. */
  allClearedAt: number | null;
  releasedAt: number | null;
}

export interface RatingRecord {
  readonly objective: string;
  readonly rating: Rating;
  readonly evaluator: string;
  readonly note: string;
  readonly t: number;
}

export interface TtxState {
  readonly def: TtxDefinition;
  clock: ClockState;
  /** Whether the clock was ever started (STARTEX). */
  started: boolean;
  ended: boolean;
  /** Time of the last event. */
  t: number;
  /** Sequence number of the last event. */
  seq: number;
  /** Current start of each move (after shifts). */
  readonly moveStart: Map<string, number>;
  readonly participants: Map<string, ParticipantState>;
  readonly injects: Map<string, InjectState>;
  readonly decisionPoints: Map<string, DecisionPointState>;
  /** Trigger id → outcome once evaluated. */
  readonly triggers: Map<string, "fired" | "satisfied">;
  readonly consultations: Map<string, ConsultationState>;
  /** Move/channel keys whose consultation deadline has been evaluated. */
  readonly deadlines: Map<string, boolean>;
  readonly messages: Map<string, MessageState>;
  readonly proposals: Map<string, ProposalState>;
  readonly statements: Map<string, StatementState>;
  readonly ratings: RatingRecord[];
  readonly improvements: ImprovementItem[];
  readonly adjudications: Map<string, { ruling: string; inject: string | null; t: number }>;
}

export function initialState(def: TtxDefinition): TtxState {
  return {
    def,
    clock: INITIAL_CLOCK,
    started: false,
    ended: false,
    t: 0,
    seq: 0,
    moveStart: new Map(def.moves.map((m) => [m.id, m.startS])),
    participants: new Map(
      def.participants.map((p) => [
        p.id,
        { id: p.id, name: p.name, cell: p.cell, role: p.role, online: false, joinedAt: null },
      ]),
    ),
    injects: new Map(
      def.injects.map((i) => [i.id, { inject: i, deliveryS: i.deliveryS, deliveredAt: null, reason: null }]),
    ),
    decisionPoints: new Map(def.decisionPoints.map((d) => [d.id, { openedAt: null, closedAt: null }])),
    triggers: new Map(),
    consultations: new Map(),
    deadlines: new Map(),
    messages: new Map(),
    proposals: new Map(),
    statements: new Map(),
    ratings: [],
    improvements: [],
    adjudications: new Map(),
  };
}

/** The compression phases of the clock: one per move, from its current start. */
export function clockPhases(s: TtxState): ClockPhase[] {
  return s.def.moves
    .map((m) => ({ startS: s.moveStart.get(m.id) ?? m.startS, rate: m.compression }))
    .sort((a, b) => a.startS - b.startS);
}

/** The move running at exercise time t (the last one started), or null before the first. */
export function moveAt(s: TtxState, t: number): string | null {
  let best: string | null = null;
  let bestStart = Number.NEGATIVE_INFINITY;
  for (const m of s.def.moves) {
    const st = s.moveStart.get(m.id) ?? m.startS;
    if (st <= t && st >= bestStart) {
      best = m.id;
      bestStart = st;
    }
  }
  return best;
}

/** Folds one event into the state (mutates it). Never throws for an event a handler produced. */
export function applyEvent(s: TtxState, e: TtxEvent): void {
  s.t = e.t;
  s.seq = e.seq;
  switch (e.type) {
    case "participant.joined": {
      const p = s.participants.get(e.participant)!;
      p.online = true;
      p.joinedAt ??= e.t;
      break;
    }
    case "participant.left":
      s.participants.get(e.participant)!.online = false;
      break;
    case "clock.resumed":
      s.clock = { running: true, anchorS: e.t, anchorWallMs: e.wallMs };
      s.started = true;
      break;
    case "clock.paused":
      s.clock = { running: false, anchorS: e.t, anchorWallMs: e.wallMs };
      break;
    case "inject.delivered": {
      const existing = s.injects.get(e.inject.id);
      if (existing) {
        existing.deliveredAt = e.t;
        existing.reason = e.reason;
      } else {
        // A warning from the coupled simulation: a new inject, not in the MSEL.
        s.injects.set(e.inject.id, { inject: e.inject, deliveryS: e.t, deliveredAt: e.t, reason: e.reason });
      }
      break;
    }
    case "decision-point.opened":
      s.decisionPoints.get(e.decisionPoint)!.openedAt = e.t;
      break;
    case "decision-point.closed":
      s.decisionPoints.get(e.decisionPoint)!.closedAt = e.t;
      break;
    case "trigger.fired":
      s.triggers.set(e.trigger, "fired");
      break;
    case "trigger.satisfied":
      s.triggers.set(e.trigger, "satisfied");
      break;
    case "consultation.opened":
      s.consultations.set(e.consultation, {
        id: e.consultation,
        channel: e.channel,
        move: e.move,
        openedBy: e.cell,
        openedAt: e.t,
        joined: new Map(),
        present: new Map(),
        convenedAt: null,
        closedAt: null,
      });
      break;
    case "consultation.joined": {
      const c = s.consultations.get(e.consultation)!;
      if (!c.joined.has(e.cell)) c.joined.set(e.cell, e.t);
      c.present.set(e.participant, e.t);
      break;
    }
    case "consultation.convened":
      s.consultations.get(e.consultation)!.convenedAt = e.t;
      break;
    case "consultation.closed":
      s.consultations.get(e.consultation)!.closedAt = e.t;
      break;
    case "consultation.deadline":
      s.deadlines.set(`${e.move}/${e.channel}`, e.met);
      break;
    case "message.sent":
      s.messages.set(e.message, {
        id: e.message,
        consultation: e.consultation,
        from: e.from,
        fromCell: e.fromCell,
        releasableTo: e.releasableTo,
        audience: e.audience,
        text: e.text,
        t: e.t,
        readBy: new Map(),
      });
      break;
    case "message.read":
      s.messages.get(e.message)!.readBy.set(e.participant, e.t);
      break;
    case "proposal.made":
      s.proposals.set(e.proposal, {
        id: e.proposal,
        decisionPoint: e.decisionPoint,
        option: e.option,
        cell: e.cell,
        proposer: e.actor ?? "",
        required: e.required,
        consultation: e.consultation,
        t: e.t,
        answers: new Map(),
        decidedAt: null,
        effectiveS: null,
        executedAt: null,
        adjudicatedAt: null,
      });
      break;
    case "proposal.answered":
      s.proposals.get(e.proposal)!.answers.set(e.cell, { concur: e.concur, t: e.t, reason: e.reason });
      break;
    case "decision.made": {
      const p = s.proposals.get(e.proposal)!;
      p.decidedAt = e.t;
      p.effectiveS = e.effectiveS;
      break;
    }
    case "option.executed":
      s.proposals.get(e.proposal)!.executedAt = e.t;
      break;
    case "statement.drafted": {
      const st = s.statements.get(e.statement);
      if (st) {
        st.version = e.version;
        st.text = e.text;
        st.allClearedAt = null;
      } else {
        s.statements.set(e.statement, {
          id: e.statement,
          parties: e.parties,
          version: e.version,
          text: e.text,
          draftedAt: e.t,
          clearedVersion: new Map(),
          allClearedAt: null,
          releasedAt: null,
        });
      }
      break;
    }
    case "statement.cleared": {
      const st = s.statements.get(e.statement)!;
      st.clearedVersion.set(e.cell, e.version);
      if (st.parties.every((c) => st.clearedVersion.get(c) === st.version)) st.allClearedAt = e.t;
      break;
    }
    case "statement.released":
      s.statements.get(e.statement)!.releasedAt = e.t;
      break;
    case "adjudication.made":
      s.adjudications.set(e.proposal, { ruling: e.ruling, inject: e.inject, t: e.t });
      s.proposals.get(e.proposal)!.adjudicatedAt = e.t;
      break;
    case "timeline.shifted":
      for (const id of e.injects) {
        const i = s.injects.get(id)!;
        i.deliveryS = (i.deliveryS ?? 0) + e.deltaS;
      }
      for (const id of e.moves) s.moveStart.set(id, (s.moveStart.get(id) ?? 0) + e.deltaS);
      // The phases after now moved: re-anchor so the clock is continuous at this instant.
      if (s.clock.running) s.clock = { running: true, anchorS: e.t, anchorWallMs: e.wallMs };
      break;
    case "objective.rated":
      s.ratings.push({
        objective: e.objective,
        rating: e.rating,
        evaluator: e.evaluator,
        note: e.note,
        t: e.t,
      });
      break;
    case "improvement.added":
      s.improvements.push(e.item);
      break;
    case "exercise.ended":
      s.ended = true;
      s.clock = { running: false, anchorS: e.t, anchorWallMs: e.wallMs };
      break;
  }
}

/**
 * A canonical JSON picture of the state (maps as sorted entry lists), for comparing two states:
 * "a bad command changed nothing", "replay reproduces the state".
 */
export function stateDigest(s: TtxState): string {
  return JSON.stringify(s, (k, v) => {
    if (k === "def") return undefined;
    if (v instanceof Map)
      return [...v.entries()].sort(([a], [b]) =>
        String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0,
      );
    return v;
  });
}

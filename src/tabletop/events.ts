/**
 * What happens in a tabletop run: the event list is the run. State (state.ts) is a fold over it,
 * the after-action report reads it, replay re-folds it and a fork folds a prefix of it.
 *
 * Every event is addressed (`audience`): the delivery function hands an event only to participants
 * whose cell may see it (releasability.ts). Events carry exercise time `t` (seconds since STARTEX)
 * and the wall time of the clock source when they were recorded (used only to re-anchor the clock
 * on replay).
 */
import type { SecurityLabel } from "../sharing/label.ts";
import type { CellId, Inject, LocalizedText, NationalCell, Rating, Role } from "./model.ts";
import type { Audience } from "./releasability.ts";

export type InjectReason = "scheduled" | "trigger" | "on-demand" | "adjudication" | "warning";

/** One row of the HSEEP improvement plan. */
export interface ImprovementItem {
  readonly id: string;
  readonly objective: string;
  readonly issue: string;
  readonly correctiveAction: string;
  readonly capability: string;
  /** Organisation (or cell) responsible. */
  readonly owner: string;
  /** Completion date, YYYY-MM-DD. */
  readonly dueDate: string;
}

export type TtxEventBody =
  | { type: "participant.joined"; participant: string; cell: CellId; role: Role }
  | { type: "participant.left"; participant: string }
  | { type: "clock.resumed" }
  | { type: "clock.paused" }
  | { type: "inject.delivered"; inject: Inject; reason: InjectReason; trigger?: string }
  | { type: "decision-point.opened"; decisionPoint: string }
  | { type: "decision-point.closed"; decisionPoint: string; decided: boolean }
  | { type: "trigger.fired"; trigger: string; inject: string }
  | { type: "trigger.satisfied"; trigger: string }
  | {
      type: "consultation.opened";
      consultation: string;
      channel: string;
      move: string | null;
      cell: NationalCell;
    }
  | { type: "consultation.joined"; consultation: string; cell: NationalCell; participant: string }
  | { type: "consultation.convened"; consultation: string }
  | { type: "consultation.closed"; consultation: string }
  | { type: "consultation.deadline"; move: string; channel: string; met: boolean }
  | {
      type: "message.sent";
      message: string;
      consultation: string | null;
      from: string;
      fromCell: NationalCell;
      releasableTo: NationalCell[];
      label: SecurityLabel;
      text: string;
      lang: string;
    }
  | { type: "message.read"; message: string; participant: string }
  | {
      type: "proposal.made";
      proposal: string;
      decisionPoint: string;
      option: string;
      cell: NationalCell;
      required: NationalCell[];
      consultation: string | null;
    }
  | { type: "proposal.answered"; proposal: string; cell: NationalCell; concur: boolean; reason: string }
  | {
      type: "decision.made";
      proposal: string;
      decisionPoint: string;
      option: string;
      cell: NationalCell;
      rung: number;
      effectiveS: number;
    }
  | { type: "option.executed"; proposal: string; option: string }
  | {
      type: "statement.drafted";
      statement: string;
      version: number;
      parties: NationalCell[];
      text: LocalizedText;
    }
  | { type: "statement.cleared"; statement: string; version: number; cell: NationalCell }
  | {
      type: "statement.released";
      statement: string;
      version: number;
      parties: NationalCell[];
      text: LocalizedText;
    }
  | { type: "adjudication.made"; proposal: string; ruling: string; inject: string | null }
  | { type: "timeline.shifted"; fromS: number; deltaS: number; injects: string[]; moves: string[] }
  | { type: "objective.rated"; objective: string; rating: Rating; evaluator: string; note: string }
  | { type: "improvement.added"; item: ImprovementItem }
  | { type: "exercise.ended" };

export type TtxEventType = TtxEventBody["type"];

export type TtxEvent = TtxEventBody & {
  /** Position in the run, from 1. */
  readonly seq: number;
  /** Exercise seconds since STARTEX. */
  readonly t: number;
  /** Clock-source time when recorded (ms). */
  readonly wallMs: number;
  /** Participant who caused it, or null for the engine (schedule, triggers). */
  readonly actor: string | null;
  readonly audience: Audience;
};

/** An event before the session numbers and stamps it. */
export type PendingEvent = TtxEventBody & {
  readonly t: number;
  readonly actor: string | null;
  readonly audience: Audience;
};

/**
 * The tabletop's wire format as the browser sees it: frames of src/server/tabletop-routes.ts carrying
 * events of src/tabletop/events.ts. Mirrored here (types only) because the server-side modules pull in
 * Node-only code the browser build cannot type-check; src/server/tabletop-routes.test.ts checks that
 * the two agree.
 */
export type NationalCell = "KOR" | "USA" | "JPN";
export type CellId = NationalCell | "CONTROL" | "SIMCELL";
export type TtxRole = "player" | "controller" | "evaluator" | "observer";
export type Rating = "P" | "S" | "M" | "U";

export interface LocalizedText {
  readonly en: string;
  readonly ar: string;
  readonly ko?: string;
  readonly ja?: string;
}

export type Audience = { readonly all: true } | { readonly all: false; readonly cells: readonly NationalCell[] };

export interface Seat {
  readonly id: string;
  readonly name: string;
  readonly cell: CellId;
  readonly role: TtxRole;
}

export interface Channel {
  readonly id: string;
  readonly kind: string;
  readonly name: LocalizedText;
  readonly members: readonly NationalCell[];
  readonly required: readonly NationalCell[];
}

export type Precondition =
  | { readonly kind: "consulted"; readonly channel: string }
  | { readonly kind: "decided"; readonly option: string }
  | { readonly kind: "inject-delivered"; readonly inject: string };

export interface ResponseOption {
  readonly id: string;
  readonly category: "diplomatic" | "informational" | "military" | "economic";
  readonly name: LocalizedText;
  readonly rung: number;
  readonly leadTimeS: number;
  readonly leads: readonly NationalCell[];
  readonly concurrences: readonly NationalCell[];
  readonly preconditions: readonly Precondition[];
}

export interface WarningInfo {
  readonly threatId: string;
  readonly missileClass: string;
  /** Radians. */
  readonly launchPoint: { readonly lat: number; readonly lon: number };
  readonly impactPoint: { readonly lat: number; readonly lon: number };
  readonly tLaunch: number;
  readonly tDetect: number;
  /** Exercise seconds. */
  readonly tImpact: number;
  readonly detectingNation: string;
}

export interface Inject {
  readonly id: string;
  readonly seq: number;
  readonly move: string;
  readonly kind: "scheduled" | "contingency" | "on-demand";
  readonly scenarioTime: string;
  readonly deliveryS: number | null;
  readonly from: string;
  readonly to: readonly CellId[];
  readonly channel: string;
  readonly text: LocalizedText;
  readonly expectedAction: string;
  readonly objectives: readonly string[];
  readonly warning?: WarningInfo;
}

export interface Objective {
  readonly id: string;
  readonly text: LocalizedText;
  readonly capability: string;
}

export interface DecisionPointView {
  readonly id: string;
  readonly move: string;
  readonly prompt: LocalizedText;
  readonly deadlineS: number;
  readonly options: readonly string[];
}

export interface SecurityLabel {
  readonly policyId: string;
  readonly classification: string;
  readonly categories: readonly { readonly name: string; readonly type: string; readonly values: readonly string[] }[];
}

type Body =
  | { type: "participant.joined"; participant: string; cell: CellId; role: TtxRole }
  | { type: "participant.left"; participant: string }
  | { type: "clock.resumed" }
  | { type: "clock.paused" }
  | { type: "inject.delivered"; inject: Inject; reason: string; trigger?: string }
  | { type: "decision-point.opened"; decisionPoint: string }
  | { type: "decision-point.closed"; decisionPoint: string; decided: boolean }
  | { type: "trigger.fired"; trigger: string; inject: string }
  | { type: "trigger.satisfied"; trigger: string }
  | { type: "consultation.opened"; consultation: string; channel: string; move: string | null; cell: NationalCell }
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
  | { type: "statement.drafted"; statement: string; version: number; parties: NationalCell[]; text: LocalizedText }
  | { type: "statement.cleared"; statement: string; version: number; cell: NationalCell }
  | { type: "statement.released"; statement: string; version: number; parties: NationalCell[]; text: LocalizedText }
  | { type: "adjudication.made"; proposal: string; ruling: string; inject: string | null }
  | { type: "timeline.shifted"; fromS: number; deltaS: number; injects: string[]; moves: string[] }
  | { type: "objective.rated"; objective: string; rating: Rating; evaluator: string; note: string }
  | {
      type: "improvement.added";
      item: {
        id: string;
        objective: string;
        issue: string;
        correctiveAction: string;
        capability: string;
        owner: string;
        dueDate: string;
      };
    }
  | { type: "exercise.ended" };

export type TtxEvent = Body & {
  readonly seq: number;
  readonly t: number;
  readonly wallMs: number;
  readonly actor: string | null;
  readonly audience: Audience;
};

export interface SetupFrame {
  readonly type: "setup";
  readonly run: string;
  readonly runs: readonly string[];
  readonly participant: Seat;
  readonly seats: readonly Seat[];
  readonly exercise: {
    readonly name: string;
    readonly handling: string;
    readonly startDate: string;
    readonly endDate: string;
    readonly scope: LocalizedText;
    readonly objectives: readonly Objective[];
    readonly endS: number;
  };
  readonly cells: readonly { readonly id: CellId; readonly name: LocalizedText }[];
  readonly roster: readonly Seat[];
  readonly channels: readonly Channel[];
  readonly options: readonly ResponseOption[];
  readonly decisionPoints: readonly DecisionPointView[];
  readonly msel: readonly Inject[];
}

export interface ClockFrame {
  readonly type: "clock";
  readonly t: number;
  readonly running: boolean;
  readonly started: boolean;
  readonly ended: boolean;
  readonly rate: number;
  readonly move: { readonly id: string; readonly title: LocalizedText } | null;
  readonly storyMs: number | null;
  readonly nextDueS?: number | null;
}

export type ServerFrame =
  | SetupFrame
  | { readonly type: "events"; readonly events: readonly TtxEvent[]; readonly catchUp: boolean }
  | ClockFrame
  | { readonly type: "decision-point"; readonly decisionPoint: DecisionPointView }
  | { readonly type: "ack"; readonly ref: string | null; readonly seqs: readonly number[]; readonly run?: string }
  | { readonly type: "error"; readonly ref: string | null; readonly error: string };

/** Largest command frame the server takes (bytes of UTF-8). */
export const MAX_COMMAND_BYTES = 4096;

/**
 * The tabletop exercise as planners define it, following HSEEP (Homeland Security Exercise and
 * Evaluation Program): an exercise with objectives tied to core capabilities, cells that play it,
 * participants in roles, and — per move — the master scenario events list (MSEL), consultation
 * expectations, decision points and conditional triggers.
 *
 * Everything here is static definition (what the scenario file says, in exercise seconds). What
 * happens during a run lives in state.ts, built only from events.
 *
 * Time: `t` is exercise time, seconds since STARTEX (the first resume of the exercise clock).
 * Story time (the fictitious date and time the players live in, shown on local clocks) is derived
 * per move from its `storyEpoch`.
 */
import type { WarningEventInject } from "./warning-inject.ts";

/** The national cells: the three allies that play. */
export const NATIONAL_CELLS = ["KOR", "USA", "JPN"] as const;
export type NationalCell = (typeof NATIONAL_CELLS)[number];

/**
 * Staff cells. CONTROL runs the exercise, adjudicates and plays the adversary; SIMCELL plays media
 * and every other actor (governments not in play, the UN, the public). In HSEEP both belong to
 * exercise control, so both see everything.
 */
export const STAFF_CELLS = ["CONTROL", "SIMCELL"] as const;
export type StaffCell = (typeof STAFF_CELLS)[number];

export const CELLS = [...NATIONAL_CELLS, ...STAFF_CELLS] as const;
export type CellId = (typeof CELLS)[number];

export const ROLES = ["player", "controller", "evaluator", "observer"] as const;
export type Role = (typeof ROLES)[number];

export function isNationalCell(s: unknown): s is NationalCell {
  return typeof s === "string" && (NATIONAL_CELLS as readonly string[]).includes(s);
}
export function isStaffCell(s: unknown): s is StaffCell {
  return typeof s === "string" && (STAFF_CELLS as readonly string[]).includes(s);
}
export function isCellId(s: unknown): s is CellId {
  return typeof s === "string" && (CELLS as readonly string[]).includes(s);
}

/** Text in several languages: English and Arabic always; Korean and Japanese when written. */
export interface LocalizedText {
  readonly en: string;
  readonly ar: string;
  readonly ko?: string;
  readonly ja?: string;
}
export const LANGUAGES = ["en", "ar", "ko", "ja"] as const;
export type Language = (typeof LANGUAGES)[number];

export interface Objective {
  readonly id: string;
  readonly text: LocalizedText;
  /** The HSEEP core capability it exercises (for example "Operational Coordination"). */
  readonly capability: string;
}

export interface Exercise {
  readonly name: string;
  /** ISO dates (YYYY-MM-DD) of conduct. */
  readonly startDate: string;
  readonly endDate: string;
  readonly scope: LocalizedText;
  readonly objectives: readonly Objective[];
  readonly coreCapabilities: readonly string[];
  readonly organisations: readonly string[];
  /** Handling marking printed on every product, e.g. "UNCLASSIFIED // FOR EXERCISE USE ONLY". */
  readonly handling: string;
  /** ENDEX, exercise seconds after STARTEX. */
  readonly endS: number;
}

export interface Cell {
  readonly id: CellId;
  readonly name: LocalizedText;
}

export interface Participant {
  readonly id: string;
  readonly name: string;
  readonly cell: CellId;
  readonly role: Role;
}

export type ChannelKind =
  | "bilateral-hotline"
  | "trilateral-call"
  | "nuclear-consultative-group"
  | "ministerial-2+2";

/** A consultation channel, as data: who belongs to it and who must be present for it to count. */
export interface Channel {
  readonly id: string;
  readonly kind: ChannelKind;
  readonly name: LocalizedText;
  /** Cells that may open, join and read it; also its messages' "releasable to". */
  readonly members: readonly NationalCell[];
  /** Cells that must have joined before the consultation is convened (a subset of members). */
  readonly required: readonly NationalCell[];
}

export type OptionCategory = "diplomatic" | "informational" | "military" | "economic";

/** A condition an option needs before it may be proposed. */
export type Precondition =
  | { readonly kind: "consulted"; readonly channel: string }
  | { readonly kind: "decided"; readonly option: string }
  | { readonly kind: "inject-delivered"; readonly inject: string };

/**
 * A deterrence or response option: signalling and defensive posture only. The catalogue holds no
 * targeting and no use-of-force planning: an option is a name, a rung on the escalation ladder, the
 * time it takes to carry out and who must agree.
 */
export interface ResponseOption {
  readonly id: string;
  readonly category: OptionCategory;
  readonly name: LocalizedText;
  /** Escalation rung, 1 (lowest) upwards. */
  readonly rung: number;
  /** From decision to execution, exercise seconds. */
  readonly leadTimeS: number;
  /** Cells that may propose (lead) it. */
  readonly leads: readonly NationalCell[];
  /** Cells whose concurrence is required besides the lead's own. */
  readonly concurrences: readonly NationalCell[];
  readonly preconditions: readonly Precondition[];
}

export type InjectKind = "scheduled" | "contingency" | "on-demand";

/** One MSEL line. */
export interface Inject {
  readonly id: string;
  readonly seq: number;
  readonly move: string;
  readonly kind: InjectKind;
  /** Story time the inject describes, ISO 8601 with zone ("" when not meaningful). */
  readonly scenarioTime: string;
  /** Scheduled delivery, exercise seconds (null for contingency and on-demand injects). */
  readonly deliveryS: number | null;
  /** Who it comes from in the story ("CONTROL", "SIMCELL", "KOR JCS", ...). */
  readonly from: string;
  readonly to: readonly CellId[];
  /** Delivery means: "phone", "email", "media", "warning-system", "briefing", ... */
  readonly channel: string;
  readonly text: LocalizedText;
  readonly expectedAction: string;
  readonly objectives: readonly string[];
  /** A missile warning from the coupled warning simulation, when this inject is one. */
  readonly warning?: WarningEventInject;
}

/** A consultation the evaluators expect in a move: on this channel, convened within `withinS` of the move's trigger. */
export interface ConsultationExpectation {
  readonly channel: string;
  readonly withinS: number;
}

export interface DecisionPoint {
  readonly id: string;
  readonly move: string;
  readonly prompt: LocalizedText;
  /** Opens when this inject is delivered. */
  readonly opensOn: string;
  /** Closes this long after opening (exercise seconds). */
  readonly deadlineS: number;
  readonly options: readonly string[];
}

/** What a conditional trigger waits for. */
export type TriggerCondition =
  | { readonly kind: "consultation-opened"; readonly channel?: string }
  | { readonly kind: "consultation-convened"; readonly channel?: string }
  | { readonly kind: "decision-made"; readonly decisionPoint?: string }
  | { readonly kind: "statement-released" };

/**
 * "If nothing of kind X happens within `withinS` of inject `after`, deliver inject `inject`."
 * (For example: no consultation opened within 10 minutes of the launch → a press inquiry.)
 */
export interface Trigger {
  readonly id: string;
  readonly after: string;
  readonly withinS: number;
  readonly unless: TriggerCondition;
  readonly inject: string;
}

export interface Move {
  readonly id: string;
  readonly title: LocalizedText;
  /** Exercise time the move begins. */
  readonly startS: number;
  /** Story time at `startS` (ISO 8601 with zone). */
  readonly storyEpoch: string;
  /** Exercise seconds per wall second while this move runs (1 = real time). */
  readonly compression: number;
  /** The inject that starts the move's clock for the measures (the provocation). */
  readonly triggerInject: string;
  readonly consultations: readonly ConsultationExpectation[];
}

/** What a scripted cell does and when (used by --auto and by tests). */
export interface AutoAction {
  readonly cell: CellId;
  /** Participant who acts. */
  readonly as: string;
  /** Either at an absolute exercise time, or `delayS` after an inject is delivered. */
  readonly atS?: number;
  readonly afterInject?: string;
  readonly delayS: number;
  /** The command, exactly as a client would send it. */
  readonly command: Record<string, unknown>;
  /** Position in the script (file order), for messages. */
  readonly index: number;
}

/** A whole tabletop exercise definition, ready to run. */
export interface TtxDefinition {
  readonly exercise: Exercise;
  readonly cells: readonly Cell[];
  readonly participants: readonly Participant[];
  readonly channels: readonly Channel[];
  readonly options: readonly ResponseOption[];
  readonly moves: readonly Move[];
  readonly injects: readonly Inject[];
  readonly decisionPoints: readonly DecisionPoint[];
  readonly triggers: readonly Trigger[];
  readonly auto: readonly AutoAction[];
}

/** Evaluator ratings, HSEEP: Performed without challenges, with Some challenges, with Major challenges, Unable to be performed. */
export const RATINGS = ["P", "S", "M", "U"] as const;
export type Rating = (typeof RATINGS)[number];

/**
 * What a participant can ask the engine to do, and the shape check every command passes before the
 * engine looks at it. A server hands the body of a request or WebSocket frame to `parseCommand`
 * untouched; a malformed one becomes one UserError naming the field (`send-message.text: expected a
 * non-empty string`).
 *
 * Ids of things a command creates (consultations, messages, proposals, statements, improvement items)
 * are chosen by the client, so a client can refer to them at once and a retried command is refused as
 * a duplicate rather than applied twice.
 */
import { UserError } from "../core/errors.ts";
import {
  isNationalCell,
  LANGUAGES,
  type LocalizedText,
  type NationalCell,
  RATINGS,
  type Rating,
} from "./model.ts";

export type Command =
  | { type: "join" }
  | { type: "leave" }
  | { type: "open-consultation"; consultationId: string; channel: string }
  | { type: "join-consultation"; consultationId: string }
  | { type: "close-consultation"; consultationId: string }
  | {
      type: "send-message";
      messageId: string;
      consultationId?: string;
      to?: NationalCell[];
      releasableTo?: NationalCell[];
      text: string;
      lang: string;
    }
  | { type: "read"; messageId: string }
  | { type: "propose"; proposalId: string; decisionPoint: string; option: string; consultationId?: string }
  | { type: "concur"; proposalId: string; concur: boolean; reason: string }
  | { type: "decide"; proposalId: string }
  | { type: "draft-statement"; statementId: string; parties: NationalCell[]; text: LocalizedText }
  | { type: "clear-statement"; statementId: string; version: number }
  | { type: "release-statement"; statementId: string }
  | { type: "deliver-inject"; injectId: string }
  | { type: "shift-timeline"; fromS: number; deltaS: number }
  | { type: "adjudicate"; proposalId: string; ruling: string; injectId?: string }
  | { type: "rate-objective"; objectiveId: string; rating: Rating; note: string }
  | {
      type: "add-improvement";
      itemId: string;
      objectiveId: string;
      issue: string;
      correctiveAction: string;
      capability: string;
      owner: string;
      dueDate: string;
    }
  | { type: "pause" }
  | { type: "resume" };

export type CommandType = Command["type"];

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

/** Allowed fields per command type (besides `type`); anything else is refused as a likely typo. */
const FIELDS: Record<CommandType, readonly string[]> = {
  join: [],
  leave: [],
  "open-consultation": ["consultationId", "channel"],
  "join-consultation": ["consultationId"],
  "close-consultation": ["consultationId"],
  "send-message": ["messageId", "consultationId", "to", "releasableTo", "text", "lang"],
  read: ["messageId"],
  propose: ["proposalId", "decisionPoint", "option", "consultationId"],
  concur: ["proposalId", "concur", "reason"],
  decide: ["proposalId"],
  "draft-statement": ["statementId", "parties", "text"],
  "clear-statement": ["statementId", "version"],
  "release-statement": ["statementId"],
  "deliver-inject": ["injectId"],
  "shift-timeline": ["fromS", "deltaS"],
  adjudicate: ["proposalId", "ruling", "injectId"],
  "rate-objective": ["objectiveId", "rating", "note"],
  "add-improvement": ["itemId", "objectiveId", "issue", "correctiveAction", "capability", "owner", "dueDate"],
  pause: [],
  resume: [],
};

export const COMMAND_TYPES = Object.keys(FIELDS) as CommandType[];

class Reader {
  constructor(
    private readonly o: Record<string, unknown>,
    private readonly type: string,
  ) {}
  private where(k: string): string {
    return `${this.type}.${k}`;
  }
  id(k: string): string {
    const v = this.o[k];
    if (typeof v !== "string" || !ID_RE.test(v))
      throw new UserError(
        `${this.where(k)}: expected an id (letters, digits, _ . : -, at most 64), got ${JSON.stringify(v)}`,
      );
    return v;
  }
  optId(k: string): string | undefined {
    return this.o[k] === undefined ? undefined : this.id(k);
  }
  text(k: string, max = 4000): string {
    const v = this.o[k];
    if (typeof v !== "string" || v.trim().length === 0)
      throw new UserError(`${this.where(k)}: expected a non-empty string, got ${JSON.stringify(v)}`);
    if (v.length > max) throw new UserError(`${this.where(k)}: longer than ${max} characters`);
    return v;
  }
  optText(k: string): string {
    const v = this.o[k];
    if (v === undefined) return "";
    if (typeof v !== "string")
      throw new UserError(`${this.where(k)}: expected a string, got ${JSON.stringify(v)}`);
    return v;
  }
  number(k: string): number {
    const v = this.o[k];
    if (typeof v !== "number" || !Number.isFinite(v))
      throw new UserError(`${this.where(k)}: expected a finite number, got ${JSON.stringify(v)}`);
    return v;
  }
  bool(k: string): boolean {
    const v = this.o[k];
    if (typeof v !== "boolean")
      throw new UserError(`${this.where(k)}: expected true or false, got ${JSON.stringify(v)}`);
    return v;
  }
  cells(k: string, optional: boolean): NationalCell[] | undefined {
    const v = this.o[k];
    if (v === undefined && optional) return undefined;
    if (!Array.isArray(v) || v.length === 0 || !v.every(isNationalCell))
      throw new UserError(
        `${this.where(k)}: expected a non-empty list of KOR, USA, JPN, got ${JSON.stringify(v)}`,
      );
    if (new Set(v).size !== v.length) throw new UserError(`${this.where(k)}: lists a cell twice`);
    return v as NationalCell[];
  }
  localized(k: string): LocalizedText {
    const v = this.o[k];
    if (v === null || typeof v !== "object" || Array.isArray(v))
      throw new UserError(`${this.where(k)}: expected {en, ar, ko?, ja?}, got ${JSON.stringify(v)}`);
    const t = v as Record<string, unknown>;
    for (const key of Object.keys(t))
      if (!(LANGUAGES as readonly string[]).includes(key))
        throw new UserError(`${this.where(k)}.${key}: unknown language (allowed: ${LANGUAGES.join(", ")})`);
    for (const lang of ["en", "ar"])
      if (typeof t[lang] !== "string" || (t[lang] as string).trim() === "")
        throw new UserError(`${this.where(k)}.${lang}: is required (English and Arabic text)`);
    for (const lang of ["ko", "ja"])
      if (t[lang] !== undefined && typeof t[lang] !== "string")
        throw new UserError(`${this.where(k)}.${lang}: expected a string`);
    return t as unknown as LocalizedText;
  }
}

/** Checks the shape of a command from outside. Throws UserError naming the field. */
export function parseCommand(v: unknown): Command {
  if (v === null || typeof v !== "object" || Array.isArray(v))
    throw new UserError("command: expected an object with a type");
  const o = v as Record<string, unknown>;
  const type = o.type;
  if (typeof type !== "string" || !(type in FIELDS))
    throw new UserError(
      `command.type: expected one of ${COMMAND_TYPES.join(", ")}, got ${JSON.stringify(type)}`,
    );
  const t = type as CommandType;
  for (const k of Object.keys(o))
    if (k !== "type" && !FIELDS[t].includes(k))
      throw new UserError(`${t}.${k}: unknown field (allowed: ${FIELDS[t].join(", ") || "none"})`);
  const r = new Reader(o, t);
  switch (t) {
    case "join":
    case "leave":
    case "pause":
    case "resume":
      return { type: t };
    case "open-consultation":
      return { type: t, consultationId: r.id("consultationId"), channel: r.id("channel") };
    case "join-consultation":
    case "close-consultation":
      return { type: t, consultationId: r.id("consultationId") };
    case "send-message": {
      const consultationId = r.optId("consultationId");
      const to = r.cells("to", true);
      if ((consultationId === undefined) === (to === undefined))
        throw new UserError(
          "send-message: give either consultationId (a message in a consultation) or to (a direct message)",
        );
      const lang = o.lang === undefined ? "en" : r.text("lang", 8);
      if (!(LANGUAGES as readonly string[]).includes(lang))
        throw new UserError(
          `send-message.lang: expected one of ${LANGUAGES.join(", ")}, got ${JSON.stringify(lang)}`,
        );
      return {
        type: t,
        messageId: r.id("messageId"),
        ...(consultationId !== undefined ? { consultationId } : {}),
        ...(to !== undefined ? { to } : {}),
        ...(o.releasableTo !== undefined ? { releasableTo: r.cells("releasableTo", false) } : {}),
        text: r.text("text"),
        lang,
      };
    }
    case "read":
      return { type: t, messageId: r.id("messageId") };
    case "propose": {
      const consultationId = r.optId("consultationId");
      return {
        type: t,
        proposalId: r.id("proposalId"),
        decisionPoint: r.id("decisionPoint"),
        option: r.id("option"),
        ...(consultationId !== undefined ? { consultationId } : {}),
      };
    }
    case "concur":
      return {
        type: t,
        proposalId: r.id("proposalId"),
        concur: r.bool("concur"),
        reason: r.optText("reason"),
      };
    case "decide":
      return { type: t, proposalId: r.id("proposalId") };
    case "draft-statement":
      return {
        type: t,
        statementId: r.id("statementId"),
        parties: r.cells("parties", false)!,
        text: r.localized("text"),
      };
    case "clear-statement": {
      const version = r.number("version");
      if (!Number.isInteger(version) || version < 1)
        throw new UserError(`clear-statement.version: expected a positive integer, got ${version}`);
      return { type: t, statementId: r.id("statementId"), version };
    }
    case "release-statement":
      return { type: t, statementId: r.id("statementId") };
    case "deliver-inject":
      return { type: t, injectId: r.id("injectId") };
    case "shift-timeline": {
      const fromS = r.number("fromS");
      const deltaS = r.number("deltaS");
      if (deltaS === 0) throw new UserError("shift-timeline.deltaS: must not be 0");
      return { type: t, fromS, deltaS };
    }
    case "adjudicate": {
      const injectId = r.optId("injectId");
      return {
        type: t,
        proposalId: r.id("proposalId"),
        ruling: r.text("ruling"),
        ...(injectId ? { injectId } : {}),
      };
    }
    case "rate-objective": {
      const rating = o.rating;
      if (typeof rating !== "string" || !(RATINGS as readonly string[]).includes(rating))
        throw new UserError(
          `rate-objective.rating: expected one of P, S, M, U, got ${JSON.stringify(rating)}`,
        );
      return { type: t, objectiveId: r.id("objectiveId"), rating: rating as Rating, note: r.optText("note") };
    }
    case "add-improvement": {
      const dueDate = r.text("dueDate", 10);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(dueDate) || Number.isNaN(Date.parse(`${dueDate}T00:00:00Z`)))
        throw new UserError(
          `add-improvement.dueDate: expected a date YYYY-MM-DD, got ${JSON.stringify(dueDate)}`,
        );
      return {
        type: t,
        itemId: r.id("itemId"),
        objectiveId: r.id("objectiveId"),
        issue: r.text("issue"),
        correctiveAction: r.text("correctiveAction"),
        capability: r.text("capability", 200),
        owner: r.text("owner", 200),
        dueDate,
      };
    }
  }
}

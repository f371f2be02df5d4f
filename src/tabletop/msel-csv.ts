/**
 * The MSEL (master scenario events list) as CSV, the form planners pass around in spreadsheets:
 * one inject per row, RFC 4180 quoting (csv.ts), lists joined with ";", a missile warning's payload
 * as JSON in its own column. Export then import gives back exactly the same injects.
 *
 * Import checks every row against the exercise it is for (moves, cells, objectives) and names the
 * row, inject and column of each problem; all problems are reported together.
 */
import { UserError } from "../core/errors.ts";
import { parseCsv, toCsv } from "./csv.ts";
import {
  type CellId,
  type Inject,
  type InjectKind,
  isCellId,
  type LocalizedText,
  type TtxDefinition,
} from "./model.ts";
import { parseWarningEventInject } from "./warning-inject.ts";

export const MSEL_COLUMNS = [
  "seq",
  "id",
  "move",
  "kind",
  "scenario_time",
  "delivery_s",
  "from",
  "to",
  "channel",
  "text_en",
  "text_ar",
  "text_ko",
  "text_ja",
  "expected_action",
  "objectives",
  "warning",
] as const;

/** Injects in MSEL order: by sequence number. */
export function mselOrder(injects: readonly Inject[]): Inject[] {
  return [...injects].sort((a, b) => a.seq - b.seq);
}

export function exportMselCsv(injects: readonly Inject[]): string {
  const rows: string[][] = [[...MSEL_COLUMNS]];
  for (const i of mselOrder(injects)) {
    rows.push([
      String(i.seq),
      i.id,
      i.move,
      i.kind,
      i.scenarioTime,
      i.deliveryS === null ? "" : String(i.deliveryS),
      i.from,
      i.to.join(";"),
      i.channel,
      i.text.en,
      i.text.ar,
      i.text.ko ?? "",
      i.text.ja ?? "",
      i.expectedAction,
      i.objectives.join(";"),
      i.warning ? JSON.stringify(i.warning) : "",
    ]);
  }
  return toCsv(rows);
}

const KINDS: readonly InjectKind[] = ["scheduled", "contingency", "on-demand"];

/**
 * Reads an MSEL CSV for exercise `def`. Throws UserError with one detail line per problem
 * (`FILE: row N (inject ID): column: reason`).
 */
export function importMselCsv(text: string, file: string, def: TtxDefinition): Inject[] {
  const rows = parseCsv(text, file);
  if (rows.length === 0) throw new UserError(`${file}: the MSEL is empty (expected a header row)`);
  const header = rows[0];
  const missing = MSEL_COLUMNS.filter((c) => !header.includes(c));
  const unknown = header.filter((c) => !(MSEL_COLUMNS as readonly string[]).includes(c));
  if (missing.length > 0 || unknown.length > 0)
    throw new UserError(
      `${file}: header row: ${[missing.length ? `missing column(s) ${missing.join(", ")}` : "", unknown.length ? `unknown column(s) ${unknown.join(", ")}` : ""].filter(Boolean).join("; ")}`,
    );
  const col = (row: string[], name: (typeof MSEL_COLUMNS)[number]) => row[header.indexOf(name)] ?? "";
  const problems: string[] = [];
  const injects: Inject[] = [];
  const moves = def.moves.map((m) => m.id);
  const objectives = def.exercise.objectives.map((o) => o.id);
  const seenIds = new Map<string, number>();
  const seenSeq = new Map<number, number>();
  rows.slice(1).forEach((row, k) => {
    const n = k + 2; // header is row 1
    const id = col(row, "id");
    const where = `${file}: row ${n}${id ? ` (inject ${id})` : ""}`;
    const bad = (column: string, reason: string) => problems.push(`${where}: ${column}: ${reason}`);
    if (row.length !== header.length) {
      bad("(row)", `has ${row.length} fields, the header has ${header.length}`);
      return;
    }
    if (!/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/.test(id))
      bad("id", `expected an id, got ${JSON.stringify(id)}`);
    else if (seenIds.has(id)) bad("id", `duplicate id (also row ${seenIds.get(id)})`);
    else seenIds.set(id, n);
    const seq = Number(col(row, "seq"));
    if (!Number.isInteger(seq) || seq < 1)
      bad("seq", `expected a positive integer, got ${JSON.stringify(col(row, "seq"))}`);
    else if (seenSeq.has(seq)) bad("seq", `duplicate sequence number (also row ${seenSeq.get(seq)})`);
    else seenSeq.set(seq, n);
    const move = col(row, "move");
    if (!moves.includes(move))
      bad("move", `unknown move ${JSON.stringify(move)} (moves: ${moves.join(", ")})`);
    const kind = col(row, "kind") as InjectKind;
    if (!KINDS.includes(kind))
      bad("kind", `expected one of ${KINDS.join(", ")}, got ${JSON.stringify(kind)}`);
    const scenarioTime = col(row, "scenario_time");
    if (scenarioTime !== "" && Number.isNaN(Date.parse(scenarioTime)))
      bad("scenario_time", `expected an ISO 8601 time or nothing, got ${JSON.stringify(scenarioTime)}`);
    const ds = col(row, "delivery_s");
    let deliveryS: number | null = null;
    if (ds !== "") {
      deliveryS = Number(ds);
      if (!Number.isFinite(deliveryS) || deliveryS < 0)
        bad("delivery_s", `expected seconds >= 0, got ${JSON.stringify(ds)}`);
    }
    if (kind === "scheduled" && deliveryS === null)
      bad("delivery_s", "a scheduled inject needs a delivery time");
    if (kind !== "scheduled" && deliveryS !== null && !col(row, "warning"))
      bad("delivery_s", `a ${kind} inject has no scheduled delivery; leave it empty`);
    const to = col(row, "to")
      .split(";")
      .filter((x) => x !== "");
    if (to.length === 0) bad("to", "names no cell");
    for (const c of to)
      if (!isCellId(c))
        bad("to", `unknown cell ${JSON.stringify(c)} (cells: KOR, USA, JPN, CONTROL, SIMCELL)`);
    const objs = col(row, "objectives")
      .split(";")
      .filter((x) => x !== "");
    for (const o of objs)
      if (!objectives.includes(o)) bad("objectives", `unknown objective ${JSON.stringify(o)}`);
    const text: LocalizedText = {
      en: col(row, "text_en"),
      ar: col(row, "text_ar"),
      ...(col(row, "text_ko") ? { ko: col(row, "text_ko") } : {}),
      ...(col(row, "text_ja") ? { ja: col(row, "text_ja") } : {}),
    };
    if (!text.en.trim()) bad("text_en", "English text is required");
    if (!text.ar.trim()) bad("text_ar", "Arabic text is required");
    for (const c of ["from", "channel"] as const) if (!col(row, c).trim()) bad(c, "is required");
    let warning: Inject["warning"];
    if (col(row, "warning")) {
      try {
        warning = parseWarningEventInject(JSON.parse(col(row, "warning")));
      } catch (err) {
        bad(
          "warning",
          err instanceof SyntaxError ? `not valid JSON (${err.message})` : (err as Error).message,
        );
      }
    }
    injects.push({
      id,
      seq,
      move,
      kind,
      scenarioTime,
      deliveryS,
      from: col(row, "from"),
      to: to as CellId[],
      channel: col(row, "channel"),
      text,
      expectedAction: col(row, "expected_action"),
      objectives: objs,
      ...(warning ? { warning } : {}),
    });
  });
  if (problems.length > 0)
    throw new UserError(
      `${file}: invalid MSEL (${problems.length} problem${problems.length === 1 ? "" : "s"})`,
      problems,
    );
  return injects;
}

/**
 * The exercise with its MSEL replaced. Everything that refers to an inject (move triggers, decision
 * points, conditional triggers, the script) must still find it.
 */
export function withMsel(def: TtxDefinition, injects: readonly Inject[], file: string): TtxDefinition {
  const ids = new Set(injects.map((i) => i.id));
  const problems: string[] = [];
  const need = (id: string | undefined, who: string) => {
    if (id !== undefined && id !== "" && !ids.has(id))
      problems.push(`${file}: ${who} refers to inject "${id}", which the MSEL lacks`);
  };
  for (const m of def.moves) need(m.triggerInject, `move ${m.id} (trigger)`);
  for (const d of def.decisionPoints) need(d.opensOn, `decision point ${d.id}`);
  for (const t of def.triggers) {
    need(t.after, `trigger ${t.id} (after)`);
    need(t.inject, `trigger ${t.id} (inject)`);
  }
  for (const a of def.auto) need(a.afterInject, `auto[${a.index}]`);
  if (problems.length > 0) throw new UserError(`${file}: the MSEL does not fit the exercise`, problems);
  return { ...def, injects: mselOrder(injects) };
}

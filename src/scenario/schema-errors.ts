/**
 * Turns ajv's raw errors into problems a person can act on: one per real mistake, each with the
 * path of the offending value and a short reason.
 *
 * The hard part is unions (`anyOf`). ajv reports the failure of every branch, so a launch site
 * written as `{lat: 95, lon: 125}` would also produce "must be string". We pick the branch the
 * user evidently meant (the value's type, the keys it shares with the branch, a matching `type:`
 * discriminator) and report only that branch's errors; when no branch is clearly meant, we print
 * the union's description ("must be a catalogue site name or {lat, lon}").
 */
import type { ErrorObject } from "ajv";
import { type DocPath, type Problem, parsePointer, type YamlSource } from "./yaml-source.ts";

type SchemaNode = Record<string, unknown>;

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return String(v);
}

function typeMatches(schema: SchemaNode, v: unknown): boolean {
  if ("const" in schema) return typeof v === typeof schema.const;
  switch (schema.type) {
    case "string":
      return typeof v === "string";
    case "number":
      return typeof v === "number";
    case "integer":
      return typeof v === "number";
    case "boolean":
      return typeof v === "boolean";
    case "array":
      return Array.isArray(v);
    case "object":
      return v !== null && typeof v === "object" && !Array.isArray(v);
    default:
      return true;
  }
}

/** How strongly the value looks like an instance of this branch (−Infinity: cannot be). */
function branchScore(schema: SchemaNode, v: unknown): number {
  if (!typeMatches(schema, v)) return Number.NEGATIVE_INFINITY;
  if (schema.type !== "object" || v === null || typeof v !== "object") return 0;
  const props = (schema.properties ?? {}) as Record<string, SchemaNode>;
  const obj = v as Record<string, unknown>;
  let score = 0;
  for (const k of Object.keys(obj)) if (k in props) score += 1;
  // A literal-valued property (`type: radar`) is a discriminator: it decides on its own.
  for (const [k, p] of Object.entries(props)) {
    if ("const" in p && k in obj) score += obj[k] === p.const ? 1000 : -500;
  }
  return score;
}

/** Whether the value carries this branch's literal-valued property, and with the branch's value. */
function discriminatorState(schema: SchemaNode, v: unknown): "none" | "match" | "mismatch" {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return "none";
  const props = (schema.properties ?? {}) as Record<string, SchemaNode>;
  const obj = v as Record<string, unknown>;
  let state: "none" | "match" | "mismatch" = "none";
  for (const [k, p] of Object.entries(props)) {
    if (!("const" in p) || !(k in obj)) continue;
    if (obj[k] !== p.const) return "mismatch";
    state = "match";
  }
  return state;
}

function reasonFor(e: ErrorObject, value: unknown): string {
  const ps = (e.parentSchema ?? {}) as SchemaNode;
  switch (e.keyword) {
    case "type":
      return `must be ${e.params.type === "integer" ? "an integer" : `a ${e.params.type === "object" ? "mapping" : e.params.type === "array" ? "list" : e.params.type}`} (got ${describeValue(value)})`;
    case "pattern":
    case "format":
      return `must be ${ps.description ?? `in the form ${e.params.pattern ?? e.params.format}`} (got ${describeValue(value)})`;
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return `${e.message} (got ${describeValue(value)})`;
    case "const":
      return `must be ${JSON.stringify(e.params.allowedValue)} (got ${describeValue(value)})`;
    case "anyOf": {
      const branches = e.schema as SchemaNode[];
      if (branches.every((b) => "const" in b)) {
        return `must be one of ${branches.map((b) => String(b.const)).join(", ")} (got ${describeValue(value)})`;
      }
      return `must be ${ps.description ?? "one of the allowed forms"} (got ${describeValue(value)})`;
    }
    case "uniqueItems":
      return `must not repeat an item (items ${e.params.j} and ${e.params.i} are the same)`;
    case "minItems":
      return `must have at least ${e.params.limit} item${e.params.limit === 1 ? "" : "s"}`;
    case "maxItems":
      return `must have at most ${e.params.limit} item${e.params.limit === 1 ? "" : "s"}`;
    default:
      return e.message ?? `fails ${e.keyword}`;
  }
}

/**
 * Problems from ajv errors (ajv must run with `allErrors: true, verbose: true` so each error
 * carries its schema and parent schema).
 */
export function problemsFromAjv(
  errors: readonly ErrorObject[],
  src: YamlSource,
  /** Where the validated value sits in the document, when it is not the whole document. */
  base: DocPath = [],
): Problem[] {
  const suppressed = new Set<ErrorObject>();
  const unions = errors
    .filter((e) => e.keyword === "anyOf")
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const u of unions) {
    if (suppressed.has(u)) continue;
    const prefix = `${u.schemaPath}/`;
    // The same schema path recurs for every item of a list: an error is inside this union only
    // when it is also at or below the union's value.
    const inside = errors.filter(
      (e) =>
        e !== u &&
        e.schemaPath.startsWith(prefix) &&
        (e.instancePath === u.instancePath || e.instancePath.startsWith(`${u.instancePath}/`)),
    );
    const branches = u.schema as SchemaNode[];
    const value = src.valueAt([...base, ...parsePointer(u.instancePath)]);
    const scores = branches.map((b) => branchScore(b, value));
    // A discriminator value (`type: space-radar`) that no branch accepts means no branch was meant.
    const discriminated = branches.some((b) => discriminatorState(b, value) !== "none");
    if (discriminated && !branches.some((b) => discriminatorState(b, value) === "match"))
      scores.fill(Number.NEGATIVE_INFINITY);
    const best = Math.max(...scores);
    const chosen = best > Number.NEGATIVE_INFINITY && scores.filter((s) => s === best).length === 1;
    const bestIndex = scores.indexOf(best);
    const literalUnion = branches.every((b) => "const" in b);
    if (chosen && !literalUnion) {
      suppressed.add(u);
      for (const e of inside) {
        const branch = Number(e.schemaPath.slice(prefix.length).split("/")[0]);
        if (branch !== bestIndex) suppressed.add(e);
      }
    } else {
      for (const e of inside) suppressed.add(e);
    }
  }

  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const e of errors) {
    if (suppressed.has(e)) continue;
    const here: DocPath = [...base, ...parsePointer(e.instancePath)];
    let path: DocPath = here;
    let reason: string;
    let line: number;
    if (e.keyword === "required") {
      path = [...here, e.params.missingProperty as string];
      reason = "is required but missing";
      line = src.lineOf(here);
    } else if (e.keyword === "additionalProperties") {
      const extra = e.params.additionalProperty as string;
      path = [...here, extra];
      const known = Object.keys(((e.parentSchema as SchemaNode)?.properties ?? {}) as object);
      const hint = closest(extra, known);
      reason = `unknown field${hint ? ` (did you mean "${hint}"?)` : ""}; allowed: ${known.join(", ")}`;
      line = src.lineOf(path, true);
    } else {
      reason = reasonFor(e, src.valueAt(here));
      line = src.lineOf(here);
    }
    const key = `${line}|${path.join("/")}|${reason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ path, line, reason });
  }
  return problems;
}

/** Edit distance counting a swap of neighbours as one edit, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push([i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/** The closest candidate within a third of the word's length (case-insensitive), or undefined. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(1, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

/**
 * Field-level sanitisation: removes policy field paths (`a.b`, `list[].b`) from a payload before it
 * leaves for another nation. Works on a deep copy; the caller's object is never changed.
 */
import { protoToJsonFree } from "../core/canonical-json.ts";

/** Deep copy of `payload` without the fields named by `paths`. */
export function sanitise<T>(payload: T, paths: readonly string[]): T {
  return sanitiseCopy(payload, paths).copy;
}

/**
 * sanitise(), also telling whether JSON.stringify of the copy is its canonical JSON
 * (canonical-json.ts): `plainJson` is true when the copy holds only plain objects (keys inserted
 * sorted, none that JavaScript reorders or treats specially), dense arrays, strings, booleans, nulls
 * and finite numbers, and nobody has put a toJSON on the prototypes. The signer then skips
 * canonicalJson's own walk over the payload to find out the same thing.
 */
export function sanitiseCopy<T>(payload: T, paths: readonly string[]): { copy: T; plainJson: boolean } {
  let copy: T;
  const outer = exotic; // a getter may sanitise too: this call's flag is its own
  exotic = false;
  try {
    try {
      copy = plainCopy(payload, 0);
    } catch (err) {
      if (err !== TOO_DEEP) throw err;
      copy = structuredClone(payload); // cycles or very deep values: the general algorithm
      exotic = true;
    }
    for (const p of paths) removePath(copy, stepsOf(p), 0);
    const plainJson = !exotic && protoToJsonFree();
    return { copy, plainJson };
  } finally {
    exotic = outer;
  }
}

/** Set by plainCopy when the copy is not plain JSON data in canonical key order (see sanitiseCopy). */
let exotic = false;

const TOO_DEEP = new RangeError("too deep for a plain copy");

/**
 * Deep copy of JSON-shaped data (what a validated payload is); anything else (class instances,
 * typed arrays, dates) through structuredClone. Several times faster than structuredClone on the
 * sender's hot path. The copy's members are inserted in sorted key order (the order canonical JSON
 * writes them in), so the signer's canonical JSON of it needs no sorting (canonical-json.ts); key
 * order means nothing to JSON, so the copy is the same value.
 */
function plainCopy<T>(v: T, depth: number): T {
  if (v === null) return v;
  switch (typeof v) {
    case "string":
    case "boolean":
      return v;
    case "number":
      if (!Number.isFinite(v)) exotic = true;
      return v;
    case "object":
      break;
    default: // undefined, function, symbol, bigint: not JSON (undefined is fine as a member: see below)
      exotic = true;
      return v;
  }
  if (depth > 64) throw TOO_DEEP;
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype) exotic = true;
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = plainCopy(v[i], depth + 1);
    return out as T;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) {
    exotic = true;
    return structuredClone(v);
  }
  const out: Record<string, unknown> = {};
  const keys = Object.keys(v);
  for (let i = 1; i < keys.length; i++)
    if (!(keys[i - 1] < keys[i])) {
      keys.sort();
      break;
    }
  for (const k of keys) {
    // Integer-like keys are listed before the others whatever the insertion order, and
    // "__proto__" would set the copy's prototype: either leaves the copy out of canonical order.
    const c0 = k.charCodeAt(0);
    if ((c0 >= 48 && c0 <= 57) || k === "__proto__") exotic = true;
    const x = (v as Record<string, unknown>)[k];
    // An undefined member is skipped by JSON.stringify and by canonical JSON alike.
    out[k] = x === undefined ? x : plainCopy(x, depth + 1);
  }
  return out as T;
}

/** A field path split into steps (memoised: policies name few paths, used for every message). */
const splitPaths = new Map<string, readonly string[]>();
function stepsOf(path: string): readonly string[] {
  let steps = splitPaths.get(path);
  if (!steps) {
    steps = path.split(".");
    if (splitPaths.size < 1024) splitPaths.set(path, steps);
  }
  return steps;
}

function removePath(node: unknown, steps: readonly string[], at: number): void {
  if (node === null || typeof node !== "object" || at >= steps.length) return;
  const step = steps[at];
  const isArray = step.endsWith("[]");
  const key = isArray ? step.slice(0, -2) : step;
  const obj = node as Record<string, unknown>;
  if (!Object.hasOwn(obj, key)) return;
  if (at === steps.length - 1) {
    delete obj[key];
    return;
  }
  const child = obj[key];
  if (isArray) {
    if (Array.isArray(child)) for (const el of child) removePath(el, steps, at + 1);
  } else removePath(child, steps, at + 1);
}

/** True when any of `paths` is present in `payload` (used by tests and by the receiver's audit). */
export function hasAnyPath(payload: unknown, paths: readonly string[]): boolean {
  for (const p of paths) if (present(payload, stepsOf(p), 0)) return true;
  return false;
}

function present(node: unknown, steps: readonly string[], at: number): boolean {
  if (node === null || typeof node !== "object" || at >= steps.length) return false;
  const step = steps[at];
  const isArray = step.endsWith("[]");
  const key = isArray ? step.slice(0, -2) : step;
  const obj = node as Record<string, unknown>;
  if (!Object.hasOwn(obj, key)) return false;
  if (at === steps.length - 1) return true;
  const child = obj[key];
  if (isArray) {
    if (!Array.isArray(child)) return false;
    for (const el of child) if (present(el, steps, at + 1)) return true;
    return false;
  }
  return present(child, steps, at + 1);
}

/**
 * Field-level sanitisation: removes policy field paths (`a.b`, `list[].b`) from a payload before it
 * leaves for another nation. Works on a deep copy; the caller's object is never changed.
 */

/** Deep copy of `payload` without the fields named by `paths`. */
export function sanitise<T>(payload: T, paths: readonly string[]): T {
  let copy: T;
  try {
    copy = plainCopy(payload, 0);
  } catch (err) {
    if (err !== TOO_DEEP) throw err;
    copy = structuredClone(payload); // cycles or very deep values: the general algorithm
  }
  for (const p of paths) removePath(copy, stepsOf(p), 0);
  return copy;
}

const TOO_DEEP = new RangeError("too deep for a plain copy");

/**
 * Deep copy of JSON-shaped data (what a validated payload is); anything else (class instances,
 * typed arrays, dates) through structuredClone. Several times faster than structuredClone on the
 * sender's hot path. The copy's members are inserted in sorted key order (the order canonical JSON
 * writes them in), so the signer's canonical JSON of it needs no sorting (canonical-json.ts); key
 * order means nothing to JSON, so the copy is the same value.
 */
function plainCopy<T>(v: T, depth: number): T {
  if (v === null || typeof v !== "object") return v;
  if (depth > 64) throw TOO_DEEP;
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = plainCopy(v[i], depth + 1);
    return out as T;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return structuredClone(v);
  const out: Record<string, unknown> = {};
  const keys = Object.keys(v);
  for (let i = 1; i < keys.length; i++)
    if (!(keys[i - 1] < keys[i])) {
      keys.sort();
      break;
    }
  for (const k of keys) out[k] = plainCopy((v as Record<string, unknown>)[k], depth + 1);
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

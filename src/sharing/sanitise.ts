/**
 * Field-level sanitisation: removes policy field paths (`a.b`, `list[].b`) from a payload before it
 * leaves for another nation. Works on a deep copy; the caller's object is never changed.
 */

/** Deep copy of `payload` without the fields named by `paths`. */
export function sanitise<T>(payload: T, paths: readonly string[]): T {
  const copy = structuredClone(payload);
  for (const p of paths) removePath(copy, p.split("."));
  return copy;
}

function removePath(node: unknown, steps: readonly string[]): void {
  if (node === null || typeof node !== "object" || steps.length === 0) return;
  const [step, ...rest] = steps;
  const isArray = step.endsWith("[]");
  const key = isArray ? step.slice(0, -2) : step;
  const obj = node as Record<string, unknown>;
  if (!Object.hasOwn(obj, key)) return;
  if (rest.length === 0) {
    delete obj[key];
    return;
  }
  const child = obj[key];
  if (isArray) {
    if (Array.isArray(child)) for (const el of child) removePath(el, rest);
  } else removePath(child, rest);
}

/** True when any of `paths` is present in `payload` (used by tests and by the receiver's audit). */
export function hasAnyPath(payload: unknown, paths: readonly string[]): boolean {
  return paths.some((p) => present(payload, p.split(".")));
}

function present(node: unknown, steps: readonly string[]): boolean {
  if (node === null || typeof node !== "object" || steps.length === 0) return false;
  const [step, ...rest] = steps;
  const isArray = step.endsWith("[]");
  const key = isArray ? step.slice(0, -2) : step;
  const obj = node as Record<string, unknown>;
  if (!Object.hasOwn(obj, key)) return false;
  if (rest.length === 0) return true;
  const child = obj[key];
  if (isArray) return Array.isArray(child) && child.some((el) => present(el, rest));
  return present(child, rest);
}

/**
 * Canonical JSON: object keys sorted, no whitespace, numbers as JavaScript prints them (shortest
 * round-trip form). The same value always gives the same bytes, which is what a hash chain or a
 * signature needs. Non-finite numbers and undefined inside arrays are refused rather than silently
 * turned into null.
 */
export function canonicalJson(value: unknown): string {
  return write(value, "$");
}

function write(v: unknown, path: string): string {
  if (v === null) return "null";
  switch (typeof v) {
    case "number":
      if (!Number.isFinite(v)) throw new TypeError(`${path}: non-finite number ${v} cannot be serialised`);
      return JSON.stringify(v);
    case "string":
    case "boolean":
      return JSON.stringify(v);
    case "object": {
      if (Array.isArray(v)) return `[${v.map((x, i) => write(x, `${path}[${i}]`)).join(",")}]`;
      if (ArrayBuffer.isView(v)) return write(Array.from(v as unknown as ArrayLike<number>), path);
      const keys = Object.keys(v as object)
        .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${write((v as Record<string, unknown>)[k], `${path}.${k}`)}`).join(",")}}`;
    }
    default:
      throw new TypeError(`${path}: a ${typeof v} cannot be serialised`);
  }
}

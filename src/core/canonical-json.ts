/**
 * Canonical JSON for signing: object keys sorted by UTF-16 code units, no whitespace, numbers and
 * strings written as ECMAScript JSON.stringify writes them (the same rules as RFC 8785 JCS for the
 * values AllyLink sends). Two parties that agree on the value produce the same bytes, so a signature
 * survives re-serialisation by a relay, and a hash chain over logged events is reproducible.
 * Typed arrays are written as arrays. Non-finite numbers and non-JSON values are refused.
 */
export function canonicalJson(value: unknown): string {
  try {
    return fast(value);
  } catch (err) {
    if (err !== NOT_JSON) throw err;
  }
  // Only to name where the offending value is: the fast path keeps no paths.
  const parts: string[] = [];
  write(value, parts, "$");
  return parts.join("");
}

const NOT_JSON = new TypeError("not a JSON value");
/** JSON spellings of object keys seen (keys repeat: every message has the same field names). */
const keyJson = new Map<string, string>();

/**
 * The same output as write(), built by string concatenation without tracking paths: this runs twice
 * per shared message (sender and receiver), so it is on the hot path of the sharing fabric.
 */
function fast(v: unknown): string {
  if (v === null) return "null";
  switch (typeof v) {
    case "boolean":
      return v ? "true" : "false";
    case "number":
      if (!Number.isFinite(v)) throw NOT_JSON;
      return String(v); // = JSON.stringify for finite numbers (both are Number::toString)
    case "string":
      return JSON.stringify(v);
    case "object": {
      if (ArrayBuffer.isView(v) && !(v instanceof DataView))
        v = Array.from(v as unknown as ArrayLike<number>);
      if (Array.isArray(v)) {
        let s = "[";
        for (let i = 0; i < v.length; i++) s += i > 0 ? `,${fast(v[i])}` : fast(v[i]);
        return `${s}]`;
      }
      const keys = Object.keys(v as object).sort();
      let s = "{";
      let first = true;
      for (const k of keys) {
        const x = (v as Record<string, unknown>)[k];
        if (x === undefined) continue; // as JSON.stringify: absent and undefined are the same
        let kj = keyJson.get(k);
        if (kj === undefined) {
          kj = `${JSON.stringify(k)}:`;
          if (keyJson.size < 4096) keyJson.set(k, kj);
        }
        s += first ? kj : `,${kj}`;
        s += fast(x);
        first = false;
      }
      return `${s}}`;
    }
    default:
      throw NOT_JSON;
  }
}

function write(v: unknown, out: string[], path: string): void {
  if (v === null) {
    out.push("null");
    return;
  }
  switch (typeof v) {
    case "boolean":
      out.push(v ? "true" : "false");
      return;
    case "number":
      if (!Number.isFinite(v)) throw new TypeError(`${path}: not a finite number`);
      out.push(JSON.stringify(v));
      return;
    case "string":
      out.push(JSON.stringify(v));
      return;
    case "object": {
      if (ArrayBuffer.isView(v) && !(v instanceof DataView))
        v = Array.from(v as unknown as ArrayLike<number>);
      if (Array.isArray(v)) {
        out.push("[");
        for (let i = 0; i < v.length; i++) {
          if (i > 0) out.push(",");
          write(v[i], out, `${path}[${i}]`);
        }
        out.push("]");
        return;
      }
      const keys = Object.keys(v as object).sort();
      out.push("{");
      let first = true;
      for (const k of keys) {
        const x = (v as Record<string, unknown>)[k];
        if (x === undefined) continue; // as JSON.stringify: absent and undefined are the same
        if (!first) out.push(",");
        first = false;
        out.push(JSON.stringify(k), ":");
        write(x, out, `${path}.${k}`);
      }
      out.push("}");
      return;
    }
    default:
      throw new TypeError(`${path}: ${typeof v} is not a JSON value`);
  }
}

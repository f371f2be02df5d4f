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
 *
 * A subtree that is already canonical in shape — plain objects whose own keys come in sorted order
 * (as JSON.parse leaves them after reading canonical text, and as the sender's sanitised copies are
 * made), plain arrays without holes, finite numbers, strings, booleans and nulls — is handed to
 * JSON.stringify, which writes exactly these bytes (same key order, same number and string
 * spellings) without building a string per value. Anything else takes the general path below.
 */
function fast(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "object" && protoToJsonFree() && canonicalShape(v, 0)) return JSON.stringify(v);
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

/** Deepest subtree handed to JSON.stringify (deeper ones take the general path). */
const MAX_SHAPE_DEPTH = 64;

/**
 * True when nobody has put a toJSON on Object.prototype or Array.prototype: JSON.stringify would call
 * an inherited one, so only then can it stand in for canonicalJson (here and in sharing/sanitise.ts).
 */
export function protoToJsonFree(): boolean {
  return (
    (Object.prototype as { toJSON?: unknown }).toJSON === undefined &&
    (Array.prototype as { toJSON?: unknown }).toJSON === undefined
  );
}

/**
 * True when JSON.stringify(v) is the canonical JSON of v: plain objects (prototype Object.prototype
 * or null) with keys in ascending UTF-16 order, arrays (prototype Array.prototype) whose elements are
 * all defined, finite numbers. Undefined object members are fine (both skip them).
 */
function canonicalShape(v: object, depth: number): boolean {
  if (depth > MAX_SHAPE_DEPTH) return false;
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype) return false;
    for (let i = 0; i < v.length; i++) if (!canonicalValue(v[i], depth)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  const keys = Object.keys(v);
  for (let i = 0; i < keys.length; i++) {
    if (i > 0 && !(keys[i - 1] < keys[i])) return false;
    const x = (v as Record<string, unknown>)[keys[i]];
    if (x !== undefined && !canonicalValue(x, depth)) return false;
  }
  return true;
}

function canonicalValue(x: unknown, depth: number): boolean {
  switch (typeof x) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(x);
    case "object":
      return x === null || canonicalShape(x, depth + 1);
    default:
      return false;
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

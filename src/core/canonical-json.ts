/**
 * Canonical JSON for signing: object keys sorted by UTF-16 code units, no whitespace, numbers and
 * strings written as ECMAScript JSON.stringify writes them (the same rules as RFC 8785 JCS for the
 * values AllyLink sends). Two parties that agree on the value produce the same bytes, so a signature
 * survives re-serialisation by a relay, and a hash chain over logged events is reproducible.
 * Typed arrays are written as arrays. Non-finite numbers and non-JSON values are refused.
 */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts, "$");
  return parts.join("");
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

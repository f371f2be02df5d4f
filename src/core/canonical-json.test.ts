import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json.ts";

/** The straightforward definition: sorted keys, JSON.stringify for every leaf. */
function reference(v: unknown): string {
  if (v === null || typeof v === "boolean" || typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new TypeError("not finite");
    return JSON.stringify(v);
  }
  if (ArrayBuffer.isView(v) && !(v instanceof DataView))
    return reference(Array.from(v as unknown as number[]));
  if (Array.isArray(v)) return `[${v.map(reference).join(",")}]`;
  if (typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${reference((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  throw new TypeError("not JSON");
}

describe("canonical JSON", () => {
  it("sorts keys by UTF-16 code units, drops undefined members, writes no whitespace", () => {
    expect(canonicalJson({ b: 1, a: [true, null, "x"], c: undefined, é: -0, Z: 1e21, "\u0000": 0.1 })).toBe(
      '{"\\u0000":0.1,"Z":1e+21,"a":[true,null,"x"],"b":1,"é":0}',
    );
    expect(canonicalJson(new Float64Array([1.5, 2]))).toBe("[1.5,2]");
    expect(canonicalJson("\ud800")).toBe('"\\ud800"');
  });

  it("equals the reference definition on arbitrary JSON values", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(canonicalJson(v)).toBe(reference(v));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.object({ values: [fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string()] }),
        (v) => {
          expect(canonicalJson(v)).toBe(reference(v));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("equals the reference on values already in canonical key order (the JSON.stringify path)", () => {
    // JSON.parse of canonical text gives objects whose keys are in sorted order: what receivers see.
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const sorted = JSON.parse(reference(v));
        expect(canonicalJson(sorted)).toBe(reference(sorted));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 40 }),
        fc.string(),
        (xs, s) => {
          const v = { a: xs, b: { c: s, d: [xs, { e: -0, f: null }] } };
          expect(canonicalJson(v)).toBe(reference(v));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("keeps its own rules where JSON.stringify's differ, even in sorted objects", () => {
    const nullProto = Object.assign(Object.create(null), { a: 1, b: [2] });
    expect(canonicalJson(nullProto)).toBe('{"a":1,"b":[2]}');
    // Integer-like keys: Object.keys lists them numerically, canonical order is by code unit.
    expect(canonicalJson({ 1: "x", 9: "y", 10: "z" })).toBe('{"1":"x","10":"z","9":"y"}');
    // Typed arrays are arrays; a Date or a class instance is its own enumerable keys (no toJSON).
    expect(canonicalJson({ a: new Float64Array([0.5]), b: 1 })).toBe('{"a":[0.5],"b":1}');
    expect(canonicalJson({ a: new Date(0) })).toBe('{"a":{}}');
    class P {
      x = 1;
      toJSON() {
        return "no";
      }
    }
    expect(canonicalJson({ a: new P() })).toBe('{"a":{"x":1}}');
    expect(canonicalJson({ a: 1, b: undefined, c: [null] })).toBe('{"a":1,"c":[null]}');
    // Holes, undefined elements and non-finite numbers are refused, not written as null.
    const holey = [1, 2, 3];
    delete holey[1];
    expect(() => canonicalJson({ a: holey })).toThrow("$.a[1]: undefined is not a JSON value");
    expect(() => canonicalJson({ a: [1, undefined] })).toThrow("$.a[1]: undefined is not a JSON value");
    expect(() => canonicalJson({ a: 1, b: { c: Number.NEGATIVE_INFINITY } })).toThrow(
      "$.b.c: not a finite number",
    );
    expect(() => canonicalJson({ a: 1, b: { c: () => 1 } })).toThrow("$.b.c: function is not a JSON value");
    // An inherited toJSON would change JSON.stringify's output: canonical JSON ignores it.
    const proto = Object.prototype as { toJSON?: unknown };
    proto.toJSON = () => "polluted";
    try {
      expect(canonicalJson({ a: [1], b: { c: 2 } })).toBe('{"a":[1],"b":{"c":2}}');
    } finally {
      delete proto.toJSON;
    }
  });

  it("refuses non-JSON values, naming where they are", () => {
    expect(() => canonicalJson({ a: { b: [1, Number.NaN] } })).toThrow("$.a.b[1]: not a finite number");
    expect(() => canonicalJson({ a: [Infinity] })).toThrow("$.a[0]: not a finite number");
    expect(() => canonicalJson({ f: () => 1 })).toThrow("$.f: function is not a JSON value");
    expect(() => canonicalJson([1, undefined])).toThrow("$[1]: undefined is not a JSON value");
    expect(() => canonicalJson({ n: 1n })).toThrow("$.n: bigint is not a JSON value");
  });
});

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

  it("refuses non-JSON values, naming where they are", () => {
    expect(() => canonicalJson({ a: { b: [1, Number.NaN] } })).toThrow("$.a.b[1]: not a finite number");
    expect(() => canonicalJson({ a: [Infinity] })).toThrow("$.a[0]: not a finite number");
    expect(() => canonicalJson({ f: () => 1 })).toThrow("$.f: function is not a JSON value");
    expect(() => canonicalJson([1, undefined])).toThrow("$[1]: undefined is not a JSON value");
    expect(() => canonicalJson({ n: 1n })).toThrow("$.n: bigint is not a JSON value");
  });
});

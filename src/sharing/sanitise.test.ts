import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../core/canonical-json.ts";
import { hasAnyPath, sanitise, sanitiseCopy } from "./sanitise.ts";
import { exampleTrack } from "./test-fixtures.ts";

describe("sanitise", () => {
  it("removes nested and per-element fields from a deep copy, leaving the original untouched", () => {
    const track = exampleTrack("KOR");
    const before = structuredClone(track);
    const paths = ["contributors[].sensorId", "contributors[].siteEcef", "classification.className"];
    const clean = sanitise(track, paths);
    expect(track).toEqual(before);
    expect(hasAnyPath(clean, paths)).toBe(false);
    expect(hasAnyPath(track, paths)).toBe(true);
    expect(clean.contributors).toEqual([
      { sensorType: "radar", lastUpdate: 99 },
      { sensorType: "ir", lastUpdate: 98 },
    ]);
    expect(clean.classification).toEqual({ category: "MRBM", confidence: 0.8 });
    // Nothing is shared with the original.
    clean.state.posEcef[0] = 0;
    (clean.covariance.values as number[])[0] = -1;
    expect(track).toEqual(before);
    // Removing a whole list; paths that are absent or cross a non-array are ignored.
    const noList = sanitise(track, ["contributors[]", "missing.deep", "state[].posEcef", "state.posEcef.x"]);
    expect("contributors" in noList).toBe(false);
    expect(noList.state).toEqual(track.state);
  });

  it("copies non-plain values and cyclic structures as structuredClone does", () => {
    const when = new Date(0);
    const v = { at: when, xs: new Float64Array([1, 2]), keep: 1, drop: 2 };
    const c = sanitise(v, ["drop"]);
    expect(c).toEqual({ at: when, xs: new Float64Array([1, 2]), keep: 1 });
    expect(c.at).not.toBe(when);
    const cyclic: Record<string, unknown> = { a: 1, secret: 2 };
    cyclic.self = cyclic;
    const cc = sanitise(cyclic, ["secret"]);
    expect(cc.self).toBe(cc);
    expect("secret" in cc).toBe(false);
    expect(sanitise(5, ["a"])).toBe(5);
  });
});

describe("sanitiseCopy: when JSON.stringify of the copy is its canonical JSON", () => {
  const canonicalOrThrow = (x: unknown) => {
    try {
      return canonicalJson(x);
    } catch {
      return "<not JSON>";
    }
  };

  it("plainJson ⇒ JSON.stringify(copy) = canonicalJson(copy), for any value (property)", () => {
    let plain = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          fc.anything({ withTypedArray: true, withDate: true, withSparseArray: true }),
        ),
        fc.array(fc.constantFrom("a", "b.c", "list[].x", "__proto__"), { maxLength: 3 }),
        (value, paths) => {
          const { copy, plainJson } = sanitiseCopy(value, paths);
          expect(copy).toEqual(sanitise(value, paths));
          if (plainJson) {
            plain++;
            expect(JSON.stringify(copy)).toBe(canonicalOrThrow(copy));
          }
        },
      ),
      { numRuns: 400 },
    );
    expect(plain).toBeGreaterThan(20);
  });

  it("is false for what canonical JSON writes differently or refuses", () => {
    const cases: unknown[] = [
      { b: 1, 10: 2, 2: 3 }, // integer-like keys come first in any object
      JSON.parse('{"__proto__": {"toJSON": 1}, "a": 1}'),
      { a: Number.NaN },
      { a: [1, undefined] },
      // biome-ignore lint/suspicious/noSparseArray: a hole is what is tested
      { a: [1, , 3] },
      { a: new Float64Array([1, 2]) },
      { a: new Date(0) },
      { a: () => 1 },
      { a: 10n },
    ];
    for (const c of cases) expect(sanitiseCopy(c, []).plainJson, String(c)).toBe(false);
    expect(sanitiseCopy({ b: { z: 1, a: [1, "x", null, true] }, a: undefined }, []).plainJson).toBe(true);
    const proto = Object.prototype as { toJSON?: unknown };
    proto.toJSON = () => "x";
    try {
      expect(sanitiseCopy({ a: 1 }, []).plainJson).toBe(false);
    } finally {
      delete proto.toJSON;
    }
  });
});

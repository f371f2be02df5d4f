import { describe, expect, it } from "vitest";
import { hasAnyPath, sanitise } from "./sanitise.ts";
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

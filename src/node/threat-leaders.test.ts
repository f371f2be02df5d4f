import { expect, it } from "vitest";
import type { SystemTrack } from "../fusion/fusion-engine.ts";
import { threatLeaders } from "./threat-leaders.ts";

function st(stn: number, pos: number[], vel: number[]): SystemTrack {
  return {
    stn,
    t: 0,
    x: Float64Array.from([...pos, ...vel]),
    P: new Float64Array(36),
    contributors: [],
    reportingResponsibility: "KOR",
    tFirst: 0,
  } as unknown as SystemTrack;
}

it("one impact prediction per group of objects flying together; stragglers and separated stages get their own", () => {
  const rv = st(1, [6.0e6, 1.0e6, 3.0e6], [1000, 2000, 500]);
  const fragment = st(7, [6.0e6 + 900, 1.0e6 - 400, 3.0e6], [1010, 1995, 498]);
  const stage = st(3, [6.0e6 + 2000, 1.0e6, 3.0e6], [700, 1800, 300]); // near, but 400 m/s slower
  const other = st(5, [6.0e6 + 80_000, 1.0e6, 3.0e6], [1000, 2000, 500]); // same velocity, 80 km away
  const leaders = threatLeaders([fragment, other, stage, rv]).map((s) => s.stn);
  expect(leaders).toEqual([1, 3, 5]);
  expect(threatLeaders([])).toEqual([]);
});

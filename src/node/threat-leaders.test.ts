import { expect, it } from "vitest";
import type { SystemTrack } from "../fusion/fusion-engine.ts";
import { shadowingLeader, threatLeaders } from "./threat-leaders.ts";

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

it("a track known too poorly to tell it from a group's leader joins the group", () => {
  // A new track on a fragment of the cloud: 20 km and 300 m/s off the leader, but known only to
  // ±5 km and ±100 m/s per axis. Known well, the same offsets make it a leader of its own.
  const rv = st(1, [6.0e6, 1.0e6, 3.0e6], [1000, 2000, 500]);
  const young = st(9, [6.0e6 + 20_000, 1.0e6, 3.0e6], [1300, 2000, 500]);
  expect(threatLeaders([rv, young]).map((s) => s.stn)).toEqual([1, 9]);
  for (let i = 0; i < 3; i++) {
    young.P[i * 7] = 5000 ** 2;
    young.P[(i + 3) * 7] = 100 ** 2;
  }
  expect(threatLeaders([rv, young]).map((s) => s.stn)).toEqual([1]);
});

it("a younger leader flying beside an older one (a track split off near burnout) is shadowed by it", () => {
  const main = st(7, [6.0e6, 1.0e6, 3.0e6], [4000, 3000, 2000]);
  // Relayed track lagging the booster: 12 km behind, 400 m/s slower — its own leader, but the same missile.
  const split = st(8, [6.0e6 - 9000, 1.0e6 - 7000, 3.0e6 - 4000], [3750, 2800, 1900]);
  const far = st(9, [6.0e6 + 200_000, 1.0e6, 3.0e6], [4000, 3000, 2000]);
  const leaders = threatLeaders([main, split, far]);
  expect(leaders.map((s) => s.stn)).toEqual([7, 8, 9]);
  expect(shadowingLeader(split, leaders)?.stn).toBe(7);
  expect(shadowingLeader(main, leaders)).toBeUndefined(); // equally well known: the older one leads
  expect(shadowingLeader(far, leaders)).toBeUndefined();
  expect(shadowingLeader(split, leaders, (o) => o.stn !== 7)).toBeUndefined(); // its threat has ended
  // The better-known track leads whatever its number: a radar's own track beside an older track
  // made of one ally's lagging relayed report.
  const lagging = st(3, [6.0e6 - 9000, 1.0e6 - 7000, 3.0e6 - 4000], [3750, 2800, 1900]);
  lagging.P[0] = lagging.P[7] = lagging.P[14] = 4e6;
  const fresh = st(9, [6.0e6, 1.0e6, 3.0e6], [4000, 3000, 2000]);
  fresh.P[0] = fresh.P[7] = fresh.P[14] = 1e6;
  expect(shadowingLeader(lagging, [lagging, fresh])?.stn).toBe(9);
  expect(shadowingLeader(fresh, [lagging, fresh])).toBeUndefined();
});

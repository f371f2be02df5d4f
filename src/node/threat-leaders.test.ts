import { expect, it } from "vitest";
import type { SystemTrack } from "../fusion/fusion-engine.ts";
import { cloudConsensusAgainst, shadowingLeader, threatLeaders } from "./threat-leaders.ts";

function st(stn: number, pos: number[], vel: number[], tFirst = 0): SystemTrack {
  return {
    stn,
    t: 0,
    x: Float64Array.from([...pos, ...vel]),
    P: new Float64Array(36),
    contributors: [],
    reportingResponsibility: "KOR",
    tFirst,
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

it("a track inside a cloud whose velocity disagrees with the cloud's is answered by the cloud's nearest member", () => {
  // Five fragments within 4 km, flying within 30 m/s of each other, known to 200 m and 20 m/s per axis.
  const base = [6.0e6, 1.0e6, 3.0e6];
  const v = [1000, 2000, 500];
  const known = (s: SystemTrack) => {
    for (let i = 0; i < 3; i++) {
      s.P[i * 7] = 200 ** 2;
      s.P[(i + 3) * 7] = 20 ** 2;
    }
    return s;
  };
  const cloud = [0, 1, 2, 3, 4].map((k) =>
    known(st(10 + k, [base[0] + 800 * k, base[1] - 300 * k, base[2]], [v[0] + 6 * k, v[1] - 5 * k, v[2]])),
  );
  // A track 1.5 km from the second fragment, begun 50 s after the cloud's tracks, whose velocity is
  // 500 m/s off every member's: a track that took its hits from several fragments.
  const ghost = known(st(30, [base[0] + 2000, base[1] - 300, base[2]], [v[0] + 400, v[1] - 300, v[2]], 50));
  expect(cloudConsensusAgainst(ghost, [...cloud, ghost])?.stn).toBe(12);
  // The same track older than the cloud's is not held: a warhead among the tracks on its debris,
  // which drag has slowed together.
  const warhead = known(st(29, [...ghost.x.slice(0, 3)], [...ghost.x.slice(3)], -60));
  expect(cloudConsensusAgainst(warhead, [...cloud, warhead])).toBeUndefined();
  // Flying with the cloud: not held.
  const member = known(st(31, [base[0] + 2000, base[1] - 300, base[2]], [v[0] + 20, v[1], v[2]], 50));
  expect(cloudConsensusAgainst(member, [...cloud, member])).toBeUndefined();
  // Known too poorly to tell its velocity from the cloud's (±300 m/s per axis): not held.
  const vague = st(32, [base[0] + 2000, base[1] - 300, base[2]], [v[0] + 400, v[1] - 300, v[2]], 50);
  for (let i = 3; i < 6; i++) vague.P[i * 7] = 300 ** 2;
  expect(cloudConsensusAgainst(vague, [...cloud, vague])).toBeUndefined();
  // Two neighbours are not a cloud.
  expect(cloudConsensusAgainst(ghost, [cloud[0], cloud[1], ghost])).toBeUndefined();
  // Neighbours that do not fly together (no consensus) hold nothing.
  const scattered = cloud.map((s, k) =>
    known(st(40 + k, [...s.x.slice(0, 3)], [v[0] + 300 * (k - 2), v[1] + 250 * ((k % 2) * 2 - 1), v[2]])),
  );
  expect(cloudConsensusAgainst(ghost, [...scattered, ghost])).toBeUndefined();
  // The same cloud 30 km away: not a neighbour.
  const far = cloud.map((s, k) => known(st(50 + k, [s.x[0] + 30_000, s.x[1], s.x[2]], [...s.x.slice(3)])));
  expect(cloudConsensusAgainst(ghost, [...far, ghost])).toBeUndefined();
});

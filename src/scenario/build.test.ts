import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ecefToGeodetic, geodesicInverse, geodeticToEcef } from "../core/geodesy.ts";
import { Rng } from "../core/rng.ts";
import { newTruthState } from "../world/truth.ts";
import { buildAirMovers, buildScenario } from "./build.ts";
import { loadScenarioFile, parseScenario } from "./load.ts";

const shipped = (name: string) => fileURLToPath(new URL(`../../scenarios/${name}`, import.meta.url));

describe("buildScenario", () => {
  it("builds the drone incursion: five drones on their waypoints and the four sensors", () => {
    const scenario = loadScenarioFile(shipped("drone-incursion-2022-12-26.yaml"));
    const built = buildScenario(scenario);
    expect(built.launches).toHaveLength(0);
    expect(built.movers.map((m) => m.id)).toEqual(["DRONE-1", "DRONE-2", "DRONE-3", "DRONE-4", "DRONE-5"]);
    expect(built.sensors.map((s) => `${s.nation}:${s.id}`)).toEqual([
      "KOR:KOR-LOWALT-GIMPO",
      "KOR:KOR-LOWALT-SEOUL",
      "KOR:KOR-GREENPINE-NORTH-CHUNGCHEONG",
      "USA:USA-TPY2-SEONGJU",
    ]);
    // DRONE-1 starts at 10:25 KST (300 s after the epoch) on its first waypoint, 2,500 m up.
    const d1 = built.movers[0];
    expect(d1.tStart).toBe(300);
    const st = newTruthState();
    expect(d1.sample(300, st)).toBe(true);
    const expected = geodeticToEcef((37.95 * Math.PI) / 180, (126.62 * Math.PI) / 180, 2500);
    for (let k = 0; k < 3; k++) expect(st.pos[k]).toBeCloseTo(expected[k], 3);
    // It reaches the northern edge of P-73 (37.565N 126.975E), 3.7 km or less from the office.
    let closestM = Number.POSITIVE_INFINITY;
    for (let t = d1.tStart; t <= d1.tEnd; t += 5) {
      d1.sample(t, st);
      const g = ecefToGeodetic(st.pos[0], st.pos[1], st.pos[2]);
      const d = geodesicInverse(g.lat, g.lon, (37.539 * Math.PI) / 180, (126.977 * Math.PI) / 180).distanceM;
      closestM = Math.min(closestM, d);
    }
    expect(closestM).toBeLessThan(3700);
  });

  it("gives legs without their own speed the mover's default, and honours holds", () => {
    const [d1] = buildAirMovers(loadScenarioFile(shipped("drone-incursion-2022-12-26.yaml")));
    // Path length / 28 m/s plus the 600 s hold — an independent sum over the geodesic legs.
    const wps: [number, number][] = [
      [37.95, 126.62],
      [37.76, 126.68],
      [37.68, 126.78],
      [37.62, 126.92],
      [37.565, 126.975],
      [37.6, 127.03],
      [37.66, 127.05],
      [37.75, 126.9],
      [37.95, 126.75],
    ];
    const rad = Math.PI / 180;
    let lengthM = 0;
    for (let i = 1; i < wps.length; i++) {
      lengthM += geodesicInverse(
        wps[i - 1][0] * rad,
        wps[i - 1][1] * rad,
        wps[i][0] * rad,
        wps[i][1] * rad,
      ).distanceM;
    }
    expect(d1.tEnd - d1.tStart).toBeCloseTo(lengthM / 28 + 600, 6);
  });

  it("flies the shipped SRBM salvo: eight launches, each within 1 km of its aim, apogees of tens of km", () => {
    const built = buildScenario(loadScenarioFile(shipped("srbm-salvo-east-sea.yaml")));
    expect(built.launches.map((p) => p.launch.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((i) => `SRBM-${i}`));
    for (const { launch, flight } of built.launches) {
      const s = flight.summary;
      expect(s.aimErrorM, launch.id).toBeLessThan(1000);
      // Public record of 5 Jun 2022: altitudes 25–90 km; the generic class flies a little higher.
      expect(s.apogeeM / 1000, launch.id).toBeGreaterThan(25);
      expect(s.apogeeM / 1000, launch.id).toBeLessThan(110);
      expect(s.groundRangeM / 1000, launch.id).toBeGreaterThanOrEqual(109);
      expect(flight.tEnd, launch.id).toBeLessThan(built.scenario.durationS);
    }
    // Launches are spread over the 35-minute window the JCS reported (09:08–09:43 KST).
    const times = built.launches.map((p) => p.launch.tS);
    expect(Math.max(...times) - Math.min(...times)).toBe(35 * 60);
    expect(built.sensors).toHaveLength(9);
  });

  const DEBRIS = `name: debris
epoch: 2024-01-01T00:00:00Z
durationS: 1000
seed: 5
nations: [KOR]
sharing: none
sensors: []
launches:
  - id: A
    time: 10
    site: Sunan
    class: SRBM
    aim: east-sea-off-wonsan
    trajectory: minimum-energy
    debris: 6
  - id: B
    time: 20
    site: Sunan
    class: SRBM
    aim: east-sea-off-wonsan
    trajectory: minimum-energy
`;

  it("releases debris only for launches that ask for it, the same for the same seed", () => {
    const scenario = parseScenario(DEBRIS, "debris.yaml");
    const a = buildScenario(scenario);
    // Launch A: its one spent stage plus six fragments; launch B flies alone.
    expect(a.debrisCount).toEqual({ A: 7, B: 0 });
    expect(a.movers.map((m) => m.id)).toEqual([
      "A",
      "B",
      "A.s1",
      "A.f0",
      "A.f1",
      "A.f2",
      "A.f3",
      "A.f4",
      "A.f5",
    ]);
    const b = buildScenario(scenario);
    const c = buildScenario(scenario, new Rng(6));
    const sa = newTruthState();
    const sb = newTruthState();
    const sc = newTruthState();
    const frag = (built: typeof a) => built.movers.find((m) => m.id === "A.f3")!;
    const t = frag(a).tStart + 60;
    frag(a).sample(t, sa);
    frag(b).sample(t, sb);
    frag(c).sample(t, sc);
    expect(Array.from(sb.pos)).toEqual(Array.from(sa.pos));
    expect(Math.hypot(sc.pos[0] - sa.pos[0], sc.pos[1] - sa.pos[1], sc.pos[2] - sa.pos[2])).toBeGreaterThan(
      1,
    );
  });

  it("reports a launch the flight model cannot fly at its file line", () => {
    const text = DEBRIS.replace(
      "aim: east-sea-off-wonsan\n    trajectory: minimum-energy\n    debris: 6",
      "aim: {azimuthDeg: 90, rangeKm: 500}\n    trajectory: minimum-energy",
    );
    const scenario = parseScenario(text, "far.yaml");
    expect(() => buildScenario(scenario)).toThrow(/cannot be flown/);
    try {
      buildScenario(scenario);
    } catch (err) {
      expect((err as { details: string[] }).details).toEqual([
        expect.stringMatching(
          /^far\.yaml:13: \/launches\/0\/aim: ground range 500 km is beyond the reach of class SRBM \(about \d+ km\)$/,
        ),
      ]);
    }
  });
});

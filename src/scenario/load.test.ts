import { describe, expect, it } from "vitest";
import { parse as parseYamlPlain } from "yaml";
import { UserError } from "../core/errors.ts";
import { geodesicInverse } from "../core/geodesy.ts";
import { parseScenario } from "./load.ts";

/** A valid scenario; each invalid case below changes one thing in it. Line numbers matter. */
const BASE = `name: base
epoch: 2024-10-30T22:10:00Z
durationS: 6000
seed: 7
nations: [KOR, USA, JPN]
sharing: trilateral
sensors:
  - type: radar
    id: kr-radar
    nation: KOR
    site: {lat: 36.5, lon: 127.5, altKm: 0.3}
    maxRangeKm: 900
    refRangeKm: 600
    revisitS: 10
    sigmaRangeM: 50
    sigmaAzDeg: 0.1
    sigmaElDeg: 0.1
  - type: space-ir
    id: us-geo
    nation: USA
    satellite: {geoLonDeg: 120}
    sigmaLosDeg: 0.005
    revisitS: 10
launches:
  - id: L1
    time: 60
    site: {lat: 39.2, lon: 125.67}
    class: ICBM
    aim: {lat: 42.15, lon: 137.03}
    trajectory: lofted
    apogeeKm: 7000
  - id: L2
    time: 2024-10-30T22:20:00Z
    site: {lat: 39.2, lon: 125.67}
    class: SRBM
    aim: {azimuthDeg: 90, rangeKm: 300}
    trajectory: minimum-energy
airMovers:
  - id: D1
    kind: drone
    time: 0
    rcsM2: 0.05
    waypoints:
      - {lat: 37.9, lon: 126.6, altM: 2000, speedMps: 30}
      - {lat: 37.6, lon: 126.9, altM: 2000, speedMps: 30}
protectedAreas:
  - id: seoul
    nation: KOR
    polygon: [[37.7, 126.8], [37.7, 127.2], [37.4, 127.2], [37.4, 126.8]]
injects:
  - {time: 600, type: link-outage, link: KOR-USA, durationS: 300}
`;

function problems(text: string, file = "s.yaml"): string[] {
  try {
    parseScenario(text, file);
  } catch (err) {
    if (err instanceof UserError) return [...err.details];
    throw err;
  }
  return [];
}

/** Replaces exactly one occurrence (the test fails loudly if the anchor text moved). */
function edit(from: string, to: string): string {
  expect(BASE.split(from).length, `anchor "${from}" must occur once`).toBe(2);
  return BASE.replace(from, to);
}

describe("parseScenario on a valid document", () => {
  const s = parseScenario(BASE, "s.yaml");

  it("converts edge units to SI and radians", () => {
    expect(s.epochMs).toBe(Date.UTC(2024, 9, 30, 22, 10, 0));
    expect(s.durationS).toBe(6000);
    expect(s.nations).toEqual(["KOR", "USA", "JPN"]);
    const l1 = s.launches[0];
    expect(l1.site.latRad).toBeCloseTo((39.2 * Math.PI) / 180, 12);
    expect(l1.apogeeM).toBe(7_000_000);
    expect(l1.line).toBe(25);
    expect(l1.fieldLines.aim).toBe(29);
    // Absolute launch time → seconds after the epoch.
    expect(s.launches[1].tS).toBe(600);
    const radar = s.sensors[0].spec as { rangeMaxM: number; sigmaAzRad: number; halfWidthAzRad: number };
    expect(radar.rangeMaxM).toBe(900_000);
    expect(radar.sigmaAzRad).toBeCloseTo((0.1 * Math.PI) / 180, 15);
    // An optional field left out takes the default the schema documents (all-round).
    expect(radar.halfWidthAzRad).toBe(Math.PI);
    expect(s.airMovers[0].waypoints[1].hM).toBe(2000);
    expect(s.injects[0]).toEqual({
      tS: 600,
      type: "link-outage",
      fields: { link: "KOR-USA", durationS: 300 },
      index: 0,
    });
  });

  it("turns an azimuth/range aim into the point that far along the geodesic", () => {
    const l2 = s.launches[1];
    const back = geodesicInverse(l2.site.latRad, l2.site.lonRad, l2.aim.latRad, l2.aim.lonRad);
    expect(back.distanceM).toBeCloseTo(300_000, 3);
    expect(back.azimuth1).toBeCloseTo(Math.PI / 2, 9);
  });

  it("accepts the same document as JSON", () => {
    const json = JSON.stringify({ ...parseYamlPlain(BASE) });
    expect(parseScenario(json, "s.json").launches.length).toBe(2);
  });
});

/** [what is wrong, the edited document, the exact problem lines expected]. */
const INVALID: [string, string, string[]][] = [
  ["missing required field", edit("seed: 7\n", ""), ["s.yaml:1: /seed: is required but missing"]],
  [
    "unknown top-level field with a hint",
    edit("seed: 7\n", "seed: 7\nnation: [KOR]\n"),
    [
      's.yaml:5: /nation: unknown field (did you mean "nations"?); allowed: name, description, epoch, durationS, seed, nations, sharing, sensors, launches, airMovers, protectedAreas, injects, tabletop',
    ],
  ],
  [
    "wrong type",
    edit("durationS: 6000", "durationS: long"),
    ['s.yaml:3: /durationS: must be a number (got "long")'],
  ],
  [
    "epoch without a zone",
    edit("epoch: 2024-10-30T22:10:00Z", "epoch: 2024-10-30T22:10:00"),
    [
      's.yaml:2: /epoch: must be an ISO 8601 time with a zone, for example 2024-10-30T22:11:00Z or 2024-10-31T07:11:00+09:00 (got "2024-10-30T22:10:00")',
    ],
  ],
  [
    "impossible calendar date",
    edit("epoch: 2024-10-30T22:10:00Z", "epoch: 2024-02-30T22:10:00Z"),
    ['s.yaml:2: /epoch: "2024-02-30T22:10:00Z" has day 30, but 2024-02 has 29 days'],
  ],
  [
    "unknown nation",
    edit("nations: [KOR, USA, JPN]", "nations: [KOR, USA, PRK]"),
    ['s.yaml:5: /nations/2: must be one of KOR, USA, JPN (got "PRK")'],
  ],
  [
    "repeated nation",
    edit("nations: [KOR, USA, JPN]", "nations: [KOR, USA, JPN, KOR]"),
    ["s.yaml:5: /nations: must not repeat an item (items 0 and 3 are the same)"],
  ],
  [
    "unknown sharing mode",
    edit("sharing: trilateral", "sharing: quad"),
    ['s.yaml:6: /sharing: must be one of none, bilateral, trilateral (got "quad")'],
  ],
  [
    "unknown missile class",
    edit("class: SRBM", "class: SRMB"),
    [
      's.yaml:35: /launches/1/class: unknown missile class "SRMB" (did you mean "SRBM"?); known: SRBM, MRBM, IRBM, ICBM',
    ],
  ],
  [
    "unknown trajectory",
    edit("trajectory: minimum-energy", "trajectory: straight"),
    ['s.yaml:37: /launches/1/trajectory: must be one of minimum-energy, lofted, depressed (got "straight")'],
  ],
  [
    "launch time beyond the duration",
    edit("    time: 60\n", "    time: 7200\n"),
    ["s.yaml:26: /launches/0/time: launch time 7200 s is beyond the scenario duration (durationS: 6000)"],
  ],
  [
    "absolute launch time before the epoch",
    edit("time: 2024-10-30T22:20:00Z", "time: 2024-10-30T22:00:00Z"),
    ["s.yaml:33: /launches/1/time: launch time 2024-10-30T22:00:00Z is before the epoch"],
  ],
  [
    "aim point at the launch site",
    edit("aim: {lat: 42.15, lon: 137.03}", "aim: {lat: 39.2, lon: 125.67}"),
    ["s.yaml:29: /launches/0/aim: aim point is 0 m from the launch site; it must be at least 1 km away"],
  ],
  [
    "aim mixing both forms",
    edit("aim: {azimuthDeg: 90, rangeKm: 300}", "aim: {azimuthDeg: 90, lat: 40}"),
    [
      "s.yaml:36: /launches/1/aim: must be a named aim area, an aim point {lat, lon}, or {azimuthDeg, rangeKm} from the launch site (got a mapping)",
    ],
  ],
  [
    "SRBM aimed across the Pacific",
    edit("aim: {azimuthDeg: 90, rangeKm: 300}", "aim: {azimuthDeg: 90, rangeKm: 3000}"),
    [
      "s.yaml:36: /launches/1/aim: aim point is 3000 km away, far beyond the nominal range of the SRBM class (300 km)",
    ],
  ],
  [
    "apogee target on a minimum-energy flight",
    edit("trajectory: minimum-energy", "trajectory: minimum-energy\n    apogeeKm: 100"),
    [
      "s.yaml:38: /launches/1/apogeeKm: a minimum-energy flight has its own apogee; an apogee target needs trajectory lofted or depressed",
    ],
  ],
  [
    "site neither a name nor a point",
    edit("site: {lat: 39.2, lon: 125.67}\n    class: SRBM", "site: 17\n    class: SRBM"),
    ["s.yaml:34: /launches/1/site: must be a launch-site catalogue name or {lat, lon} (got 17)"],
  ],
  [
    "latitude out of range inside a union branch",
    edit(
      "site: {lat: 39.2, lon: 125.67}\n    class: SRBM",
      "site: {lat: 139.2, lon: 125.67}\n    class: SRBM",
    ),
    ["s.yaml:34: /launches/1/site/lat: must be <= 90 (got 139.2)"],
  ],
  [
    "duplicate launch id",
    edit("  - id: L2", "  - id: L1"),
    ['s.yaml:32: /launches/1/id: duplicate id "L1" (also /launches/0)'],
  ],
  [
    "inline radar missing a σ, with an unknown field",
    edit("    sigmaElDeg: 0.1\n", "    sigmaElevDeg: 0.1\n"),
    [
      "s.yaml:8: /sensors/0/sigmaElDeg: is required but missing",
      expect.stringMatching(
        /^s\.yaml:17: \/sensors\/0\/sigmaElevDeg: unknown field \(did you mean "sigmaElDeg"\?\); allowed: /,
      ) as unknown as string,
    ],
  ],
  [
    "radar of a nation that runs no node",
    edit("nations: [KOR, USA, JPN]", "nations: [USA, JPN]"),
    [
      "s.yaml:10: /sensors/0/nation: nation KOR runs no node in this scenario (see /nations)",
      "s.yaml:48: /protectedAreas/0/nation: nation KOR runs no node in this scenario (see /nations)",
    ],
  ],
  [
    "space sensor with an unknown type value",
    edit("type: space-ir", "type: space-radar"),
    [
      "s.yaml:18: /sensors/1: must be a catalogue sensor {catalog: NAME} or an inline sensor {type: radar | space-ir, id, nation, ...} (got a mapping)",
    ],
  ],
  [
    "unknown launch site name, with a hint",
    edit("site: {lat: 39.2, lon: 125.67}\n    class: SRBM", "site: Sunnan\n    class: SRBM"),
    [
      's.yaml:34: /launches/1/site: unknown launch site "Sunnan" (did you mean "Sunan"?); known: Sunan, Pyongyang, Tongchang-ri, Sinpo, Wonsan-Kalma, Hamhung, Jangyon, Sukchon, Kusong',
    ],
  ],
  [
    "unknown aim area",
    edit("aim: {lat: 42.15, lon: 137.03}", "aim: sea-of-okushiri"),
    [
      expect.stringMatching(
        /^s\.yaml:29: \/launches\/0\/aim: unknown aim area "sea-of-okushiri" \(did you mean "sea-west-of-okushiri"\?\); known: /,
      ) as unknown as string,
    ],
  ],
  [
    "unknown catalogue sensor, with a hint",
    edit("  - type: space-ir\n", "  - catalog: USA-TPY2-SEONJU\n  - type: space-ir\n"),
    [
      expect.stringMatching(
        /^s\.yaml:18: \/sensors\/1\/catalog: unknown catalogue sensor "USA-TPY2-SEONJU" \(did you mean "USA-TPY2-SEONGJU"\?\); known: /,
      ) as unknown as string,
    ],
  ],
  [
    "catalogue override in SI units instead of the edge's",
    edit(
      "  - type: space-ir\n",
      "  - catalog: USA-TPY2-SEONGJU\n    overrides: {rangeMaxM: 1200000}\n  - type: space-ir\n",
    ),
    [
      expect.stringMatching(
        /^s\.yaml:19: \/sensors\/1\/overrides\/rangeMaxM: unknown field; allowed: site, .*maxRangeKm/,
      ) as unknown as string,
    ],
  ],
  [
    "catalogue override of the wrong type's field",
    edit(
      "  - type: space-ir\n",
      "  - catalog: USA-TPY2-SEONGJU\n    overrides: {sigmaLosDeg: 0.01}\n  - type: space-ir\n",
    ),
    [
      expect.stringMatching(
        /^s\.yaml:19: \/sensors\/1\/overrides\/sigmaLosDeg: unknown field.*; allowed: site, /,
      ) as unknown as string,
    ],
  ],
  [
    "catalogue override out of range",
    edit(
      "  - type: space-ir\n",
      "  - catalog: USA-TPY2-SEONGJU\n    overrides: {revisitS: -1}\n  - type: space-ir\n",
    ),
    ["s.yaml:19: /sensors/1/overrides/revisitS: must be > 0 (got -1)"],
  ],
  [
    "two catalogue sensors with the same default id",
    edit(
      "  - type: space-ir\n",
      "  - catalog: USA-TPY2-SEONGJU\n  - catalog: USA-TPY2-SEONGJU\n  - type: space-ir\n",
    ),
    ['s.yaml:19: /sensors/2: duplicate sensor id "USA-TPY2-SEONGJU" (also /sensors/1); give one an id'],
  ],
  [
    "catalogue sensor of a nation without a node",
    edit("nations: [KOR, USA, JPN]\n", "nations: [KOR, USA]\n").replace(
      "  - type: space-ir\n",
      "  - catalog: JPN-FPS5-SADO\n  - type: space-ir\n",
    ),
    [
      's.yaml:18: /sensors/1/catalog: sensor "JPN-FPS5-SADO" belongs to JPN, which runs no node here (see /nations)',
    ],
  ],
  [
    "inline radar whose minimum range exceeds its maximum",
    edit("    refRangeKm: 600\n", "    refRangeKm: 600\n    minRangeKm: 950\n"),
    ["s.yaml:12: /sensors/0/maxRangeKm: must be above minRangeKm"],
  ],
  [
    "drone with one waypoint",
    edit("      - {lat: 37.6, lon: 126.9, altM: 2000, speedMps: 30}\n", ""),
    ["s.yaml:44: /airMovers/0/waypoints: must have at least 2 items"],
  ],
  [
    "degenerate protected area",
    edit(
      "[[37.7, 126.8], [37.7, 127.2], [37.4, 127.2], [37.4, 126.8]]",
      "[[37.7, 126.8], [37.7, 126.8], [37.4, 127.2]]",
    ),
    ["s.yaml:49: /protectedAreas/0/polygon: needs at least 3 distinct vertices"],
  ],
  [
    "inject after the end",
    edit("{time: 600, type: link-outage", "{time: 9000, type: link-outage"),
    ["s.yaml:51: /injects/0/time: inject time 9000 s is beyond the scenario duration (durationS: 6000)"],
  ],
  [
    "YAML syntax error",
    edit("sharing: trilateral", "sharing: [trilateral"),
    [expect.stringMatching(/^s\.yaml:\d+: \/: YAML syntax error: /) as unknown as string],
  ],
  [
    "duplicate key",
    edit("seed: 7\n", "seed: 7\nseed: 8\n"),
    ["s.yaml:5: /: YAML syntax error: Map keys must be unique"],
  ],
  ["empty file", "", ["s.yaml:1: /: the file is empty"]],
  ["not a mapping", "- a\n- b\n", ["s.yaml:1: /: must be a mapping (got a list)"]],
];

describe("parseScenario on invalid documents: one FILE:LINE: PATH: reason line per problem", () => {
  it.each(INVALID)("%s", (_what, text, expected) => {
    expect(problems(text)).toEqual(expected);
  });

  it("reports every problem of a document at once, sorted by line", () => {
    const text = BASE.replace("class: SRBM", "class: XRBM").replace("sharing: trilateral", "sharing: quad");
    const lines = problems(text);
    expect(lines).toHaveLength(1); // schema problems stop before semantic checks run on a broken shape
    const semantic = problems(
      BASE.replace("class: SRBM", "class: XRBM").replace("    time: 60\n", "    time: 7000\n"),
    );
    expect(semantic.map((l) => l.split(":")[1])).toEqual(["26", "35"]);
  });

  it("throws a UserError whose message names the file and the count", () => {
    expect(() => parseScenario(edit("seed: 7\n", ""), "dir/x.yaml")).toThrow(
      /^dir\/x\.yaml: invalid scenario \(1 problem\)$/,
    );
  });
});

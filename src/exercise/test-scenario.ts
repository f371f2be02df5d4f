/**
 * A short scenario for the exercise tests: one SRBM from the Pyongyang area toward the East Sea,
 * seen first by Korean radars and later by a Japanese one, three nations sharing trilaterally. Kept
 * short (durationS) so a run takes a few seconds; `injects` is YAML appended as the injects list.
 */
import { parseScenario } from "../scenario/load.ts";
import type { Scenario } from "../scenario/scenario.ts";

export function shortScenarioText(injects = "", durationS = 200): string {
  return `
name: short-srbm
description: one SRBM toward the East Sea
epoch: 2022-06-05T00:00:00Z
durationS: ${durationS}
seed: 7
nations: [KOR, USA, JPN]
sharing: trilateral
sensors:
  - catalog: KOR-GREENPINE-NORTH-CHUNGCHEONG
  - catalog: KOR-AEGIS-EAST-SEA-1
  - catalog: JPN-FPS5-SADO
launches:
  - id: M1
    time: 10
    site: Sunan
    class: SRBM
    aim: {lat: 39.45, lon: 129.35}
    trajectory: minimum-energy
${injects ? `injects:\n${injects}` : ""}
`;
}

export function shortScenario(injects = "", durationS = 200): Scenario {
  return parseScenario(shortScenarioText(injects, durationS), "short-srbm.yaml");
}

import { describe, expect, it } from "vitest";
import { UserError } from "../core/errors.ts";
import { parseInjects } from "./injects.ts";
import { shortScenario } from "./test-scenario.ts";

describe("inject validation", () => {
  const problems = (yaml: string): string[] => {
    try {
      parseInjects(shortScenario(yaml));
    } catch (err) {
      expect(err).toBeInstanceOf(UserError);
      const e = err as UserError;
      return e.details.length > 0 ? [...e.details] : [e.message];
    }
    return [];
  };

  it("names the inject and field of every problem", () => {
    expect(
      problems(
        "  - {time: 5, type: sensor-outage, sensor: KOR-GREENPINE-NORTH-CHUNGCHEON, durationS: 10}",
      )[0],
    ).toMatch(
      /injects\[0\] \(sensor-outage\): sensor: .* is not a sensor of this scenario \(did you mean "KOR-GREENPINE-NORTH-CHUNGCHEONG"\?\)/,
    );
    expect(problems("  - {time: 5, type: link-outage, link: KOR-USA, durationS: 10}")[0]).toMatch(
      /link: must be "FROM>TO"/,
    );
    expect(problems("  - {time: 5, type: link-outage, link: KOR>CHN, durationS: 10}")[0]).toMatch(
      /CHN is not one of the scenario's nations/,
    );
    expect(problems("  - {time: 5, type: link-outage, link: KOR>USA}")[0]).toMatch(/durationS: required/);
    expect(problems("  - {time: 150, type: link-outage, link: KOR>USA, durationS: 100}")[0]).toMatch(
      /beyond the scenario duration/,
    );
    expect(
      problems("  - {time: 5, type: link-degradation, link: USA>JPN, durationS: 10, loss: 1.5}")[0],
    ).toMatch(/loss: must be a probability/);
    expect(problems("  - {time: 5, type: node-crash, nation: PRK}")[0]).toMatch(
      /nation: "PRK" is not one of/,
    );
    expect(problems("  - {time: 5, type: node-crash, nation: JPN, restartAfter: 10}")[0]).toMatch(
      /restartAfter: not a field of a node-crash inject/,
    );
    expect(problems("  - {time: 5, type: sensor-outtage, sensor: X, durationS: 1}")[0]).toMatch(
      /did you mean "sensor-outage"/,
    );
    expect(
      problems(
        "  - {time: 5, type: launch, id: M1, site: Sunan, class: SRBM, aim: {lat: 39.3, lon: 129.3}, trajectory: depressed}",
      )[0],
    ).toMatch(/id: launch id "M1" is already used/);
    expect(
      problems(
        "  - {time: 5, type: launch, id: M9, site: Nowhere, class: SRBM, aim: {lat: 39.3, lon: 129.3}, trajectory: depressed}",
      )[0],
    ).toMatch(/injects\[0\] \(launch\): .*Nowhere/);
  });

  it("leaves tabletop injects alone", () => {
    const p = parseInjects(shortScenario("  - {time: 5, type: nuclear-test-preparations, text: hi}"));
    expect(p.runner).toEqual([]);
    expect(p.others).toEqual([{ index: 0, type: "nuclear-test-preparations" }]);
  });
});

import { describe, expect, it } from "vitest";
import type { Alert, WarningArea } from "../warning/alert.ts";
import type { ZoneFix } from "../warning/maritime-zones.ts";
import type { FallenObject } from "./log-kinds.ts";
import { ThreatMetricsCollector, type ThreatTruth } from "./threat-metrics.ts";

const fix = (zone: ZoneFix["zone"], coastDistanceM: number): ZoneFix => ({
  zone,
  nation: "JPN",
  country: "Japan",
  coastDistanceM,
});
const impact = { lat: 0.714, lon: 2.42 };
/** A missile that fell in Japan's EEZ, 80 km out. */
const missile: ThreatTruth = {
  id: "M1",
  missileClass: "MRBM",
  tLaunch: 0,
  tImpact: 600,
  impact,
  impactFix: fix("eez", 80_000),
};
const area = (kind: WarningArea["kind"]): WarningArea => ({
  id: `JPN-${kind}`,
  name: kind,
  nation: "JPN",
  kind,
});
const ellipse = { center: impact, semiMajorM: 20_000, semiMinorM: 10_000, orientation: 0, probability: 0.95 };
const issued = (kind: WarningArea["kind"], t: number) =>
  ({ id: `a-${kind}-${t}`, t, state: "issued", area: area(kind), ellipse }) as Alert;

function falseWarnings(alerts: { alert: Alert; fallen?: FallenObject }[]): number {
  const c = new ThreatMetricsCollector(["JPN"], [missile]);
  for (const { alert, fallen } of alerts) c.alert("JPN", "M1", alert, fallen);
  return c.results()[0].falseWarnings;
}

describe("scoring an alert", () => {
  it("is right for the zone the missile fell in and the zones around it, false nearer the shore", () => {
    expect(falseWarnings([{ alert: issued("eez", 100) }])).toBe(0);
    expect(falseWarnings([{ alert: issued("land", 100) }, { alert: issued("territorial-sea", 100) }])).toBe(
      2,
    );
  });

  it("is right where the stage or fragment its track followed came down", () => {
    const stage = (impactFix: ZoneFix): FallenObject => ({ id: "M1.s1", impact, impactFix });
    expect(falseWarnings([{ alert: issued("land", 100), fallen: stage(fix("land", 0)) }])).toBe(0);
    expect(
      falseWarnings([{ alert: issued("land", 100), fallen: stage(fix("territorial-sea", 5_000)) }]),
    ).toBe(1);
    expect(falseWarnings([{ alert: issued("territorial-sea", 100), fallen: stage(fix("land", 0)) }])).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { deg2rad } from "../core/geodesy.ts";
import { AlertManager, LOST_REASON } from "./alert-manager.ts";
import type { ImpactPrediction } from "./impact-prediction.ts";
import { MaritimeZones } from "./maritime-zones.ts";
import { type AreaOdds, areaProbabilities, nationAreas } from "./threat-areas.ts";

function prediction(t: number, tImpact: number, semiMajorM: number): ImpactPrediction {
  const center = { lat: deg2rad(40), lon: deg2rad(137) };
  return {
    t,
    tImpact,
    tImpactSigmaS: 1,
    impact: center,
    covEnM2: [1, 0, 1],
    ellipse: { center, semiMajorM, semiMinorM: semiMajorM / 3, orientation: 1, probability: 0.95 },
    samples: new Float64Array(),
    sampleCount: 100,
  };
}
const odds = (eez: number, land = 0): AreaOdds => ({
  byArea: new Map([
    ["JPN-eez", eez],
    ["JPN-land", land],
  ]),
  fixes: [],
});

describe("alert lifecycle", () => {
  it("issues at threshold, updates when the picture changes, cancels with hysteresis", () => {
    const m = new AlertManager("JPN", nationAreas("JPN"));
    expect(m.assess("L1", 10, prediction(10, 300, 50_000), odds(0.05))).toEqual([]);
    const issued = m.assess("L1", 12, prediction(12, 300, 50_000), odds(0.2));
    expect(issued.map((a) => [a.area.id, a.state, a.version])).toEqual([["JPN-eez", "issued", 1]]);
    // Too soon and too small a change: no update.
    expect(m.assess("L1", 14, prediction(14, 301, 48_000), odds(0.22))).toEqual([]);
    const upd = m.assess("L1", 30, prediction(30, 299, 20_000), odds(0.25));
    expect(upd.map((a) => [a.state, a.version])).toEqual([["updated", 2]]);
    // Below the threshold but above half of it (and too soon for an update): still live.
    expect(m.assess("L1", 33, prediction(33, 299, 19_000), odds(0.06))).toEqual([]);
    expect(m.active().length).toBe(1);
    // Below half the threshold once: updated (the odds fell by more than a step), still live ...
    const low = m.assess("L1", 50, prediction(50, 299, 18_000), odds(0.04));
    expect(low.map((a) => [a.state, a.version])).toEqual([["updated", 3]]);
    // ... and cancelled when they stay there at the next assessment.
    const cancel = m.assess("L1", 54, prediction(54, 299, 18_000), odds(0.03));
    expect(cancel.map((a) => [a.state, a.version])).toEqual([["cancelled", 4]]);
    expect(m.active()).toEqual([]);
    expect(m.versionsOf("JPN-L1-JPN-eez").length).toBe(4);
  });

  it("does not flicker: a cancel, and an issue after a cancel, wait for a second assessment that agrees", () => {
    const m = new AlertManager("JPN", nationAreas("JPN"));
    // The raid's debris track near KOR's EEZ edge: 0.195, 0.03, 0.105, 0.01, 0.255, 0.035, 0.14, ...
    const swings = [0.195, 0.03, 0.105, 0.01, 0.255, 0.035, 0.14, 0.015, 0.12, 0.035];
    const states = swings.flatMap((p, k) =>
      m.assess("D1", 100 + 4 * k, prediction(100 + 4 * k, 400, 20_000), odds(p)).map((a) => a.state),
    );
    expect(states.filter((s) => s === "issued")).toHaveLength(1);
    expect(states).not.toContain("cancelled");
    expect(m.active()).toHaveLength(1);
    // Two low assessments in a row end it ...
    const cancelled = m.assess("D1", 140, prediction(140, 400, 20_000), odds(0.02));
    expect(cancelled.map((a) => a.state)).toEqual(["cancelled"]);
    // ... and it is issued again only when the odds are back at the threshold twice in a row.
    expect(m.assess("D1", 144, prediction(144, 400, 20_000), odds(0.3))).toEqual([]);
    expect(m.assess("D1", 148, prediction(148, 400, 20_000), odds(0.02))).toEqual([]);
    expect(m.assess("D1", 152, prediction(152, 400, 20_000), odds(0.3))).toEqual([]);
    const again = m.assess("D1", 156, prediction(156, 400, 20_000), odds(0.25));
    expect(again.map((a) => [a.state, a.version])).toEqual([["issued", cancelled[0].version + 1]]);
  });

  it("withdraws a merged threat's alerts naming the threat that continues, and assesses it no more", () => {
    const m = new AlertManager("JPN", nationAreas("JPN"));
    m.assess("T6", 10, prediction(10, 300, 50_000), odds(0.3));
    m.assess("T1", 10, prediction(10, 300, 50_000), odds(0.3));
    const withdrawn = m.merged("T6", 12, "T1");
    expect(withdrawn.map((a) => [a.id, a.state, a.version, a.reason])).toEqual([
      ["JPN-T6-JPN-eez", "cancelled", 2, "the same missile as T1"],
    ]);
    expect(m.active().map((a) => a.threatId)).toEqual(["T1"]);
    expect(m.isFinished("T6")).toBe(true);
    expect(m.assess("T6", 20, prediction(20, 300, 50_000), odds(0.9))).toEqual([]);
    expect(m.merged("T6", 21, "T1")).toEqual([]);
  });

  it("a held threat (the same missile as another) issues nothing until its impact is imminent, but its live alerts still end", () => {
    const m = new AlertManager("JPN", nationAreas("JPN"));
    expect(m.assess("T8", 235, prediction(235, 5_100, 300_000), odds(0.4), {}, { hold: true })).toEqual([]);
    expect(m.active()).toEqual([]);
    // Not held any more: it issues as usual.
    expect(m.assess("T8", 239, prediction(239, 5_100, 300_000), odds(0.4)).map((a) => a.state)).toEqual([
      "issued",
    ]);
    // Held again: a live alert is still cancelled when the odds fall (and stay down).
    m.assess("T8", 260, prediction(260, 5_100, 300_000), odds(0.01), {}, { hold: true });
    expect(
      m
        .assess("T8", 264, prediction(264, 5_100, 300_000), odds(0.01), {}, { hold: true })
        .map((a) => a.state),
    ).toEqual(["cancelled"]);
    // Within holdLeadS of impact a held threat issues all the same.
    const late = m.assess("T9", 5_000, prediction(5_000, 5_100, 50_000), odds(0.4), {}, { hold: true });
    expect(late.map((a) => [a.area.id, a.state])).toEqual([["JPN-eez", "issued"]]);
  });

  it("a threat whose track was lost in flight has its alerts cancelled as lost, naming no fall point", () => {
    const m = new AlertManager("JPN", nationAreas("JPN"));
    m.assess("T4", 10, prediction(10, 300, 50_000), odds(0.3));
    const lost = m.lost("T4", 301);
    expect(lost.map((a) => [a.id, a.state, a.version, a.reason])).toEqual([
      ["JPN-T4-JPN-eez", "cancelled", 2, LOST_REASON],
    ]);
    expect(m.active()).toEqual([]);
    expect(m.isFinished("T4")).toBe(true);
    expect(m.lost("T4", 302)).toEqual([]);
  });

  it("asks people to take cover early only when the odds are high, at the usual threshold inside the shelter lead", () => {
    const m = new AlertManager("JPN", nationAreas("JPN"));
    // 80 minutes out: an EEZ alert at its usual threshold, but a 6% land chance is not a call to shelter.
    const early = m.assess("L3", 300, prediction(300, 5_100, 800_000), odds(0.2, 0.06));
    expect(early.map((a) => a.area.id)).toEqual(["JPN-eez"]);
    // Still far out but now likely: the land alert goes out.
    const likely = m.assess("L3", 400, prediction(400, 5_100, 100_000), odds(0.9, 0.6));
    expect(likely.filter((a) => a.state === "issued").map((a) => a.area.id)).toEqual(["JPN-land"]);
    // A land alert issued early is not cancelled for falling below the early threshold.
    expect(
      m
        .assess("L3", 500, prediction(500, 5_100, 100_000), odds(0.9, 0.3))
        .some((a) => a.state === "cancelled"),
    ).toBe(false);
    // Inside the shelter lead the usual 2% applies.
    const m2 = new AlertManager("JPN", nationAreas("JPN"));
    expect(
      m2
        .assess("L4", 4_600, prediction(4_600, 5_100, 300_000), odds(0.2, 0.03))
        .map((a) => a.area.id)
        .sort(),
    ).toEqual(["JPN-eez", "JPN-land"]);
    // Nothing is issued for an impact that is already happening.
    const m3 = new AlertManager("JPN", nationAreas("JPN"));
    expect(m3.assess("L5", 5_100, prediction(5_100, 5_100.5, 1_000), odds(1, 1))).toEqual([]);
  });

  it("cancels live alerts on impact and reports a fall outside any EEZ as such", () => {
    const m = new AlertManager("JPN", nationAreas("JPN"));
    m.assess("L2", 10, prediction(10, 300, 50_000), odds(0.5, 0.03));
    expect(m.active().length).toBe(2);
    const fix = MaritimeZones.get().classifyDeg(39.5, 178.0);
    const { alerts, outcome } = m.impacted("L2", 300, { lat: deg2rad(39.5), lon: deg2rad(178) }, fix);
    expect(alerts.every((a) => a.state === "cancelled")).toBe(true);
    expect(alerts.length).toBe(2);
    expect(outcome.description).toBe("fell in the sea outside any exclusive economic zone");
    expect(m.assess("L2", 301, prediction(301, 300, 50_000), odds(0.9))).toEqual([]);
  });
});

describe("area probabilities from impact samples", () => {
  it("counts samples per national zone", () => {
    const D = Math.PI / 180;
    // Two samples on Honshu (Tokyo), one far out in the Pacific, one in the East Sea near Korea.
    const s = Float64Array.from([
      35.68 * D,
      139.69 * D,
      35.7 * D,
      139.7 * D,
      30 * D,
      -150 * D,
      37.5 * D,
      131.5 * D,
    ]);
    const { byArea, fixes } = areaProbabilities(s);
    expect(byArea.get("JPN-land")).toBe(0.5);
    expect(fixes[2].zone).toBe("high-seas");
    expect(fixes.length).toBe(4);
  });
});

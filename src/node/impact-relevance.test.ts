import { describe, expect, it } from "vitest";
import { deg2rad, geodesicDirect } from "../core/geodesy.ts";
import type { GeoPoint } from "../warning/alert.ts";
import { ellipseScale, type ImpactPrediction } from "../warning/impact-prediction.ts";
import {
  areaProbabilities,
  nationAreas,
  type ProtectedArea,
  protectedAreaOf,
} from "../warning/threat-areas.ts";
import { clearOfAreas } from "./impact-relevance.ts";

/**
 * A hand-made prediction: mean impact at (latDeg, lonDeg), 1-σ spread sigmaM east–west and sigmaM/4
 * north–south, samples on a ±2 σ east–west line (none further: the rings must do the far test).
 */
function prediction(latDeg: number, lonDeg: number, sigmaM: number): ImpactPrediction {
  const lat = deg2rad(latDeg);
  const lon = deg2rad(lonDeg);
  const samples: number[] = [];
  for (let i = -10; i <= 10; i++) {
    const p = geodesicDirect(lat, lon, Math.PI / 2, (2 * sigmaM * i) / 10);
    samples.push(p.lat, p.lon);
  }
  const k = ellipseScale(0.95);
  return {
    t: 0,
    tImpact: 300,
    tImpactSigmaS: 1,
    impact: { lat, lon },
    covEnM2: [sigmaM ** 2, 0, (sigmaM / 4) ** 2],
    ellipse: {
      center: { lat, lon },
      semiMajorM: k * sigmaM,
      semiMinorM: (k * sigmaM) / 4,
      orientation: Math.PI / 2,
      probability: 0.95,
    },
    samples: Float64Array.from(samples),
    sampleCount: samples.length / 2,
  };
}

/** A 1 km square protected area owned by KOR, centred dKm east of (latDeg, lonDeg). */
function squareEastOf(latDeg: number, lonDeg: number, dKm: number): ProtectedArea {
  const c = geodesicDirect(deg2rad(latDeg), deg2rad(lonDeg), Math.PI / 2, dKm * 1000);
  const d = deg2rad(0.0045);
  const ring: GeoPoint[] = [
    { lat: c.lat - d, lon: c.lon - d },
    { lat: c.lat - d, lon: c.lon + d },
    { lat: c.lat + d, lon: c.lon + d },
    { lat: c.lat + d, lon: c.lon - d },
  ];
  return { id: "kor-port", name: "a port", owner: "KOR", polygon: ring };
}

// Along 38° N the Korean EEZ (equidistance) ends and the Japanese begins near 133.85° E.
describe("clearOfAreas", () => {
  const kor = nationAreas("KOR");

  it("a prediction with samples in the node's areas concerns it", () => {
    const pred = prediction(38, 133.5, 2000);
    expect(clearOfAreas(pred, areaProbabilities(pred.samples), "KOR", kor, [])).toBe(false);
  });

  it("deep in an ally's EEZ, far beyond 5 σ of the node's own zones: clear", () => {
    const pred = prediction(38, 135.5, 2000);
    const odds = areaProbabilities(pred.samples);
    expect(odds.byArea.get("JPN-eez")).toBe(1);
    expect(clearOfAreas(pred, odds, "KOR", kor, [])).toBe(true);
    // ... but not for the nation whose EEZ it is.
    expect(clearOfAreas(pred, odds, "JPN", nationAreas("JPN"), [])).toBe(false);
  });

  it("no sample in the node's zones but its EEZ within 5 σ: not clear (the next prediction may move)", () => {
    // ≈ 40 km from the boundary with σ = 10 km: samples (±2 σ) stay out, the 5 σ ring reaches it.
    const pred = prediction(38, 134.3, 10_000);
    const odds = areaProbabilities(pred.samples);
    expect(odds.byArea.get("KOR-eez")).toBeUndefined();
    expect(clearOfAreas(pred, odds, "KOR", kor, [])).toBe(false);
  });

  it("a small protected area inside the 5 σ ellipse is not stepped over; one far outside is", () => {
    const pred = prediction(38, 135.5, 2000);
    const odds = areaProbabilities(pred.samples);
    const near = squareEastOf(38, 135.5, 8.5); // 4.25 σ east, between the 3 and 5 σ rings
    const far = squareEastOf(38, 135.5, 30); // 15 σ
    expect(clearOfAreas(pred, odds, "KOR", [...kor, protectedAreaOf(near)], [near])).toBe(false);
    expect(clearOfAreas(pred, odds, "KOR", [...kor, protectedAreaOf(far)], [far])).toBe(true);
  });
});

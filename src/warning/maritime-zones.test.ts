import { describe, expect, it } from "vitest";
import { geodesicInverse } from "../core/geodesy.ts";
import { EEZ_M, MaritimeZones, TERRITORIAL_SEA_M } from "./maritime-zones.ts";

const D = Math.PI / 180;
const zones = MaritimeZones.get();

describe("maritime zones from Natural Earth coastlines", () => {
  it.each([
    ["Tokyo", 35.68, 139.69, "land", "JPN"],
    ["Seoul", 37.57, 126.98, "land", "KOR"],
    ["Pyongyang", 39.03, 125.75, "land", "PRK"],
    ["Honolulu", 21.31, -157.86, "land", "USA"],
    ["Andersen AFB, Guam (a US territory)", 13.58, 144.93, "land", "USA"],
    // 28 Jul 2017 ICBM: fell inside Japan's EEZ about 150 km west of Okushiri (public reports).
    ["2017-07-28 ICBM impact area", 42.15, 137.6, "eez", "JPN"],
    // 4 Oct 2022 IRBM: overflew Japan and fell about 3,200 km east of it, on the high seas.
    ["2022-10-04 IRBM impact area", 39.5, 178.0, "high-seas", null],
    ["mid North Pacific", 30.0, -150.0, "high-seas", null],
  ] as const)("%s", (_name, lat, lon, zone, nation) => {
    const z = zones.classifyDeg(lat, lon);
    expect(z.zone).toBe(zone);
    expect(z.nation).toBe(nation);
  });

  it("separates territorial sea (≤ 12 nm) from EEZ (≤ 200 nm) by coast distance", () => {
    const near = zones.classifyDeg(35.0, 129.15); // a few nautical miles off Busan
    expect(near).toMatchObject({ zone: "territorial-sea", nation: "KOR" });
    expect(near.coastDistanceM).toBeLessThanOrEqual(TERRITORIAL_SEA_M);
    const far = zones.classifyDeg(37.5, 131.5); // East Sea, well offshore
    expect(far.zone).toBe("eez");
    expect(far.coastDistanceM).toBeGreaterThan(TERRITORIAL_SEA_M);
    expect(far.coastDistanceM).toBeLessThanOrEqual(EEZ_M);
  });

  it("coast distance never exceeds the geodesic distance to a known coastal point (independent bound)", () => {
    // Okushiri island's west coast and Cape Ashizuri; the nearest coast can only be nearer.
    for (const [lat, lon, cLat, cLon] of [
      [42.15, 137.6, 42.15, 139.42],
      [32.0, 132.0, 32.72, 133.01],
    ]) {
      const z = zones.classifyDeg(lat, lon);
      const bound = geodesicInverse(lat * D, lon * D, cLat * D, cLon * D).distanceM;
      expect(z.coastDistanceM).toBeLessThanOrEqual(bound * 1.01);
      expect(z.coastDistanceM).toBeGreaterThan(0.3 * bound);
    }
  });

  it("is consistent across the antimeridian", () => {
    const a = zones.classifyDeg(10, 179.999);
    const b = zones.classifyDeg(10, -180.001);
    expect(a.zone).toBe(b.zone);
    expect(zones.classify(35.68 * D, 139.69 * D).nation).toBe("JPN");
  });

  it.each([
    // Natural Earth closes Russia's mainland ring along "−180°" with 360°-wide edges from 179.9°; the
    // land test once counted those and called all of inland Chukotka west of 180° sea.
    ["inland Chukotka", 67.0, 172.0, "Russia"],
    ["Chukotka near the antimeridian", 65.5, 178.0, "Russia"],
    ["Chukotka east of the antimeridian", 66.5, -175.0, "Russia"],
    ["Wrangel Island, west half", 71.2, 179.5, "Russia"],
    ["Wrangel Island, east half", 71.2, -179.5, "Russia"],
    ["Vanua Levu (Fiji)", -16.5, 179.3, "Fiji"],
  ] as const)("land across the antimeridian: %s", (_name, lat, lon, country) => {
    const z = zones.classifyDeg(lat, lon);
    expect(z.zone).toBe("land");
    expect(z.coastDistanceM).toBe(0);
    expect(z.country).toBe(country);
  });

  it.each([
    // The same 360°-wide edges ran along whole parallels (65.07°N, 68.98°N, 71°N): the Norwegian Sea
    // was Russian territorial sea, the Beaufort Sea Russian land, central Siberia high seas.
    ["Norwegian Sea on 65.06°N", 65.06, 0, "high-seas", null],
    ["Beaufort Sea off Alaska on 71°N", 71.0, -150, "eez", "USA"],
    ["central Siberia on 65.06°N", 65.06, 100, "land", "RUS"],
  ] as const)(
    "no zone strays along the parallels where rings cross the antimeridian: %s",
    (_n, lat, lon, zone, nation) => {
      const z = zones.classifyDeg(lat, lon);
      expect(z.zone).toBe(zone);
      expect(z.nation).toBe(nation);
    },
  );

  it("the memoised grid agrees with the exact classification away from zone edges", () => {
    let compared = 0;
    for (let i = 0; i < 1500; i++) {
      // A deterministic scatter over North-East Asia and the western Pacific.
      const lat = 25 + ((i * 7919) % 2500) / 100;
      const lon = 120 + ((i * 104729) % 3000) / 100;
      const exact = zones.classifyExact(lat, lon);
      const edgeNear =
        [0, TERRITORIAL_SEA_M, EEZ_M].some((b) => Math.abs(exact.coastDistanceM - b) < 1_000) ||
        exact.coastDistanceM < 1_000;
      if (edgeNear) continue;
      const cached = zones.classifyDeg(lat, lon);
      expect([cached.zone, cached.nation]).toEqual([exact.zone, exact.nation]);
      compared++;
    }
    expect(compared).toBeGreaterThan(1000);
  });
});

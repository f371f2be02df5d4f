import { describe, expect, it } from "vitest";
import { MaritimeZones, type ZoneFix } from "./maritime-zones.ts";

/**
 * The spatial index (land rows on grid latitudes, bucket cells with bounding boxes for coast
 * distance) must give exactly the plain scans' answers: same zone, same country, the same coast
 * distance to the last bit.
 */
const zones = MaritimeZones.get();
const GRID = 0.005;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}
const onGrid = (deg: number) => Math.round(deg / GRID) * GRID;

function expectSame(a: ZoneFix, b: ZoneFix, where: string): void {
  if (
    a.zone !== b.zone ||
    a.nation !== b.nation ||
    a.country !== b.country ||
    !Object.is(a.coastDistanceM, b.coastDistanceM)
  )
    expect({ where, ...a }).toEqual({ where, ...b });
}

describe("maritime zones: the spatial index agrees with the plain scans", () => {
  it("on grid points over North-East Asia and the western Pacific (the memoised path)", () => {
    const r = rng(1);
    const seen = new Set<string>();
    for (let i = 0; i < 2500; i++) {
      const lat = onGrid(25 + 25 * r());
      const lon = onGrid(120 + 40 * r());
      const fix = zones.classifyDeg(lat, lon);
      expectSame(fix, zones.classifyReference(lat, lon), `${lat},${lon}`);
      seen.add(fix.zone);
    }
    expect([...seen].sort()).toEqual(["eez", "high-seas", "land", "territorial-sea"]);
  });

  it("on grid points clustered like impact samples (many points per latitude row)", () => {
    const r = rng(2);
    for (let c = 0; c < 12; c++) {
      const lat0 = 33 + 12 * r();
      const lon0 = 126 + 18 * r();
      for (let i = 0; i < 120; i++) {
        const lat = onGrid(lat0 + 0.3 * (r() - 0.5));
        const lon = onGrid(lon0 + 0.6 * (r() - 0.5));
        expectSame(zones.classifyDeg(lat, lon), zones.classifyReference(lat, lon), `${lat},${lon}`);
      }
    }
  });

  it("at land borders meeting the coast, where neighbours' segments share vertices (distance ties)", () => {
    const r = rng(3);
    // KOR–PRK east coast, PRK–RUS–CHN at the Tumen mouth, KOR–PRK west coast (Han estuary), USA–CAN at Juan de Fuca.
    for (const [lat0, lon0] of [
      [38.61, 128.36],
      [42.29, 130.7],
      [37.75, 126.2],
      [48.3, -123.5],
    ]) {
      for (let i = 0; i < 150; i++) {
        const lat = onGrid(lat0 + 1.2 * (r() - 0.5));
        const lon = onGrid(lon0 + 1.2 * (r() - 0.5));
        expectSame(zones.classifyDeg(lat, lon), zones.classifyReference(lat, lon), `${lat},${lon}`);
      }
    }
  });

  it("anywhere on Earth, across the antimeridian and near the poles", () => {
    const r = rng(4);
    for (let i = 0; i < 1200; i++) {
      const lat = onGrid(-89 + 178 * r());
      // A third of them within a degree of the antimeridian, on either side.
      const lon = onGrid(i % 3 === 0 ? (r() < 0.5 ? 179 + r() : -180 + r()) : -180 + 360 * r());
      expectSame(zones.classifyDeg(lat, lon), zones.classifyReference(lat, lon), `${lat},${lon}`);
    }
  });

  it("off the grid (classifyExact: indexed coast distance, scanned land)", () => {
    const r = rng(5);
    for (let i = 0; i < 1500; i++) {
      const lat = i % 2 ? 25 + 25 * r() : -80 + 160 * r();
      const lon = i % 2 ? 120 + 40 * r() : -180 + 360 * r();
      expectSame(zones.classifyExact(lat, lon), zones.classifyReference(lat, lon), `${lat},${lon}`);
    }
  });
});

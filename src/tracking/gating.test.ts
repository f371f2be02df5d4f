import { describe, expect, it } from "vitest";
import { aerToEnu, enuToEcef, geodeticToEcef } from "../core/geodesy.ts";
import { Rng } from "../core/rng.ts";
import type { Detection } from "../sensors/detection.ts";
import { detectionPosition, gateThresholds, SpatialGrid } from "./gating.ts";

describe("gateThresholds", () => {
  it("gives published χ² quantiles", () => {
    const g = gateThresholds(0.99);
    // Standard tables: χ²(0.99; 1, 2, 3, 4) = 6.635, 9.210, 11.345, 13.277.
    expect(g[1]).toBeCloseTo(6.635, 3);
    expect(g[2]).toBeCloseTo(9.21, 3);
    expect(g[3]).toBeCloseTo(11.345, 3);
    expect(g[4]).toBeCloseTo(13.277, 3);
  });
  it("rejects a probability outside (0, 1)", () => {
    expect(() => gateThresholds(1)).toThrow(/gate probability/);
  });
});

describe("SpatialGrid", () => {
  it("returns exactly the points a brute-force cube test returns (plus same-cell neighbours), each once", () => {
    const rng = new Rng("grid");
    const n = 2000;
    const pos = new Float64Array(3 * n);
    const has = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < 3; a++) pos[3 * i + a] = (rng.uniform() - 0.5) * 100_000;
      has[i] = rng.uniform() < 0.95 ? 1 : 0;
    }
    const grid = new SpatialGrid();
    grid.build(pos, has, n, 2500);
    const out = new Int32Array(n);
    for (let trial = 0; trial < 200; trial++) {
      const c = [0, 1, 2].map(() => (rng.uniform() - 0.5) * 100_000);
      const r = 500 + rng.uniform() * 6000;
      const k = grid.query(c[0], c[1], c[2], r, out);
      const got = new Set(Array.from(out.subarray(0, k)));
      expect(got.size).toBe(k); // no duplicates
      for (let i = 0; i < n; i++) {
        const inCube = [0, 1, 2].every((a) => Math.abs(pos[3 * i + a] - c[a]) <= r);
        if (has[i] && inCube) expect(got.has(i)).toBe(true);
        if (!has[i]) expect(got.has(i)).toBe(false);
      }
    }
  });

  it("falls back to every indexed point for a huge query", () => {
    const pos = Float64Array.from([0, 0, 0, 1e6, 1e6, 1e6]);
    const grid = new SpatialGrid();
    grid.build(pos, Uint8Array.from([1, 1]), 2, 10);
    const out = new Int32Array(2);
    expect(grid.query(0, 0, 0, 1e5, out)).toBe(2);
  });
});

describe("detectionPosition", () => {
  it("converts a radar range/azimuth/elevation to the ECEF point it came from", () => {
    const lat = 0.6;
    const lon = 2.3;
    const site = geodeticToEcef(lat, lon, 50);
    const az = 1.1;
    const el = 0.3;
    const range = 400_000;
    const truth = enuToEcef(aerToEnu(az, el, range), site, lat, lon);
    const det: Detection = {
      id: "r:1",
      t: 0,
      tReport: 0,
      sensorId: "r",
      nation: "KOR",
      kind: "radar",
      siteEcef: site,
      z: Float64Array.from([range, az, el]),
      R: Float64Array.from([100, 0, 0, 0, 1e-6, 0, 0, 0, 1e-6]),
    };
    const out = new Float64Array(3);
    const v = detectionPosition(det, out, 0);
    for (let a = 0; a < 3; a++) expect(out[a]).toBeCloseTo(truth[a], 3);
    expect(v).toBeCloseTo(100 + range * range * (1e-6 * Math.cos(el) ** 2 + 1e-6), 3);
  });
});

import { describe, expect, it } from "vitest";
import { aerToEnu, enuToEcef, geodeticToEcef } from "../core/geodesy.ts";
import { Rng } from "../core/rng.ts";
import type { Detection } from "../sensors/detection.ts";
import { radarToEcef } from "./radar-conversion.ts";

describe("radarToEcef", () => {
  it("matches geodesy's AER → ENU → ECEF and a Monte Carlo covariance", () => {
    const lat = 0.62;
    const lon = 2.25;
    const site = geodeticToEcef(lat, lon, 30);
    const z = [600_000, 1.2, 0.25];
    const sig = [30, 1.5e-3, 1.5e-3];
    const det: Detection = {
      id: "r:1",
      t: 0,
      tReport: 0,
      sensorId: "r",
      nation: "JPN",
      kind: "radar",
      siteEcef: site,
      z: Float64Array.from(z),
      R: Float64Array.from([sig[0] ** 2, 0, 0, 0, sig[1] ** 2, 0, 0, 0, sig[2] ** 2]),
    };
    const pos = new Float64Array(3);
    const cov = new Float64Array(9);
    radarToEcef(det, pos, cov);
    const ref = enuToEcef(aerToEnu(z[1], z[2], z[0]), site, lat, lon);
    for (let i = 0; i < 3; i++) expect(pos[i]).toBeCloseTo(ref[i], 4);
    // Monte Carlo covariance of the exact conversion (noise small enough for first order to hold).
    const rng = new Rng("radar-mc");
    const n = 20_000;
    const mc = new Float64Array(9);
    for (let k = 0; k < n; k++) {
      const p = enuToEcef(
        aerToEnu(z[1] + sig[1] * rng.normal(), z[2] + sig[2] * rng.normal(), z[0] + sig[0] * rng.normal()),
        site,
        lat,
        lon,
      );
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 3; j++) mc[i * 3 + j] += ((p[i] - ref[i]) * (p[j] - ref[j])) / n;
    }
    const scale = Math.max(...Array.from(cov).map(Math.abs));
    for (let q = 0; q < 9; q++) expect(Math.abs(cov[q] - mc[q]) / scale).toBeLessThan(0.05);
  });
});

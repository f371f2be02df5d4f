import { describe, expect, it } from "vitest";
import { ecefToAer, ecefToGeodetic } from "../../core/geodesy.ts";
import { Rng } from "../../core/rng.ts";
import type { Detection, DetectionTruth } from "../../sensors/detection.ts";
import { Radar } from "../../sensors/radar.ts";
import { SpaceInfrared } from "../../sensors/space-infrared.ts";
import { TruthSnapshot } from "../../sensors/truth-snapshot.ts";
import { measurementResidual, predictMeasurement, wrapAngle } from "./measurement-models.ts";
import { deg, ecefDeg, makeDetection, maxRowRelativeError, numericJacobian } from "./test-fixtures.ts";

const site = ecefDeg(37.5, 127.0, 100);
const target = Float64Array.of(...ecefDeg(39.5, 129.0, 450e3), 1200, -3400, 2500);

function radar(withRate: boolean): Radar {
  return new Radar({
    id: "r",
    nation: "KOR",
    site: { latRad: 37.5 * deg, lonRad: 127 * deg, hM: 100 },
    boresightAzRad: 0,
    halfWidthAzRad: Math.PI,
    elMinRad: 0,
    elMaxRad: Math.PI / 2,
    rangeMinM: 0,
    rangeMaxM: 5e6,
    refRangeM: 1e9,
    pfa: 1e-6,
    sigmaRangeM: 1e-9,
    sigmaAzRad: 1e-15,
    sigmaElRad: 1e-15,
    sigmaRangeRateMps: withRate ? 1e-9 : null,
    revisitS: 1,
    latencyS: 0,
    scanOffsetS: 0,
    falseAlarmsPerScan: 0,
  });
}

function scanOnce(sensor: Radar | SpaceInfrared, x: Float64Array, burning = false): Detection {
  const snap = new TruthSnapshot().reset(0).push("tgt", x.subarray(0, 3), x.subarray(3, 6), burning, 100);
  const out: Detection[] = [];
  const truth: DetectionTruth[] = [];
  sensor.scanSnapshot(snap, new Rng(1), out, truth);
  expect(out.length).toBe(1);
  return out[0];
}

describe("radar measurement model", () => {
  it("reproduces the radar sensor's noise-free range, azimuth, elevation and range rate", () => {
    const det = scanOnce(radar(true), target);
    const z = new Float64Array(4);
    expect(predictMeasurement(det, target, 6, z, null)).toBe(4);
    expect(z[0]).toBeCloseTo(det.z[0], 6);
    expect(z[1]).toBeCloseTo(det.z[1], 12);
    expect(z[2]).toBeCloseTo(det.z[2], 12);
    expect(z[3]).toBeCloseTo(det.z[3], 6);
    // and core geodesy's independent AER
    const g = ecefToGeodetic(site[0], site[1], site[2]);
    const aer = ecefToAer(target.subarray(0, 3), site, g.lat, g.lon);
    expect(z[0]).toBeCloseTo(aer.range, 6);
    expect(z[1]).toBeCloseTo(aer.az, 12);
    expect(z[2]).toBeCloseTo(aer.el, 12);
  });

  it.each([3, 4])("has an analytic Jacobian equal to finite differences (m=%i, 7-state)", (m) => {
    const det = makeDetection("radar", site, new Float64Array(m), new Float64Array(m * m));
    const x7 = Float64Array.of(...target, 5000);
    const H = new Float64Array(m * 7);
    const z = new Float64Array(m);
    predictMeasurement(det, x7, 7, z, H);
    const ref = numericJacobian(
      (x, out) => predictMeasurement(det, x, 7, out, null),
      x7,
      7,
      m,
      [1, 1, 1, 0.01, 0.01, 0.01, 1],
      [1],
    );
    expect(maxRowRelativeError(H, ref, m, 7)).toBeLessThan(1e-7);
    for (let i = 0; i < m; i++) expect(H[i * 7 + 6]).toBe(0);
  });

  it("wraps azimuth residuals across north", () => {
    // Target due north of the site: predicted azimuth ≈ 0, measurement 359.9°.
    const north = ecefDeg(40, 127, 300e3);
    const det = makeDetection("radar", site, [0, 359.9 * deg, 0], [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const zp = new Float64Array(3);
    predictMeasurement(det, north, 6, zp, null);
    expect(Math.min(zp[1], 2 * Math.PI - zp[1])).toBeLessThan(1e-3);
    const nu = measurementResidual("radar", det.z, zp, 3, new Float64Array(3));
    expect(Math.abs(nu[1])).toBeLessThan(0.2 * deg);
    expect(wrapAngle(3 * Math.PI)).toBeCloseTo(Math.PI, 12);
    expect(wrapAngle(-Math.PI)).toBeCloseTo(Math.PI, 12);
    expect(wrapAngle(-7)).toBeCloseTo(-7 + 2 * Math.PI, 12);
  });
});

describe("infrared and position measurement models", () => {
  it("reproduces the space-infrared sensor's angles from a GEO satellite", () => {
    const ir = new SpaceInfrared({
      id: "geo",
      nation: "USA",
      orbit: { type: "geo", lonRad: 140 * deg },
      minAltitudeM: 10e3,
      pd: 1,
      sigmaLosRad: 1e-15,
      revisitS: 1,
      latencyS: 0,
      scanOffsetS: 0,
      falseAlarmsPerScan: 0,
    });
    const det = scanOnce(ir, target, true);
    const z = new Float64Array(2);
    const H = new Float64Array(12);
    expect(predictMeasurement(det, target, 6, z, H)).toBe(2);
    expect(z[0]).toBeCloseTo(det.z[0], 10);
    expect(z[1]).toBeCloseTo(det.z[1], 10);
    const ref = numericJacobian(
      (x, out) => predictMeasurement(det, x, 6, out, null),
      target,
      6,
      2,
      [10, 10, 10, 1, 1, 1],
      [0],
    );
    expect(maxRowRelativeError(H, ref, 2, 6)).toBeLessThan(1e-6);
  });

  it("position: identity on the first three components", () => {
    const det = makeDetection("position", [0, 0, 0], [1, 2, 3], [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const z = new Float64Array(3);
    const H = new Float64Array(18);
    expect(predictMeasurement(det, [4, 5, 6, 7, 8, 9], 6, z, H)).toBe(3);
    expect(Array.from(z)).toEqual([4, 5, 6]);
    expect(Array.from(H)).toEqual([1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
  });

  it("returns 0 for unsupported shapes and degenerate geometry", () => {
    const z = new Float64Array(4);
    expect(predictMeasurement(makeDetection("radar", site, [1, 2], [1, 0, 0, 1]), target, 6, z, null)).toBe(
      0,
    );
    expect(
      predictMeasurement(makeDetection("ir", site, [1, 2, 3], new Float64Array(9)), target, 6, z, null),
    ).toBe(0);
    // target at the site itself
    expect(
      predictMeasurement(makeDetection("radar", site, [0, 0, 0], new Float64Array(9)), site, 3, z, null),
    ).toBe(0);
  });
});

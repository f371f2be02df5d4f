import proj4 from "proj4";
import { describe, expect, it } from "vitest";
import {
  aerToEnu,
  deg2rad,
  ecefToAer,
  ecefToGeodetic,
  enuToEcef,
  geodeticToEcef,
  WGS84,
} from "../core/geodesy.ts";
import { Rng } from "../core/rng.ts";
import type { Detection, DetectionTruth } from "./detection.ts";
import { KeplerOrbit } from "./kepler-orbit.ts";
import { GEO_ALTITUDE_M, SpaceInfrared, type SpaceInfraredParams } from "./space-infrared.ts";
import { TruthSnapshot } from "./truth-snapshot.ts";

const toGeodetic = proj4(
  "+proj=geocent +datum=WGS84 +units=m +no_defs",
  "+proj=longlat +datum=WGS84 +no_defs",
);

const SAT_LON = deg2rad(110);

function irParams(over: Partial<SpaceInfraredParams> = {}): SpaceInfraredParams {
  return {
    id: "test-ir",
    nation: "USA",
    orbit: { type: "geo", lonRad: SAT_LON },
    minAltitudeM: 10_000,
    pd: 1,
    sigmaLosRad: 40e-6,
    revisitS: 10,
    latencyS: 30,
    scanOffsetS: 0,
    falseAlarmsPerScan: 0,
    ...over,
  };
}

function scan(sensor: SpaceInfrared, snap: TruthSnapshot, rng: Rng) {
  const dets: Detection[] = [];
  const truth: DetectionTruth[] = [];
  sensor.scanSnapshot(snap, rng, dets, truth);
  return { dets, truth };
}

function minHeightAlong(a: Float64Array, b: Float64Array): number {
  let min = Number.POSITIVE_INFINITY;
  const n = 4000;
  for (let i = 1; i < n; i++) {
    const f = i / n;
    const h = toGeodetic.forward([
      a[0] + f * (b[0] - a[0]),
      a[1] + f * (b[1] - a[1]),
      a[2] + f * (b[2] - a[2]),
    ])[2];
    if (h < min) min = h;
  }
  return min;
}

describe("space infrared platform", () => {
  it("a GEO satellite sits on the equator at a + 35,786 km, fixed in ECEF", () => {
    const ir = new SpaceInfrared(irParams());
    const p = ir.positionAt(0, new Float64Array(3));
    const q = ir.positionAt(86_400 / 3, new Float64Array(3));
    const r = WGS84.a + GEO_ALTITUDE_M;
    expect(Math.hypot(p[0], p[1], p[2])).toBeCloseTo(r, 3);
    expect(p[2]).toBeCloseTo(0, 6);
    expect(Math.atan2(p[1], p[0])).toBeCloseTo(SAT_LON, 12);
    expect(Array.from(q)).toEqual(Array.from(p));
  });
});

describe("space infrared on a Molniya-type orbit", () => {
  const elements = {
    semiMajorAxisM: 26_554_000,
    eccentricity: 0.72,
    inclinationRad: deg2rad(63.4),
    raanRad: deg2rad(40),
    argPerigeeRad: deg2rad(270),
    meanAnomalyRad: Math.PI,
  };
  it("moves along its orbit, measures in the frame below it, and loses Korea behind the Earth at perigee", () => {
    const ir = new SpaceInfrared(irParams({ orbit: { type: "kepler", ...elements }, sigmaLosRad: 1e-9 }));
    const orbit = new KeplerOrbit(elements);
    const target = geodeticToEcef(deg2rad(39.5), deg2rad(126), 60_000);
    const snap = new TruthSnapshot();
    const rng = new Rng("heo");
    for (const t of [0, 1800, 3600]) {
      snap.reset(t).push("b", target, [0, 0, 0], true, 1);
      const { dets } = scan(ir, snap, rng);
      expect(dets.length, `t=${t}`).toBe(1);
      const sat = orbit.positionAt(t, new Float64Array(3));
      expect(Array.from(dets[0].siteEcef)).toEqual(Array.from(sat));
      expect(Array.from(ir.positionAt(t, new Float64Array(3)))).toEqual(Array.from(sat));
      const g = ecefToGeodetic(sat[0], sat[1], sat[2]);
      const ref = ecefToAer(target, sat, g.lat, g.lon);
      expect(dets[0].z[0]).toBeCloseTo(ref.az, 7);
      expect(dets[0].z[1]).toBeCloseTo(ref.el, 7);
    }
    // Half a period later the satellite is at perigee over the southern hemisphere.
    snap.reset(orbit.periodS / 2).push("b", target, [0, 0, 0], true, 1);
    expect(scan(ir, snap, rng).dets.length).toBe(0);
  });
});

describe("space infrared detection rules", () => {
  const over = (latDeg: number, lonDeg: number, hM: number) =>
    geodeticToEcef(deg2rad(latDeg), deg2rad(lonDeg), hM);

  it("sees only burning objects above 10 km", () => {
    const ir = new SpaceInfrared(irParams());
    const snap = new TruthSnapshot().reset(0);
    snap.push("burning-50km", over(39.0, 125.7, 50_000), [0, 0, 0], true, 1);
    snap.push("coasting-300km", over(39.5, 128.0, 300_000), [0, 0, 0], false, 1);
    snap.push("burning-9km", over(39.0, 125.7, 9_000), [0, 0, 0], true, 1);
    snap.push("burning-11km", over(40.0, 127.0, 11_000), [0, 0, 0], true, 1);
    snap.push("coasting-20km", over(40.0, 127.0, 20_000), [0, 0, 0], false, 1);
    const rng = new Rng("ir-rules");
    for (let i = 0; i < 50; i++) {
      snap.t = i * 10;
      const { truth } = scan(ir, snap, rng);
      expect(truth.map((x) => x.objectId)).toEqual(["burning-50km", "burning-11km"]);
    }
  });

  it("never sees a burning target hidden behind the Earth (WGS84 line of sight), sees all others", () => {
    const ir = new SpaceInfrared(irParams());
    const sat = ir.positionAt(0, new Float64Array(3));
    const pick = new Rng("ir-geometry");
    const rng = new Rng("ir-occ");
    const snap = new TruthSnapshot();
    let hidden = 0;
    let seen = 0;
    for (let trial = 0; trial < 300; trial++) {
      // Points around the limb region: ground angle 60°–110° from the sub-satellite point.
      const lat = deg2rad(180 * pick.uniform() - 90) * 0.9;
      const lon = SAT_LON + deg2rad((pick.uniform() < 0.5 ? -1 : 1) * (60 + 50 * pick.uniform()));
      const h = 10_500 + 1_000_000 * pick.uniform() ** 2;
      const p = geodeticToEcef(lat, lon, h);
      const hMin = minHeightAlong(sat, p);
      if (Math.abs(hMin) < 200) continue;
      snap.reset(trial).push("t", p, [0, 0, 0], true, 1);
      const n = scan(ir, snap, rng).dets.length;
      if (hMin < 0) {
        hidden++;
        expect(n).toBe(0);
      } else {
        seen++;
        expect(n).toBe(1);
      }
    }
    expect(hidden).toBeGreaterThan(30);
    expect(seen).toBeGreaterThan(30);
  });

  it("detects with the set probability (binomial bounds)", () => {
    const ir = new SpaceInfrared(irParams({ pd: 0.85 }));
    const snap = new TruthSnapshot().reset(0).push("b", over(40, 127, 80_000), [0, 0, 0], true, 1);
    const rng = new Rng("ir-pd");
    const N = 4000;
    let hits = 0;
    for (let i = 0; i < N; i++) hits += scan(ir, snap, rng).dets.length;
    expect(Math.abs(hits - N * 0.85)).toBeLessThan(4.5 * Math.sqrt(N * 0.85 * 0.15));
  });

  it("stays inside its field of regard", () => {
    const ir = new SpaceInfrared(
      irParams({
        fieldOfRegard: { centerLatRad: deg2rad(39), centerLonRad: deg2rad(126), halfAngleRad: deg2rad(1) },
      }),
    );
    // 1° seen from GEO spans ≈ 640 km on the ground: Pyongyang is in view, Guam is not.
    const snap = new TruthSnapshot().reset(0);
    snap.push("korea", over(39.5, 126.5, 60_000), [0, 0, 0], true, 1);
    snap.push("guam", over(13.4, 144.8, 60_000), [0, 0, 0], true, 1);
    expect(scan(ir, snap, new Rng(1)).truth.map((x) => x.objectId)).toEqual(["korea"]);
  });
});

describe("space infrared measurements", () => {
  it("line-of-sight angles in the satellite ENU frame; residuals match σ (mean NIS ≈ 2)", () => {
    const sigma = 40e-6;
    const ir = new SpaceInfrared(irParams({ sigmaLosRad: sigma }));
    const sat = ir.positionAt(0, new Float64Array(3));
    const p = geodeticToEcef(deg2rad(39.2), deg2rad(125.6), 120_000);
    // Reference angles: core geodesy's AER from the satellite with the geodetic point below it (0, lon).
    const ref = ecefToAer(p, sat, 0, SAT_LON);
    expect(ref.el).toBeLessThan(deg2rad(-80)); // looking down from GEO
    const snap = new TruthSnapshot().reset(0).push("b", p, [0, 0, 0], true, 1);
    const rng = new Rng("ir-nis");
    const N = 20_000;
    let nisSum = 0;
    let azSq = 0;
    let elSq = 0;
    let losSq = 0;
    for (let i = 0; i < N; i++) {
      const { dets } = scan(ir, snap, rng);
      const d = dets[0];
      expect(d.kind).toBe("ir");
      expect(d.z.length).toBe(2);
      const dAz = Math.atan2(Math.sin(d.z[0] - ref.az), Math.cos(d.z[0] - ref.az));
      const dEl = d.z[1] - ref.el;
      nisSum += (dAz * dAz) / d.R[0] + (dEl * dEl) / d.R[3];
      expect(d.R[1]).toBe(0);
      expect(d.R[2]).toBe(0);
      azSq += dAz * dAz;
      elSq += dEl * dEl;
      // Angular error of the reported direction on the unit sphere: isotropic with σ per axis.
      const u = enuToEcef(aerToEnu(d.z[0], d.z[1], 1), new Float64Array(3), 0, SAT_LON);
      const w = enuToEcef(aerToEnu(ref.az, ref.el, 1), new Float64Array(3), 0, SAT_LON);
      const cross = Math.hypot(
        u[1] * w[2] - u[2] * w[1],
        u[2] * w[0] - u[0] * w[2],
        u[0] * w[1] - u[1] * w[0],
      );
      losSq += cross * cross;
    }
    expect(Math.abs(nisSum / N - 2)).toBeLessThan(5 * Math.sqrt(4 / N));
    expect(elSq / N / sigma ** 2).toBeCloseTo(1, 1);
    const sAz = sigma / Math.cos(ref.el);
    expect(azSq / N / sAz ** 2).toBeCloseTo(1, 1);
    // Total angular error² has mean 2σ² for isotropic noise.
    expect(losSq / N / (2 * sigma * sigma)).toBeCloseTo(1, 1);
  });

  it("false alarms: Poisson count, directions inside the field of regard, truth null", () => {
    const half = deg2rad(3);
    const lambda = 1.5;
    const ir = new SpaceInfrared(
      irParams({
        fieldOfRegard: { centerLatRad: deg2rad(39), centerLonRad: deg2rad(126), halfAngleRad: half },
        falseAlarmsPerScan: lambda,
      }),
    );
    const sat = ir.positionAt(0, new Float64Array(3));
    const g = geodeticToEcef(deg2rad(39), deg2rad(126), 0);
    const axis = [g[0] - sat[0], g[1] - sat[1], g[2] - sat[2]];
    const an = Math.hypot(axis[0], axis[1], axis[2]);
    const rng = new Rng("ir-fa");
    const snap = new TruthSnapshot();
    const N = 3000;
    let total = 0;
    let cosSum = 0;
    for (let i = 0; i < N; i++) {
      snap.reset(i);
      const { dets, truth } = scan(ir, snap, rng);
      total += dets.length;
      for (let j = 0; j < dets.length; j++) {
        expect(truth[j].objectId).toBeNull();
        const u = enuToEcef(aerToEnu(dets[j].z[0], dets[j].z[1], 1), new Float64Array(3), 0, SAT_LON);
        const c = (u[0] * axis[0] + u[1] * axis[1] + u[2] * axis[2]) / an;
        expect(c).toBeGreaterThanOrEqual(Math.cos(half) - 1e-12);
        cosSum += c;
      }
    }
    expect(Math.abs(total - N * lambda)).toBeLessThan(4.5 * Math.sqrt(N * lambda));
    // Uniform in solid angle: cos θ uniform on [cos half, 1].
    const lo = Math.cos(half);
    expect(Math.abs(cosSum / total - (1 + lo) / 2)).toBeLessThan((4.5 * (1 - lo)) / Math.sqrt(12 * total));
  });

  it("rejects bad parameters naming the field", () => {
    expect(() => new SpaceInfrared(irParams({ pd: 1.5 }))).toThrow(/pd/);
    expect(() => new SpaceInfrared(irParams({ sigmaLosRad: 0 }))).toThrow(/sigmaLosRad/);
    expect(() => new SpaceInfrared(irParams({ orbit: { type: "heo" } as never }))).toThrow(/orbit.type/);
  });
});

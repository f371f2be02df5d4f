import proj4 from "proj4";
import { describe, expect, it } from "vitest";
import { UserError } from "../core/errors.ts";
import { aerToEnu, deg2rad, ecefToAer, enuToEcef, geodeticToEcef } from "../core/geodesy.ts";
import { Rng } from "../core/rng.ts";
import type { Detection, DetectionTruth } from "./detection.ts";
import { Radar, type RadarParams } from "./radar.ts";
import { TruthSnapshot } from "./truth-snapshot.ts";

// Independent reference for heights above WGS84 (proj4's geocentric → geodetic conversion).
const toGeodetic = proj4(
  "+proj=geocent +datum=WGS84 +units=m +no_defs",
  "+proj=longlat +datum=WGS84 +no_defs",
);

const SITE_LAT = deg2rad(35.95);
const SITE_LON = deg2rad(128.12);
const SITE_H = 400;

function radarParams(over: Partial<RadarParams> = {}): RadarParams {
  return {
    id: "test-radar",
    nation: "KOR",
    site: { latRad: SITE_LAT, lonRad: SITE_LON, hM: SITE_H },
    boresightAzRad: 0,
    halfWidthAzRad: Math.PI,
    elMinRad: -Math.PI / 2,
    elMaxRad: Math.PI / 2,
    rangeMinM: 0,
    rangeMaxM: 6_000_000,
    refRangeM: 1e9, // Pd ≈ 1 unless a test says otherwise
    pfa: 1e-6,
    sigmaRangeM: 20,
    sigmaAzRad: 1e-3,
    sigmaElRad: 2e-3,
    sigmaRangeRateMps: 5,
    revisitS: 1,
    latencyS: 2,
    scanOffsetS: 0,
    falseAlarmsPerScan: 0,
    ...over,
  };
}

const siteEcef = geodeticToEcef(SITE_LAT, SITE_LON, SITE_H);

/** ECEF point at a given azimuth, elevation and range from the test site. */
function pointAtAer(az: number, el: number, range: number): Float64Array {
  return enuToEcef(aerToEnu(az, el, range), siteEcef, SITE_LAT, SITE_LON);
}

function scanOnce(
  radar: Radar,
  snap: TruthSnapshot,
  rng: Rng,
): { dets: Detection[]; truth: DetectionTruth[] } {
  const dets: Detection[] = [];
  const truth: DetectionTruth[] = [];
  radar.scanSnapshot(snap, rng, dets, truth);
  return { dets, truth };
}

/** Minimum height above WGS84 along the straight segment a → b, by dense sampling with proj4. */
function minHeightAlong(a: Float64Array, b: Float64Array): number {
  let min = Number.POSITIVE_INFINITY;
  const n = 1500;
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

describe("radar Earth occlusion on WGS84", () => {
  it("never detects a target whose line of sight passes below the ellipsoid, and sees the rest", () => {
    const radar = new Radar(radarParams());
    const rng = new Rng("occlusion");
    const pick = new Rng("occlusion-targets");
    const snap = new TruthSnapshot();
    let hidden = 0;
    let visible = 0;
    for (let trial = 0; trial < 400; trial++) {
      // Targets spread over ±30° around the site, from the surface to 1,200 km up: many beyond the horizon.
      const lat = SITE_LAT + deg2rad(60 * (pick.uniform() - 0.5));
      const lon = SITE_LON + deg2rad(60 * (pick.uniform() - 0.5));
      const h = 1_200_000 * pick.uniform() ** 2;
      const p = geodeticToEcef(lat, lon, h);
      const hMin = minHeightAlong(siteEcef, p);
      if (Math.abs(hMin) < 50) continue; // too close to grazing for the sampled reference to decide
      snap.reset(trial).push("tgt", p, [0, 0, 0], false, 1);
      const { dets } = scanOnce(radar, snap, rng);
      if (hMin < 0) {
        hidden++;
        expect(
          dets.length,
          `target at h=${h.toFixed(0)} m hidden by the Earth (min h ${hMin.toFixed(0)} m)`,
        ).toBe(0);
      } else {
        visible++;
        expect(dets.length, `target at h=${h.toFixed(0)} m in plain sight`).toBe(1);
      }
    }
    // Both outcomes must actually have been exercised.
    expect(hidden).toBeGreaterThan(50);
    expect(visible).toBeGreaterThan(50);
  });

  it("loses a target just below the geometric horizon and keeps it just above", () => {
    // Site on the surface at h = 0; horizon of a 100 km-high target on a sphere of radius ≈ local
    // radius: d = √(2Rh) ≈ 1,130 km. Use the sampled reference to place both cases.
    const radar = new Radar(radarParams({ site: { latRad: SITE_LAT, lonRad: SITE_LON, hM: 0 } }));
    const s0 = geodeticToEcef(SITE_LAT, SITE_LON, 0);
    const rng = new Rng(1);
    const snap = new TruthSnapshot();
    for (const [km, expected] of [
      [1000, 1],
      [1300, 0],
    ] as const) {
      // A point due east along the parallel-ish direction, 100 km up.
      const p = geodeticToEcef(SITE_LAT, SITE_LON + km / 6378 / Math.cos(SITE_LAT), 100_000);
      expect(minHeightAlong(s0, p) >= 0 ? 1 : 0).toBe(expected);
      snap.reset(0).push("tgt", p, [0, 0, 0], false, 1);
      expect(scanOnce(radar, snap, rng).dets.length).toBe(expected);
    }
  });

  it("applies the minimum elevation even where the Earth does not block", () => {
    const radar = new Radar(radarParams({ elMinRad: deg2rad(2) }));
    const snap = new TruthSnapshot();
    const rng = new Rng(2);
    snap.reset(0).push("low", pointAtAer(1, deg2rad(1.9), 200_000), [0, 0, 0], false, 1);
    snap.push("high", pointAtAer(1, deg2rad(2.1), 200_000), [0, 0, 0], false, 1);
    const { truth } = scanOnce(radar, snap, rng);
    expect(truth.map((x) => x.objectId)).toEqual(["high"]);
  });
});

describe("radar coverage limits", () => {
  it("detects only inside the azimuth sector, the elevation limits and the range window", () => {
    const radar = new Radar(
      radarParams({
        boresightAzRad: deg2rad(350),
        halfWidthAzRad: deg2rad(60),
        elMinRad: 0,
        elMaxRad: deg2rad(80),
        rangeMinM: 10_000,
        rangeMaxM: 1_000_000,
      }),
    );
    const cases: [string, number, number, number, boolean][] = [
      ["centre", 350, 10, 500e3, true],
      ["across north", 40, 10, 500e3, true],
      ["edge in", 291, 10, 500e3, true],
      ["edge out", 289, 10, 500e3, false],
      ["behind", 170, 10, 500e3, false],
      ["too far", 350, 10, 1_001e3, false],
      ["too near", 350, 10, 9e3, false],
      ["too steep", 350, 81, 500e3, false],
      ["below horizon", 350, -1, 300e3, false],
    ];
    const snap = new TruthSnapshot();
    for (const [name, azDeg, elDeg, r] of cases) {
      snap.push(name, pointAtAer(deg2rad(azDeg), deg2rad(elDeg), r), [0, 0, 0], false, 1);
    }
    snap.t = 0;
    const { truth } = scanOnce(radar, snap, new Rng(3));
    expect(truth.map((x) => x.objectId)).toEqual(cases.filter((c) => c[4]).map((c) => c[0]));
  });
});

describe("radar measurement noise", () => {
  it("residuals match the stated σ: mean NIS ≈ 4, per-component variance and zero bias", () => {
    const radar = new Radar(radarParams());
    const az = deg2rad(330);
    const el = deg2rad(25);
    const range = 700_000;
    const p = pointAtAer(az, el, range);
    const v = Float64Array.of(1200, -3400, 2100);
    // Reference truth from core geodesy (a separate code path from the radar's inlined rotation).
    const ref = ecefToAer(p, siteEcef, SITE_LAT, SITE_LON);
    const d = [p[0] - siteEcef[0], p[1] - siteEcef[1], p[2] - siteEcef[2]];
    const rate = (d[0] * v[0] + d[1] * v[1] + d[2] * v[2]) / Math.hypot(d[0], d[1], d[2]);
    const truthZ = [ref.range, ref.az, ref.el, rate];
    expect(ref.range).toBeCloseTo(range, 3);
    expect(ref.el).toBeCloseTo(el, 10);

    const snap = new TruthSnapshot().reset(0).push("tgt", p, v, false, 1);
    const rng = new Rng("nis");
    const N = 20_000;
    const dets: Detection[] = [];
    const truth: DetectionTruth[] = [];
    for (let i = 0; i < N; i++) {
      snap.t = i;
      radar.scanSnapshot(snap, rng, dets, truth);
    }
    expect(dets.length).toBe(N);
    const sum = [0, 0, 0, 0];
    const sumSq = [0, 0, 0, 0];
    let nisSum = 0;
    for (const det of dets) {
      expect(det.z.length).toBe(4);
      let nis = 0;
      for (let j = 0; j < 4; j++) {
        let r = det.z[j] - truthZ[j];
        if (j === 1) r = Math.atan2(Math.sin(r), Math.cos(r)); // azimuth wraps
        sum[j] += r;
        sumSq[j] += r * r;
        nis += (r * r) / det.R[j * 4 + j];
      }
      nisSum += nis;
    }
    const sigmas = [20, 1e-3, 2e-3, 5];
    for (let j = 0; j < 4; j++) {
      // Bias within 5 standard errors; variance within 5 standard errors (relative s.e. √(2/N) = 1%).
      expect(Math.abs(sum[j] / N)).toBeLessThan((5 * sigmas[j]) / Math.sqrt(N));
      expect(sumSq[j] / N / sigmas[j] ** 2).toBeGreaterThan(1 - 5 * Math.sqrt(2 / N));
      expect(sumSq[j] / N / sigmas[j] ** 2).toBeLessThan(1 + 5 * Math.sqrt(2 / N));
    }
    // Mean NIS of a 4-dof χ²: mean 4, standard error √(8/N).
    const meanNis = nisSum / N;
    expect(Math.abs(meanNis - 4)).toBeLessThan(5 * Math.sqrt(8 / N));
  });

  it("without range rate reports z = [range, az, el] with a 3×3 R", () => {
    const radar = new Radar(radarParams({ sigmaRangeRateMps: null }));
    const snap = new TruthSnapshot().reset(5).push("tgt", pointAtAer(2, 0.3, 300e3), [0, 0, 0], false, 1);
    const { dets } = scanOnce(radar, snap, new Rng(4));
    expect(dets[0].z.length).toBe(3);
    expect(Array.from(dets[0].R)).toEqual([400, 0, 0, 0, 1e-6, 0, 0, 0, 4e-6]);
    expect(dets[0].z[1]).toBeGreaterThanOrEqual(0);
    expect(dets[0].z[1]).toBeLessThan(2 * Math.PI);
  });
});

/** |k − Np| must lie within z standard deviations of a binomial count. */
function expectBinomial(k: number, n: number, p: number, z = 4.5): void {
  const sd = Math.sqrt(n * p * (1 - p));
  expect(Math.abs(k - n * p), `k=${k} of n=${n}, expected p=${p}`).toBeLessThanOrEqual(z * sd + 1);
}

describe("radar detection probability", () => {
  it("is 0.5 for 1 m² at the reference range and follows the Swerling-1 law elsewhere", () => {
    const pfa = 1e-6;
    const refRangeM = 500_000;
    const radar = new Radar(radarParams({ refRangeM, pfa, falseAlarmsPerScan: 0 }));
    // Independent statement of the law: SNR₁ solves 0.5 = Pfa^(1/(1+SNR₁)).
    const snr1 = Math.log(pfa) / Math.log(0.5) - 1;
    const law = (r: number, rcs: number) => pfa ** (1 / (1 + snr1 * rcs * (refRangeM / r) ** 4));
    expect(law(refRangeM, 1)).toBeCloseTo(0.5, 12);

    const N = 4000;
    const cases: [number, number][] = [
      [500_000, 1],
      [400_000, 0.1],
      [700_000, 1],
      [250_000, 0.01],
    ];
    for (const [range, rcs] of cases) {
      expect(radar.detectionProbability(range, rcs)).toBeCloseTo(law(range, rcs), 12);
      const snap = new TruthSnapshot().reset(0).push("tgt", pointAtAer(1, 0.2, range), [0, 0, 0], false, rcs);
      const rng = new Rng(`pd-${range}-${rcs}`);
      let hits = 0;
      const dets: Detection[] = [];
      const truth: DetectionTruth[] = [];
      for (let i = 0; i < N; i++) {
        dets.length = 0;
        truth.length = 0;
        radar.scanSnapshot(snap, rng, dets, truth);
        hits += dets.length;
      }
      expectBinomial(hits, N, law(range, rcs));
    }
  });
});

describe("radar false alarms", () => {
  it("Poisson count per scan with the set mean, uniform over the searched cells, truth null", () => {
    const lambda = 2.5;
    const p = radarParams({
      boresightAzRad: deg2rad(10),
      halfWidthAzRad: deg2rad(50),
      elMinRad: deg2rad(1),
      elMaxRad: deg2rad(60),
      rangeMinM: 20_000,
      rangeMaxM: 900_000,
      falseAlarmsPerScan: lambda,
    });
    const radar = new Radar(p);
    const rng = new Rng("fa");
    const snap = new TruthSnapshot();
    const N = 4000;
    const counts: number[] = [];
    let total = 0;
    let rangeSum = 0;
    let offAzSum = 0;
    let elSum = 0;
    for (let i = 0; i < N; i++) {
      const dets: Detection[] = [];
      const truth: DetectionTruth[] = [];
      snap.reset(i);
      radar.scanSnapshot(snap, rng, dets, truth);
      counts.push(dets.length);
      total += dets.length;
      for (let j = 0; j < dets.length; j++) {
        const z = dets[j].z;
        expect(truth[j].objectId).toBeNull();
        expect(truth[j].detectionId).toBe(dets[j].id);
        expect(z[0]).toBeGreaterThanOrEqual(p.rangeMinM);
        expect(z[0]).toBeLessThanOrEqual(p.rangeMaxM);
        const off = Math.atan2(Math.sin(z[1] - p.boresightAzRad), Math.cos(z[1] - p.boresightAzRad));
        expect(Math.abs(off)).toBeLessThanOrEqual(p.halfWidthAzRad + 1e-12);
        expect(z[2]).toBeGreaterThanOrEqual(p.elMinRad);
        expect(z[2]).toBeLessThanOrEqual(p.elMaxRad);
        expect(Math.abs(z[3])).toBeLessThanOrEqual(7000);
        rangeSum += z[0];
        offAzSum += off;
        elSum += z[2];
      }
    }
    // Total over N scans is Poisson(Nλ): within 4.5 standard deviations.
    expect(Math.abs(total - N * lambda)).toBeLessThan(4.5 * Math.sqrt(N * lambda));
    // Poisson dispersion: variance ≈ mean (s.e. of the sample variance ≈ √((λ + 2λ²)/N)).
    const mean = total / N;
    const variance = counts.reduce((s, c) => s + (c - mean) ** 2, 0) / (N - 1);
    expect(Math.abs(variance - lambda)).toBeLessThan(4.5 * Math.sqrt((lambda + 2 * lambda * lambda) / N));
    // Uniform over the cells: the mean of each coordinate sits mid-interval (s.e. = width/√(12 n)).
    const se = (w: number) => w / Math.sqrt(12 * total);
    expect(Math.abs(rangeSum / total - (p.rangeMinM + p.rangeMaxM) / 2)).toBeLessThan(
      4.5 * se(p.rangeMaxM - p.rangeMinM),
    );
    expect(Math.abs(offAzSum / total)).toBeLessThan(4.5 * se(2 * p.halfWidthAzRad));
    expect(Math.abs(elSum / total - (p.elMinRad + p.elMaxRad) / 2)).toBeLessThan(
      4.5 * se(p.elMaxRad - p.elMinRad),
    );
  });
});

describe("radar reports", () => {
  it("carries sensor identity, site, latency and unique ids; same seed gives the same detections", () => {
    const make = () => new Radar(radarParams({ falseAlarmsPerScan: 1 }));
    const run = (radar: Radar) => {
      const rng = new Rng("repeat");
      const dets: Detection[] = [];
      const truth: DetectionTruth[] = [];
      const snap = new TruthSnapshot();
      for (let i = 0; i < 20; i++) {
        snap.reset(i).push("a", pointAtAer(1, 0.3, 400e3), [0, 0, 0], false, 1);
        radar.scanSnapshot(snap, rng, dets, truth);
      }
      return { dets, truth };
    };
    const a = run(make());
    const b = run(make());
    expect(a.dets.map((d) => Array.from(d.z))).toEqual(b.dets.map((d) => Array.from(d.z)));
    expect(new Set(a.dets.map((d) => d.id)).size).toBe(a.dets.length);
    for (const d of a.dets) {
      expect(d.sensorId).toBe("test-radar");
      expect(d.nation).toBe("KOR");
      expect(d.kind).toBe("radar");
      expect(d.tReport).toBe(d.t + 2);
      expect(Array.from(d.siteEcef)).toEqual(Array.from(siteEcef));
    }
    expect(a.truth.filter((x) => x.objectId === "a").length).toBe(20);
  });

  it("schedules scans at offset + k · revisit", () => {
    const radar = new Radar(radarParams({ revisitS: 0.1, scanOffsetS: 0.03 }));
    expect(radar.nextScanTime(0)).toBeCloseTo(0.03, 12);
    expect(radar.nextScanTime(0.03)).toBeCloseTo(0.03, 12);
    expect(radar.nextScanTime(0.031)).toBeCloseTo(0.13, 12);
    const t = radar.nextScanTime(123.456);
    expect(t).toBeGreaterThanOrEqual(123.456);
    expect(t - 123.456).toBeLessThan(0.1);
    expect(radar.nextScanTime(t)).toBe(t);
    expect(radar.nextScanTimeAfter(t) - t).toBeCloseTo(0.1, 9);
    expect(radar.nextScanTimeAfter(0.03)).toBeCloseTo(0.13, 12);
    expect(radar.nextScanTimeAfter(0.0299999)).toBeCloseTo(0.03, 12);
    // Stepping scan to scan for a long time stays on the grid (no drift).
    let u = radar.nextScanTime(0);
    for (let i = 0; i < 100_000; i++) u = radar.nextScanTimeAfter(u);
    expect(u).toBeCloseTo(0.03 + 100_000 * 0.1, 6);
  });

  it("rejects bad parameters naming the field", () => {
    expect(() => new Radar(radarParams({ sigmaRangeM: 0 }))).toThrow(UserError);
    expect(() => new Radar(radarParams({ sigmaRangeM: -1 }))).toThrow(/sigmaRangeM/);
    expect(() => new Radar(radarParams({ elMinRad: 0, elMaxRad: -0.1 }))).toThrow(/elMaxRad/);
    expect(() => new Radar(radarParams({ nation: "XXX" as "KOR" }))).toThrow(/nation/);
    expect(() => new Radar(radarParams({ site: { latRad: 3, lonRad: 0, hM: 0 } }))).toThrow(/latRad/);
  });
});

describe("ship radar on a waypoint track", () => {
  const waypoints = [
    { tS: 0, latRad: deg2rad(37.5), lonRad: deg2rad(130.0) },
    { tS: 3600, latRad: deg2rad(37.8), lonRad: deg2rad(130.3) },
  ];
  it("moves with the ship and measures range rate relative to the ship's own velocity", () => {
    const radar = new Radar(radarParams({ site: { waypoints, hM: 30 } }));
    const pos = new Float64Array(3);
    // Halfway in time: halfway in latitude and longitude.
    radar.positionAt(1800, pos);
    const mid = geodeticToEcef(deg2rad(37.65), deg2rad(130.15), 30);
    for (let j = 0; j < 3; j++) expect(pos[j]).toBeCloseTo(mid[j], 3);
    // Before the first and after the last waypoint the ship waits there.
    radar.positionAt(-100, pos);
    expect(Array.from(pos)).toEqual(Array.from(geodeticToEcef(waypoints[0].latRad, waypoints[0].lonRad, 30)));
    radar.positionAt(9999, pos);
    expect(Array.from(pos)).toEqual(Array.from(geodeticToEcef(waypoints[1].latRad, waypoints[1].lonRad, 30)));

    // The ship's velocity: central difference of positions.
    const a = radar.positionAt(1799.5, new Float64Array(3));
    const b = radar.positionAt(1800.5, new Float64Array(3));
    const vShip = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
    const speed = Math.hypot(vShip[0], vShip[1], vShip[2]);
    expect(speed).toBeGreaterThan(5); // ≈ 40 km in an hour ≈ 11 m/s
    expect(speed).toBeLessThan(20);

    // A fixed target: its measured range rate is minus the ship's velocity along the line of sight.
    const target = geodeticToEcef(deg2rad(39.0), deg2rad(127.5), 100_000);
    const snap = new TruthSnapshot().reset(1800).push("fixed", target, [0, 0, 0], false, 1);
    const dets: Detection[] = [];
    const truth: DetectionTruth[] = [];
    const rng = new Rng("ship");
    let rateSum = 0;
    const N = 400;
    for (let i = 0; i < N; i++) {
      radar.scanSnapshot(snap, rng, dets, truth);
    }
    for (const d of dets) rateSum += d.z[3];
    const dd = [target[0] - mid[0], target[1] - mid[1], target[2] - mid[2]];
    const expected =
      -(dd[0] * vShip[0] + dd[1] * vShip[1] + dd[2] * vShip[2]) / Math.hypot(dd[0], dd[1], dd[2]);
    expect(Math.abs(rateSum / N - expected)).toBeLessThan((5 * 5) / Math.sqrt(N));
    expect(
      Array.from(dets[0].siteEcef)
        .map((x, j) => x - mid[j])
        .every((e) => Math.abs(e) < 1e-3),
    ).toBe(true);
  });
});

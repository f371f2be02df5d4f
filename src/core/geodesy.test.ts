import LatLonV from "geodesy/latlon-ellipsoidal-vincenty.js";
import proj4 from "proj4";
import { describe, expect, it } from "vitest";
import {
  aerToEnu,
  deg2rad,
  ecefToAer,
  ecefToEnu,
  ecefToGeodetic,
  enuMatrix,
  enuToAer,
  enuToEcef,
  geodesicDirect,
  geodesicInverse,
  geodeticToEcef,
  rad2deg,
  WGS84,
} from "./geodesy.ts";
import { Rng } from "./rng.ts";

proj4.defs("EPSG:4978", "+proj=geocent +datum=WGS84 +units=m +no_defs");

const dms = (d: number, m: number, s: number) =>
  (d < 0 || Object.is(d, -0) ? -1 : 1) * (Math.abs(d) + m / 60 + s / 3600);

/** Angle difference in radians, wrapped to (−π, π]. */
function angleDiff(a: number, b: number): number {
  let d = (a - b) % (2 * Math.PI);
  if (d > Math.PI) d -= 2 * Math.PI;
  if (d <= -Math.PI) d += 2 * Math.PI;
  return d;
}

// Table of points: latitude, longitude (deg), height (m), from the ground to GEO and through the poles.
const POINTS: [number, number, number][] = [
  [0, 0, 0],
  [90, 0, 0],
  [-90, 123, 0],
  [89.999999, 45, 100],
  [-89.9999, -170, 5000],
  [39.0392, 125.7625, 30], // Pyongyang area
  [35.68, 139.77, 40],
  [-37.95, 144.42, 300],
  [51.5, -0.12, 12],
  [45, 10, 1000],
  [10, -100, -100],
  [60, 179.9999, 400e3], // LEO
  [-30, -60, 1.2e6], // ICBM apogee
  [20, 100, 7.5e6],
  [45, 10, 20.2e6], // GNSS
  [0.1, 128, 35.786e6], // GEO
  [70, -45, 40e6],
  [89.9, 10, 40e6],
];

describe("WGS84 constants", () => {
  it("derived values match their definitions", () => {
    expect(WGS84.b).toBeCloseTo(6356752.314245, 6);
    expect(WGS84.e2).toBeCloseTo(6.69437999014e-3, 14);
  });
});

describe("geodetic ↔ ECEF", () => {
  it.each(POINTS)("geodeticToEcef(%f, %f, %f) matches proj4 geocent to 0.1 mm", (lat, lon, h) => {
    const p = geodeticToEcef(deg2rad(lat), deg2rad(lon), h);
    const [x, y, z] = proj4("EPSG:4326", "EPSG:4978", [lon, lat, h]);
    expect(Math.abs(p[0] - x)).toBeLessThan(1e-4);
    expect(Math.abs(p[1] - y)).toBeLessThan(1e-4);
    expect(Math.abs(p[2] - z)).toBeLessThan(1e-4);
  });

  it.each(POINTS)(
    "ecefToGeodetic round-trips (%f, %f, %f) to < 0.1 mm and agrees with proj4",
    (lat, lon, h) => {
      const p = geodeticToEcef(deg2rad(lat), deg2rad(lon), h);
      const g = ecefToGeodetic(p[0], p[1], p[2]);
      const r = WGS84.a + h;
      // Position error of the recovered coordinates, in metres.
      expect(Math.abs(g.lat - deg2rad(lat)) * r).toBeLessThan(1e-4);
      if (Math.abs(lat) < 90)
        expect(Math.abs(angleDiff(g.lon, deg2rad(lon))) * r * Math.cos(deg2rad(lat))).toBeLessThan(1e-4);
      expect(Math.abs(g.h - h)).toBeLessThan(1e-4);
      const [plon, plat, ph] = proj4("EPSG:4978", "EPSG:4326", [p[0], p[1], p[2]]);
      expect(Math.abs(deg2rad(plat) - g.lat) * r).toBeLessThan(1e-3);
      if (Math.abs(lat) < 89) expect(Math.abs(angleDiff(deg2rad(plon), g.lon)) * r).toBeLessThan(1e-3);
      expect(Math.abs(ph - g.h)).toBeLessThan(1e-3);
    },
  );

  it("random points from −5 km to 40,000 km round-trip to < 1 mm", () => {
    const rng = new Rng("ecef-roundtrip");
    for (let i = 0; i < 2000; i++) {
      const lat = Math.asin(2 * rng.uniform() - 1);
      const lon = Math.PI * (2 * rng.uniform() - 1);
      const h = -5000 + rng.uniform() * 40.005e6;
      const p = geodeticToEcef(lat, lon, h);
      const g = ecefToGeodetic(p[0], p[1], p[2]);
      const q = geodeticToEcef(g.lat, g.lon, g.h);
      const err = Math.hypot(q[0] - p[0], q[1] - p[1], q[2] - p[2]);
      if (!(err < 1e-3)) throw new Error(`round trip error ${err} m at ${lat}, ${lon}, ${h}`);
      expect(Math.abs(g.h - h)).toBeLessThan(1e-3);
    }
  });

  it("is exact at the poles and the centre of the Earth is handled", () => {
    const n = ecefToGeodetic(0, 0, WGS84.b + 250);
    expect(n.lat).toBe(Math.PI / 2);
    expect(n.h).toBeCloseTo(250, 8);
    const s = ecefToGeodetic(0, 0, -WGS84.b - 1e6);
    expect(s.lat).toBe(-Math.PI / 2);
    expect(s.h).toBeCloseTo(1e6, 7);
    const e = ecefToGeodetic(WGS84.a, 0, 0);
    expect(e.lat).toBe(0);
    expect(e.h).toBeCloseTo(0, 9);
  });
});

describe("ENU and AER", () => {
  it("enuMatrix is orthonormal with U along the ellipsoid normal", () => {
    const rng = new Rng("enu");
    for (let i = 0; i < 100; i++) {
      const lat = Math.asin(2 * rng.uniform() - 1);
      const lon = Math.PI * (2 * rng.uniform() - 1);
      const R = enuMatrix(lat, lon);
      for (let a = 0; a < 3; a++) {
        for (let b = 0; b < 3; b++) {
          const dot = R[a * 3] * R[b * 3] + R[a * 3 + 1] * R[b * 3 + 1] + R[a * 3 + 2] * R[b * 3 + 2];
          expect(dot).toBeCloseTo(a === b ? 1 : 0, 14);
        }
      }
      // Up is the direction in which height grows: compare with a finite difference of geodeticToEcef.
      const p0 = geodeticToEcef(lat, lon, 0);
      const p1 = geodeticToEcef(lat, lon, 1);
      for (let k = 0; k < 3; k++) expect(R[6 + k]).toBeCloseTo(p1[k] - p0[k], 8);
      // North is the direction in which latitude grows.
      const pn = geodeticToEcef(lat + 1e-7, lon, 0);
      const len = Math.hypot(pn[0] - p0[0], pn[1] - p0[1], pn[2] - p0[2]);
      for (let k = 0; k < 3; k++) expect(R[3 + k]).toBeCloseTo((pn[k] - p0[k]) / len, 6);
    }
  });

  it("ecefToEnu and enuToEcef are inverse and agree with the rotation matrix", () => {
    const lat = deg2rad(37.5);
    const lon = deg2rad(127);
    const ref = geodeticToEcef(lat, lon, 50);
    const enu = Float64Array.of(1234.5, -987.25, 4321);
    const p = enuToEcef(enu, ref, lat, lon);
    const back = ecefToEnu(p, ref, lat, lon);
    for (let k = 0; k < 3; k++) expect(back[k]).toBeCloseTo(enu[k], 8);
    const R = enuMatrix(lat, lon);
    for (let k = 0; k < 3; k++) {
      const v = R[k * 3] * (p[0] - ref[0]) + R[k * 3 + 1] * (p[1] - ref[1]) + R[k * 3 + 2] * (p[2] - ref[2]);
      expect(v).toBeCloseTo(enu[k], 8);
    }
  });

  it("AER closed-form cases", () => {
    const close = (a: { az: number; el: number; range: number }, az: number, el: number, range: number) => {
      expect(Math.abs(angleDiff(a.az, deg2rad(az)))).toBeLessThan(1e-12);
      expect(a.el).toBeCloseTo(deg2rad(el), 12);
      expect(a.range).toBeCloseTo(range, 9);
    };
    close(enuToAer(0, 1, 0), 0, 0, 1);
    close(enuToAer(1, 0, 0), 90, 0, 1);
    close(enuToAer(0, -1, 0), 180, 0, 1);
    close(enuToAer(-1, 0, 0), 270, 0, 1);
    close(enuToAer(1, 1, Math.SQRT2), 45, 45, 2);
    close(enuToAer(0, 0, 5), 0, 90, 5);
    const a = enuToAer(-3, -4, -5);
    expect(a.az).toBeGreaterThanOrEqual(0);
    const e = aerToEnu(a.az, a.el, a.range);
    expect(e[0]).toBeCloseTo(-3, 12);
    expect(e[1]).toBeCloseTo(-4, 12);
    expect(e[2]).toBeCloseTo(-5, 12);
  });

  it("ecefToAer: a satellite straight above is at elevation 90°, the horizon point at ≈0°", () => {
    const lat = deg2rad(35);
    const lon = deg2rad(139);
    const site = geodeticToEcef(lat, lon, 0);
    const above = geodeticToEcef(lat, lon, 800e3);
    const up = ecefToAer(above, site, lat, lon);
    expect(up.el).toBeCloseTo(Math.PI / 2, 9);
    expect(up.range).toBeCloseTo(800e3, 6);
    // A point 1,000 km due north on the surface is below the horizon by about half the central angle.
    const far = geodesicDirect(lat, lon, 0, 1000e3);
    const a = ecefToAer(geodeticToEcef(far.lat, far.lon, 0), site, lat, lon);
    expect(Math.abs(angleDiff(a.az, 0))).toBeLessThan(1e-6);
    expect(rad2deg(a.el)).toBeCloseTo(-rad2deg(1000e3 / 6371e3) / 2, 1);
  });
});

describe("geodesics: published values", () => {
  it("Vincenty (1975): Flinders Peak → Buninyong", () => {
    const lat1 = deg2rad(dms(-37, 57, 3.7203));
    const lon1 = deg2rad(dms(144, 25, 29.5244));
    const lat2 = deg2rad(dms(-37, 39, 10.1561));
    const lon2 = deg2rad(dms(143, 55, 35.3839));
    const r = geodesicInverse(lat1, lon1, lat2, lon2);
    expect(r.distanceM).toBeCloseTo(54972.271, 3);
    // α₁ = 306°52′05.37″; reverse azimuth at Buninyong 127°10′25.07″ = forward azimuth + 180°.
    expect(rad2deg(r.azimuth1) * 3600).toBeCloseTo(dms(306, 52, 5.37) * 3600, 1);
    expect(rad2deg(r.azimuth2) * 3600).toBeCloseTo(dms(307, 10, 25.07) * 3600, 1);
    const d = geodesicDirect(lat1, lon1, r.azimuth1, 54972.271);
    expect(Math.abs(d.lat - lat2) * WGS84.a).toBeLessThan(1e-3);
    expect(Math.abs(d.lon - lon2) * WGS84.a).toBeLessThan(1e-3);
  });

  it("GeographicLib documentation: JFK → LHR, JFK direct 5,500 km, Wellington → Salamanca (near-antipodal)", () => {
    // From the GeographicLib C++/Python documentation examples (Karney).
    const jl = geodesicInverse(deg2rad(40.6), deg2rad(-73.8), deg2rad(51.6), deg2rad(-0.5));
    expect(jl.distanceM).toBeCloseTo(5551759.400318679, 5);
    const dj = geodesicDirect(deg2rad(40.6), deg2rad(-73.8), deg2rad(51), 5.5e6);
    expect(rad2deg(dj.lat)).toBeCloseTo(51.884564505606761, 11);
    expect(rad2deg(dj.lon)).toBeCloseTo(-1.141172861200829, 11);
    expect(rad2deg(dj.azimuth2)).toBeCloseTo(107.18939716260589, 11);
    // Vincenty's iteration fails to converge on this pair; Karney: 19959679.267353 m, 161.0677°, 18.8252°.
    const ws = geodesicInverse(deg2rad(-41.32), deg2rad(174.81), deg2rad(40.96), deg2rad(-5.5));
    expect(ws.distanceM).toBeCloseTo(19959679.26735, 4);
    expect(rad2deg(ws.azimuth1)).toBeCloseTo(161.06766998615, 9);
    expect(rad2deg(ws.azimuth2)).toBeCloseTo(18.82519512325, 9);
  });

  it("closed-form cases: equator, meridian, antipodes on the equator, coincident points", () => {
    const eq = geodesicInverse(0, 0, 0, deg2rad(90));
    expect(eq.distanceM).toBeCloseTo((WGS84.a * Math.PI) / 2, 6);
    expect(rad2deg(eq.azimuth1)).toBeCloseTo(90, 12);
    // Quarter meridian of WGS84: 10,001,965.729 m.
    const mer = geodesicInverse(0, deg2rad(17), deg2rad(90), deg2rad(17));
    expect(mer.distanceM).toBeCloseTo(10001965.7293, 3);
    expect(mer.azimuth1).toBeCloseTo(0, 12);
    // Antipodes on the equator: the shortest path runs through a pole, half a meridian.
    const anti = geodesicInverse(0, 0, 0, Math.PI);
    expect(anti.distanceM).toBeCloseTo(2 * 10001965.7293, 3);
    expect(Math.abs(Math.sin(anti.azimuth1))).toBeLessThan(1e-9);
    expect(geodesicInverse(0.3, 0.2, 0.3, 0.2).distanceM).toBe(0);
  });
});

describe("geodesics against the geodesy package (Vincenty) over random pairs", () => {
  it("inverse agrees with Vincenty to 0.1 mm and 1e-6 degrees, direct to 0.1 mm", () => {
    const rng = new Rng("geodesic-vs-vincenty");
    let compared = 0;
    for (let i = 0; i < 600; i++) {
      const lat1 = rad2deg(Math.asin(2 * rng.uniform() - 1));
      const lon1 = 360 * rng.uniform() - 180;
      // Mix of short, medium, long and global lines.
      const scale = [0.01, 1, 30, 120, 360][i % 5];
      const lat2 =
        scale === 360
          ? rad2deg(Math.asin(2 * rng.uniform() - 1))
          : Math.max(-90, Math.min(90, lat1 + scale * (2 * rng.uniform() - 1)));
      const lon2 = lon1 + scale * (2 * rng.uniform() - 1);
      const p1 = new LatLonV(lat1, lon1);
      const p2 = new LatLonV(lat2, lon2);
      let ref: { distance: number; initialBearing: number; finalBearing: number };
      try {
        ref = p1.inverse(p2);
      } catch {
        continue; // Vincenty failed to converge; our own antipodal cases are checked above and below
      }
      const r = geodesicInverse(deg2rad(lat1), deg2rad(lon1), deg2rad(lat2), deg2rad(lon2));
      // Vincenty's own series truncation is ≈0.1 mm on the longest lines.
      expect(Math.abs(r.distanceM - ref.distance)).toBeLessThan(1e-4);
      // Azimuths of long lines are ill-conditioned (Vincenty's truncation shows at ≈1e-7°); published
      // azimuths above are checked to 1e-9°.
      if (ref.distance > 1) {
        expect(Math.abs(rad2deg(angleDiff(r.azimuth1, deg2rad(ref.initialBearing))))).toBeLessThan(1e-6);
        expect(Math.abs(rad2deg(angleDiff(r.azimuth2, deg2rad(ref.finalBearing))))).toBeLessThan(1e-6);
      }
      const dir = geodesicDirect(deg2rad(lat1), deg2rad(lon1), r.azimuth1, r.distanceM);
      const q = p1.destinationPoint(r.distanceM, rad2deg(r.azimuth1));
      const a = geodeticToEcef(dir.lat, dir.lon, 0);
      const b = geodeticToEcef(deg2rad(q.lat), deg2rad(q.lon), 0);
      expect(
        Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]),
        `${lat1},${lon1} → ${lat2},${lon2}`,
      ).toBeLessThan(1e-4);
      compared++;
    }
    expect(compared).toBeGreaterThan(550);
  });

  it("direct(inverse) returns to the second point everywhere, including near-antipodal pairs", () => {
    const rng = new Rng("geodesic-roundtrip");
    for (let i = 0; i < 300; i++) {
      const lat1 = Math.asin(2 * rng.uniform() - 1);
      const lon1 = Math.PI * (2 * rng.uniform() - 1);
      let lat2: number;
      let lon2: number;
      if (i % 2 === 0) {
        // Near the antipode: within ~1° of it.
        lat2 = -lat1 + deg2rad(2 * rng.uniform() - 1);
        lon2 = lon1 + Math.PI + deg2rad(2 * rng.uniform() - 1);
      } else {
        lat2 = Math.asin(2 * rng.uniform() - 1);
        lon2 = Math.PI * (2 * rng.uniform() - 1);
      }
      lat2 = Math.max(-Math.PI / 2, Math.min(Math.PI / 2, lat2));
      const r = geodesicInverse(lat1, lon1, lat2, lon2);
      expect(r.distanceM).toBeLessThanOrEqual(20003931.46);
      const d = geodesicDirect(lat1, lon1, r.azimuth1, r.distanceM);
      const a = geodeticToEcef(d.lat, d.lon, 0);
      const b = geodeticToEcef(lat2, lon2, 0);
      const miss = Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
      if (!(miss < 1e-4)) throw new Error(`miss ${miss} m for ${lat1},${lon1} → ${lat2},${lon2}`);
      // Forward azimuth at the end agrees with the direct solution's.
      if (r.distanceM > 1) expect(Math.abs(angleDiff(d.azimuth2, r.azimuth2))).toBeLessThan(1e-7);
      // Symmetry: the distance back is the same.
      expect(geodesicInverse(lat2, lon2, lat1, lon1).distanceM).toBeCloseTo(r.distanceM, 5);
    }
  });

  it("direct is additive along a geodesic, for any length (beyond half the Earth) and from a pole", () => {
    const rng = new Rng("geodesic-additive");
    for (let i = 0; i < 100; i++) {
      const lat = i === 0 ? Math.PI / 2 : i === 1 ? -Math.PI / 2 : Math.asin(2 * rng.uniform() - 1);
      const lon = Math.PI * (2 * rng.uniform() - 1);
      const az = 2 * Math.PI * rng.uniform();
      const s1 = rng.uniform() * 25e6;
      const s2 = rng.uniform() * 25e6;
      const whole = geodesicDirect(lat, lon, az, s1 + s2);
      const mid = geodesicDirect(lat, lon, az, s1);
      const end = geodesicDirect(mid.lat, mid.lon, mid.azimuth2, s2);
      const a = geodeticToEcef(whole.lat, whole.lon, 0);
      const b = geodeticToEcef(end.lat, end.lon, 0);
      expect(Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2])).toBeLessThan(1e-4);
    }
  });

  it("a full meridian circuit returns to the start; a pole is reached after a quarter meridian", () => {
    const quarter = 10001965.7293;
    const p = geodesicDirect(deg2rad(-20), deg2rad(30), 0, 4 * quarter);
    expect(rad2deg(p.lat)).toBeCloseTo(-20, 8);
    expect(rad2deg(p.lon)).toBeCloseTo(30, 8);
    const pole = geodesicDirect(0, deg2rad(30), 0, quarter);
    expect(rad2deg(pole.lat)).toBeCloseTo(90, 7);
  });

  it("inverse from a pole: azimuth is relative to the meridian of the given longitude", () => {
    const r = geodesicInverse(Math.PI / 2, 0, deg2rad(10), deg2rad(90));
    expect(r.distanceM).toBeCloseTo(10001965.7293 - geodesicInverse(0, 0, deg2rad(10), 0).distanceM, 3);
    // From the north pole every direction is south; toward longitude 90°E the azimuth is 180° − 90°.
    expect(rad2deg(r.azimuth1)).toBeCloseTo(90, 6);
  });

  it("triangle inequality and symmetry hold over random triples", () => {
    const rng = new Rng("geodesic-triangle");
    const pt = () => [Math.asin(2 * rng.uniform() - 1), Math.PI * (2 * rng.uniform() - 1)] as const;
    for (let i = 0; i < 100; i++) {
      const [a, b, c] = [pt(), pt(), pt()];
      const ab = geodesicInverse(a[0], a[1], b[0], b[1]).distanceM;
      const bc = geodesicInverse(b[0], b[1], c[0], c[1]).distanceM;
      const ac = geodesicInverse(a[0], a[1], c[0], c[1]).distanceM;
      expect(ac).toBeLessThanOrEqual(ab + bc + 1e-6);
      expect(geodesicInverse(b[0], b[1], a[0], a[1]).distanceM).toBeCloseTo(ab, 6);
    }
  });

  it("pole-to-pole, same pole, and non-finite input", () => {
    expect(geodesicInverse(-Math.PI / 2, 0, Math.PI / 2, 0).distanceM).toBeCloseTo(2 * 10001965.7293, 3);
    expect(geodesicInverse(Math.PI / 2, 0, Math.PI / 2, 1).distanceM).toBeLessThan(1e-6);
    // 1e-5° of latitude next to the pole: the meridian radius of curvature there is a(1−e²)/(1−e²)^(3/2) = a/√(1−e²).
    const near = geodesicInverse(Math.PI / 2, 0, deg2rad(90 - 1e-5), 1);
    expect(near.distanceM).toBeCloseTo((deg2rad(1e-5) * WGS84.a) / Math.sqrt(1 - WGS84.e2), 6);
    expect(rad2deg(near.azimuth1)).toBeCloseTo(180 - rad2deg(1), 6);
    for (const bad of [
      geodesicInverse(Number.NaN, 0, 0, 1),
      geodesicInverse(0, 0, 2, 1),
      geodesicInverse(0, 0, 1, Infinity),
    ]) {
      expect(Number.isNaN(bad.distanceM) && Number.isNaN(bad.azimuth1) && Number.isNaN(bad.azimuth2)).toBe(
        true,
      );
    }
    for (const bad of [
      geodesicDirect(-2, 0, 0, 1),
      geodesicDirect(0, 0, Number.NaN, 1),
      geodesicDirect(0, 0, 1, Infinity),
    ]) {
      expect(Number.isNaN(bad.lat) && Number.isNaN(bad.lon) && Number.isNaN(bad.azimuth2)).toBe(true);
    }
    // Degrees converted at the edge land exactly on ±π/2 and are accepted.
    expect(geodesicInverse(deg2rad(90), 0, deg2rad(-90), 0).distanceM).toBeCloseTo(2 * 10001965.7293, 3);
  });
});

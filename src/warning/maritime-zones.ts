/**
 * Which nation's land, territorial sea or exclusive economic zone a point lies in — what a warning
 * must say ("falls inside Japan's EEZ", "fell in the sea outside any EEZ").
 *
 * Geometry: Natural Earth 1:10m countries, as shipped by the `world-atlas` npm package (no network).
 * Natural Earth has no EEZ polygons, so the zones are derived by the rule the law of the sea starts
 * from: territorial sea out to 12 nautical miles and EEZ out to 200 nautical miles from the coast,
 * split between neighbours by equidistance (the point belongs to the nation whose coast is nearest).
 * This is a public-level approximation: it ignores straight baselines, negotiated boundaries, rocks
 * that generate no EEZ and disputed features, and it is stated as such in every export.
 *
 * Speed: land is tested by ray casting over the coastline segments of the point's latitude band;
 * coast distance searches 1° buckets in growing rings and stops as soon as no unvisited bucket can
 * hold a nearer segment. Distances use a local equirectangular projection around the query point
 * (error well under 1% at 200 nautical miles).
 */
import { createRequire } from "node:module";
import { feature } from "topojson-client";
import type { NationCode } from "../world/nation.ts";

export type ZoneKind = "land" | "territorial-sea" | "eez" | "high-seas";

export interface ZoneFix {
  readonly zone: ZoneKind;
  /** ISO alpha-3 code for the nations AllyLink names; null on the high seas or for other countries. */
  readonly nation: NationCode | null;
  /** The country's Natural Earth name (null on the high seas). */
  readonly country: string | null;
  /** Distance to the nearest coast, metres (0 on land; Infinity when no coast lies within 200 nautical miles). */
  readonly coastDistanceM: number;
}

export const NAUTICAL_MILE_M = 1852;
export const TERRITORIAL_SEA_M = 12 * NAUTICAL_MILE_M;
export const EEZ_M = 200 * NAUTICAL_MILE_M;

/** ISO 3166 numeric (Natural Earth / world-atlas feature id) → the alpha-3 codes AllyLink uses. */
const NUMERIC_TO_NATION: Record<string, NationCode> = {
  "410": "KOR",
  "840": "USA",
  "392": "JPN",
  "408": "PRK",
  "643": "RUS",
  "156": "CHN",
  // United States territories in the Pacific and Caribbean are listed separately by Natural Earth.
  "316": "USA", // Guam
  "580": "USA", // Northern Mariana Islands
  "016": "USA", // American Samoa
  "630": "USA", // Puerto Rico
  "850": "USA", // United States Virgin Islands
};

const EARTH_R = 6_371_008.8;
const DEG = Math.PI / 180;
const BAND_DEG = 0.25;
const BUCKET_DEG = 1;
const CACHE_DEG = 0.005;
const CACHE_MAX = 500_000;

export class MaritimeZones {
  private static instance: MaritimeZones | undefined;
  private readonly names: string[] = [];
  private readonly nations: (NationCode | null)[] = [];
  /** Segments as flat arrays: lon1, lat1, lon2, lat2 (degrees) and their country index. */
  private readonly seg: Float64Array;
  private readonly segCountry: Int32Array;
  /** Segment indices per latitude band (land test) and per 1° bucket (coast distance). */
  private readonly bands: Int32Array[];
  private readonly buckets = new Map<number, Int32Array>();
  private readonly cache = new Map<number, ZoneFix>();

  private constructor() {
    const require = createRequire(import.meta.url);
    // biome-ignore lint/suspicious/noExplicitAny: TopoJSON topology as shipped by world-atlas.
    const topo = require("world-atlas/countries-10m.json") as any;
    const fc = feature(topo, topo.objects.countries) as unknown as {
      features: {
        id?: string;
        properties: { name: string };
        geometry: { type: string; coordinates: number[][][] | number[][][][] } | null;
      }[];
    };
    const segs: number[] = [];
    const owners: number[] = [];
    for (const f of fc.features) {
      if (!f.geometry) continue;
      const ci = this.names.length;
      this.names.push(f.properties.name);
      this.nations.push(f.id ? (NUMERIC_TO_NATION[f.id] ?? null) : null);
      const polys = (
        f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates
      ) as number[][][][];
      for (const poly of polys)
        for (const ring of poly)
          for (let i = 0; i + 1 < ring.length; i++) {
            const [x1, y1] = ring[i];
            const [x2, y2] = ring[i + 1];
            // Natural Earth cuts polygons along the antimeridian; those artificial edges are not coast.
            if (Math.abs(x1) === 180 && x1 === x2) continue;
            segs.push(x1, y1, x2, y2);
            owners.push(ci);
          }
    }
    this.seg = Float64Array.from(segs);
    this.segCountry = Int32Array.from(owners);
    const nBands = Math.round(180 / BAND_DEG);
    const bandLists: number[][] = Array.from({ length: nBands }, () => []);
    const bucketLists = new Map<number, number[]>();
    const n = owners.length;
    for (let s = 0; s < n; s++) {
      const lo1 = this.seg[4 * s];
      const la1 = this.seg[4 * s + 1];
      const lo2 = this.seg[4 * s + 2];
      const la2 = this.seg[4 * s + 3];
      const b0 = bandIndex(Math.min(la1, la2));
      const b1 = bandIndex(Math.max(la1, la2));
      for (let b = b0; b <= b1; b++) bandLists[b].push(s);
      const x0 = Math.floor(Math.min(lo1, lo2) / BUCKET_DEG);
      const x1 = Math.floor(Math.max(lo1, lo2) / BUCKET_DEG);
      const y0 = Math.floor(Math.min(la1, la2) / BUCKET_DEG);
      const y1 = Math.floor(Math.max(la1, la2) / BUCKET_DEG);
      for (let x = x0; x <= x1; x++)
        for (let y = y0; y <= y1; y++) {
          const key = bucketKey(x, y);
          const list = bucketLists.get(key);
          if (list) list.push(s);
          else bucketLists.set(key, [s]);
        }
    }
    this.bands = bandLists.map((l) => Int32Array.from(l));
    for (const [k, l] of bucketLists) this.buckets.set(k, Int32Array.from(l));
  }

  /** The shared instance (the geometry is large; it is read once per process). */
  static get(): MaritimeZones {
    MaritimeZones.instance ??= new MaritimeZones();
    return MaritimeZones.instance;
  }

  /**
   * Classifies a point given in degrees. Results are memoised on a 0.005° grid (≤ 0.4 km from the
   * point, finer than the 1:10m coastline itself): impact predictions classify hundreds of samples
   * per update, mostly falling in the same few cells.
   */
  classifyDeg(latDeg: number, lonDeg: number): ZoneFix {
    const key = Math.round(latDeg / CACHE_DEG) * 100_000 + Math.round(wrapLon(lonDeg) / CACHE_DEG);
    let fix = this.cache.get(key);
    if (!fix) {
      fix = this.classifyExact(
        Math.round(latDeg / CACHE_DEG) * CACHE_DEG,
        Math.round(wrapLon(lonDeg) / CACHE_DEG) * CACHE_DEG,
      );
      if (this.cache.size >= CACHE_MAX) this.cache.clear();
      this.cache.set(key, fix);
    }
    return fix;
  }

  /** Classifies a point given in degrees, without the grid. */
  classifyExact(latDeg: number, lonDeg: number): ZoneFix {
    const lon = wrapLon(lonDeg);
    const land = this.landCountry(latDeg, lon);
    if (land >= 0)
      return { zone: "land", nation: this.nations[land], country: this.names[land], coastDistanceM: 0 };
    const { country, distanceM } = this.nearestCoast(latDeg, lon, EEZ_M);
    if (country < 0) return { zone: "high-seas", nation: null, country: null, coastDistanceM: distanceM };
    const zone: ZoneKind = distanceM <= TERRITORIAL_SEA_M ? "territorial-sea" : "eez";
    return { zone, nation: this.nations[country], country: this.names[country], coastDistanceM: distanceM };
  }

  /** Classifies a point given in radians (the convention inside AllyLink). */
  classify(latRad: number, lonRad: number): ZoneFix {
    return this.classifyDeg(latRad / DEG, lonRad / DEG);
  }

  /** Country index whose land contains the point (even–odd rule per country), or −1. */
  private landCountry(lat: number, lon: number): number {
    const list = this.bands[bandIndex(lat)];
    const s = this.seg;
    const parity = new Map<number, number>();
    for (let i = 0; i < list.length; i++) {
      const k = list[i];
      const y1 = s[4 * k + 1];
      const y2 = s[4 * k + 3];
      if (y1 > lat === y2 > lat) continue;
      const x1 = s[4 * k];
      const x2 = s[4 * k + 2];
      const xCross = x1 + ((lat - y1) * (x2 - x1)) / (y2 - y1);
      if (xCross > lon) {
        const c = this.segCountry[k];
        parity.set(c, (parity.get(c) ?? 0) ^ 1);
      }
    }
    for (const [c, p] of parity) if (p === 1) return c;
    return -1;
  }

  /** Nearest coast segment within maxM: its country (−1 if none) and distance. */
  private nearestCoast(lat: number, lon: number, maxM: number): { country: number; distanceM: number } {
    const cosLat = Math.max(Math.cos(lat * DEG), 0.01);
    const mPerDegLat = EARTH_R * DEG;
    const mPerDegLon = mPerDegLat * cosLat;
    const bx = Math.floor(lon / BUCKET_DEG);
    const by = Math.floor(lat / BUCKET_DEG);
    const maxRingY = Math.ceil(maxM / (mPerDegLat * BUCKET_DEG)) + 1;
    const maxRingX = Math.min(Math.ceil(maxM / (mPerDegLon * BUCKET_DEG)) + 1, 180);
    let best = Number.POSITIVE_INFINITY;
    let bestCountry = -1;
    const s = this.seg;
    const maxRing = Math.max(maxRingX, maxRingY);
    for (let r = 0; r <= maxRing; r++) {
      for (let dx = -r; dx <= r; dx++)
        for (let dy = -r; dy <= r; dy++) {
          if (
            Math.max(Math.abs(dx), Math.abs(dy)) !== r ||
            Math.abs(dx) > maxRingX ||
            Math.abs(dy) > maxRingY
          )
            continue;
          const list = this.buckets.get(bucketKey(wrapBucketX(bx + dx), by + dy));
          if (!list) continue;
          for (let i = 0; i < list.length; i++) {
            const k = list[i];
            const ax = wrapDeltaLon(s[4 * k] - lon) * mPerDegLon;
            const ay = (s[4 * k + 1] - lat) * mPerDegLat;
            const bxm = wrapDeltaLon(s[4 * k + 2] - lon) * mPerDegLon;
            const bym = (s[4 * k + 3] - lat) * mPerDegLat;
            const d = pointSegmentDistance(ax, ay, bxm, bym);
            if (d < best) {
              best = d;
              bestCountry = this.segCountry[k];
            }
          }
        }
      // Every bucket of the next ring is at least r whole buckets away in latitude or longitude.
      const nextMin = r * BUCKET_DEG * Math.min(mPerDegLat, mPerDegLon);
      if (best <= nextMin) break;
    }
    return best <= maxM ? { country: bestCountry, distanceM: best } : { country: -1, distanceM: best };
  }
}

/** Distance from the origin to the segment a–b in a local plane (metres). */
function pointSegmentDistance(ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let u = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
  u = u < 0 ? 0 : u > 1 ? 1 : u;
  const px = ax + u * dx;
  const py = ay + u * dy;
  return Math.sqrt(px * px + py * py);
}

function bandIndex(lat: number): number {
  return Math.min(Math.max(Math.floor((lat + 90) / BAND_DEG), 0), Math.round(180 / BAND_DEG) - 1);
}
function bucketKey(x: number, y: number): number {
  return (y + 100) * 1000 + (x + 200);
}
function wrapBucketX(x: number): number {
  const n = 360 / BUCKET_DEG;
  return ((((x + n / 2) % n) + n) % n) - n / 2;
}
function wrapLon(lon: number): number {
  return ((((lon + 180) % 360) + 360) % 360) - 180;
}
function wrapDeltaLon(d: number): number {
  return d > 180 ? d - 360 : d < -180 ? d + 360 : d;
}

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
 *
 * Spatial index (same answers as the plain scans, which `classifyReference` keeps for tests):
 * - land on the memoisation grid: the ray cast of a grid latitude is done once for the whole row —
 *   its crossings sorted by longitude, with the answer for every suffix — so a point of the row is a
 *   binary search (the parity of the crossings east of it is that suffix's);
 * - coast distance: each 1° bucket is split into 0.125° cells, each with the bounding box of its
 *   segments; buckets and cells whose box is farther than the nearest segment found so far are
 *   skipped (they cannot hold a nearer one), and ties between equally near segments go to the one
 *   the plain scan meets first, so the country named is the same.
 */
import { createRequire } from "node:module";
import { feature } from "topojson-client";
import { upperBound } from "../core/sorted-search.ts";
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
/** Cells per bucket side in the coast-distance index. */
const SUB = 8;
const SUB_DEG = BUCKET_DEG / SUB;
/** Ray-cast rows kept (one per grid latitude asked about; a row holds that latitude's crossings). */
const ROWS_MAX = 8192;
/** Slack on bounding-box distances, m: far above rounding (≈1e-9 m), far below any real gap. */
const BOX_SLACK_M = 1e-6;

/** The coast segments of one 1° bucket, split into cells; boxes as minLon, maxLon, minLat, maxLat. */
interface BucketIndex {
  /** Bounding box of every segment of the bucket. */
  readonly box: Float64Array;
  /** Bounding box of the segments of each non-empty cell (4 per cell). */
  readonly cellBox: Float64Array;
  /** Segments of cell c: segs[cellStart[c] .. cellStart[c + 1]), ascending. */
  readonly cellStart: Int32Array;
  readonly segs: Int32Array;
}

/** One grid latitude's ray cast: crossings by longitude and, per suffix, the land it leaves a point in. */
interface LandRow {
  /** Longitudes where the row crosses a segment, ascending. */
  readonly xs: Float64Array;
  /** state[i]: lowest country index with an odd count among crossings i.. (−1: none); length n + 1. */
  readonly state: Int32Array;
}

/** A ring's longitudes made continuous: no step between neighbours larger than 180°. */
function unwrapLongitudes(ring: readonly number[][]): number[] {
  const xs = [ring[0][0]];
  for (let i = 1; i < ring.length; i++) {
    const prev = xs[i - 1];
    let x = ring[i][0];
    while (x - prev > 180) x -= 360;
    while (prev - x > 180) x += 360;
    xs.push(x);
  }
  return xs;
}

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
  /** Bucket indexes by (latitude row + 90) · 360 + (longitude column + 180): an array, not a map (hot). */
  private readonly index: (BucketIndex | undefined)[] = new Array(181 * 360);
  private readonly rows = new Map<number, LandRow>();
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
    const coast: boolean[] = [];
    for (const f of fc.features) {
      if (!f.geometry) continue;
      const ci = this.names.length;
      this.names.push(f.properties.name);
      this.nations.push(f.id ? (NUMERIC_TO_NATION[f.id] ?? null) : null);
      const polys = (
        f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates
      ) as number[][][][];
      for (const poly of polys)
        for (const ring of poly) {
          // Natural Earth cuts rings at the antimeridian, and some of its rings step from 179.9° to
          // −180° (Russia's mainland is closed along "−180°"): a 360°-wide edge that the land test's
          // eastward rays would cross. The ring is unwrapped to continuous longitudes, and a copy
          // shifted by 360° brings any part beyond ±180° back (without this, inland Chukotka was
          // "Russian EEZ"). Edges along the cut itself, and the parts outside ±180°, close the rings
          // for the land test but are not coast.
          const xs = unwrapLongitudes(ring);
          const lo = Math.min(...xs);
          const hi = Math.max(...xs);
          for (const shift of [0, ...(hi > 180 ? [-360] : []), ...(lo < -180 ? [360] : [])])
            for (let i = 0; i + 1 < ring.length; i++) {
              const x1 = xs[i] + shift;
              const x2 = xs[i + 1] + shift;
              segs.push(x1, ring[i][1], x2, ring[i + 1][1]);
              owners.push(ci);
              const inside = Math.abs(x1) <= 180 && Math.abs(x2) <= 180;
              coast.push(inside && !(Math.abs(x1) === 180 && x1 === x2));
            }
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
      if (!coast[s]) continue;
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
    for (const [k, l] of bucketLists) {
      this.buckets.set(k, Int32Array.from(l));
      const col = (k % 1000) - 200;
      const row = Math.floor(k / 1000) - 100;
      // Longitude column 180 (segments on the antimeridian itself) is never searched: wrapBucketX
      // maps every query to −180..179, as in nearestCoastScan.
      if (col >= -180 && col < 180 && row >= -90 && row <= 90)
        this.index[(row + 90) * 360 + col + 180] = this.indexBucket(k, l);
    }
  }

  /** Splits one bucket's segments into SUB × SUB cells with their bounding boxes. */
  private indexBucket(key: number, list: readonly number[]): BucketIndex {
    const bx = (key % 1000) - 200;
    const by = Math.floor(key / 1000) - 100;
    const west = bx * BUCKET_DEG;
    const south = by * BUCKET_DEG;
    const s = this.seg;
    const cells: number[][] = Array.from({ length: SUB * SUB }, () => []);
    const box = Float64Array.of(
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    );
    const clampSub = (v: number) => Math.min(Math.max(v, 0), SUB - 1);
    for (const k of list) {
      const loMin = Math.min(s[4 * k], s[4 * k + 2]);
      const loMax = Math.max(s[4 * k], s[4 * k + 2]);
      const laMin = Math.min(s[4 * k + 1], s[4 * k + 3]);
      const laMax = Math.max(s[4 * k + 1], s[4 * k + 3]);
      growBox(box, 0, loMin, loMax, laMin, laMax);
      const cx0 = clampSub(Math.floor((loMin - west) / SUB_DEG));
      const cx1 = clampSub(Math.floor((loMax - west) / SUB_DEG));
      const cy0 = clampSub(Math.floor((laMin - south) / SUB_DEG));
      const cy1 = clampSub(Math.floor((laMax - south) / SUB_DEG));
      for (let cx = cx0; cx <= cx1; cx++) for (let cy = cy0; cy <= cy1; cy++) cells[cy * SUB + cx].push(k);
    }
    const used = cells.filter((c) => c.length > 0);
    const cellBox = new Float64Array(4 * used.length);
    const cellStart = new Int32Array(used.length + 1);
    const segs: number[] = [];
    used.forEach((c, i) => {
      cellBox.set(
        [
          Number.POSITIVE_INFINITY,
          Number.NEGATIVE_INFINITY,
          Number.POSITIVE_INFINITY,
          Number.NEGATIVE_INFINITY,
        ],
        4 * i,
      );
      for (const k of c)
        growBox(
          cellBox,
          4 * i,
          Math.min(s[4 * k], s[4 * k + 2]),
          Math.max(s[4 * k], s[4 * k + 2]),
          Math.min(s[4 * k + 1], s[4 * k + 3]),
          Math.max(s[4 * k + 1], s[4 * k + 3]),
        );
      segs.push(...c);
      cellStart[i + 1] = segs.length;
    });
    return { box, cellBox, cellStart, segs: Int32Array.from(segs) };
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
      const lat = Math.round(latDeg / CACHE_DEG) * CACHE_DEG;
      const lon = wrapLon(Math.round(wrapLon(lonDeg) / CACHE_DEG) * CACHE_DEG);
      // Grid latitudes repeat: their ray casts are kept as rows.
      fix = this.fixOf(lat, lon, this.landCountryRow(lat, lon), true);
      if (this.cache.size >= CACHE_MAX) this.cache.clear();
      this.cache.set(key, fix);
    }
    return fix;
  }

  /** Classifies a point given in degrees, without the grid. */
  classifyExact(latDeg: number, lonDeg: number): ZoneFix {
    const lon = wrapLon(lonDeg);
    return this.fixOf(latDeg, lon, this.landCountry(latDeg, lon), true);
  }

  /**
   * classifyExact by plain scans, without the spatial index (every segment of the latitude band for
   * land, every segment of every bucket visited for coast distance): the reference the index must
   * agree with exactly (tests).
   */
  classifyReference(latDeg: number, lonDeg: number): ZoneFix {
    const lon = wrapLon(lonDeg);
    return this.fixOf(latDeg, lon, this.landCountry(latDeg, lon), false);
  }

  private fixOf(lat: number, lon: number, land: number, indexed: boolean): ZoneFix {
    if (land >= 0)
      return { zone: "land", nation: this.nations[land], country: this.names[land], coastDistanceM: 0 };
    const { country, distanceM } = indexed
      ? this.nearestCoast(lat, lon, EEZ_M)
      : this.nearestCoastScan(lat, lon, EEZ_M);
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

  /** landCountry on a grid latitude, through that latitude's row (built on first use). */
  private landCountryRow(lat: number, lon: number): number {
    let row = this.rows.get(lat);
    if (!row) {
      row = this.landRow(lat);
      if (this.rows.size >= ROWS_MAX) this.rows.clear();
      this.rows.set(lat, row);
    }
    // First crossing strictly east of lon: the crossings from there on are the ones landCountry counts.
    return row.state[upperBound(row.xs, lon)];
  }

  /**
   * The ray cast of landCountry for every longitude of one latitude at once: the same crossings (same
   * arithmetic), sorted by longitude; walking them from the east keeps each country's parity, and the
   * lowest country index with an odd count is landCountry's answer (its map meets countries in
   * ascending index: segments are stored country by country).
   */
  private landRow(lat: number): LandRow {
    const list = this.bands[bandIndex(lat)];
    const s = this.seg;
    const xsList: number[] = [];
    const owners: number[] = [];
    for (let i = 0; i < list.length; i++) {
      const k = list[i];
      const y1 = s[4 * k + 1];
      const y2 = s[4 * k + 3];
      if (y1 > lat === y2 > lat) continue;
      const x1 = s[4 * k];
      const x2 = s[4 * k + 2];
      xsList.push(x1 + ((lat - y1) * (x2 - x1)) / (y2 - y1));
      owners.push(this.segCountry[k]);
    }
    const n = xsList.length;
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => xsList[a] - xsList[b]);
    const xs = new Float64Array(n);
    const state = new Int32Array(n + 1);
    state[n] = -1;
    const parity = new Uint8Array(this.names.length);
    const odd: number[] = [];
    for (let i = n - 1; i >= 0; i--) {
      xs[i] = xsList[order[i]];
      const c = owners[order[i]];
      parity[c] ^= 1;
      if (parity[c]) odd.push(c);
      else odd.splice(odd.indexOf(c), 1);
      let lowest = -1;
      for (const o of odd) if (lowest < 0 || o < lowest) lowest = o;
      state[i] = lowest;
    }
    return { xs, state };
  }

  /**
   * nearestCoastScan's answer through the bucket index: the same buckets in the same order and the same
   * stopping rule, but a bucket or cell whose bounding box lies farther than the best distance so far
   * is skipped (none of its segments can be nearer, nor equal: the slack keeps rounding out of it).
   * Within a bucket, equal distances go to the lowest segment index, as the scan's list order does;
   * across buckets the first bucket wins, as the scan's strict comparison does.
   */
  private nearestCoast(lat: number, lon: number, maxM: number): { country: number; distanceM: number } {
    const { mPerDegLat, mPerDegLon, bx, by, maxRingX, maxRingY } = ringSearch(lat, lon, maxM);
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
          const row = by + dy;
          if (row < -90 || row > 90) continue;
          const b = this.index[(row + 90) * 360 + wrapBucketX(bx + dx) + 180];
          if (!b) continue;
          if (boxDistance(b.box, 0, lat, lon, mPerDegLat, mPerDegLon) > best + BOX_SLACK_M) continue;
          let localBest = best;
          let localK = -1;
          const nCells = b.cellStart.length - 1;
          for (let c = 0; c < nCells; c++) {
            if (boxDistance(b.cellBox, 4 * c, lat, lon, mPerDegLat, mPerDegLon) > localBest + BOX_SLACK_M)
              continue;
            for (let i = b.cellStart[c]; i < b.cellStart[c + 1]; i++) {
              const k = b.segs[i];
              const d = segmentDistance(s, k, lat, lon, mPerDegLat, mPerDegLon);
              if (d < localBest || (d === localBest && localK >= 0 && k < localK)) {
                localBest = d;
                localK = k;
              }
            }
          }
          if (localK >= 0) {
            best = localBest;
            bestCountry = this.segCountry[localK];
          }
        }
      // Every bucket of the next ring is at least r whole buckets away in latitude or longitude.
      const nextMin = r * BUCKET_DEG * Math.min(mPerDegLat, mPerDegLon);
      if (best <= nextMin) break;
    }
    return best <= maxM ? { country: bestCountry, distanceM: best } : { country: -1, distanceM: best };
  }

  /**
   * Nearest coast segment within maxM: its country (−1 if none) and distance — every segment of every
   * bucket visited (the reference for nearestCoast).
   */
  private nearestCoastScan(lat: number, lon: number, maxM: number): { country: number; distanceM: number } {
    const { mPerDegLat, mPerDegLon, bx, by, maxRingX, maxRingY } = ringSearch(lat, lon, maxM);
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
            const d = segmentDistance(s, k, lat, lon, mPerDegLat, mPerDegLon);
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

/**
 * The rings of 1° buckets around (lat, lon) that can hold a coast within maxM: the query's bucket,
 * the ring limits in each direction and the local metres per degree (flat-Earth, fine at EEZ range).
 */
function ringSearch(lat: number, lon: number, maxM: number) {
  const mPerDegLat = EARTH_R * DEG;
  const mPerDegLon = mPerDegLat * Math.max(Math.cos(lat * DEG), 0.01);
  return {
    mPerDegLat,
    mPerDegLon,
    bx: Math.floor(lon / BUCKET_DEG),
    by: Math.floor(lat / BUCKET_DEG),
    maxRingY: Math.ceil(maxM / (mPerDegLat * BUCKET_DEG)) + 1,
    maxRingX: Math.min(Math.ceil(maxM / (mPerDegLon * BUCKET_DEG)) + 1, 180),
  };
}

/** Distance (m) from (lat, lon) to segment k of the flat segment array s, in the local plane. */
function segmentDistance(
  s: Float64Array,
  k: number,
  lat: number,
  lon: number,
  mPerDegLat: number,
  mPerDegLon: number,
): number {
  return pointSegmentDistance(
    wrapDeltaLon(s[4 * k] - lon) * mPerDegLon,
    (s[4 * k + 1] - lat) * mPerDegLat,
    wrapDeltaLon(s[4 * k + 2] - lon) * mPerDegLon,
    (s[4 * k + 3] - lat) * mPerDegLat,
  );
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

/**
 * A lower bound of pointSegmentDistance from (lat, lon) to any segment inside the box at `o` of `box`
 * (minLon, maxLon, minLat, maxLat), in the same local projection; 0 when the box straddles the
 * longitude where that projection wraps (the bound would not hold).
 */
function boxDistance(
  box: Float64Array,
  o: number,
  lat: number,
  lon: number,
  mPerDegLat: number,
  mPerDegLon: number,
): number {
  const w = box[o] - lon;
  const e = box[o + 1] - lon;
  if (wrapSide(w) !== wrapSide(e)) return 0;
  const dw = wrapDeltaLon(w);
  const de = wrapDeltaLon(e);
  const gx = dw > 0 ? dw : de < 0 ? -de : 0;
  const gs = box[o + 2] - lat;
  const gn = box[o + 3] - lat;
  const gy = gs > 0 ? gs : gn < 0 ? -gn : 0;
  const mx = gx * mPerDegLon;
  const my = gy * mPerDegLat;
  return Math.sqrt(mx * mx + my * my);
}
/** Which branch wrapDeltaLon takes for d: it is a plain shift within one branch. */
function wrapSide(d: number): number {
  return d > 180 ? 2 : d < -180 ? 0 : 1;
}
function growBox(
  box: Float64Array,
  o: number,
  loMin: number,
  loMax: number,
  laMin: number,
  laMax: number,
): void {
  if (loMin < box[o]) box[o] = loMin;
  if (loMax > box[o + 1]) box[o + 1] = loMax;
  if (laMin < box[o + 2]) box[o + 2] = laMin;
  if (laMax > box[o + 3]) box[o + 3] = laMax;
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

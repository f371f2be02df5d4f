/**
 * The areas a nation's node warns for, and the probability that a predicted impact falls in each.
 * Nations' areas (land, territorial sea, EEZ) come from maritime-zones.ts; protected areas (a city, a
 * base, a port) are polygons a scenario defines. Probabilities are fractions of the Monte Carlo impact
 * samples of impact-prediction.ts, so irregular coastlines are handled exactly as drawn.
 */
import type { AllyCode, NationCode } from "../world/nation.ts";
import type { GeoPoint, WarningArea } from "./alert.ts";
import { MaritimeZones, type ZoneFix, type ZoneKind } from "./maritime-zones.ts";

export interface ProtectedArea {
  readonly id: string;
  readonly name: string;
  /** The nation whose node warns for it. */
  readonly owner: AllyCode;
  /** Closed or open ring of points (radians). */
  readonly polygon: readonly GeoPoint[];
}

export const ZONE_KINDS: readonly Exclude<ZoneKind, "high-seas">[] = ["land", "territorial-sea", "eez"];

export function nationAreaId(nation: NationCode, zone: ZoneKind): string {
  return `${nation}-${zone}`;
}

const ZONE_NAMES: Record<Exclude<ZoneKind, "high-seas">, string> = {
  land: "land territory",
  "territorial-sea": "territorial sea",
  eez: "exclusive economic zone",
};

export function nationAreas(nation: NationCode): WarningArea[] {
  return ZONE_KINDS.map((z) => ({
    id: nationAreaId(nation, z),
    name: `${nation} ${ZONE_NAMES[z]}`,
    nation,
    kind: z,
  }));
}

export function protectedAreaOf(p: ProtectedArea): WarningArea {
  return { id: p.id, name: p.name, nation: p.owner, kind: "protected" };
}

/** Even–odd point-in-polygon on latitude/longitude (adequate for areas of city or base size). */
export function insidePolygon(lat: number, lon: number, ring: readonly GeoPoint[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i];
    const b = ring[j];
    if (a.lat > lat !== b.lat > lat && lon < ((b.lon - a.lon) * (lat - a.lat)) / (b.lat - a.lat) + a.lon)
      inside = !inside;
  }
  return inside;
}

export interface AreaOdds {
  /** Probability of impact per area id (only areas with at least one sample). */
  readonly byArea: ReadonlyMap<string, number>;
  /** Zone fix of each sample (same order as the samples), for the outcome report. */
  readonly fixes: readonly ZoneFix[];
}

/** nationAreaId, kept per nation and zone (every impact sample asks; the ids are few). */
const areaIds = new Map<NationCode, Map<ZoneKind, string>>();
function zoneAreaId(nation: NationCode, zone: ZoneKind): string {
  let byZone = areaIds.get(nation);
  if (!byZone) {
    byZone = new Map();
    areaIds.set(nation, byZone);
  }
  let id = byZone.get(zone);
  if (id === undefined) {
    id = nationAreaId(nation, zone);
    byZone.set(zone, id);
  }
  return id;
}

/** Fractions of impact samples (lat, lon pairs, radians) per national zone and protected area. */
export function areaProbabilities(
  samples: Float64Array,
  protectedAreas: readonly ProtectedArea[] = [],
): AreaOdds {
  const zones = MaritimeZones.get();
  const n = samples.length / 2;
  const counts = new Map<string, number>();
  const fixes: ZoneFix[] = [];
  for (let i = 0; i < n; i++) {
    const lat = samples[2 * i];
    const lon = samples[2 * i + 1];
    const fix = zones.classify(lat, lon);
    fixes.push(fix);
    if (fix.nation && fix.zone !== "high-seas") {
      const id = zoneAreaId(fix.nation, fix.zone);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const p of protectedAreas)
      if (insidePolygon(lat, lon, p.polygon)) counts.set(p.id, (counts.get(p.id) ?? 0) + 1);
  }
  const byArea = new Map<string, number>();
  for (const [k, c] of counts) byArea.set(k, c / Math.max(1, n));
  return { byArea, fixes };
}

/** Plain words for where an impact point lies: "in the sea outside any EEZ", "in JPN's EEZ", ... */
export function describeFix(fix: ZoneFix): string {
  const who = fix.nation ?? fix.country ?? "another country";
  switch (fix.zone) {
    case "land":
      return `on land (${who})`;
    case "territorial-sea":
      return `in the territorial sea of ${who}`;
    case "eez":
      return `in the sea inside the exclusive economic zone of ${who}`;
    default:
      return "in the sea outside any exclusive economic zone";
  }
}

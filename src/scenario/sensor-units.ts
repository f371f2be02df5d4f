/**
 * Sensor fields from the scenario edge (degrees, km, edge names such as `maxRangeKm`) to the sensor
 * models' SI names and units (`rangeMaxM`). One table per sensor type serves both inline sensors and
 * catalogue overrides, so the two can never disagree on a unit.
 */
import { deg2rad } from "../core/geodesy.ts";
import type { InlineRadarSpec, InlineSpaceIrSpec } from "../sensors/catalogue.ts";
import type { InlineRadar, InlineSpaceIr, RadarOverrides, SpaceIrOverrides } from "./schema.ts";

type Converter = (v: never) => [string, unknown];

const same =
  (name: string): Converter =>
  (v) => [name, v];
const degrees =
  (name: string): Converter =>
  (v: number) => [name, deg2rad(v)];
const km =
  (name: string): Converter =>
  (v: number) => [name, v * 1000];

const RADAR: Record<keyof RadarOverrides, Converter> = {
  site: (p: { lat: number; lon: number; altKm?: number }) => [
    "site",
    { latRad: deg2rad(p.lat), lonRad: deg2rad(p.lon), hM: (p.altKm ?? 0) * 1000 },
  ],
  boresightAzDeg: degrees("boresightAzRad"),
  azHalfWidthDeg: degrees("halfWidthAzRad"),
  minElevationDeg: degrees("elMinRad"),
  maxElevationDeg: degrees("elMaxRad"),
  minRangeKm: km("rangeMinM"),
  maxRangeKm: km("rangeMaxM"),
  refRangeKm: km("refRangeM"),
  pfa: same("pfa"),
  revisitS: same("revisitS"),
  scanOffsetS: same("scanOffsetS"),
  sigmaRangeM: same("sigmaRangeM"),
  sigmaAzDeg: degrees("sigmaAzRad"),
  sigmaElDeg: degrees("sigmaElRad"),
  sigmaRangeRateMps: same("sigmaRangeRateMps"),
  falseAlarmsPerScan: same("falseAlarmsPerScan"),
  latencyS: same("latencyS"),
};

const SPACE_IR: Record<keyof SpaceIrOverrides, Converter> = {
  satellite: (p: { geoLonDeg: number } | { lat: number; lon: number; altKm: number }) => [
    "orbit",
    "geoLonDeg" in p
      ? { type: "geo", lonRad: deg2rad(p.geoLonDeg) }
      : { type: "fixed", latRad: deg2rad(p.lat), lonRad: deg2rad(p.lon), altitudeM: p.altKm * 1000 },
  ],
  fieldOfRegard: (f: { lat: number; lon: number; halfAngleDeg: number }) => [
    "fieldOfRegard",
    { centerLatRad: deg2rad(f.lat), centerLonRad: deg2rad(f.lon), halfAngleRad: deg2rad(f.halfAngleDeg) },
  ],
  minAltitudeKm: km("minAltitudeM"),
  pd: same("pd"),
  sigmaLosDeg: degrees("sigmaLosRad"),
  revisitS: same("revisitS"),
  scanOffsetS: same("scanOffsetS"),
  latencyS: same("latencyS"),
  falseAlarmsPerScan: same("falseAlarmsPerScan"),
};

function convert(table: Record<string, Converter>, fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    const conv = table[k];
    // The schema has already refused unknown fields; reaching here would be a bug in this table.
    if (!conv) throw new Error(`sensor-units: no conversion for field ${k}`);
    const [name, value] = conv(v as never);
    out[name] = value;
  }
  return out;
}

/** Catalogue overrides in edge units → the catalogue's SI override fields. */
export function radarOverridesToSi(o: RadarOverrides): Record<string, unknown> {
  return convert(RADAR, o);
}

export function spaceIrOverridesToSi(o: SpaceIrOverrides): Record<string, unknown> {
  return convert(SPACE_IR, o);
}

/**
 * Defaults of the optional inline fields, in SI — the same values the schema documents with
 * `default:` (an all-round radar from the horizon up, no minimum range, Pfa 1e-6, no false alarms,
 * no latency; an infrared sensor seeing plumes above 10 km with Pd 0.95).
 */
const RADAR_DEFAULTS = {
  boresightAzRad: 0,
  halfWidthAzRad: Math.PI,
  elMinRad: 0,
  elMaxRad: Math.PI / 2,
  rangeMinM: 0,
  pfa: 1e-6,
  scanOffsetS: 0,
  sigmaRangeRateMps: null,
  falseAlarmsPerScan: 0,
  latencyS: 0,
};

const SPACE_IR_DEFAULTS = {
  fieldOfRegard: null,
  minAltitudeM: 10_000,
  pd: 0.95,
  scanOffsetS: 0,
  latencyS: 0,
  falseAlarmsPerScan: 0,
};

export function inlineRadarToSi(s: InlineRadar): InlineRadarSpec {
  const { type: _t, id, nation, ...fields } = s;
  return { type: "radar", id, nation, ...RADAR_DEFAULTS, ...convert(RADAR, fields) } as InlineRadarSpec;
}

export function inlineSpaceIrToSi(s: InlineSpaceIr): InlineSpaceIrSpec {
  const { type: _t, id, nation, ...fields } = s;
  return {
    type: "space-ir",
    id,
    nation,
    ...SPACE_IR_DEFAULTS,
    ...convert(SPACE_IR, fields),
  } as InlineSpaceIrSpec;
}

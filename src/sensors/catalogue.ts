/**
 * Catalogue of allied sensors at APPROXIMATE PUBLIC locations with typical PUBLIC-LEVEL parameters, and
 * `createSensor`, which builds a sensor from a catalogue name (with optional overrides) or from inline
 * parameters.
 *
 * Nothing here is sensitive: sites are taken from press reports at the precision of a town, mountain or
 * island (often only a province), and parameters are textbook figures for the radar band and aperture
 * class, with detection ranges set to the round numbers quoted in news reports. Each entry's `basis`
 * names where its location comes from. Ranges are expressed as `refRangeM` (Pd = 0.5 for a 1 m² target,
 * set to the publicly quoted detection range) and an instrumented `rangeMaxM` beyond it.
 *
 * Units: SI and radians, like the sensor models; the scenario layer converts degrees and kilometres.
 */
import { UserError } from "../core/errors.ts";
import { deg2rad, geodesicInverse } from "../core/geodesy.ts";
import { isNationCode, type NationCode } from "../world/nation.ts";
import { Radar, type RadarParams } from "./radar.ts";
import type { Sensor } from "./sensor.ts";
import { SpaceInfrared, type SpaceInfraredParams } from "./space-infrared.ts";

/** Radar parameters apart from identity (id and nation come from the catalogue entry or the spec). */
export type RadarTemplate = Omit<RadarParams, "id" | "nation">;
/** Space infrared parameters apart from identity. */
export type SpaceInfraredTemplate = Omit<SpaceInfraredParams, "id" | "nation">;

export type CatalogueEntry =
  | {
      readonly type: "radar";
      readonly nation: NationCode;
      /** What the sensor is. */
      readonly description: string;
      /** The public reporting the location and figures rest on. */
      readonly basis: string;
      readonly params: RadarTemplate;
    }
  | {
      readonly type: "space-ir";
      readonly nation: NationCode;
      readonly description: string;
      readonly basis: string;
      readonly params: SpaceInfraredTemplate;
    };

/** Inline radar: the model's full parameters plus the type tag. */
export type InlineRadarSpec = RadarParams & { readonly type: "radar" };
/** Inline space infrared sensor: the model's full parameters plus the type tag. */
export type InlineSpaceIrSpec = SpaceInfraredParams & { readonly type: "space-ir" };

/**
 * A catalogue sensor: its name, an optional id (default: the catalogue name) and optional overrides of
 * any template field (SI units, radians; `site` and `orbit` are replaced as a whole).
 */
export interface CatalogueSensorSpec {
  readonly catalogue: string;
  readonly id?: string;
  readonly overrides?: Readonly<Partial<RadarTemplate> | Partial<SpaceInfraredTemplate>>;
}

/** What `createSensor` accepts: a catalogue reference or a full inline specification. */
export type SensorSpec = CatalogueSensorSpec | InlineRadarSpec | InlineSpaceIrSpec;

// ---------------------------------------------------------------------------------------------------
// Reference point the forward-looking sector radars face: the Pyongyang / Sunan area, the most
// frequent DPRK launch region in public reporting (Sunan airfield, 39.2°N 125.67°E).
const DPRK_REF = { lat: deg2rad(39.2), lon: deg2rad(125.67) };

/** Azimuth (from north, clockwise) along the geodesic from a site to the DPRK reference point. */
function towardDprk(latDeg: number, lonDeg: number): number {
  return geodesicInverse(deg2rad(latDeg), deg2rad(lonDeg), DPRK_REF.lat, DPRK_REF.lon).azimuth1;
}

const fixed = (latDeg: number, lonDeg: number, hM: number) => ({
  latRad: deg2rad(latDeg),
  lonRad: deg2rad(lonDeg),
  hM,
});

const mrad = 1e-3;
const km = 1000;

/**
 * Green Pine (Elta EL/M-2080 family), L-band ground early-warning/fire-control radar. Public figures:
 * detection range "more than 500 km" (2016 reports) and "around 800 km" (Yonhap, 19 Oct 2022).
 * A fixed planar array: ±60° electronic scan around a boresight toward the DPRK. L-band angular
 * accuracy is a few milliradians.
 */
function greenPine(latDeg: number, lonDeg: number, hM: number): RadarTemplate {
  return {
    site: fixed(latDeg, lonDeg, hM),
    boresightAzRad: towardDprk(latDeg, lonDeg),
    halfWidthAzRad: deg2rad(60),
    elMinRad: deg2rad(1),
    elMaxRad: deg2rad(85),
    rangeMinM: 5 * km,
    rangeMaxM: 900 * km,
    refRangeM: 800 * km,
    pfa: 1e-6,
    sigmaRangeM: 30,
    sigmaAzRad: 2 * mrad,
    sigmaElRad: 2 * mrad,
    sigmaRangeRateMps: null,
    revisitS: 2,
    latencyS: 1,
    scanOffsetS: 0,
    falseAlarmsPerScan: 0.1,
  };
}

/**
 * AN/TPY-2, X-band transportable radar (THAAD / forward-based mode). Public figures: a range of the
 * order of 1,000 km against missile targets and more for large objects; a fixed array facing a sector
 * (about ±60° is typical of a planar array). X-band bandwidth gives metre-class range accuracy and
 * sub-milliradian angles, and Doppler.
 */
function tpy2(latDeg: number, lonDeg: number, hM: number): RadarTemplate {
  return {
    site: fixed(latDeg, lonDeg, hM),
    boresightAzRad: towardDprk(latDeg, lonDeg),
    halfWidthAzRad: deg2rad(60),
    elMinRad: deg2rad(0.5),
    elMaxRad: deg2rad(85),
    rangeMinM: 5 * km,
    rangeMaxM: 2000 * km,
    refRangeM: 1500 * km,
    pfa: 1e-6,
    sigmaRangeM: 5,
    sigmaAzRad: 0.3 * mrad,
    sigmaElRad: 0.3 * mrad,
    sigmaRangeRateMps: 1,
    revisitS: 1,
    latencyS: 1,
    scanOffsetS: 0,
    falseAlarmsPerScan: 0.1,
  };
}

/**
 * AN/SPY-1D(V), S-band four-face Aegis radar: all-round coverage. Public figures for ballistic-missile
 * search are of the order of several hundred to 1,000 km. The ship is fixed at sea by default; give
 * `site: {waypoints, hM}` to sail it. Antenna about 20 m above the sea (geoid separation ignored).
 */
function spy1d(latDeg: number, lonDeg: number): RadarTemplate {
  return {
    site: fixed(latDeg, lonDeg, 20),
    boresightAzRad: 0,
    halfWidthAzRad: Math.PI,
    elMinRad: deg2rad(0.5),
    elMaxRad: deg2rad(88),
    rangeMinM: 2 * km,
    rangeMaxM: 1000 * km,
    refRangeM: 700 * km,
    pfa: 1e-6,
    sigmaRangeM: 15,
    sigmaAzRad: 1 * mrad,
    sigmaElRad: 1 * mrad,
    sigmaRangeRateMps: 3,
    revisitS: 1,
    latencyS: 1,
    scanOffsetS: 0,
    falseAlarmsPerScan: 0.1,
  };
}

/**
 * J/FPS-5, JASDF large ground radar with three faces (one large L-band, two S-band): modelled as
 * all-round coverage. Public figures put its ballistic-missile detection range beyond 1,000 km.
 */
function fps5(latDeg: number, lonDeg: number, hM: number): RadarTemplate {
  return {
    site: fixed(latDeg, lonDeg, hM),
    boresightAzRad: 0,
    halfWidthAzRad: Math.PI,
    elMinRad: deg2rad(0.5),
    elMaxRad: deg2rad(85),
    rangeMinM: 5 * km,
    rangeMaxM: 2000 * km,
    refRangeM: 1200 * km,
    pfa: 1e-6,
    sigmaRangeM: 30,
    sigmaAzRad: 1.5 * mrad,
    sigmaElRad: 1.5 * mrad,
    sigmaRangeRateMps: null,
    revisitS: 2,
    latencyS: 1,
    scanOffsetS: 0,
    falseAlarmsPerScan: 0.1,
  };
}

/**
 * SBIRS GEO-like scanning infrared sensor: sees booster plumes above the cloud tops (≈10 km), line of
 * sight accurate to tens of microradians (≈1–2 km on the ground from GEO), a revisit of seconds, and
 * ground-processing latency of tens of seconds. Public-level, textbook values.
 */
function sbirsGeo(lonDeg: number): SpaceInfraredTemplate {
  return {
    orbit: { type: "geo", lonRad: deg2rad(lonDeg) },
    fieldOfRegard: null,
    minAltitudeM: 10 * km,
    pd: 0.95,
    sigmaLosRad: 50e-6,
    revisitS: 10,
    latencyS: 20,
    scanOffsetS: 0,
    falseAlarmsPerScan: 0.05,
  };
}

/** The catalogue. Keys are the names scenarios use. */
export const SENSOR_CATALOGUE: Readonly<Record<string, CatalogueEntry>> = Object.freeze({
  "KOR-GREENPINE-NORTH-CHUNGCHEONG": {
    type: "radar",
    nation: "KOR",
    description: "ROK Air Force Green Pine early-warning radar, North Chungcheong Province",
    // Public basis: JoongAng Ilbo and UPI, 2–3 Oct 2016 — two Green Pine units deployed since 2012, one in
    // North and one in South Chungcheong Province. Site placed near the province's centre (not the real site).
    basis: "JoongAng Ilbo / UPI, Oct 2016: Green Pine units in North and South Chungcheong since 2012",
    params: greenPine(36.8, 127.7, 300),
  },
  "KOR-GREENPINE-SOUTH-CHUNGCHEONG": {
    type: "radar",
    nation: "KOR",
    description: "ROK Air Force Green Pine early-warning radar, South Chungcheong Province",
    // Same public basis as above; placed near the province's centre.
    basis: "JoongAng Ilbo / UPI, Oct 2016: Green Pine units in North and South Chungcheong since 2012",
    params: greenPine(36.5, 126.9, 300),
  },
  "KOR-GREENPINE-BUSAN": {
    type: "radar",
    nation: "KOR",
    description: "ROK Air Force Green Pine radar on Mt. Jangsan, Haeundae, Busan",
    // Public basis: Korea Herald / Yonhap, 7 Dec 2021 (installation on Mt. Jang, Busan) and Yonhap,
    // 19 Oct 2022 (full operation; detection range around 800 km). Mt. Jangsan summit ≈634 m.
    basis: "Yonhap, 7 Dec 2021 and 19 Oct 2022: Green Pine on Mt. Jangsan, Busan, range ≈800 km",
    params: greenPine(35.19, 129.17, 600),
  },
  "KOR-AEGIS-EAST-SEA-1": {
    type: "radar",
    nation: "KOR",
    description: "ROK Navy Aegis destroyer (Sejong the Great class, SPY-1D) on station in the East Sea",
    // Public basis: ROK Navy's three (now more) Sejong the Great-class KDX-III destroyers with SPY-1D radar,
    // routinely reported tracking DPRK launches from the East Sea. Station chosen illustratively off Gangwon.
    basis: "Public reporting: Sejong the Great-class (KDX-III) destroyers with SPY-1D track DPRK launches",
    params: spy1d(37.6, 129.6),
  },
  "KOR-AEGIS-EAST-SEA-2": {
    type: "radar",
    nation: "KOR",
    description: "ROK Navy Aegis destroyer (Sejong the Great class, SPY-1D), southern East Sea",
    basis: "Public reporting: Sejong the Great-class (KDX-III) destroyers with SPY-1D track DPRK launches",
    params: spy1d(36.3, 130.2),
  },
  "USA-TPY2-SEONGJU": {
    type: "radar",
    nation: "USA",
    description: "USFK THAAD battery AN/TPY-2 (terminal mode), Seongju",
    // Public basis: THAAD deployed 2017 on the former Lotte Skyhill Seongju golf course, Soseong-ri,
    // Seongju County, North Gyeongsang (a mountain site ≈680 m).
    basis: "Widely reported THAAD site (2017): former Lotte Skyhill golf course, Seongju County",
    params: tpy2(35.98, 128.17, 680),
  },
  "USA-TPY2-SHARIKI": {
    type: "radar",
    nation: "USA",
    description: "AN/TPY-2 (forward-based mode), Shariki, Tsugaru, Aomori",
    // Public basis: US–Japan announcement, 2006 deployment at JASDF Shariki sub-base, Tsugaru, Aomori.
    basis: "US/Japan public announcements: forward-based AN/TPY-2 at Shariki (Aomori) since 2006",
    params: tpy2(40.89, 140.32, 30),
  },
  "USA-TPY2-KYOGAMISAKI": {
    type: "radar",
    nation: "USA",
    description: "AN/TPY-2 (forward-based mode), Kyogamisaki, Kyotango, Kyoto",
    // Public basis: second forward-based AN/TPY-2 in Japan, Kyogamisaki Communications Site, since 2014.
    basis: "US/Japan public announcements: forward-based AN/TPY-2 at Kyogamisaki (Kyoto) since 2014",
    params: tpy2(35.77, 135.22, 150),
  },
  "JPN-FPS5-SADO": {
    type: "radar",
    nation: "JPN",
    description: "JASDF J/FPS-5 radar, Sado Island, Niigata",
    // Public basis: Japan MOD — J/FPS-5 at the Sado sub-base (mountain site in the north of Sado Island).
    basis: "Japan MOD public material: J/FPS-5 at JASDF Sado sub-base, Niigata",
    params: fps5(38.08, 138.4, 900),
  },
  "JPN-FPS5-SHIMOKOSHIKI": {
    type: "radar",
    nation: "JPN",
    description: "JASDF J/FPS-5 radar, Shimo-Koshiki Island, Kagoshima",
    basis: "Japan MOD public material: J/FPS-5 at JASDF Shimokoshiki sub-base, Kagoshima",
    params: fps5(31.67, 129.71, 400),
  },
  "JPN-FPS5-OMINATO": {
    type: "radar",
    nation: "JPN",
    description: "JASDF J/FPS-5 radar, Ominato (Mutsu), Aomori",
    basis: "Japan MOD public material: J/FPS-5 at JASDF Ominato sub-base, Aomori",
    params: fps5(41.3, 141.15, 800),
  },
  "JPN-FPS5-YOZADAKE": {
    type: "radar",
    nation: "JPN",
    description: "JASDF J/FPS-5 radar, Yozadake, Okinawa",
    basis: "Japan MOD public material: J/FPS-5 at JASDF Yozadake sub-base, Okinawa",
    params: fps5(26.14, 127.71, 200),
  },
  "JPN-AEGIS-SEA-OF-JAPAN-NORTH": {
    type: "radar",
    nation: "JPN",
    description: "JMSDF Aegis destroyer (Kongo/Atago/Maya class, SPY-1D) in the northern Sea of Japan",
    // Public basis: Japan MOD routinely deploys Aegis destroyers to the Sea of Japan against DPRK launches;
    // the station is illustrative.
    basis: "Japan MOD public statements: Aegis destroyers deployed in the Sea of Japan for BMD",
    params: spy1d(39.3, 135.5),
  },
  "JPN-AEGIS-SEA-OF-JAPAN-SOUTH": {
    type: "radar",
    nation: "JPN",
    description: "JMSDF Aegis destroyer (Kongo/Atago/Maya class, SPY-1D) in the southern Sea of Japan",
    basis: "Japan MOD public statements: Aegis destroyers deployed in the Sea of Japan for BMD",
    params: spy1d(36.8, 133.5),
  },
  "USA-SBIRS-GEO-WEST-PACIFIC": {
    type: "space-ir",
    nation: "USA",
    description: "US SBIRS GEO-like infrared early-warning satellite over the western Pacific",
    // Public basis: the US operates SBIRS GEO satellites for global missile warning; slot longitudes are
    // not published, so this one is ILLUSTRATIVE, chosen to view East Asia well.
    basis: "USSF public material: SBIRS GEO global missile warning; longitude illustrative",
    params: sbirsGeo(105),
  },
  "USA-SBIRS-GEO-CENTRAL-PACIFIC": {
    type: "space-ir",
    nation: "USA",
    description: "US SBIRS GEO-like infrared early-warning satellite over the central Pacific",
    basis: "USSF public material: SBIRS GEO global missile warning; longitude illustrative",
    params: sbirsGeo(165),
  },
  "USA-SBIRS-HEO-1": {
    type: "space-ir",
    nation: "USA",
    description: "US SBIRS HEO-like infrared payload on a Molniya-type orbit (apogee over north-east Asia)",
    // Public basis: SBIRS includes infrared payloads hosted on highly elliptical orbit satellites. The
    // elements are a textbook Molniya orbit (12 h, e = 0.72, i = 63.4°); its phase is ILLUSTRATIVE: at
    // scenario time 0 the satellite is at apogee (≈39,000 km) over 63°N 130°E and stays high over the
    // region for several hours.
    basis: "USSF public material: SBIRS HEO payloads; textbook Molniya elements, phase illustrative",
    params: {
      ...sbirsGeo(0),
      orbit: {
        type: "kepler",
        semiMajorAxisM: 26_554_000,
        eccentricity: 0.72,
        inclinationRad: deg2rad(63.4),
        raanRad: deg2rad(40),
        argPerigeeRad: deg2rad(270),
        meanAnomalyRad: Math.PI,
      },
    },
  },
});

/** The catalogue names, sorted. */
export function catalogueSensorNames(): string[] {
  return Object.keys(SENSOR_CATALOGUE).sort();
}

/** The catalogue entry of `name`, or undefined. */
export function catalogueEntry(name: string): CatalogueEntry | undefined {
  return Object.hasOwn(SENSOR_CATALOGUE, name) ? SENSOR_CATALOGUE[name] : undefined;
}

const RADAR_FIELDS: readonly (keyof RadarTemplate)[] = [
  "site",
  "boresightAzRad",
  "halfWidthAzRad",
  "elMinRad",
  "elMaxRad",
  "rangeMinM",
  "rangeMaxM",
  "refRangeM",
  "pfa",
  "sigmaRangeM",
  "sigmaAzRad",
  "sigmaElRad",
  "sigmaRangeRateMps",
  "revisitS",
  "latencyS",
  "scanOffsetS",
  "falseAlarmsPerScan",
  "falseAlarmMaxRangeRateMps",
];

const SPACE_IR_FIELDS: readonly (keyof SpaceInfraredTemplate)[] = [
  "orbit",
  "fieldOfRegard",
  "minAltitudeM",
  "pd",
  "sigmaLosRad",
  "revisitS",
  "latencyS",
  "scanOffsetS",
  "falseAlarmsPerScan",
];

/** The fields a catalogue entry of this type lets a spec override (SI names). */
export function overridableFields(type: CatalogueEntry["type"]): readonly string[] {
  return type === "radar" ? RADAR_FIELDS : SPACE_IR_FIELDS;
}

/**
 * Builds one sensor. Catalogue specs take the entry's parameters, replace any overridden field, and
 * take `id` (default: the catalogue name). Bad names, unknown override fields and invalid values throw
 * a UserError naming the sensor and the field.
 */
export function createSensor(spec: SensorSpec): Sensor {
  if (spec == null || typeof spec !== "object") throw new UserError("sensor spec: must be an object");
  if ("catalogue" in spec) return createCatalogueSensor(spec);
  const type = (spec as { type?: unknown }).type;
  if (type === "radar") return new Radar(stripType(spec as InlineRadarSpec));
  if (type === "space-ir") return new SpaceInfrared(stripType(spec as InlineSpaceIrSpec));
  const id = (spec as { id?: unknown }).id;
  throw new UserError(
    `sensor ${typeof id === "string" ? id : "(unnamed)"}: type: must be "radar" or "space-ir" (or give {catalogue: NAME}), got ${JSON.stringify(type)}`,
  );
}

/** Builds every sensor and checks their ids are unique. */
export function createSensors(specs: readonly SensorSpec[]): Sensor[] {
  const sensors = specs.map(createSensor);
  const seen = new Set<string>();
  for (const s of sensors) {
    if (seen.has(s.id)) throw new UserError(`sensor ${s.id}: id: used by more than one sensor`);
    seen.add(s.id);
  }
  return sensors;
}

function stripType<T extends { type: string }>(spec: T): Omit<T, "type"> {
  const { type: _type, ...rest } = spec;
  return rest;
}

function createCatalogueSensor(spec: CatalogueSensorSpec): Sensor {
  const name = spec.catalogue;
  const entry = typeof name === "string" ? catalogueEntry(name) : undefined;
  if (!entry) {
    throw new UserError(
      `sensor catalogue: unknown sensor ${JSON.stringify(name)}; known: ${catalogueSensorNames().join(", ")}`,
    );
  }
  const id = spec.id ?? name;
  if (typeof id !== "string" || id.length === 0) {
    throw new UserError(`sensor ${name}: id: must be a non-empty string`);
  }
  if (!isNationCode(entry.nation)) throw new UserError(`sensor ${id}: nation: bad catalogue entry`);
  const overrides = (spec.overrides ?? {}) as Record<string, unknown>;
  if (typeof overrides !== "object" || Array.isArray(overrides)) {
    throw new UserError(`sensor ${id}: overrides: must be a mapping of field to value`);
  }
  const allowed = overridableFields(entry.type);
  for (const key of Object.keys(overrides)) {
    if (!allowed.includes(key)) {
      throw new UserError(
        `sensor ${id}: overrides.${key}: not a field of a ${entry.type} sensor (fields: ${allowed.join(", ")})`,
      );
    }
  }
  if (entry.type === "radar") {
    return new Radar({ ...entry.params, ...(overrides as Partial<RadarTemplate>), id, nation: entry.nation });
  }
  return new SpaceInfrared({
    ...entry.params,
    ...(overrides as Partial<SpaceInfraredTemplate>),
    id,
    nation: entry.nation,
  });
}

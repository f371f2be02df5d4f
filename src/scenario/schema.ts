/**
 * The scenario document as a user writes it (YAML or JSON): degrees, kilometres and ISO times at
 * this edge; `load.ts` converts it to the internal `Scenario` (SI units, radians, seconds since
 * epoch). Field names carry their unit when it is not obvious (`durationS`, `rangeKm`, `altM`).
 *
 * This TypeBox source is the single definition: ajv validates against it, and
 * `schemas/scenario.schema.json` is generated from it (`npx tsx src/scenario/publish-schema.ts`;
 * a test fails when the published file is stale).
 *
 * Unions (`anyOf`) carry a `description` that `load.ts` prints when a value matches no branch, so
 * a user reads "must be a catalogue site name or {lat, lon}" rather than every branch's failure.
 */
import { type Static, Type } from "@sinclair/typebox";
import { ALLIES } from "../world/nation.ts";

/** ISO-8601 time with an explicit zone (Z or ±hh:mm): a time without one would be ambiguous. */
const ISO_UTC_PATTERN = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$";

const IsoUtc = Type.String({
  pattern: ISO_UTC_PATTERN,
  description: "an ISO 8601 time with a zone, for example 2024-10-30T22:11:00Z or 2024-10-31T07:11:00+09:00",
});

const Identifier = Type.String({
  pattern: "^[A-Za-z0-9][A-Za-z0-9_.:-]*$",
  maxLength: 64,
  description: "letters, digits and _ . : - (starting with a letter or digit)",
});

const Latitude = Type.Number({ minimum: -90, maximum: 90, description: "degrees north" });
const Longitude = Type.Number({ minimum: -180, maximum: 180, description: "degrees east" });

/** A time either as seconds after the epoch or as an absolute UTC time. */
const ScenarioTime = Type.Union([Type.Number({ minimum: 0 }), IsoUtc], {
  description: "seconds after the epoch (a number >= 0) or a UTC time like 2024-10-30T22:11:00Z",
});

export const GeoPointSchema = Type.Object(
  {
    lat: Latitude,
    lon: Longitude,
    altKm: Type.Optional(Type.Number({ minimum: -0.5, maximum: 100, description: "above the ellipsoid" })),
  },
  { additionalProperties: false },
);

export const SharingModeSchema = Type.Union(
  [Type.Literal("none"), Type.Literal("bilateral"), Type.Literal("trilateral")],
  {
    description:
      "none: each nation alone; bilateral: KOR-USA and JPN-USA links only; trilateral: the US hub relays between KOR and JPN",
  },
);

export const TrajectorySchema = Type.Union(
  [Type.Literal("minimum-energy"), Type.Literal("lofted"), Type.Literal("depressed")],
  { description: "minimum-energy, lofted or depressed" },
);

const AllyCodeSchema = Type.Union(
  ALLIES.map((n) => Type.Literal(n)),
  { description: `one of ${ALLIES.join(", ")}` },
);

/** A sensor taken from the catalogue (src/sensors), optionally renamed and with fields overridden. */
export const CatalogueSensorSchema = Type.Object(
  {
    catalog: Type.String({ minLength: 1, description: "sensor catalogue name" }),
    id: Type.Optional(Identifier),
    overrides: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description:
          "fields to replace, with the names and units of an inline sensor of the same type (checked against the catalogue entry's type)",
      }),
    ),
  },
  { additionalProperties: false },
);

/**
 * A ground or ship radar written out in full: the fields of the radar model (src/sensors/radar.ts)
 * in edge units. Optional fields show their default in the schema.
 */
const RADAR_FIELDS = {
  site: GeoPointSchema,
  boresightAzDeg: Type.Optional(
    Type.Number({
      minimum: 0,
      exclusiveMaximum: 360,
      default: 0,
      description: "sector centre, from north",
    }),
  ),
  azHalfWidthDeg: Type.Optional(
    Type.Number({ exclusiveMinimum: 0, maximum: 180, default: 180, description: "180: all-round" }),
  ),
  minElevationDeg: Type.Optional(Type.Number({ minimum: -10, maximum: 89, default: 0 })),
  maxElevationDeg: Type.Optional(Type.Number({ minimum: 1, maximum: 90, default: 90 })),
  minRangeKm: Type.Optional(Type.Number({ minimum: 0, default: 0 })),
  maxRangeKm: Type.Number({ exclusiveMinimum: 0, maximum: 10000 }),
  refRangeKm: Type.Number({
    exclusiveMinimum: 0,
    maximum: 20000,
    description: "range at which a 1 m² target is detected with probability 0.5",
  }),
  pfa: Type.Optional(
    Type.Number({
      exclusiveMinimum: 0,
      exclusiveMaximum: 0.5,
      default: 1e-6,
      description: "per-cell false-alarm probability",
    }),
  ),
  revisitS: Type.Number({ exclusiveMinimum: 0, maximum: 3600 }),
  scanOffsetS: Type.Optional(Type.Number({ minimum: 0, default: 0 })),
  sigmaRangeM: Type.Number({ exclusiveMinimum: 0 }),
  sigmaAzDeg: Type.Number({ exclusiveMinimum: 0 }),
  sigmaElDeg: Type.Number({ exclusiveMinimum: 0 }),
  sigmaRangeRateMps: Type.Optional(
    Type.Number({ exclusiveMinimum: 0, description: "absent: no range rate" }),
  ),
  falseAlarmsPerScan: Type.Optional(Type.Number({ minimum: 0, default: 0 })),
  latencyS: Type.Optional(Type.Number({ minimum: 0, maximum: 600, default: 0 })),
};

export const InlineRadarSchema = Type.Object(
  { type: Type.Literal("radar"), id: Identifier, nation: AllyCodeSchema, ...RADAR_FIELDS },
  { additionalProperties: false },
);

/** Catalogue radar overrides: any radar field, in the same units. */
export const RadarOverridesSchema = Type.Partial(Type.Object(RADAR_FIELDS, { additionalProperties: false }));

/**
 * A space-based infrared early-warning sensor (sees burning boosters only): the fields of the model
 * in src/sensors/space-infrared.ts in edge units.
 */
const SPACE_IR_FIELDS = {
  satellite: Type.Union(
    [
      Type.Object({ geoLonDeg: Longitude }, { additionalProperties: false }),
      Type.Object(
        { lat: Latitude, lon: Longitude, altKm: Type.Number({ minimum: 150, maximum: 100000 }) },
        { additionalProperties: false },
      ),
    ],
    { description: "a geostationary slot {geoLonDeg} or a fixed point {lat, lon, altKm}" },
  ),
  fieldOfRegard: Type.Optional(
    Type.Object(
      { lat: Latitude, lon: Longitude, halfAngleDeg: Type.Number({ exclusiveMinimum: 0, maximum: 90 }) },
      {
        additionalProperties: false,
        description: "cone around the line of sight to a ground point; absent: whole disk",
      },
    ),
  ),
  minAltitudeKm: Type.Optional(Type.Number({ minimum: 0, maximum: 200, default: 10 })),
  pd: Type.Optional(Type.Number({ minimum: 0, maximum: 1, default: 0.95 })),
  sigmaLosDeg: Type.Number({ exclusiveMinimum: 0, maximum: 5, description: "σ of the line of sight" }),
  revisitS: Type.Number({ exclusiveMinimum: 0, maximum: 3600 }),
  scanOffsetS: Type.Optional(Type.Number({ minimum: 0, default: 0 })),
  latencyS: Type.Optional(Type.Number({ minimum: 0, maximum: 600, default: 0 })),
  falseAlarmsPerScan: Type.Optional(Type.Number({ minimum: 0, default: 0 })),
};

export const InlineSpaceIrSchema = Type.Object(
  { type: Type.Literal("space-ir"), id: Identifier, nation: AllyCodeSchema, ...SPACE_IR_FIELDS },
  { additionalProperties: false },
);

/** Catalogue space-infrared overrides: any field, in the same units. */
export const SpaceIrOverridesSchema = Type.Partial(
  Type.Object(SPACE_IR_FIELDS, { additionalProperties: false }),
);

export const SensorEntrySchema = Type.Union([CatalogueSensorSchema, InlineRadarSchema, InlineSpaceIrSchema], {
  description:
    "a catalogue sensor {catalog: NAME} or an inline sensor {type: radar | space-ir, id, nation, ...}",
});

export const LaunchSiteSchema = Type.Union([Type.String({ minLength: 1 }), GeoPointSchema], {
  description: "a launch-site catalogue name or {lat, lon}",
});

export const AimSchema = Type.Union(
  [
    Type.String({ minLength: 1 }),
    Type.Object({ lat: Latitude, lon: Longitude }, { additionalProperties: false }),
    Type.Object(
      {
        azimuthDeg: Type.Number({ minimum: 0, exclusiveMaximum: 360, description: "from north, clockwise" }),
        rangeKm: Type.Number({ exclusiveMinimum: 0, maximum: 20000, description: "ground range" }),
      },
      { additionalProperties: false },
    ),
  ],
  {
    description: "a named aim area, an aim point {lat, lon}, or {azimuthDeg, rangeKm} from the launch site",
  },
);

export const LaunchSchema = Type.Object(
  {
    id: Identifier,
    time: ScenarioTime,
    site: LaunchSiteSchema,
    class: Type.String({ minLength: 1, description: "missile class name (SRBM, MRBM, IRBM, ICBM)" }),
    aim: AimSchema,
    trajectory: TrajectorySchema,
    apogeeKm: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, maximum: 15000, description: "apogee to solve for (lofted)" }),
    ),
    debris: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1000,
        description:
          "fragments released at warhead separation; with any (> 0) the spent stages fall as debris too. Absent or 0: the missile flies alone",
      }),
    ),
  },
  { additionalProperties: false },
);

export const WaypointSchema = Type.Object(
  {
    lat: Latitude,
    lon: Longitude,
    altM: Type.Number({ minimum: -500, maximum: 30000, description: "above the ellipsoid" }),
    speedMps: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 1000,
        description: "ground speed on the leg that ENDS here (default: the mover's speedMps)",
      }),
    ),
    holdS: Type.Optional(Type.Number({ minimum: 0, description: "loiter here before the next leg" })),
  },
  { additionalProperties: false },
);

export const AirMoverSchema = Type.Object(
  {
    id: Identifier,
    kind: Type.Union([Type.Literal("drone"), Type.Literal("aircraft")], {
      description: "drone or aircraft",
    }),
    nation: Type.Optional(Type.String({ minLength: 3, maxLength: 3, description: "ISO alpha-3 code" })),
    time: ScenarioTime,
    rcsM2: Type.Number({ exclusiveMinimum: 0, maximum: 1000 }),
    speedMps: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 1000,
        description: "ground speed of legs without their own",
      }),
    ),
    waypoints: Type.Array(WaypointSchema, { minItems: 2 }),
  },
  { additionalProperties: false },
);

export const ProtectedAreaSchema = Type.Object(
  {
    id: Identifier,
    name: Type.Optional(Type.String()),
    nation: AllyCodeSchema,
    polygon: Type.Array(Type.Tuple([Latitude, Longitude]), {
      minItems: 3,
      description: "vertices as [lat, lon] in degrees; the ring closes itself",
    }),
  },
  { additionalProperties: false },
);

/**
 * Faults and exercise injects. Kept open on purpose: the exercise runner and the tabletop define
 * their own kinds; here only the time and kind are checked.
 */
export const InjectSchema = Type.Object(
  {
    time: ScenarioTime,
    type: Type.String({ minLength: 1 }),
  },
  { additionalProperties: true },
);

/** A link to a tabletop exercise definition (cells, MSEL); open until the tabletop lands. */
export const TabletopLinkSchema = Type.Object(
  {
    file: Type.Optional(Type.String({ minLength: 1, description: "path relative to this scenario" })),
  },
  { additionalProperties: true },
);

export const ScenarioDocumentSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120 }),
    description: Type.Optional(Type.String()),
    epoch: IsoUtc,
    durationS: Type.Number({ exclusiveMinimum: 0, maximum: 7 * 86400 }),
    seed: Type.Union([Type.Integer({ minimum: 0 }), Type.String({ minLength: 1 })], {
      description: "a non-negative integer or a string",
    }),
    nations: Type.Array(AllyCodeSchema, { minItems: 1, uniqueItems: true }),
    sharing: SharingModeSchema,
    sensors: Type.Array(SensorEntrySchema),
    launches: Type.Optional(Type.Array(LaunchSchema)),
    airMovers: Type.Optional(Type.Array(AirMoverSchema)),
    protectedAreas: Type.Optional(Type.Array(ProtectedAreaSchema)),
    injects: Type.Optional(Type.Array(InjectSchema)),
    tabletop: Type.Optional(TabletopLinkSchema),
  },
  {
    additionalProperties: false,
    $id: "https://allylink.example/schemas/scenario.schema.json",
    title: "AllyLink scenario",
    description:
      "A scenario: what flies (launches, air movers), which allied sensors watch, and how nations share. Degrees, km and UTC at this edge.",
  },
);

export type ScenarioDocument = Static<typeof ScenarioDocumentSchema>;
export type SensorEntry = Static<typeof SensorEntrySchema>;
export type InlineRadar = Static<typeof InlineRadarSchema>;
export type InlineSpaceIr = Static<typeof InlineSpaceIrSchema>;
export type RadarOverrides = Static<typeof RadarOverridesSchema>;
export type SpaceIrOverrides = Static<typeof SpaceIrOverridesSchema>;
export type LaunchEntry = Static<typeof LaunchSchema>;
export type AirMoverEntry = Static<typeof AirMoverSchema>;
export type SharingMode = Static<typeof SharingModeSchema>;
export type TrajectoryName = Static<typeof TrajectorySchema>;

/** The JSON Schema document published at schemas/scenario.schema.json. */
export function scenarioJsonSchema(): Record<string, unknown> {
  // JSON round trip drops TypeBox's symbol-keyed metadata and leaves plain JSON Schema.
  const plain = JSON.parse(JSON.stringify(ScenarioDocumentSchema)) as Record<string, unknown>;
  return { $schema: "http://json-schema.org/draft-07/schema#", ...plain };
}

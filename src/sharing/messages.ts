/**
 * Versioned payload schemas of every message kind, written with TypeBox (which is JSON Schema), so
 * the same definitions validate messages here and are published as JSON Schema files for partners
 * in other languages (schemas/messages/*.json, written by schema-files.ts).
 *
 * Units are SI throughout, like the rest of AllyLink: ECEF WGS84 metres and m/s, angles in radians,
 * times in seconds since the exercise epoch (one shared instant for every node of an exercise).
 *
 * Sensor-identifying fields (`contributors[].sensorId`, `contributors[].siteEcef`,
 * `sensors[].sensorId`, `sensors[].siteEcef`) are optional so that a message sanitised for another
 * nation (policy.ts `nationalOnly`) still validates.
 *
 * Every number must be finite: JSON cannot carry NaN, but `1e999` parses to Infinity, and Ajv's
 * `strictNumbers` (on) rejects both; `assertFiniteTree` is a second, schema-independent guard.
 */
import { type Static, type TSchema, Type } from "@sinclair/typebox";
import { Ajv, type ValidateFunction } from "ajv";
import { NATIONS } from "../world/nation.ts";
import type { MessageKind } from "./message-kinds.ts";

const SCHEMA_BASE = "urn:allylink:schema:message";

const Num = (description: string, extra: object = {}) => Type.Number({ description, ...extra });
const Time = (description: string) => Type.Number({ description: `${description}, s since exercise epoch` });
const Vec3 = (description: string) =>
  Type.Array(Type.Number(), { minItems: 3, maxItems: 3, description: `${description} (x, y, z)` });
const Id = (description: string) => Type.String({ minLength: 1, maxLength: 64, description });
const Nation = Type.Union(
  NATIONS.map((n) => Type.Literal(n)),
  { description: "ISO 3166-1 alpha-3 nation code" },
);
const Seq = (description: string) =>
  Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description });
const Prob = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });

export const Contributor = Type.Object(
  {
    sensorType: Type.Union([Type.Literal("radar"), Type.Literal("ir"), Type.Literal("other")]),
    sensorId: Type.Optional(Id("sensor identity (national only; removed for other nations)")),
    siteEcef: Type.Optional(Vec3("sensor site, ECEF m (national only; removed for other nations)")),
    lastUpdate: Type.Optional(Time("time of this sensor's latest contribution")),
  },
  { additionalProperties: false, description: "a sensor that contributed to the item" },
);
const Contributors = Type.Optional(Type.Array(Contributor, { maxItems: 64 }));

export const MissileCategory = Type.Union(
  ["SRBM", "MRBM", "IRBM", "ICBM", "SLBM", "HGV", "CRUISE", "UNKNOWN"].map((c) => Type.Literal(c)),
  { description: "generic ballistic-missile category" },
);

export const ObjectClassification = Type.Object(
  {
    category: MissileCategory,
    /** Free-text public class name, e.g. "generic-mrbm". */
    className: Type.Optional(Type.String({ maxLength: 64 })),
    confidence: Prob("confidence in the category, 0..1"),
  },
  { additionalProperties: false },
);

export const FlightPhase = Type.Union(
  ["boost", "midcourse", "reentry", "unknown"].map((p) => Type.Literal(p)),
  { description: "flight phase" },
);

export const Covariance = Type.Union(
  [
    Type.Object(
      {
        form: Type.Literal("upper"),
        /** Row-major upper triangle of the 6×6 covariance of [pos, vel]: 21 values, m² / m²/s / m²/s². */
        values: Type.Array(Type.Number(), { minItems: 21, maxItems: 21 }),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        form: Type.Literal("full"),
        /** Row-major full 6×6 covariance of [pos, vel]: 36 values. */
        values: Type.Array(Type.Number(), { minItems: 36, maxItems: 36 }),
      },
      { additionalProperties: false },
    ),
  ],
  { description: "6×6 state covariance of [x, y, z, vx, vy, vz] in ECEF" },
);

export const BallisticTrackV1 = Type.Object(
  {
    trackNumber: Id("track number, unique per origin"),
    origin: Nation,
    /** Increases with every update of the track; (origin, trackNumber, updateSequence) is unique. */
    updateSequence: Seq("update sequence of this track"),
    time: Time("time of the state"),
    quality: Type.Integer({ minimum: 0, maximum: 15, description: "track quality 0 (worst) .. 15 (best)" }),
    state: Type.Object(
      { posEcef: Vec3("position, ECEF m"), velEcef: Vec3("velocity, ECEF m/s") },
      { additionalProperties: false },
    ),
    covariance: Covariance,
    phase: FlightPhase,
    classification: ObjectClassification,
    contributors: Contributors,
  },
  { additionalProperties: false },
);

export const FlightPathSample = Type.Object(
  { time: Time("time of the point"), posEcef: Vec3("position, ECEF m") },
  { additionalProperties: false },
);

export const ImpactEllipse = Type.Object(
  {
    centreEcef: Vec3("centre of the predicted impact area on the ellipsoid, ECEF m"),
    semiMajorM: Num("semi-major axis, m", { minimum: 0 }),
    semiMinorM: Num("semi-minor axis, m", { minimum: 0 }),
    orientationRad: Num("azimuth of the major axis from north, clockwise, rad", {
      minimum: -2 * Math.PI,
      maximum: 2 * Math.PI,
    }),
    probability: Prob("probability that the impact lies inside the ellipse"),
  },
  { additionalProperties: false },
);

export const ImpactPredictionV1 = Type.Object(
  {
    predictionId: Id("prediction id, unique per origin"),
    trackNumber: Id("track the prediction is made from"),
    origin: Nation,
    updateSequence: Seq("update sequence of the prediction for this track"),
    time: Time("time the prediction was made"),
    flightPath: Type.Object(
      {
        launchPointEcef: Type.Optional(Vec3("presumed launch point, ECEF m")),
        launchTime: Type.Optional(Time("launch time")),
        apogeeAltM: Type.Optional(Num("apogee height above the ellipsoid, m")),
        samples: Type.Array(FlightPathSample, { maxItems: 128, description: "flight path summary" }),
      },
      { additionalProperties: false },
    ),
    impactEllipse: ImpactEllipse,
    timeOfImpact: Time("predicted time of impact"),
    timeOfImpactSigmaS: Type.Optional(Num("1σ of the time of impact, s", { minimum: 0 })),
    contributors: Contributors,
  },
  { additionalProperties: false },
);

export const LaunchEventV1 = Type.Object(
  {
    eventId: Id("launch event id, unique per origin"),
    origin: Nation,
    time: Time("time the event was declared"),
    launchTime: Time("estimated launch time"),
    launchPointEcef: Vec3("presumed launch point, ECEF m"),
    launchPointSigmaM: Type.Optional(Num("1σ horizontal uncertainty of the launch point, m", { minimum: 0 })),
    azimuthRad: Type.Optional(Num("initial heading from north, clockwise, rad")),
    classification: ObjectClassification,
    contributors: Contributors,
  },
  { additionalProperties: false },
);

export const TrackManagementV1 = Type.Union(
  [
    Type.Object(
      {
        action: Type.Literal("drop"),
        trackNumber: Id("track dropped"),
        origin: Nation,
        time: Time("time of the action"),
        reason: Type.Optional(Type.String({ maxLength: 200 })),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        action: Type.Literal("correlate"),
        trackNumber: Id("surviving track"),
        origin: Nation,
        time: Time("time of the action"),
        correlated: Type.Array(
          Type.Object(
            { origin: Nation, trackNumber: Id("correlated track") },
            { additionalProperties: false },
          ),
          { minItems: 1, maxItems: 32 },
        ),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        action: Type.Literal("change-responsibility"),
        trackNumber: Id("track whose reporting responsibility changes"),
        origin: Nation,
        time: Time("time of the action"),
        from: Nation,
        to: Nation,
      },
      { additionalProperties: false },
    ),
  ],
  { description: "track management: drop, correlate, change of reporting responsibility" },
);

const LatLon = Type.Array(Type.Number(), {
  minItems: 2,
  maxItems: 2,
  description: "geodetic [latitude, longitude], rad",
});

export const WarningArea = Type.Union([
  Type.Object(
    {
      shape: Type.Literal("polygon"),
      name: Type.Optional(Type.String({ maxLength: 100 })),
      vertices: Type.Array(LatLon, { minItems: 3, maxItems: 256 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      shape: Type.Literal("circle"),
      name: Type.Optional(Type.String({ maxLength: 100 })),
      centre: LatLon,
      radiusM: Num("radius, m", { minimum: 0 }),
    },
    { additionalProperties: false },
  ),
]);

export const WarningV1 = Type.Object(
  {
    warningId: Id("warning id, unique per origin"),
    origin: Nation,
    action: Type.Union([Type.Literal("issue"), Type.Literal("update"), Type.Literal("cancel")]),
    revision: Seq("revision of this warning, 0 at issue"),
    time: Time("time of the action"),
    severity: Type.Union(["extreme", "severe", "moderate", "minor"].map((s) => Type.Literal(s))),
    headline: Type.String({ maxLength: 200 }),
    timeOfImpact: Type.Optional(Time("predicted time of impact")),
    trackNumbers: Type.Array(Id("related track"), { maxItems: 32 }),
    areas: Type.Array(WarningArea, { maxItems: 32 }),
  },
  { additionalProperties: false },
);

export const NodeStatusV1 = Type.Object(
  {
    nodeId: Id("node id"),
    nation: Nation,
    time: Time("time of the report"),
    state: Type.Union([Type.Literal("up"), Type.Literal("degraded"), Type.Literal("down")]),
    tracksHeld: Seq("number of tracks held"),
    sensors: Type.Array(
      Type.Object(
        {
          sensorType: Type.Union([Type.Literal("radar"), Type.Literal("ir"), Type.Literal("other")]),
          status: Type.Union([Type.Literal("up"), Type.Literal("degraded"), Type.Literal("down")]),
          sensorId: Type.Optional(Id("sensor identity (national only)")),
          siteEcef: Type.Optional(Vec3("sensor site, ECEF m (national only)")),
        },
        { additionalProperties: false },
      ),
      { maxItems: 64 },
    ),
  },
  { additionalProperties: false },
);

export const ReceiptV1 = Type.Object(
  {
    receiptFor: Id("envelope id acknowledged"),
    receiverNode: Id("node that received it"),
    time: Time("time of receipt"),
    status: Type.Union([Type.Literal("accepted"), Type.Literal("rejected")]),
    reason: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

export type BallisticTrack = Static<typeof BallisticTrackV1>;
export type ImpactPrediction = Static<typeof ImpactPredictionV1>;
export type LaunchEvent = Static<typeof LaunchEventV1>;
export type TrackManagement = Static<typeof TrackManagementV1>;
export type Warning = Static<typeof WarningV1>;
export type NodeStatus = Static<typeof NodeStatusV1>;
export type Receipt = Static<typeof ReceiptV1>;

export interface PayloadOf {
  NodeStatus: NodeStatus;
  LaunchEvent: LaunchEvent;
  BallisticTrack: BallisticTrack;
  ImpactPrediction: ImpactPrediction;
  TrackManagement: TrackManagement;
  Warning: Warning;
  Receipt: Receipt;
}

/** Current schema version of each kind (senders write it; receivers accept the versions below). */
export const SCHEMA_VERSIONS = {
  NodeStatus: 1,
  LaunchEvent: 1,
  BallisticTrack: 1,
  ImpactPrediction: 1,
  TrackManagement: 1,
  Warning: 1,
  Receipt: 1,
} as const satisfies Record<MessageKind, number>;

/** Every schema, by kind and version. */
export const PAYLOAD_SCHEMAS: Record<MessageKind, Record<number, TSchema>> = {
  NodeStatus: { 1: NodeStatusV1 },
  LaunchEvent: { 1: LaunchEventV1 },
  BallisticTrack: { 1: BallisticTrackV1 },
  ImpactPrediction: { 1: ImpactPredictionV1 },
  TrackManagement: { 1: TrackManagementV1 },
  Warning: { 1: WarningV1 },
  Receipt: { 1: ReceiptV1 },
};

export function schemaId(kind: string, version: number): string {
  return `${SCHEMA_BASE}:${kind}:${version}`;
}

/** The JSON Schema document of one kind and version, as published for partners. */
export function payloadJsonSchema(kind: MessageKind, version: number): object {
  const s = PAYLOAD_SCHEMAS[kind][version];
  if (!s) throw new Error(`no schema for ${kind} version ${version}`);
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: schemaId(kind, version),
    title: `${kind} v${version}`,
    ...JSON.parse(JSON.stringify(s)),
  };
}

// strictNumbers rejects NaN and ±Infinity; allErrors off: the first problem is the one we report.
const ajv = new Ajv({ strict: true, strictNumbers: true, allErrors: false });
/** Compiled validators by kind, then version (no key string built per message). */
const validators = new Map<MessageKind, Map<number, ValidateFunction>>();

function validatorFor(kind: MessageKind, version: number): ValidateFunction | undefined {
  let byVersion = validators.get(kind);
  let v = byVersion?.get(version);
  if (!v) {
    const s = PAYLOAD_SCHEMAS[kind][version];
    if (!s) return undefined;
    v = ajv.compile(JSON.parse(JSON.stringify(s)));
    if (!byVersion) {
      byVersion = new Map();
      validators.set(kind, byVersion);
    }
    byVersion.set(version, v);
  }
  return v;
}

export type ValidationResult = { ok: true } | { ok: false; error: string };

/** Validates a payload against its kind's schema; the error names the field and the reason. */
export function validatePayload(kind: MessageKind, version: number, payload: unknown): ValidationResult {
  const v = validatorFor(kind, version);
  if (!v) return { ok: false, error: `unsupported schema version ${version} of ${kind}` };
  const finite = findNonFinite(payload, "payload");
  if (finite) return { ok: false, error: `${finite}: not a finite number` };
  if (v(payload)) return { ok: true };
  const e = v.errors?.[0];
  const where = `payload${e?.instancePath ? e.instancePath.replaceAll("/", ".") : ""}`;
  const extra =
    e?.keyword === "additionalProperties"
      ? ` "${(e.params as { additionalProperty: string }).additionalProperty}"`
      : "";
  return { ok: false, error: `${where}: ${e?.message ?? "invalid"}${extra}` };
}

/** Path of the first non-finite number in a JSON-like tree, or undefined. */
export function findNonFinite(v: unknown, path: string): string | undefined {
  // Every message passes this check and almost none fails it: walk without building paths first.
  return allFinite(v) ? undefined : nonFinitePath(v, path);
}

/** True when no number in the tree is NaN or ±Infinity (what nonFinitePath would find nothing in). */
function allFinite(v: unknown): boolean {
  if (typeof v === "number") return Number.isFinite(v);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!allFinite(v[i])) return false;
  } else if (v !== null && typeof v === "object") {
    for (const k in v) if (Object.hasOwn(v, k) && !allFinite((v as Record<string, unknown>)[k])) return false;
  }
  return true;
}

function nonFinitePath(v: unknown, path: string): string | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? undefined : path;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const r = nonFinitePath(v[i], `${path}[${i}]`);
      if (r) return r;
    }
  } else if (v !== null && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      const r = nonFinitePath(x, `${path}.${k}`);
      if (r) return r;
    }
  }
  return undefined;
}

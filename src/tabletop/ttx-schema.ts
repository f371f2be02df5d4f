/**
 * The tabletop exercise file as a planner writes it (YAML or JSON). This TypeBox source is the single
 * definition: ajv validates against it and `schemas/ttx.schema.json` is generated from it
 * (`npx tsx src/tabletop/publish-ttx-schema.ts`; a test fails when the published file is stale).
 *
 * Times are exercise time since STARTEX, written either as seconds or as "hh:mm:ss"; story times
 * (what the players' clocks show) are ISO 8601 with a zone. Positions are degrees at this edge.
 */
import { type Static, Type } from "@sinclair/typebox";

const Identifier = Type.String({
  pattern: "^[A-Za-z0-9][A-Za-z0-9_.:-]*$",
  maxLength: 64,
  description: "letters, digits and _ . : - (starting with a letter or digit)",
});

const IsoTime = Type.String({
  pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$",
  description: "an ISO 8601 time with a zone, for example 2024-10-31T07:11:00+09:00",
});

const IsoDate = Type.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}$", description: "a date YYYY-MM-DD" });

/** Exercise time: seconds, or "hh:mm:ss". */
const ExTime = Type.Union(
  [
    Type.Number({ minimum: 0 }),
    Type.String({ pattern: "^\\d{1,3}:[0-5]\\d:[0-5]\\d$", description: "hh:mm:ss" }),
  ],
  { description: "exercise time: seconds (a number >= 0) or hh:mm:ss" },
);

const Text = Type.Object(
  {
    en: Type.String({ minLength: 1 }),
    ar: Type.String({ minLength: 1 }),
    ko: Type.Optional(Type.String({ minLength: 1 })),
    ja: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false, description: "text in English and Arabic (Korean and Japanese optional)" },
);

const literalUnion = <T extends string>(values: readonly T[], description: string) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    { description },
  );

const National = literalUnion(["KOR", "USA", "JPN"] as const, "one of KOR, USA, JPN");
const CellSchema = literalUnion(
  ["KOR", "USA", "JPN", "CONTROL", "SIMCELL"] as const,
  "one of KOR, USA, JPN, CONTROL, SIMCELL",
);

const GeoDeg = Type.Object(
  { lat: Type.Number({ minimum: -90, maximum: 90 }), lon: Type.Number({ minimum: -180, maximum: 180 }) },
  { additionalProperties: false },
);

export const WarningEntrySchema = Type.Object(
  {
    threatId: Identifier,
    missileClass: Type.String({ minLength: 1 }),
    launchPoint: GeoDeg,
    impactPoint: GeoDeg,
    ellipse: Type.Object(
      {
        semiMajorKm: Type.Number({ minimum: 0 }),
        semiMinorKm: Type.Number({ minimum: 0 }),
        orientationDeg: Type.Number({ minimum: -360, maximum: 360 }),
        probability: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
      },
      { additionalProperties: false },
    ),
    tLaunch: ExTime,
    tDetect: ExTime,
    tImpact: ExTime,
    detectingNation: National,
    recipients: Type.Optional(Type.Array(National, { minItems: 1, uniqueItems: true })),
    track: Type.Optional(
      Type.Array(
        Type.Object(
          {
            t: ExTime,
            lat: Type.Number({ minimum: -90, maximum: 90 }),
            lon: Type.Number({ minimum: -180, maximum: 180 }),
            altKm: Type.Number({ minimum: -1, maximum: 5000 }),
          },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);

export const InjectEntrySchema = Type.Object(
  {
    id: Identifier,
    kind: Type.Optional(
      literalUnion(["scheduled", "contingency", "on-demand"] as const, "scheduled, contingency or on-demand"),
    ),
    delivery: Type.Optional(ExTime),
    scenarioTime: Type.Optional(IsoTime),
    from: Type.String({ minLength: 1 }),
    to: Type.Array(CellSchema, { minItems: 1, uniqueItems: true }),
    channel: Type.String({ minLength: 1 }),
    text: Text,
    expectedAction: Type.Optional(Type.String()),
    objectives: Type.Optional(Type.Array(Identifier, { uniqueItems: true })),
    warning: Type.Optional(WarningEntrySchema),
  },
  { additionalProperties: false },
);

const ConditionSchema = Type.Object(
  {
    kind: literalUnion(
      ["consultation-opened", "consultation-convened", "decision-made", "statement-released"] as const,
      "consultation-opened, consultation-convened, decision-made or statement-released",
    ),
    channel: Type.Optional(Identifier),
    decisionPoint: Type.Optional(Identifier),
  },
  { additionalProperties: false },
);

export const MoveEntrySchema = Type.Object(
  {
    id: Identifier,
    title: Text,
    start: ExTime,
    storyEpoch: IsoTime,
    compression: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 3600 })),
    trigger: Type.Optional(Identifier),
    consultations: Type.Optional(
      Type.Array(Type.Object({ channel: Identifier, within: ExTime }, { additionalProperties: false })),
    ),
    injects: Type.Array(InjectEntrySchema, { minItems: 1 }),
    decisionPoints: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: Identifier,
            prompt: Text,
            opensOn: Identifier,
            deadline: ExTime,
            options: Type.Array(Identifier, { minItems: 1, uniqueItems: true }),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    triggers: Type.Optional(
      Type.Array(
        Type.Object(
          { id: Identifier, after: Identifier, within: ExTime, unless: ConditionSchema, inject: Identifier },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);

const PreconditionSchema = Type.Object(
  {
    kind: literalUnion(
      ["consulted", "decided", "inject-delivered"] as const,
      "consulted, decided or inject-delivered",
    ),
    channel: Type.Optional(Identifier),
    option: Type.Optional(Identifier),
    inject: Type.Optional(Identifier),
  },
  { additionalProperties: false },
);

export const OptionEntrySchema = Type.Object(
  {
    id: Identifier,
    category: literalUnion(
      ["diplomatic", "informational", "military", "economic"] as const,
      "diplomatic, informational, military or economic",
    ),
    name: Text,
    rung: Type.Integer({ minimum: 1, maximum: 10 }),
    leadTime: ExTime,
    leads: Type.Array(National, { minItems: 1, uniqueItems: true }),
    concurrences: Type.Optional(Type.Array(National, { uniqueItems: true })),
    preconditions: Type.Optional(Type.Array(PreconditionSchema)),
  },
  { additionalProperties: false },
);

export const AutoEntrySchema = Type.Object(
  {
    cell: CellSchema,
    as: Identifier,
    at: Type.Optional(ExTime),
    after: Type.Optional(Identifier),
    delay: Type.Optional(ExTime),
    do: Type.Object({ type: Type.String({ minLength: 1 }) }, { additionalProperties: true }),
  },
  { additionalProperties: false },
);

export const TtxDocumentSchema = Type.Object(
  {
    exercise: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 200 }),
        startDate: IsoDate,
        endDate: IsoDate,
        scope: Text,
        handling: Type.String({ minLength: 1 }),
        end: ExTime,
        coreCapabilities: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, uniqueItems: true }),
        organisations: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, uniqueItems: true }),
        objectives: Type.Array(
          Type.Object(
            { id: Identifier, capability: Type.String({ minLength: 1 }), text: Text },
            { additionalProperties: false },
          ),
          { minItems: 1 },
        ),
      },
      { additionalProperties: false },
    ),
    cells: Type.Array(Type.Object({ id: CellSchema, name: Text }, { additionalProperties: false }), {
      minItems: 1,
    }),
    participants: Type.Array(
      Type.Object(
        {
          id: Identifier,
          name: Type.String({ minLength: 1 }),
          cell: CellSchema,
          role: literalUnion(
            ["player", "controller", "evaluator", "observer"] as const,
            "player, controller, evaluator or observer",
          ),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
    channels: Type.Array(
      Type.Object(
        {
          id: Identifier,
          kind: literalUnion(
            [
              "bilateral-hotline",
              "trilateral-call",
              "nuclear-consultative-group",
              "ministerial-2+2",
            ] as const,
            "bilateral-hotline, trilateral-call, nuclear-consultative-group or ministerial-2+2",
          ),
          name: Text,
          members: Type.Array(National, { minItems: 2, uniqueItems: true }),
          required: Type.Optional(Type.Array(National, { minItems: 1, uniqueItems: true })),
        },
        { additionalProperties: false },
      ),
    ),
    options: Type.Optional(Type.Array(OptionEntrySchema, { minItems: 1 })),
    moves: Type.Array(MoveEntrySchema, { minItems: 1 }),
    auto: Type.Optional(Type.Array(AutoEntrySchema)),
  },
  {
    additionalProperties: false,
    $id: "https://allylink.example/schemas/ttx.schema.json",
    title: "AllyLink tabletop exercise",
    description:
      "A tabletop exercise (HSEEP): exercise, cells, participants, consultation channels, options, moves with their MSEL, decision points and triggers, and scripted play.",
  },
);

export type TtxDocument = Static<typeof TtxDocumentSchema>;
export type InjectEntry = Static<typeof InjectEntrySchema>;
export type WarningEntry = Static<typeof WarningEntrySchema>;
export type OptionEntry = Static<typeof OptionEntrySchema>;

export function ttxJsonSchema(): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(TtxDocumentSchema)) as Record<string, unknown>;
  return { $schema: "http://json-schema.org/draft-07/schema#", ...plain };
}

import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { PUBLISHED_SCHEMA_PATH, publishedSchemaText } from "./publish-schema.ts";

describe("schemas/scenario.schema.json", () => {
  it("is up to date with the TypeBox source (else run: npx tsx src/scenario/publish-schema.ts)", () => {
    expect(readFileSync(PUBLISHED_SCHEMA_PATH, "utf8")).toBe(publishedSchemaText());
  });

  it("is a valid draft-07 JSON Schema that a second validator accepts on its own", () => {
    // Compiled from the published file alone (no TypeBox), as an outside tool would.
    const schema = JSON.parse(readFileSync(PUBLISHED_SCHEMA_PATH, "utf8"));
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate({ name: "x" })).toBe(false);
    expect(
      validate({
        name: "x",
        epoch: "2024-10-30T22:10:00Z",
        durationS: 100,
        seed: 1,
        nations: ["KOR"],
        sharing: "none",
        sensors: [],
      }),
    ).toBe(true);
  });
});

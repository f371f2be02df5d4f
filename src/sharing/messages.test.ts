import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { MESSAGE_KINDS } from "./message-kinds.ts";
import { findNonFinite, SCHEMA_VERSIONS, validatePayload } from "./messages.ts";
import { SCHEMA_DIR, schemaFiles } from "./schema-files.ts";
import { examplePayload, exampleTrack } from "./test-fixtures.ts";

describe("message schemas", () => {
  it("the published JSON Schema files are up to date (regenerate: npx tsx src/sharing/schema-files.ts)", () => {
    const expected = schemaFiles();
    const onDisk = readdirSync(SCHEMA_DIR).filter((f) => f.endsWith(".json"));
    expect(onDisk.sort()).toEqual([...expected.keys()].sort());
    for (const [name, text] of expected)
      expect(readFileSync(join(SCHEMA_DIR, name), "utf8"), name).toBe(text);
  });

  it("the published files, used alone by a partner's validator, accept every example", () => {
    // A fresh Ajv reading only the files: what a partner in another language would do.
    const ajv = new Ajv({ strict: false });
    for (const kind of MESSAGE_KINDS) {
      const schema = JSON.parse(
        readFileSync(join(SCHEMA_DIR, `${kind}.v${SCHEMA_VERSIONS[kind]}.json`), "utf8"),
      );
      const v = ajv.compile(schema);
      expect(v(examplePayload(kind)), `${kind}: ${JSON.stringify(v.errors)}`).toBe(true);
    }
  });

  it.each(MESSAGE_KINDS)("accepts the example %s and rejects it with a required field removed", (kind) => {
    const p = examplePayload(kind) as Record<string, unknown>;
    expect(validatePayload(kind, 1, p)).toEqual({ ok: true });
    const [first] = Object.keys(p);
    const { [first]: _, ...rest } = p;
    const r = validatePayload(kind, 1, rest);
    expect(r.ok).toBe(false);
  });

  it("rejects NaN and infinite numbers anywhere, naming the path", () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const t = exampleTrack();
      t.state.velEcef[2] = bad;
      const r = validatePayload("BallisticTrack", 1, t);
      expect(r).toEqual({ ok: false, error: "payload.state.velEcef[2]: not a finite number" });
      const c = exampleTrack();
      c.covariance.values[20] = bad;
      expect(validatePayload("BallisticTrack", 1, c).ok).toBe(false);
    }
    expect(findNonFinite({ a: [1, { b: Number.NaN }] }, "x")).toBe("x.a[1].b");
  });

  it("rejects wrong shapes with the field and reason", () => {
    const t = exampleTrack() as unknown as { covariance: { form: string; values: number[] } };
    t.covariance.values.pop();
    expect(validatePayload("BallisticTrack", 1, t)).toMatchObject({
      ok: false,
      error: expect.stringContaining("covariance"),
    });
    const full = exampleTrack();
    (full as unknown as { covariance: unknown }).covariance = { form: "full", values: new Array(36).fill(1) };
    expect(validatePayload("BallisticTrack", 1, full)).toEqual({ ok: true });
    const extra = { ...exampleTrack(), secretSauce: 1 };
    expect(validatePayload("BallisticTrack", 1, extra)).toMatchObject({
      ok: false,
      error: expect.stringContaining('"secretSauce"'),
    });
    expect(validatePayload("BallisticTrack", 2, exampleTrack())).toEqual({
      ok: false,
      error: "unsupported schema version 2 of BallisticTrack",
    });
  });
});

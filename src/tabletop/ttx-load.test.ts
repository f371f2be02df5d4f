import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { UserError } from "../core/errors.ts";
import { PUBLISHED_TTX_SCHEMA_PATH, publishedTtxSchemaText } from "./publish-ttx-schema.ts";
import { loadTtxFile, parseTtx } from "./ttx-load.ts";

const SHIPPED = fileURLToPath(new URL("../../scenarios/ttx-deterrence.yaml", import.meta.url));
const text = readFileSync(SHIPPED, "utf8");

function problems(src: string): string[] {
  try {
    parseTtx(src, "x.yaml");
  } catch (err) {
    if (err instanceof UserError) return err.details as string[];
    throw err;
  }
  throw new Error("expected problems");
}

/** Line number (1-based) of the first line containing `needle`. */
function lineOf(src: string, needle: string): number {
  return src.split("\n").findIndex((l) => l.includes(needle)) + 1;
}

describe("the shipped exercise scenarios/ttx-deterrence.yaml", () => {
  const def = loadTtxFile(SHIPPED);
  it("has three moves from the seeds, each with injects, channels and a decision point", () => {
    expect(def.moves.map((m) => m.id)).toEqual(["M1", "M2", "M3"]);
    for (const m of def.moves) {
      expect(def.injects.filter((i) => i.move === m.id).length).toBeGreaterThanOrEqual(4);
      expect(def.decisionPoints.filter((d) => d.move === m.id).length).toBe(1);
      expect(m.consultations.length).toBeGreaterThan(0);
    }
    expect(def.channels.map((c) => c.kind).sort()).toEqual([
      "bilateral-hotline",
      "bilateral-hotline",
      "ministerial-2+2",
      "nuclear-consultative-group",
      "trilateral-call",
    ]);
    // Every inject has English and Arabic; the ICBM inject carries a warning in radians and metres.
    for (const i of def.injects) expect(i.text.en && i.text.ar).toBeTruthy();
    const w = def.injects.find((i) => i.id === "I-101")!.warning!;
    expect(w.launchPoint.lat).toBeCloseTo((39 * Math.PI) / 180, 12);
    expect(w.ellipse.semiMajorM).toBe(40_000);
    expect(w.tImpact).toBe(5190);
    expect(def.auto.length).toBeGreaterThan(40);
    expect(new Set(def.auto.map((a) => a.cell))).toEqual(
      new Set(["KOR", "USA", "JPN", "CONTROL", "SIMCELL"]),
    );
  });

  it("validates against the published JSON Schema with a second validator", () => {
    const schema = JSON.parse(readFileSync(PUBLISHED_TTX_SCHEMA_PATH, "utf8"));
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate(parse(text))).toBe(true);
    expect(validate({ exercise: {} })).toBe(false);
  });

  it("schemas/ttx.schema.json is up to date (else run: npx tsx src/tabletop/publish-ttx-schema.ts)", () => {
    expect(readFileSync(PUBLISHED_TTX_SCHEMA_PATH, "utf8")).toBe(publishedTtxSchemaText());
  });
});

describe("exercise file problems are reported as FILE:LINE: PATH: reason", () => {
  it("schema problems: unknown field with a hint, bad enum, missing Arabic", () => {
    const bad = text
      .replace('  handling: "UNCLASSIFIED', '  handlng: "UNCLASSIFIED')
      .replace("role: observer }", "role: spectator }")
      .replace(
        '          ar: "عاجل: هيئة الأركان المشتركة الكورية الجنوبية تقول إن الشمال أطلق صاروخاً باليستياً بعيد المدى نحو البحر الشرقي."\n',
        "",
      );
    const p = problems(bad);
    expect(p).toContain(
      `x.yaml:${lineOf(bad, "handlng:")}: /exercise/handlng: unknown field (did you mean "handling"?); allowed: name, startDate, endDate, scope, handling, end, coreCapabilities, organisations, objectives`,
    );
    // A missing field is reported at the first line of its parent mapping (the line after "exercise:").
    const exerciseLine = bad.split("\n").indexOf("exercise:") + 1;
    expect(p).toContain(`x.yaml:${exerciseLine + 1}: /exercise/handling: is required but missing`);
    expect(p).toContain(
      `x.yaml:${lineOf(bad, "spectator")}: /participants/8/role: must be one of player, controller, evaluator, observer (got "spectator")`,
    );
    expect(p.some((l) => /\/moves\/0\/injects\/1\/text\/ar: is required but missing/.test(l))).toBe(true);
  });

  it("semantic problems: dangling references with hints, duplicates, bad script commands, times outside moves", () => {
    const bad = text
      .replace("opensOn: I-103", "opensOn: I-130")
      .replace("options: [public-exposure,", "options: [public-exposur,")
      .replace("- id: I-104", "- id: I-103")
      .replace('delivery: "01:45:00"', 'delivery: "04:45:00"')
      .replace("{ type: read, messageId: m-101 }", "{ type: read, mesageId: m-101 }")
      .replace(
        "unless: { kind: consultation-convened, channel: ncg }",
        "unless: { kind: consultation-convened, channel: nccg }",
      );
    const p = problems(bad);
    expect(p).toContain(
      `x.yaml:${lineOf(bad, "opensOn: I-130")}: /moves/0/decisionPoints/0/opensOn: unknown inject "I-130" (did you mean "I-103"?)`,
    );
    expect(p).toContain(
      `x.yaml:${lineOf(bad, "public-exposur,")}: /moves/2/decisionPoints/0/options/0: unknown option "public-exposur" (did you mean "public-exposure"?)`,
    );
    expect(
      p.some((l) =>
        l.includes('/moves/0/injects/3/id: duplicate inject id "I-103" (also /moves/0/injects/2)'),
      ),
    ).toBe(true);
    expect(p).toContain(
      `x.yaml:${lineOf(bad, '"04:45:00"')}: /moves/1/injects/2/delivery: 17100 s is outside move M2 (5400 s to 9000 s)`,
    );
    expect(p).toContain(
      `x.yaml:${lineOf(bad, "mesageId")}: /auto/3/do: read.mesageId: unknown field (allowed: messageId)`,
    );
    expect(p).toContain(
      `x.yaml:${lineOf(bad, "channel: nccg")}: /moves/1/triggers/0/unless/channel: unknown channel "nccg" (did you mean "ncg"?)`,
    );
  });

  it("YAML syntax errors and empty files", () => {
    expect(problems("exercise: [\n")[0]).toMatch(/^x\.yaml:\d+: \/: YAML syntax error/);
    expect(problems("")).toEqual(["x.yaml:1: /: the file is empty"]);
  });
});

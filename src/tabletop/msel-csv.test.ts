import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UserError } from "../core/errors.ts";
import { parseCsv } from "./csv.ts";
import type { Inject } from "./model.ts";
import { exportMselCsv, importMselCsv, MSEL_COLUMNS, withMsel } from "./msel-csv.ts";
import { loadTtxFile } from "./ttx-load.ts";

const SHIPPED = fileURLToPath(new URL("../../scenarios/ttx-deterrence.yaml", import.meta.url));
const def = loadTtxFile(SHIPPED);

function problemsOf(f: () => unknown): string[] {
  try {
    f();
  } catch (err) {
    if (err instanceof UserError) return [err.message, ...err.details];
    throw err;
  }
  throw new Error("expected a UserError");
}

describe("MSEL CSV", () => {
  it("round-trips the shipped MSEL exactly (Arabic, Korean, Japanese text, warning payload)", () => {
    const csv = exportMselCsv(def.injects);
    const back = importMselCsv(csv, "msel.csv", def);
    expect(back).toEqual(def.injects);
    // And the CSV is plain RFC 4180: header plus one record per inject.
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual([...MSEL_COLUMNS]);
    expect(rows.length).toBe(def.injects.length + 1);
    expect(withMsel(def, back, "msel.csv").injects).toEqual(def.injects);
  });

  it("round-trips any inject text (quotes, commas, newlines, RTL)", () => {
    const text = fc.string({
      unit: fc.constantFrom("a", "ع", ",", '"', "\n", "\r\n", " ", "한", "日"),
      minLength: 1,
    });
    fc.assert(
      fc.property(text, text, fc.string(), (en, ar, expected) => {
        fc.pre(en.trim() !== "" && ar.trim() !== "");
        const inj: Inject = { ...def.injects[1], text: { en, ar }, expectedAction: expected };
        expect(importMselCsv(exportMselCsv([inj]), "m.csv", def)).toEqual([inj]);
      }),
      { numRuns: 200 },
    );
  });

  it("names row, inject and column of every problem", () => {
    const csv = exportMselCsv(def.injects.slice(0, 3))
      .replace("I-102,M1,scheduled", "I-102,M9,sometimes")
      .replace(/KOR;USA;JPN/, "KOR;RUS;JPN");
    const p = problemsOf(() => importMselCsv(csv, "m.csv", def));
    expect(p[0]).toMatch(/^m\.csv: invalid MSEL \(\d+ problems\)$/);
    expect(p).toContain('m.csv: row 3 (inject I-102): move: unknown move "M9" (moves: M1, M2, M3)');
    expect(p).toContain(
      'm.csv: row 3 (inject I-102): kind: expected one of scheduled, contingency, on-demand, got "sometimes"',
    );
    expect(p).toContain(
      'm.csv: row 3 (inject I-102): to: unknown cell "RUS" (cells: KOR, USA, JPN, CONTROL, SIMCELL)',
    );
  });

  it("refuses a wrong header and an MSEL that drops an inject the exercise needs", () => {
    expect(problemsOf(() => importMselCsv("seq,id\r\n", "m.csv", def))[0]).toMatch(
      /header row: missing column\(s\) move, kind/,
    );
    const noTrigger = def.injects.filter((i) => i.id !== "I-105");
    expect(problemsOf(() => withMsel(def, noTrigger, "m.csv"))).toContain(
      'm.csv: trigger TR-101 (inject) refers to inject "I-105", which the MSEL lacks',
    );
  });
});

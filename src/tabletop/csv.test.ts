import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCsv, toCsv } from "./csv.ts";

describe("RFC 4180 CSV", () => {
  it("quotes exactly the fields that need it and ends records in CRLF", () => {
    expect(toCsv([["a", "b,c", 'say "hi"', "x\ny", ""]])).toBe('a,"b,c","say ""hi""","x\ny",\r\n');
  });

  it("parses the RFC's own examples", () => {
    // RFC 4180 §2 items 1–7.
    expect(parseCsv("aaa,bbb,ccc\r\nzzz,yyy,xxx\r\n")).toEqual([
      ["aaa", "bbb", "ccc"],
      ["zzz", "yyy", "xxx"],
    ]);
    expect(parseCsv("aaa,bbb,ccc\r\nzzz,yyy,xxx")).toEqual([
      ["aaa", "bbb", "ccc"],
      ["zzz", "yyy", "xxx"],
    ]);
    expect(parseCsv('"aaa","b\r\nbb","ccc"\r\n')).toEqual([["aaa", "b\r\nbb", "ccc"]]);
    expect(parseCsv('"aaa","b""bb","ccc"\r\n')).toEqual([["aaa", 'b"bb', "ccc"]]);
  });

  it("keeps empty fields, including a quoted empty last field", () => {
    expect(parseCsv('a,,""\n')).toEqual([["a", "", ""]]);
    expect(parseCsv('""\n')).toEqual([[""]]);
  });

  it("reports bad quoting with its line", () => {
    expect(() => parseCsv('a,b\nc,d"e\n', "m.csv")).toThrow(
      /m\.csv:2: a double quote inside an unquoted field/,
    );
    expect(() => parseCsv('a,"b\nc\n', "m.csv")).toThrow(/m\.csv:1: a quoted field is never closed/);
    expect(() => parseCsv('"a"b\n', "m.csv")).toThrow(/m\.csv:1: a closing double quote/);
  });

  it("round-trips any table of any strings (Arabic, quotes, commas, newlines)", () => {
    const field = fc.string({ unit: fc.constantFrom("a", "ب", ",", '"', "\n", "\r", " ", "한", "x") });
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 6 }),
        (rows) => {
          expect(parseCsv(toCsv(rows))).toEqual(rows);
        },
      ),
      { numRuns: 300 },
    );
  });
});

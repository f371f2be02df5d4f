import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UserError } from "./errors.ts";
import { formatClock, isoAt, parseEpoch, secondsSinceEpoch } from "./time.ts";

describe("parseEpoch", () => {
  it("parses UTC and offset times to the same instant (values checked by hand against the calendar)", () => {
    // 2024-10-31T07:11:00Z: 20,027 days after 1970-01-01 (54 years with 13 leap days = 19,723, + 304 days).
    const expected = (20027 * 86400 + 7 * 3600 + 11 * 60) * 1000;
    expect(parseEpoch("2024-10-31T07:11:00Z")).toBe(expected);
    expect(parseEpoch("2024-10-31T16:11:00+09:00")).toBe(expected);
    expect(parseEpoch("2024-10-30T21:11:00-10:00")).toBe(expected);
    expect(parseEpoch("2024-10-31T07:11:00.250Z")).toBe(expected + 250);
    expect(parseEpoch("1970-01-01T00:00:00Z")).toBe(0);
  });

  it("handles leap days and century rules", () => {
    expect(parseEpoch("2024-02-29T00:00:00Z")).toBe(Date.UTC(2024, 1, 29));
    expect(parseEpoch("2000-02-29T00:00:00Z")).toBe(Date.UTC(2000, 1, 29));
    expect(() => parseEpoch("2023-02-29T00:00:00Z")).toThrow(/day 29/);
    expect(() => parseEpoch("1900-02-29T00:00:00Z")).toThrow(/day 29/);
  });

  it("refuses bad or zone-less input with a UserError naming the field", () => {
    for (const bad of [
      "2024-10-31T07:11:00", // no zone: refused, not guessed
      "2024-10-31 07:11:00Z",
      "2024-13-01T00:00:00Z",
      "2024-04-31T00:00:00Z",
      "2024-10-31T24:00:00Z",
      "2024-10-31T23:60:00Z",
      "2016-12-31T23:59:60Z",
      "2024-10-31T07:11:00+25:00",
      "yesterday",
      "",
    ]) {
      let err: unknown;
      try {
        parseEpoch(bad, "scenario.epoch");
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(UserError);
      expect((err as Error).message, bad).toMatch(/^scenario\.epoch: /);
    }
  });
});

describe("isoAt and secondsSinceEpoch", () => {
  it("round-trips", () => {
    const epoch = parseEpoch("2024-10-31T07:11:00Z");
    expect(isoAt(epoch, 0)).toBe("2024-10-31T07:11:00.000Z");
    expect(isoAt(epoch, 86 * 60 + 0.5)).toBe("2024-10-31T08:37:00.500Z");
    expect(isoAt(epoch, -3600)).toBe("2024-10-31T06:11:00.000Z");
    expect(secondsSinceEpoch(epoch, "2024-10-31T16:12:30+09:00")).toBe(90);
  });
});

describe("formatClock", () => {
  it("counts like a mission clock", () => {
    expect(formatClock(0)).toBe("T+00:00:00");
    expect(formatClock(59.999)).toBe("T+00:00:59");
    expect(formatClock(60)).toBe("T+00:01:00");
    expect(formatClock(5025)).toBe("T+01:23:45");
    expect(formatClock(360000)).toBe("T+100:00:00");
    expect(formatClock(-0.2)).toBe("T-00:00:01");
    expect(formatClock(-90)).toBe("T-00:01:30");
    expect(formatClock(-90.5)).toBe("T-00:01:31");
    expect(formatClock(Number.NaN)).toBe("T+--:--:--");
  });
});

describe("properties (fast-check)", () => {
  it("parseEpoch(isoAt(epoch, t)) = epoch + t to the millisecond, and agrees with Date for valid UTC text", () => {
    const epoch = parseEpoch("2024-10-31T07:11:00Z");
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), (ms) => {
        const iso = isoAt(epoch, ms / 1000);
        expect(parseEpoch(iso)).toBe(epoch + ms);
        expect(parseEpoch(iso)).toBe(Date.parse(iso));
      }),
      { numRuns: 500 },
    );
  });
});

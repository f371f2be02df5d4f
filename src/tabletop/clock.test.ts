import { describe, expect, it } from "vitest";
import {
  type ClockPhase,
  type ClockState,
  exerciseTimeAt,
  VirtualClockSource,
  wallTimeFor,
} from "./clock.ts";
import { localClocks } from "./local-clocks.ts";

describe("exercise clock", () => {
  // Move 1 at 4× from 0 s, move 2 at 1× from 3600 s, move 3 at 10× from 5400 s.
  const phases: ClockPhase[] = [
    { startS: 0, rate: 4 },
    { startS: 3600, rate: 1 },
    { startS: 5400, rate: 10 },
  ];
  const running: ClockState = { running: true, anchorS: 0, anchorWallMs: 1_000 };

  it("stands still while paused", () => {
    const paused: ClockState = { running: false, anchorS: 123, anchorWallMs: 0 };
    expect(exerciseTimeAt(paused, phases, 0)).toBe(123);
    expect(exerciseTimeAt(paused, phases, 9e9)).toBe(123);
  });

  it("runs at each phase's compression, crossing boundaries piecewise", () => {
    // 900 wall s at 4× = 3600 s; then 1800 wall s at 1× reaches 5400 s; then 10 wall s at 10× = 100 s.
    expect(exerciseTimeAt(running, phases, 1_000 + 450_000)).toBe(1800);
    expect(exerciseTimeAt(running, phases, 1_000 + 900_000)).toBe(3600);
    expect(exerciseTimeAt(running, phases, 1_000 + 900_000 + 1_800_000)).toBe(5400);
    expect(exerciseTimeAt(running, phases, 1_000 + 2_700_000 + 10_000)).toBe(5500);
  });

  it("inverts: wallTimeFor(exerciseTimeAt(w)) = w", () => {
    for (const t of [0, 1, 1800, 3600, 4000, 5400, 7000]) {
      const w = wallTimeFor(running, phases, t);
      expect(exerciseTimeAt(running, phases, w)).toBeCloseTo(t, 9);
    }
    expect(wallTimeFor(running, phases, 5500)).toBe(1_000 + 2_710_000);
  });

  it("refuses to invert a paused clock or a time before the anchor", () => {
    expect(() => wallTimeFor({ ...running, running: false }, phases, 10)).toThrow(/paused/);
    expect(() => wallTimeFor({ ...running, anchorS: 100 }, phases, 10)).toThrow(/before the clock's anchor/);
  });

  it("virtual clock source never runs backwards", () => {
    const c = new VirtualClockSource(5);
    c.advance(10);
    expect(c.nowMs()).toBe(15);
    expect(() => c.set(14)).toThrow(/cannot move back/);
  });
});

describe("local clocks (IANA zones via Intl)", () => {
  it("31 Oct 2024 22:11 UTC: Seoul and Tokyo +9 h, Washington on daylight time (EDT, UTC−4)", () => {
    const c = localClocks(Date.UTC(2024, 9, 30, 22, 11, 0));
    expect(c.map((x) => [x.id, x.local, x.offsetMin, x.abbreviation])).toEqual([
      ["KST", "2024-10-31 07:11:00", 540, "KST"],
      ["JST", "2024-10-31 07:11:00", 540, "JST"],
      ["WASHINGTON", "2024-10-30 18:11:00", -240, "EDT"],
    ]);
  });

  it("switches Washington to standard time at 02:00 EDT on 3 Nov 2024 (06:00 UTC)", () => {
    const before = localClocks(Date.UTC(2024, 10, 3, 5, 59, 59))[2];
    const after = localClocks(Date.UTC(2024, 10, 3, 6, 0, 0))[2];
    expect([before.local, before.abbreviation]).toEqual(["2024-11-03 01:59:59", "EDT"]);
    expect([after.local, after.abbreviation]).toEqual(["2024-11-03 01:00:00", "EST"]);
  });

  it("starts daylight time at 02:00 EST on 10 Mar 2024 (07:00 UTC); Korea and Japan have none", () => {
    const c = localClocks(Date.UTC(2024, 2, 10, 7, 0, 0));
    expect(c[2].local).toBe("2024-03-10 03:00:00");
    expect(c[0].offsetMin).toBe(540);
    expect(localClocks(Date.UTC(2024, 6, 1))[1].offsetMin).toBe(540);
  });
});

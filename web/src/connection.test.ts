import { afterEach, describe, expect, it, vi } from "vitest";
import type { ClockState, PictureFrame } from "../../src/server/wire.ts";
import { Connection } from "./connection.ts";

function picture(t: number, extra: Partial<ClockState> = {}): PictureFrame {
  const clock = { t, speed: 10, paused: false, catchingUp: false, durationS: 10_000, epochMs: 0, ...extra } as ClockState;
  return { type: "picture", view: "JPN", clock, tracks: [], systemTracks: [], alerts: [], launchPoints: [], truth: [] };
}

describe("Connection clock", () => {
  let wallMs = 0;
  afterEach(() => vi.restoreAllMocks());

  function connection(): { conn: Connection; receive: (f: PictureFrame) => void } {
    vi.spyOn(performance, "now").mockImplementation(() => wallMs);
    const conn = new Connection("token");
    const receive = (f: PictureFrame) => (conn as unknown as { onFrame(f: PictureFrame): void }).onFrame(f);
    return { conn, receive };
  }

  it("runs on between pictures at the clock's speed, for at most one wall second", () => {
    wallMs = 0;
    const { conn, receive } = connection();
    receive(picture(100));
    wallMs = 500;
    expect(conn.now()).toBeCloseTo(105, 9);
    wallMs = 5_000; // no picture for 5 s: the server is behind; wait for it rather than run ahead
    expect(conn.now()).toBeCloseTo(110, 9);
  });

  it("never shows time going backwards when a late picture lands, but does after a seek back", () => {
    wallMs = 0;
    const { conn, receive } = connection();
    receive(picture(100));
    wallMs = 900;
    expect(conn.now()).toBeCloseTo(109, 9);
    receive(picture(104)); // the server lagged: its picture is behind what was shown
    expect(conn.now()).toBeCloseTo(109, 9);
    wallMs = 1_600; // 0.7 s later the picture's run-on (111) passes what was shown
    expect(conn.now()).toBeCloseTo(111, 9);
    receive(picture(20)); // control sought back
    expect(conn.now()).toBeCloseTo(20, 9);
  });
});

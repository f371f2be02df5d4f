import { afterEach, describe, expect, it, vi } from "vitest";
import type { ClockState, PictureFrame } from "../../src/server/wire.ts";
import { Connection, HISTORY_POINTS } from "./connection.ts";

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

describe("Connection pictures", () => {
  afterEach(() => vi.restoreAllMocks());
  const text = (t: number, ids: string[] = [], lon = 130) =>
    JSON.stringify({
      ...picture(t),
      systemTracks: ids.map((id) => ({ id, t, lat: 38, lon, altM: 1000, speedMps: 0, climbMps: 0, cov: [1, 0, 0, 1, 0, 1], sources: [], phase: "x" })),
    });

  it("keeps only the newest picture until it is drawn, and parses only that one", () => {
    const conn = new Connection("token");
    const parse = vi.spyOn(JSON, "parse");
    conn.receive(text(1));
    conn.receive(text(2));
    conn.receive(text(3));
    expect(parse).not.toHaveBeenCalled();
    expect(conn.picture).toBeNull();
    expect(conn.flush()).toBe(true);
    expect(parse).toHaveBeenCalledTimes(1);
    expect(conn.picture?.clock.t).toBe(3);
    expect(conn.pictureSeq).toBe(1);
    expect(conn.flush()).toBe(false);
    conn.stop();
  });

  it("applies a log frame at once without drawing the waiting picture; a setup drops a picture from before it", () => {
    const conn = new Connection("token");
    conn.receive(text(1));
    conn.receive(JSON.stringify({ type: "log", entries: [{ seq: 1, t: 1, nation: "JPN", type: "x", text: "y", rejected: false }] }));
    expect(conn.log).toHaveLength(1);
    expect(conn.picture).toBeNull();
    conn.receive(JSON.stringify({ type: "setup", participant: {}, scenario: {}, views: ["JPN"], view: "JPN", sensors: [], areas: [], reports: [] }));
    expect(conn.setup?.view).toBe("JPN");
    expect(conn.flush()).toBe(false);
    conn.stop();
  });

  it("keeps each track's last positions in a ring, drops repeats, and forgets ended tracks", () => {
    const conn = new Connection("token");
    for (let i = 0; i < HISTORY_POINTS + 10; i++) {
      conn.receive(text(i, ["A", "B"], 130 + i));
      conn.flush();
    }
    const h = conn.history.get("A")!;
    expect(h.total).toBe(HISTORY_POINTS + 10);
    expect(h.length).toBe(HISTORY_POINTS);
    const pts = h.points();
    expect(pts[0][0]).toBe(140);
    expect(pts[HISTORY_POINTS - 1][0]).toBe(130 + HISTORY_POINTS + 9);
    conn.receive(text(200, ["A"], 130 + HISTORY_POINTS + 9)); // A did not move; B ended
    conn.flush();
    expect(conn.history.get("A")!.total).toBe(HISTORY_POINTS + 10);
    expect(conn.history.has("B")).toBe(false);
    conn.receive(text(5, ["A"], 1)); // a seek back starts histories afresh
    conn.flush();
    expect(conn.history.get("A")!.points()).toEqual([[1, 38, 1000]]);
    conn.stop();
  });
});

describe("Connection with the stream worker", () => {
  afterEach(() => vi.useRealTimers());

  it("asks the worker for another picture when a view switch drops the one it handed over", () => {
    vi.useFakeTimers();
    const conn = new Connection("token");
    const posted: unknown[] = [];
    (conn as unknown as { worker: { postMessage(m: unknown): void } }).worker = { postMessage: (m) => posted.push(m) };
    conn.receive(JSON.stringify(picture(100)), true); // handed over, waiting to be drawn
    conn.receive(JSON.stringify({ type: "setup", view: "TRUTH" }), true); // the view changed first
    vi.runOnlyPendingTimers();
    // Without asking, the worker would hold every later picture for a page that never asks again.
    expect(posted).toContainEqual({ type: "want" });
  });
});

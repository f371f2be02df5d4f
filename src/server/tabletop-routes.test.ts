/**
 * The tabletop exercise through the real server: fastify on loopback, real WebSocket clients (the
 * `ws` package), the real TtxEngine on a virtual clock the test moves (so no test depends on timing).
 *
 * The whole shipped exercise is played by scripted clients — the three national cells (four players),
 * control, SIMCELL and the evaluators — each over its own WebSocket signed in with the server's tokens;
 * the after-action numbers fetched over HTTP equal the hand-derived ones of src/tabletop/session.test.ts,
 * and every frame the two JPN sockets receive is checked for KOR–US-only material.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  MAX_COMMAND_BYTES,
  type ServerFrame as WebServerFrame,
  type TtxEvent as WebTtxEvent,
} from "../../web/src/tabletop/protocol.ts";
import { loadScenarioFile } from "../scenario/load.ts";
import { runAuto } from "../tabletop/auto-play.ts";
import { VirtualClockSource, wallTimeFor } from "../tabletop/clock.ts";
import { TtxEngine } from "../tabletop/engine.ts";
import type { TtxEvent } from "../tabletop/events.ts";
import type { AutoAction } from "../tabletop/model.ts";
import { cellMaySee } from "../tabletop/releasability.ts";
import { clockPhases } from "../tabletop/state.ts";
import { loadTtxFile } from "../tabletop/ttx-load.ts";
import { buildServer, type ServerOptions } from "./app.ts";
import { LiveExercise } from "./live-exercise.ts";
import {
  SHIPPED_TTX,
  type TabletopHost,
  type TabletopOptions,
  TTX_MAX_COMMAND_BYTES,
  type TtxServerFrame,
  type TtxSetupFrame,
} from "./tabletop-routes.ts";
import { TokenStore } from "./tokens.ts";

// The browser mirrors the wire types (web/src/tabletop/protocol.ts): every frame and event the server
// sends must type-check as what the browser expects. (A compile-time check: tsc fails if they drift.)
const _framesAgree = (f: TtxServerFrame): WebServerFrame => f;
const _eventsAgree = (e: TtxEvent): WebTtxEvent => e;
void _framesAgree;
void _eventsAgree;

/** The `ws` client (the package @fastify/websocket uses; it ships no types here). */
interface WsClient {
  readonly readyState: number;
  send(text: string): void;
  close(): void;
  on(event: "message", fn: (data: Buffer) => void): void;
  on(event: "close", fn: (code: number, reason: Buffer) => void): void;
  on(event: "open" | "error", fn: (err?: Error) => void): void;
}
const WebSocketClient = createRequire(import.meta.url)("ws") as new (url: string) => WsClient;

const def = loadTtxFile(SHIPPED_TTX);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

let app: FastifyInstance;
let base: string;
let feed: LiveExercise;
let host: TabletopHost;
const clock = new VirtualClockSource(0);
const engine = new TtxEngine(() => clock);
const tokens = new TokenStore();
const tok: Record<string, string> = {};

/** One participant's connection: every raw frame kept, events folded, commands answered by ref. */
class Client {
  readonly raw: string[] = [];
  readonly frames: TtxServerFrame[] = [];
  readonly events: TtxEvent[] = [];
  closed: { code: number; reason: string } | null = null;
  private readonly waiters = new Set<() => void>();
  private n = 0;
  private constructor(readonly ws: WsClient) {
    ws.on("message", (data) => {
      const text = data.toString("utf8");
      this.raw.push(text);
      const f = JSON.parse(text) as TtxServerFrame;
      this.frames.push(f);
      if (f.type === "events") this.events.push(...f.events);
      for (const w of [...this.waiters]) w();
    });
    ws.on("close", (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      for (const w of [...this.waiters]) w();
    });
  }

  static async open(token: string, run: string, query = ""): Promise<Client> {
    const ws = new WebSocketClient(
      `${base.replace("http", "ws")}api/ttx/${run}/stream?token=${encodeURIComponent(token)}${query}`,
    );
    const c = new Client(ws);
    await c.until(() => c.frames.some((f) => f.type === "clock") || c.closed !== null);
    return c;
  }

  get setup(): TtxSetupFrame {
    return this.frames.find((f): f is TtxSetupFrame => f.type === "setup")!;
  }
  get lastSeq(): number {
    return this.events.at(-1)?.seq ?? 0;
  }

  until(pred: () => boolean, what = "condition"): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}`));
      }, 10_000);
      const check = () => {
        if (!pred()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  /** Sends a command; resolves with its ack, rejects with the server's error text. */
  async command(cmd: Record<string, unknown>): Promise<Extract<TtxServerFrame, { type: "ack" }>> {
    const ref = `r${++this.n}`;
    this.ws.send(JSON.stringify({ ...cmd, ref }));
    let answer: TtxServerFrame | undefined;
    const find = () =>
      (answer = this.frames.find((f) => (f.type === "ack" || f.type === "error") && f.ref === ref));
    await this.until(() => find() !== undefined, `answer to ${ref}`);
    if (answer!.type === "error") throw new Error(answer!.error);
    return answer as Extract<TtxServerFrame, { type: "ack" }>;
  }

  async close(): Promise<void> {
    this.ws.close();
    await this.until(() => this.closed !== null, "close");
  }
}

/** The server token that grants a seat to roster participant `id`. */
function tokenFor(id: string): string {
  const p = def.participants.find((x) => x.id === id)!;
  if (p.cell === "CONTROL" || p.cell === "SIMCELL") return tok.CONTROL;
  return tok[`${p.cell} ${p.role === "player" ? "operator" : "observer"}`];
}

async function get(path: string, token?: string) {
  const r = await fetch(`${base}${path.replace(/^\//, "")}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const text = await r.text();
  return { status: r.status, type: r.headers.get("content-type") ?? "", text };
}

beforeAll(async () => {
  engine.createRun("main", def);
  feed = await LiveExercise.start(loadScenarioFile(`${ROOT}scenarios/icbm-2024-10-31.yaml`), {
    paused: true,
  });
  const control = tokens.issue(feed.id, null, "control");
  tok.CONTROL = control.token;
  for (const n of ["KOR", "USA", "JPN"]) {
    tok[`${n} operator`] = tokens.issue(feed.id, n, "operator").token;
    tok[`${n} observer`] = tokens.issue(feed.id, n, "observer").token;
  }
  const tabletop: TabletopOptions = { engine, tickMs: 0 };
  const opts: ServerOptions & { tabletop: TabletopOptions } = { feed, tokens, wsRatePerS: 50, tabletop };
  app = await buildServer(opts);
  await app.listen({ port: 0, host: "127.0.0.1" });
  const addr = app.server.address();
  base = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}/`;
  // The host the server mounted (ticked by hand here: the test owns time).
  host = { engine, tick: () => engine.tickAll() };
});

afterAll(async () => {
  await app?.close();
  await feed?.close();
});

describe("a whole tabletop exercise through the server, every cell a scripted WebSocket client", () => {
  const clients = new Map<string, Client>();
  const session = () => engine.run("main");

  it("plays the shipped exercise to ENDEX; the after-action numbers are those the script implies", async () => {
    // Everyone on the roster connects (connecting is joining), in roster order, as `runAuto` joins them.
    for (const p of def.participants) {
      const c = await Client.open(tokenFor(p.id), "main", `&participant=${p.id}`);
      expect(c.setup.participant.id).toBe(p.id);
      await c.until(
        () => c.events.some((e) => e.type === "participant.joined" && e.participant === p.id),
        `${p.id} joined`,
      );
      clients.set(p.id, c);
    }
    const ctrl = clients.get("ctrl-lead")!;
    await ctrl.command({ type: "resume" });

    // The conductor: knows inject delivery times from what control's socket receives, moves the
    // virtual clock to the next instant anything happens, and has each scripted client send its
    // command over its own socket when due (the order of auto-play.ts: time, then file order).
    const delivered = () => {
      const m = new Map<string, number>();
      for (const e of ctrl.events) if (e.type === "inject.delivered") m.set(e.inject.id, e.t);
      return m;
    };
    const dueOf = (a: AutoAction, d: Map<string, number>): number | null =>
      a.atS !== undefined
        ? a.atS + a.delayS
        : d.has(a.afterInject!)
          ? d.get(a.afterInject!)! + a.delayS
          : null;
    const done = new Set<AutoAction>();
    let sent = 0;
    for (let guard = 0; guard < 10_000; guard++) {
      host.tick();
      const s = session();
      await ctrl.until(() => ctrl.lastSeq === s.events.length, "control caught up");
      const now = s.now();
      const d = delivered();
      const due = def.auto
        .filter((a) => !done.has(a))
        .map((a) => ({ a, t: dueOf(a, d) }))
        .filter((x): x is { a: AutoAction; t: number } => x.t !== null && x.t <= now)
        .sort((x, y) => x.t - y.t || x.a.index - y.a.index);
      if (due.length > 0) {
        const { a } = due[0];
        done.add(a);
        const ack = await clients.get(a.as)!.command(a.command);
        expect(ack.seqs.length, `auto[${a.index}] made events`).toBeGreaterThan(0);
        sent++;
        continue;
      }
      if (s.state.ended) break;
      const later = def.auto
        .filter((a) => !done.has(a))
        .map((a) => dueOf(a, d))
        .filter((t): t is number => t !== null);
      const next = Math.min(s.nextDueS() ?? Number.POSITIVE_INFINITY, ...later);
      expect(Number.isFinite(next)).toBe(true);
      clock.set(Math.max(clock.nowMs(), wallTimeFor(s.state.clock, clockPhases(s.state), next)));
    }
    expect(sent).toBe(def.auto.length);
    expect(ctrl.events.at(-1)!.type).toBe("exercise.ended");
    expect(ctrl.events.at(-1)!.t).toBe(12_600);
    const last = session().events.length;
    for (const [id, c] of clients)
      await c.until(() => c.events.length === session().eventsFor(id).length, `${id} caught up`);
    expect(ctrl.lastSeq).toBe(last);

    // The same run as the engine's own scripted play, event for event (only wall stamps differ).
    const strip = (es: readonly TtxEvent[]) => es.map(({ wallMs: _w, ...rest }) => rest);
    expect(strip(session().events)).toEqual(strip(runAuto(def).session.events));

    // After-action numbers, over HTTP, as control (hand-derived in src/tabletop/session.test.ts).
    const r = await get("/api/ttx/main/measures", tok.CONTROL);
    expect(r.status).toBe(200);
    const m = JSON.parse(r.text);
    expect(m.injectsDelivered).toBe(13);
    expect(m.injectsByReason).toEqual({ scheduled: 10, adjudication: 1, trigger: 1, "on-demand": 1 });
    expect(m.consultations).toBe(5);
    expect(m.consultationsConvened).toBe(5);
    expect(m.detectionToAllyNotificationS).toBe(150);
    expect(m.moves.map((x: { timeToFirstConsultationS: number }) => x.timeToFirstConsultationS)).toEqual([
      120, 300, 300,
    ]);
    expect(m.timeToFirstConsultationS).toBe(240);
    expect(m.decisionPoints.map((x: { timeToDecisionS: number }) => x.timeToDecisionS)).toEqual([
      370, 1620, 660,
    ]);
    expect(m.timeToDecisionS).toBeCloseTo((370 + 1620 + 660) / 3, 9);
    expect([m.proposals, m.decisions, m.nonConcurrences]).toEqual([7, 6, 1]);
    expect(m.consensus).toBeCloseTo(6 / 7, 12);
    expect(m.escalationRungReached).toBe(5);
    expect(m.timeToClearedStatementS).toBe(1150);
    expect(m.statementsReleased).toBe(2);
    expect(m.ratings).toEqual({ "OBJ-1": "P", "OBJ-2": "M", "OBJ-3": "S", "OBJ-4": "P" });
    expect(m.messages).toBe(4);
    expect(m.readShare).toBe(2 / 8);
  });

  it("no frame either JPN socket received carries KOR–US-only material; each got exactly Japan's events", () => {
    for (const id of ["jpn-lead", "eval-jpn"]) {
      const c = clients.get(id)!;
      expect(c.raw.length).toBeGreaterThan(50);
      for (const text of c.raw) {
        expect(text).not.toContain("KOR-US only");
        for (const secret of [
          "m-101",
          "m-103",
          "c-m1-rokus",
          "c-m2-ncg",
          "c-m3-22",
          "P-1",
          "P-3",
          "P-4",
          "P-6",
          "I-202",
          "I-302",
        ])
          expect(text, `${id} frame holds ${secret}`).not.toContain(JSON.stringify(secret));
        const f = JSON.parse(text) as TtxServerFrame;
        if (f.type === "events") for (const e of f.events) expect(cellMaySee("JPN", e.audience)).toBe(true);
      }
      // Exactly the events the engine addresses to Japan: none missing, none extra.
      expect(c.events).toEqual(session().eventsFor(id));
      expect(
        c.events.filter((e) => e.type === "message.sent").map((e) => (e as { message: string }).message),
      ).toEqual(["m-102", "m-301"]);
      // Japan's setup names none of the KOR–US channels.
      expect(c.setup.channels.map((ch) => (ch as { id: string }).id)).toEqual([
        "us-jpn-hotline",
        "trilateral-call",
      ]);
      expect(c.setup.msel).toEqual([]);
    }
    // The same checks find the material on Korea's socket (the checks can fail).
    const kor = clients.get("kor-lead")!;
    expect(kor.raw.some((t) => t.includes("KOR-US only"))).toBe(true);
    const m103 = kor.events.find((e) => e.type === "message.sent" && e.message === "m-103");
    expect(m103 && m103.type === "message.sent" && m103.label.categories[0].values).toEqual(["KOR", "USA"]);
    // Control saw everything.
    expect(clients.get("ctrl-lead")!.events.length).toBe(session().events.length);
  });

  it("reports: AAR HTML, CSV tables and the MSEL for control; refused to a national cell; clear errors", async () => {
    const html = await get("/api/ttx/main/report.html", tok.CONTROL);
    expect(html.status).toBe(200);
    expect(html.type).toContain("text/html");
    expect(html.text).toContain(def.exercise.name);
    expect(html.text).toContain('dir="rtl"');
    const csv = await get("/api/ttx/main/report/measures.csv", tok.CONTROL);
    expect(csv.status).toBe(200);
    expect(csv.type).toContain("text/csv");
    const msel = await get("/api/ttx/main/msel.csv", tok.CONTROL);
    expect(msel.text.split("\n")[0]).toMatch(/^seq,id,move/);
    expect(msel.text).toContain("I-304");
    for (const [path, token, status, re] of [
      ["/api/ttx/main/report.html", tok["JPN operator"], 403, /control only/],
      ["/api/ttx/main/msel.csv", tok["KOR observer"], 403, /control only/],
      ["/api/ttx/main/measures", undefined, 401, /authorization/],
      ["/api/ttx/main/measures", "x".repeat(40), 401, /unknown or revoked/],
      ["/api/ttx/nope/measures", tok.CONTROL, 404, /no tabletop run named "nope"/],
      ["/api/ttx/main/report/secrets.csv", tok.CONTROL, 404, /no table secrets\.csv/],
    ] as const) {
      const r = await get(path, token);
      expect(r.status, path).toBe(status);
      const body = JSON.parse(r.text);
      expect(Object.keys(body)).toEqual(["error"]);
      expect(body.error).toMatch(re);
    }
    const list = JSON.parse((await get("/api/ttx", tok["KOR operator"])).text);
    expect(list.runs[0].seats.map((s: { id: string }) => s.id)).toEqual(["kor-lead", "kor-jcs"]);
  });

  it("control forks the run from its console; a player may not", async () => {
    const ctrl = clients.get("ctrl-lead")!;
    await expect(
      clients.get("jpn-lead")!.command({ type: "fork", atS: 1000, newRunId: "x" }),
    ).rejects.toThrow(/only controllers may fork/);
    const ack = await ctrl.command({ type: "fork", atS: 5400, newRunId: "main-fork" });
    expect(ack.run).toBe("main-fork");
    expect(engine.run("main-fork").state.clock.running).toBe(false);
    const c = await Client.open(tok.CONTROL, "main-fork");
    expect(c.setup.runs).toEqual(["main", "main-fork"]);
    expect(c.events.at(-1)!.type).toBe("clock.paused");
    expect(c.events.every((e) => e.t <= 5400)).toBe(true);
    await c.close();
    for (const x of clients.values()) await x.close();
  });
});

describe("connections: sign-in, seats, catch-up on reconnect, presence, bad frames, limits", () => {
  it("refuses bad tokens, seats the token does not grant and unknown runs, each with a clear error", async () => {
    const cases: [string, string, string, number, RegExp][] = [
      ["x".repeat(40), "main", "", 4401, /token: unknown or revoked/],
      [tok["JPN operator"], "main", "&participant=kor-lead", 4403, /may sit as jpn-lead, not "kor-lead"/],
      [tok["JPN observer"], "main", "&participant=jpn-lead", 4403, /may sit as eval-jpn, not "jpn-lead"/],
      [tok["USA observer"], "main", "", 4403, /a USA observer token has no seat/],
      [tok.CONTROL, "nope", "", 4404, /no tabletop run named "nope"/],
      [tok.CONTROL, "main", "&after=-3", 4400, /after: must be a non-negative integer/],
    ];
    for (const [token, run, q, code, re] of cases) {
      const c = await Client.open(token, run, q);
      await c.until(() => c.closed !== null, "refusal");
      expect(c.closed!.code).toBe(code);
      const f = c.frames[0];
      expect(f.type === "error" && f.error).toMatch(re);
    }
  });

  it("a reconnecting player catches up exactly on what it missed; presence follows the connection", async () => {
    const s = engine.createRun("r2", def);
    const go = (t: number) => {
      clock.set(Math.max(clock.nowMs(), wallTimeFor(s.state.clock, clockPhases(s.state), t)));
      engine.tickAll();
    };
    const ctrl = await Client.open(tok.CONTROL, "r2");
    const jpn = await Client.open(tok["JPN operator"], "r2");
    expect(jpn.setup.participant.id).toBe("jpn-lead");
    await ctrl.command({ type: "resume" });
    go(200); // I-102 (to all) at 180 s
    await jpn.until(() => jpn.events.some((e) => e.type === "inject.delivered" && e.inject.id === "I-102"));
    const seen = jpn.lastSeq;
    await jpn.close();
    await ctrl.until(() =>
      ctrl.events.some((e) => e.type === "participant.left" && e.participant === "jpn-lead"),
    );
    expect(s.state.participants.get("jpn-lead")!.online).toBe(false);
    go(1300); // I-103 (USA only) at 900 s, I-104 (JPN) at 1200 s
    const expected = s.eventsFor("jpn-lead", seen);
    expect(expected.some((e) => e.type === "participant.left")).toBe(true);
    const back = await Client.open(tok["JPN operator"], "r2", `&after=${seen}`);
    const catchUp = back.frames.find((f) => f.type === "events")!;
    expect(catchUp.type === "events" && catchUp.catchUp).toBe(true);
    expect(catchUp.type === "events" && catchUp.events).toEqual(expected);
    const injects = back.events
      .filter((e) => e.type === "inject.delivered")
      .map((e) => (e as { inject: { id: string } }).inject.id);
    // I-105 (TR-101: no trilateral call within 10 min of I-101) and I-104; I-103 is the US's alone.
    expect(injects).toEqual(["I-105", "I-104"]);
    await back.until(() =>
      back.events.some((e) => e.type === "participant.joined" && e.participant === "jpn-lead"),
    );
    expect(s.state.participants.get("jpn-lead")!.online).toBe(true);

    // Bad frames get one clear error each, and the run is unchanged.
    const n = s.events.length;
    back.ws.send("not json");
    back.ws.send("[1,2]");
    for (const [cmd, re] of [
      [
        { type: "open-consultation", consultationId: "c", channel: "ncg" },
        /JPN is not a member of channel "ncg"/,
      ],
      [
        { type: "send-message", messageId: "m", to: ["KOR"], text: "" },
        /send-message\.text: expected a non-empty string/,
      ],
      [{ type: "deliver-inject", injectId: "I-105" }, /only controllers may deliver injects/],
      [{ type: "join" }, /join follows the connection/],
      [{ type: "fly" }, /command\.type: expected one of/],
    ] as const)
      await expect(back.command(cmd)).rejects.toThrow(re);
    await back.until(() => back.frames.filter((f) => f.type === "error" && f.ref === null).length === 2);
    expect(
      back.frames
        .filter((f) => f.type === "error" && f.ref === null)
        .map((f) => (f as { error: string }).error),
    ).toEqual(["message: not valid JSON", "message: must be a JSON object (a command with a type)"]);
    expect(s.events.length).toBe(n);

    // Rate limit: 50 commands/s, burst 100, per connection.
    for (let i = 0; i < 130; i++) back.ws.send(JSON.stringify({ type: "read", messageId: "none" }));
    await back.until(
      () => back.frames.some((f) => f.type === "error" && /rate limit/.test(f.error)),
      "rate limit",
    );
    // A frame over 4 KiB closes (the browser refuses to send one: same limit).
    expect(MAX_COMMAND_BYTES).toBe(TTX_MAX_COMMAND_BYTES);
    // A frame over 4 KiB closes the socket (WebSocket status 1009).
    back.ws.send(
      JSON.stringify({ type: "send-message", messageId: "big", to: ["USA"], text: "x".repeat(5000) }),
    );
    await back.until(() => back.closed !== null, "close on oversize");
    expect(back.closed!.code).toBe(1009);
    await ctrl.close();
  });
});

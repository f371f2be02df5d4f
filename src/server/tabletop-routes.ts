/**
 * The tabletop exercise on the AllyLink server: the TtxEngine (src/tabletop/) mounted on fastify.
 *
 * Sign-in uses the server's tokens (one per exercise, nation and role, tokens.ts); a token grants a
 * seat in the exercise by cell and role:
 *   - an operator token of nation N plays a player of national cell N;
 *   - an observer token of nation N sits as an evaluator or observer attached to cell N;
 *   - the control token sits in exercise control (controllers, evaluators, observers of the CONTROL
 *     and SIMCELL cells).
 * A cell may have several seats (KOR has two players); `participant=` picks one of those the token
 * grants, the first by default.
 *
 * WebSocket `/api/ttx/:run/stream?token=…&participant=…&after=SEQ`, per participant:
 *   server → client: `setup` (what this seat may know of the exercise definition), `events` (the
 *   engine's events this participant may see — catch-up after `after` first, then live), `clock`,
 *   `ack` / `error` (answer to a command, with the command's `ref`);
 *   client → server: an engine command (src/tabletop/commands.ts) as JSON, plus an optional `ref`.
 * The engine decides who sees what (session.subscribe); this layer forwards its events unchanged,
 * never widens an audience, and checks each outgoing event's audience once more before sending.
 *
 * REST (control only: an after-action report covers every nation): the report as HTML, its CSV
 * tables, the measures as JSON, the MSEL as CSV.
 */
import { fileURLToPath } from "node:url";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { UserError } from "../core/errors.ts";
import type { ClockSource } from "../tabletop/clock.ts";
import { rateAt } from "../tabletop/clock.ts";
import { TtxEngine } from "../tabletop/engine.ts";
import type { TtxEvent } from "../tabletop/events.ts";
import { decisionPointAudience } from "../tabletop/handlers.ts";
import { computeMeasures } from "../tabletop/measures.ts";
import {
  type Cell,
  type CellId,
  type Channel,
  type DecisionPoint,
  type Inject,
  isNationalCell,
  isStaffCell,
  type LocalizedText,
  type Objective,
  type ResponseOption,
  type Participant as TtxParticipant,
} from "../tabletop/model.ts";
import { exportMselCsv } from "../tabletop/msel-csv.ts";
import { cellMaySee } from "../tabletop/releasability.ts";
import { improvementPlanCsv, measuresCsv, ratingsCsv, timelineCsv } from "../tabletop/report-csv.ts";
import { renderAarHtml } from "../tabletop/report-html.ts";
import type { TtxSession } from "../tabletop/session.ts";
import { clockPhases, moveAt } from "../tabletop/state.ts";
import { loadTtxFile } from "../tabletop/ttx-load.ts";
import { WallClockSource } from "../tabletop/wall-clock.ts";
import { SocketCommandGate } from "./socket-commands.ts";
import type { TokenStore } from "./tokens.ts";
import type { Participant } from "./wire.ts";

/** The exercise `allylink serve` offers alongside the picture. */
export const SHIPPED_TTX = fileURLToPath(new URL("../../scenarios/ttx-deterrence.yaml", import.meta.url));
export const SHIPPED_TTX_RUN = "ttx-deterrence";

export interface TabletopOptions {
  /** The engine to serve (tests hand in one on a virtual clock). Default: a wall-clock engine with the shipped exercise as run `ttx-deterrence`. */
  readonly engine?: TtxEngine;
  /** Timer period for delivering what falls due, ms (default 250; 0: no timer, the caller ticks). */
  readonly tickMs?: number;
  /** Wall ms between clock frames while nothing happens (default 5,000). */
  readonly clockEveryMs?: number;
}

export interface TabletopMountOptions {
  readonly tokens: TokenStore;
  /** The exercise the server's tokens are issued for. */
  readonly exercise: string;
  /** WebSocket commands per second per connection (default 10, burst 2×), as for the picture stream. */
  readonly wsRatePerS?: number;
  readonly tabletop?: TabletopOptions;
}

/** Largest WebSocket command the server accepts (the WebSocket plugin closes on bigger frames). */
export const TTX_MAX_COMMAND_BYTES = 4096;

/* ------------------------------------------------------------------------------------------------ */
/* The wire (JSON). The browser mirrors these in web/src/tabletop/protocol.ts.                       */

export interface TtxSeat {
  readonly id: string;
  readonly name: string;
  readonly cell: CellId;
  readonly role: TtxParticipant["role"];
}

export interface TtxSetupFrame {
  readonly type: "setup";
  readonly run: string;
  /** Runs this participant may switch to (control: every run, including forks). */
  readonly runs: readonly string[];
  readonly participant: TtxSeat;
  /** Seats the same token may take (to switch seat). */
  readonly seats: readonly TtxSeat[];
  readonly exercise: {
    readonly name: string;
    readonly handling: string;
    readonly startDate: string;
    readonly endDate: string;
    readonly scope: LocalizedText;
    readonly objectives: readonly Objective[];
    readonly endS: number;
  };
  readonly cells: readonly Cell[];
  /** Everyone on the roster (joins and departures are announced to all). */
  readonly roster: readonly TtxSeat[];
  /** Channels this cell is a member of (staff: all). */
  readonly channels: readonly Channel[];
  /** The options catalogue. */
  readonly options: readonly ResponseOption[];
  /**
   * Decision points already open that this cell may see (the engine's own audience rule); later ones
   * arrive as `decision-point` frames when they open — a player never learns of one in advance.
   */
  readonly decisionPoints: readonly TtxDecisionPointView[];
  /** The whole MSEL with current delivery times — staff only (empty for national cells). */
  readonly msel: readonly Inject[];
}

/** A decision point as a participant sees it: no word of the inject that opens it. */
export interface TtxDecisionPointView {
  readonly id: string;
  readonly move: string;
  readonly prompt: LocalizedText;
  readonly deadlineS: number;
  readonly options: readonly string[];
}

export interface TtxClockFrame {
  readonly type: "clock";
  /** Exercise seconds since STARTEX now. */
  readonly t: number;
  readonly running: boolean;
  readonly started: boolean;
  readonly ended: boolean;
  /** Exercise seconds per wall second now. */
  readonly rate: number;
  /** The move in play and its title (only the current one: later moves are not the players' to know). */
  readonly move: { readonly id: string; readonly title: LocalizedText } | null;
  /** Story instant now (ms since 1970), for the local clocks; null before the first move. */
  readonly storyMs: number | null;
  /** Staff only: the next scheduled happening, exercise seconds. */
  readonly nextDueS?: number | null;
}

export type TtxServerFrame =
  | TtxSetupFrame
  | { readonly type: "events"; readonly events: readonly TtxEvent[]; readonly catchUp: boolean }
  | TtxClockFrame
  | { readonly type: "decision-point"; readonly decisionPoint: TtxDecisionPointView }
  | {
      readonly type: "ack";
      readonly ref: string | null;
      readonly seqs: readonly number[];
      readonly run?: string;
    }
  | { readonly type: "error"; readonly ref: string | null; readonly error: string };

/* ------------------------------------------------------------------------------------------------ */

/** An HTTP error the server's error handler turns into {error} with this status. */
class TtxHttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** The seats a server token grants in a run (see the header). */
export function seatsFor(p: Participant, roster: readonly TtxParticipant[]): TtxParticipant[] {
  if (p.role === "control") return roster.filter((x) => isStaffCell(x.cell));
  if (p.nation === null) return [];
  const cell = p.nation;
  if (p.role === "operator") return roster.filter((x) => x.cell === cell && x.role === "player");
  return roster.filter((x) => x.cell === cell && (x.role === "evaluator" || x.role === "observer"));
}

function seat(x: TtxParticipant): TtxSeat {
  return { id: x.id, name: x.name, cell: x.cell, role: x.role };
}

function who(p: Participant): string {
  return p.role === "control" ? "a control token" : `a ${p.nation} ${p.role} token`;
}

/** The part of a ws WebSocket used here (ws ships no types in this project). */
interface Socket {
  readonly readyState: number;
  readonly OPEN: number;
  readonly bufferedAmount: number;
  send(text: string): void;
  close(code?: number, reason?: string): void;
  on(event: "close" | "error", fn: () => void): void;
  on(event: "message", fn: (raw: Buffer, isBinary: boolean) => void): void;
}

/** Per run, the frames that change on a tick: connections to notify of clock changes. */
interface Connection {
  readonly run: string;
  readonly participant: TtxParticipant;
  sendClock(): void;
}

export interface TabletopHost {
  readonly engine: TtxEngine;
  /** Delivers what has fallen due in every run and refreshes clocks (the timer calls it). */
  tick(): void;
}

/**
 * Mounts the tabletop routes on `app` (after @fastify/websocket is registered). Returns the host, so
 * a caller driving time by hand can tick it.
 */
export async function registerTabletopRoutes(
  app: FastifyInstance,
  opts: TabletopMountOptions,
): Promise<TabletopHost> {
  const { tokens } = opts;
  const tt = opts.tabletop ?? {};
  const engine = tt.engine ?? defaultEngine();
  const connections = new Set<Connection>();
  /** Open connections per run and participant: presence is "at least one connection". */
  const openCount = new Map<string, number>();
  const clockEveryMs = tt.clockEveryMs ?? 5000;
  let lastClockAt = 0;

  const host: TabletopHost = {
    engine,
    tick() {
      engine.tickAll();
      const now = Date.now();
      if (now - lastClockAt >= clockEveryMs) {
        lastClockAt = now;
        for (const c of connections) c.sendClock();
      }
    },
  };
  const tickMs = tt.tickMs ?? 250;
  if (tickMs > 0) {
    const timer = setInterval(() => {
      try {
        host.tick();
      } catch (err) {
        app.log.error(err);
      }
    }, tickMs);
    timer.unref();
    app.addHook("onClose", async () => clearInterval(timer));
  }

  const verify = (token: unknown): Participant | null => {
    const p = tokens.verify(token);
    return p !== null && p.exercise === opts.exercise ? p : null;
  };
  const auth = (req: FastifyRequest): Participant => {
    const h = req.headers.authorization;
    const token = typeof h === "string" && h.startsWith("Bearer ") ? h.slice(7) : undefined;
    if (!token) throw new TtxHttpError(401, "authorization: send 'Authorization: Bearer TOKEN'");
    const p = verify(token);
    if (!p) throw new TtxHttpError(401, "token: unknown or revoked");
    return p;
  };
  const runOf = (id: unknown): TtxSession => {
    if (typeof id !== "string" || !engine.runIds().includes(id))
      throw new TtxHttpError(404, `run: no tabletop run named ${JSON.stringify(id)}`);
    return engine.run(id);
  };
  const controlOnly = (p: Participant, what: string): void => {
    if (p.role !== "control") throw new TtxHttpError(403, `${what}: covers every nation; control only`);
  };

  app.get("/api/ttx", async (req) => {
    const p = auth(req);
    return {
      runs: engine.runIds().map((id) => {
        const s = engine.run(id);
        return {
          id,
          name: s.def.exercise.name,
          started: s.state.started,
          ended: s.state.ended,
          seats: seatsFor(p, s.def.participants).map(seat),
        };
      }),
    };
  });

  app.get("/api/ttx/:run/measures", async (req) => {
    const p = auth(req);
    const s = runOf((req.params as { run: string }).run);
    controlOnly(p, "measures");
    s.tick();
    return computeMeasures(s.state);
  });

  app.get("/api/ttx/:run/report.html", async (req, reply) => {
    const p = auth(req);
    const s = runOf((req.params as { run: string }).run);
    controlOnly(p, "report");
    s.tick();
    return reply
      .type("text/html; charset=utf-8")
      .send(renderAarHtml(s.state, s.events, computeMeasures(s.state)));
  });

  app.get("/api/ttx/:run/report/:file", async (req, reply) => {
    const p = auth(req);
    const { run, file } = req.params as { run: string; file: string };
    const s = runOf(run);
    controlOnly(p, "report");
    s.tick();
    const tables: Record<string, () => string> = {
      "timeline.csv": () => timelineCsv(s.events, s.state),
      "measures.csv": () => measuresCsv(computeMeasures(s.state)),
      "ratings.csv": () => ratingsCsv(s.state),
      "improvement-plan.csv": () => improvementPlanCsv(s.state),
    };
    const make = tables[file];
    if (!make)
      throw new TtxHttpError(404, `report: no table ${file} (tables: ${Object.keys(tables).join(", ")})`);
    return csvReply(reply, file, make());
  });

  app.get("/api/ttx/:run/msel.csv", async (req, reply) => {
    const p = auth(req);
    const s = runOf((req.params as { run: string }).run);
    controlOnly(p, "msel");
    return csvReply(reply, `${(req.params as { run: string }).run}-msel.csv`, exportMselCsv(currentMsel(s)));
  });

  app.get("/api/ttx/:run/stream", { websocket: true }, (socket: Socket, req) => {
    const q = req.query as Record<string, unknown>;
    const runId = (req.params as { run: string }).run;
    const refuse = (code: number, error: string) => {
      socket.send(JSON.stringify({ type: "error", ref: null, error }));
      socket.close(code, error.slice(0, 100));
    };
    const p = verify(q.token);
    if (!p) return refuse(4401, "token: unknown or revoked");
    if (!engine.runIds().includes(runId)) return refuse(4404, `run: no tabletop run named "${runId}"`);
    const session = engine.run(runId);
    const seats = seatsFor(p, session.def.participants);
    if (seats.length === 0) return refuse(4403, `participant: ${who(p)} has no seat in this exercise`);
    let me: TtxParticipant;
    if (q.participant === undefined || q.participant === "") me = seats[0];
    else {
      const found = seats.find((x) => x.id === q.participant);
      if (!found)
        return refuse(
          4403,
          `participant: ${who(p)} may sit as ${seats.map((x) => x.id).join(", ")}, not ${JSON.stringify(q.participant)}`,
        );
      me = found;
    }
    let after = 0;
    if (q.after !== undefined) {
      after = Number(q.after);
      if (typeof q.after !== "string" || !/^\d{1,9}$/.test(q.after))
        return refuse(4400, "after: must be a non-negative integer (the last event seq received)");
    }

    const gate = new SocketCommandGate(opts.wsRatePerS);
    const send = (frame: TtxServerFrame) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
    };
    // Second check before anything leaves: the engine addressed it, the connection's cell may see it.
    const mine = (events: readonly TtxEvent[]) => {
      const ok = events.filter((e) => cellMaySee(me.cell, e.audience));
      if (ok.length !== events.length)
        app.log.error(`releasability: withheld ${events.length - ok.length} tabletop events for ${me.id}`);
      return ok;
    };
    const sendClock = () => send(clockFrame(session, me));
    const conn: Connection = { run: runId, participant: me, sendClock };

    send(setupFrame(engine, runId, me, seats));
    // Catch-up and subscription in one synchronous step: no event can fall between them.
    send({ type: "events", events: mine(session.eventsFor(me.id, after)), catchUp: true });
    const unsubscribe = session.subscribe(me.id, (e) => {
      const ok = mine([e]);
      if (ok.length === 0) return;
      if (e.type === "decision-point.opened") {
        const dp = session.def.decisionPoints.find((d) => d.id === e.decisionPoint);
        if (dp) send({ type: "decision-point", decisionPoint: decisionPointView(dp) });
      }
      send({ type: "events", events: ok, catchUp: false });
      if (e.type.startsWith("clock.") || e.type === "timeline.shifted" || e.type === "exercise.ended")
        sendClock();
    });
    connections.add(conn);
    const key = `${runId}\u0000${me.id}`;
    openCount.set(key, (openCount.get(key) ?? 0) + 1);
    if (!session.state.participants.get(me.id)?.online) {
      try {
        engine.handle(runId, me.id, { type: "join" });
      } catch (err) {
        app.log.error(err);
      }
    }
    sendClock();

    let closed = false;
    const onClose = () => {
      if (closed) return;
      closed = true;
      unsubscribe();
      connections.delete(conn);
      const n = (openCount.get(key) ?? 1) - 1;
      if (n > 0) openCount.set(key, n);
      else {
        openCount.delete(key);
        // The last connection of a participant gone: they leave (presence).
        if (session.state.participants.get(me.id)?.online) {
          try {
            engine.handle(runId, me.id, { type: "leave" });
          } catch (err) {
            app.log.error(err);
          }
        }
      }
    };
    socket.on("close", onClose);
    socket.on("error", onClose);

    socket.on("message", (raw: Buffer, isBinary: boolean) => {
      let ref: string | null = null;
      const reply = (error: string) => send({ type: "error", ref, error });
      const msg = gate.admit(socket, raw, isBinary, reply);
      if (!msg) return;
      const body = msg.value;
      if (body === null || typeof body !== "object" || Array.isArray(body))
        return reply("message: must be a JSON object (a command with a type)");
      const { ref: r, ...command } = body as Record<string, unknown>;
      if (r !== undefined) {
        if (typeof r !== "string" || r.length > 64)
          return reply("ref: must be a string of at most 64 characters");
        ref = r;
      }
      try {
        if (command.type === "join" || command.type === "leave")
          throw new UserError(`command.type: ${command.type} follows the connection (connect or disconnect)`);
        const out = engine.handle(runId, me.id, command);
        const forked = command.type === "fork" ? String(command.newRunId) : undefined;
        send({ type: "ack", ref, seqs: out.map((e) => e.seq), ...(forked ? { run: forked } : {}) });
      } catch (err) {
        if (err instanceof UserError) reply(err.message);
        else {
          app.log.error(err);
          reply("internal error");
        }
      }
    });
  });

  return host;
}

function defaultEngine(): TtxEngine {
  const engine = new TtxEngine((): ClockSource => new WallClockSource());
  engine.createRun(SHIPPED_TTX_RUN, loadTtxFile(SHIPPED_TTX));
  return engine;
}

function csvReply(reply: import("fastify").FastifyReply, name: string, text: string) {
  return reply
    .type("text/csv; charset=utf-8")
    .header("Content-Disposition", `attachment; filename="${name.replace(/[^\w.-]/g, "_")}"`)
    .send(text);
}

/** The MSEL as it stands in the run: delivery times after any shift, warning injects included. */
function currentMsel(s: TtxSession): Inject[] {
  return [...s.state.injects.values()].map((i) => ({ ...i.inject, deliveryS: i.deliveryS }));
}

function setupFrame(
  engine: TtxEngine,
  run: string,
  me: TtxParticipant,
  seats: readonly TtxParticipant[],
): TtxSetupFrame {
  const s = engine.run(run);
  const def = s.def;
  const staff = isStaffCell(me.cell);
  const ex = def.exercise;
  return {
    type: "setup",
    run,
    runs: staff ? engine.runIds() : [run],
    participant: seat(me),
    seats: seats.map(seat),
    exercise: {
      name: ex.name,
      handling: ex.handling,
      startDate: ex.startDate,
      endDate: ex.endDate,
      scope: ex.scope,
      objectives: ex.objectives,
      endS: ex.endS,
    },
    cells: def.cells,
    roster: def.participants.map(seat),
    channels: def.channels.filter((c) => staff || (isNationalCell(me.cell) && c.members.includes(me.cell))),
    options: def.options,
    decisionPoints: def.decisionPoints
      .filter((d) => s.state.decisionPoints.get(d.id)?.openedAt != null)
      .filter((d) => cellMaySee(me.cell, decisionPointAudience(s.state, d.id)))
      .map(decisionPointView),
    msel: staff ? currentMsel(s) : [],
  };
}

function decisionPointView(d: DecisionPoint): TtxDecisionPointView {
  return { id: d.id, move: d.move, prompt: d.prompt, deadlineS: d.deadlineS, options: d.options };
}

function clockFrame(s: TtxSession, me: TtxParticipant): TtxClockFrame {
  const st = s.state;
  const t = s.now();
  const moveId = moveAt(st, t);
  const move = moveId ? s.def.moves.find((m) => m.id === moveId) : undefined;
  let storyMs: number | null = null;
  if (move) {
    const epoch = Date.parse(move.storyEpoch);
    const start = st.moveStart.get(move.id) ?? move.startS;
    if (!Number.isNaN(epoch)) storyMs = epoch + (t - start) * 1000;
  }
  return {
    type: "clock",
    t,
    running: st.clock.running,
    started: st.started,
    ended: st.ended,
    rate: rateAt(clockPhases(st), t),
    move: move ? { id: move.id, title: move.title } : null,
    storyMs,
    ...(isStaffCell(me.cell) ? { nextDueS: s.nextDueS() } : {}),
  };
}

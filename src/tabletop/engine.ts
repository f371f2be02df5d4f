/**
 * The tabletop engine a server mounts: many runs (sessions) by id, commands routed to them, and
 * forks that start a new run from any instant of an existing one.
 *
 *   const engine = new TtxEngine(() => new WallClockSource());
 *   engine.createRun("run-1", loadTtxFile("scenarios/ttx-deterrence.yaml"));
 *   // WebSocket connection authenticated as participant P of run R:
 *   engine.run(R).subscribe(P, (event) => ws.send(JSON.stringify(event)));
 *   ws.on("message", (body) => { try { engine.handle(R, P, JSON.parse(body)) } catch (e) { reply error } });
 *   setInterval(() => engine.tickAll(), 250);
 *
 * Fork is a command too (`{type: "fork", atS, newRunId}`, controllers only) because control decides
 * it from the console; it creates the new run and returns its events.
 */
import { UserError } from "../core/errors.ts";
import type { ClockSource } from "./clock.ts";
import type { TtxEvent } from "./events.ts";
import type { TtxDefinition } from "./model.ts";
import { TtxSession } from "./session.ts";

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

export class TtxEngine {
  private readonly sessions = new Map<string, TtxSession>();

  /** `clockFor` makes the clock source of each new run (wall for live play, virtual for tests). */
  constructor(private readonly clockFor: (runId: string) => ClockSource) {}

  createRun(runId: string, def: TtxDefinition): TtxSession {
    this.checkNewId(runId, "runId");
    const s = new TtxSession(def, this.clockFor(runId));
    this.sessions.set(runId, s);
    return s;
  }

  /** Restores a run from its recorded events (for example after a server restart). */
  restoreRun(runId: string, def: TtxDefinition, events: readonly TtxEvent[]): TtxSession {
    this.checkNewId(runId, "runId");
    const s = TtxSession.replay(def, events, this.clockFor(runId));
    this.sessions.set(runId, s);
    return s;
  }

  run(runId: string): TtxSession {
    return this.sessions.get(runId) ?? this.fail(`unknown run "${runId}"`);
  }

  runIds(): string[] {
    return [...this.sessions.keys()];
  }

  /** A command from participant `participantId` of run `runId`, body as received. */
  handle(runId: string, participantId: string, body: unknown): TtxEvent[] {
    const s = this.run(runId);
    if (body !== null && typeof body === "object" && (body as { type?: unknown }).type === "fork") {
      const { atS, newRunId, ...rest } = body as { atS?: unknown; newRunId?: unknown };
      const extra = Object.keys(rest).filter((k) => k !== "type");
      if (extra.length > 0) this.fail(`fork.${extra[0]}: unknown field (allowed: atS, newRunId)`);
      if (typeof atS !== "number" || !Number.isFinite(atS))
        this.fail(`fork.atS: expected a number of seconds, got ${JSON.stringify(atS)}`);
      if (typeof newRunId !== "string")
        this.fail(`fork.newRunId: expected a run id, got ${JSON.stringify(newRunId)}`);
      return [...this.fork(runId, participantId, atS, newRunId).events];
    }
    return s.handle(participantId, body);
  }

  /** A new run `newRunId` from run `runId` at exercise time `atS` (controllers only). */
  fork(runId: string, participantId: string, atS: number, newRunId: string): TtxSession {
    const s = this.run(runId);
    const p = s.state.participants.get(participantId) ?? this.fail(`unknown participant "${participantId}"`);
    if (p.role !== "controller")
      this.fail(`${participantId} is a ${p.role}: only controllers may fork a run`);
    this.checkNewId(newRunId, "fork.newRunId");
    const f = s.fork(atS, this.clockFor(newRunId));
    this.sessions.set(newRunId, f);
    return f;
  }

  /** Delivers whatever has fallen due in every run (call on a timer in live play). */
  tickAll(): void {
    for (const s of this.sessions.values()) s.tick();
  }

  private checkNewId(id: string, field: string): void {
    if (typeof id !== "string" || !RUN_ID.test(id))
      this.fail(`${field}: expected an id (letters, digits, _ . : -), got ${JSON.stringify(id)}`);
    if (this.sessions.has(id)) this.fail(`${field}: run "${id}" already exists`);
  }

  private fail(msg: string): never {
    throw new UserError(msg);
  }
}

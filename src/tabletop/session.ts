/**
 * One tabletop run, event-sourced: commands come in, are checked, and become events; events are
 * folded into the state and handed to each participant allowed to see them. The event list is the
 * run: `replay` rebuilds the state from it, `fork` starts a new run from any instant of it.
 *
 * How a server mounts it (see also engine.ts):
 *   - on a client frame: `session.handle(participantId, body)` → the new events (or a UserError to
 *     send back to that client alone; the run is unchanged);
 *   - on a timer (live play, e.g. every 250 ms): `session.tick()` delivers what has fallen due;
 *   - per connection: `session.subscribe(participantId, send)` pushes exactly the events that
 *     participant may see; on reconnect, `session.eventsFor(participantId, lastSeq)` catches up;
 *   - for the store: `session.subscribeAll(append)` sees every event, for the event log.
 * The session reads time only through the ClockSource it is given.
 */
import { UserError } from "../core/errors.ts";
import { type ClockSource, exerciseTimeAt } from "./clock.ts";
import { parseCommand } from "./commands.ts";
import type { PendingEvent, TtxEvent } from "./events.ts";
import { deliveryEvents, handleCommand } from "./handlers.ts";
import type { TtxDefinition } from "./model.ts";
import { audienceOf, cellMaySee } from "./releasability.ts";
import { dueEvents, nextDue } from "./scheduler.ts";
import { applyEvent, clockPhases, initialState, moveAt, type TtxState } from "./state.ts";
import { parseWarningEventInject, warningToInject } from "./warning-inject.ts";

export type EventListener = (e: TtxEvent) => void;

/** Exercise time is kept to the microsecond so that a clock set to a due time reaches it exactly. */
function roundTime(t: number): number {
  return Math.round(t * 1e6) / 1e6;
}

export class TtxSession {
  private readonly log: TtxEvent[] = [];
  private st: TtxState;
  private readonly listeners = new Map<string, Set<EventListener>>();
  private readonly allListeners = new Set<EventListener>();

  constructor(
    readonly def: TtxDefinition,
    private readonly clock: ClockSource,
  ) {
    this.st = initialState(def);
  }

  /** Rebuilds a run from its events (for example read back from the event log). */
  static replay(def: TtxDefinition, events: readonly TtxEvent[], clock: ClockSource): TtxSession {
    const s = new TtxSession(def, clock);
    events.forEach((e, i) => {
      if (e.seq !== i + 1) throw new UserError(`replay: event ${i} has seq ${e.seq}, expected ${i + 1}`);
      if (i > 0 && e.t < events[i - 1].t)
        throw new UserError(`replay: event seq ${e.seq} goes back in time (${e.t} s)`);
      applyEvent(s.st, e);
      s.log.push(e);
    });
    return s;
  }

  /**
   * A new run that shares this one's history up to exercise time `atS` (every event at or before it)
   * and then goes its own way. It starts paused at `atS`: control resumes it when the room is ready.
   */
  fork(atS: number, clock: ClockSource): TtxSession {
    if (!Number.isFinite(atS) || atS < 0) throw new UserError(`fork.atS: expected a time >= 0, got ${atS}`);
    if (atS > this.now())
      throw new UserError(`fork.atS: ${atS} s is in this run's future (now ${this.now()} s)`);
    const prefix = this.log.filter((e) => e.t <= atS);
    const f = TtxSession.replay(this.def, prefix, clock);
    if (f.st.clock.running)
      f.append([{ type: "clock.paused", t: atS, actor: null, audience: { all: true } }], atS);
    return f;
  }

  /** The state (read only: change it through commands). */
  get state(): Readonly<TtxState> {
    return this.st;
  }

  /** Every event of the run, in order (read only). */
  get events(): readonly TtxEvent[] {
    return this.log;
  }

  /** Exercise time now, never earlier than the last event. */
  now(): number {
    const t = roundTime(exerciseTimeAt(this.st.clock, clockPhases(this.st), this.clock.nowMs()));
    return Math.max(t, this.st.t);
  }

  /** Exercise time of the next scheduled happening (inject, trigger deadline, ENDEX ...), or null after ENDEX. */
  nextDueS(): number | null {
    return nextDue(this.st)?.t ?? null;
  }

  /** Processes everything due up to now. Returns the events it caused. */
  tick(): TtxEvent[] {
    const out: TtxEvent[] = [];
    if (!this.st.started) return out;
    const now = this.now();
    for (;;) {
      const d = nextDue(this.st);
      if (d === null || d.t > now) break;
      out.push(...this.append(dueEvents(this.st, d), now));
    }
    return out;
  }

  /**
   * A command from a participant (the body exactly as received). Brings the run up to date first,
   * then either appends the command's events and returns them, or throws a UserError and changes
   * nothing.
   */
  handle(participantId: string, body: unknown): TtxEvent[] {
    const cmd = parseCommand(body);
    this.tick();
    const t = this.now();
    return this.append(handleCommand(this.st, participantId, cmd, t), t);
  }

  /**
   * A launch from the coupled warning simulation: becomes an inject (id `W-<threatId>` unless given)
   * delivered now to the warning's recipients, carrying track, impact prediction and time to impact.
   */
  ingestWarning(raw: unknown, opts: { injectId?: string; objectives?: string[] } = {}): TtxEvent[] {
    const w = parseWarningEventInject(raw);
    this.tick();
    if (!this.st.started || this.st.ended)
      throw new UserError("warning: the exercise is not running (before STARTEX or after ENDEX)");
    const t = this.now();
    const id = opts.injectId ?? `W-${w.threatId}`;
    if (this.st.injects.has(id))
      throw new UserError(`warning: inject "${id}" already exists (threat ${w.threatId} fed twice?)`);
    const move = moveAt(this.st, t) ?? this.def.moves[0]?.id ?? "";
    const seq = Math.max(0, ...[...this.st.injects.values()].map((i) => i.inject.seq)) + 1;
    const epochMs = Date.parse(this.def.moves.find((m) => m.id === move)?.storyEpoch ?? "");
    const moveStart = this.st.moveStart.get(move) ?? 0;
    const scenarioTime = Number.isNaN(epochMs)
      ? ""
      : new Date(epochMs + (t - moveStart) * 1000).toISOString();
    const inject = warningToInject(w, {
      id,
      seq,
      move,
      deliveryS: t,
      scenarioTime,
      objectives: opts.objectives,
    });
    // Register the inject through a delivery event: replay needs nothing but the events.
    const pending: PendingEvent[] = [
      {
        type: "inject.delivered",
        inject,
        reason: "warning",
        t,
        actor: null,
        audience: audienceOf(inject.to),
      },
    ];
    const out = this.append(pending, t);
    // Decision points may open on a warning inject named in the scenario.
    const opens = deliveryEvents(this.st, id, t, "warning", null).slice(1);
    return [...out, ...this.append(opens, t)];
  }

  /** Whether participant `participantId` may see event `e`. */
  visibleTo(participantId: string, e: TtxEvent): boolean {
    const p = this.st.participants.get(participantId);
    return p !== undefined && cellMaySee(p.cell, e.audience);
  }

  /** The events a participant may see, after sequence number `afterSeq` (for catch-up on reconnect). */
  eventsFor(participantId: string, afterSeq = 0): TtxEvent[] {
    if (!this.st.participants.has(participantId))
      throw new UserError(`unknown participant "${participantId}"`);
    return this.log.filter((e) => e.seq > afterSeq && this.visibleTo(participantId, e));
  }

  /** Pushes every future event `participantId` may see to `listener`. Returns an unsubscribe function. */
  subscribe(participantId: string, listener: EventListener): () => void {
    if (!this.st.participants.has(participantId))
      throw new UserError(`unknown participant "${participantId}"`);
    let set = this.listeners.get(participantId);
    if (!set) {
      set = new Set();
      this.listeners.set(participantId, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Every event, unfiltered: for the event store and the exercise log, never for a player. */
  subscribeAll(listener: EventListener): () => void {
    this.allListeners.add(listener);
    return () => this.allListeners.delete(listener);
  }

  private append(pending: readonly PendingEvent[], _now: number): TtxEvent[] {
    const out: TtxEvent[] = [];
    const wallMs = this.clock.nowMs();
    for (const p of pending) {
      const e = { ...p, t: roundTime(Math.max(p.t, this.st.t)), seq: this.st.seq + 1, wallMs } as TtxEvent;
      applyEvent(this.st, e);
      this.log.push(e);
      out.push(e);
      for (const l of this.allListeners) l(e);
      for (const [pid, set] of this.listeners) if (this.visibleTo(pid, e)) for (const l of set) l(e);
    }
    return out;
  }
}

/**
 * Scripted play: every cell does what the exercise file's `auto` section says, when it says, through
 * the same command path a browser client uses (`session.handle`), in virtual time. Used by
 * `allylink ttx run --auto` and by tests, so an exercise can be played end to end in milliseconds and
 * its after-action numbers checked against the script.
 *
 * The runner moves a VirtualClockSource straight to the next instant anything happens — a scheduled
 * item (inject, trigger deadline, ENDEX) or a scripted action — and never polls.
 */
import { UserError } from "../core/errors.ts";
import { VirtualClockSource, wallTimeFor } from "./clock.ts";
import type { AutoAction, TtxDefinition } from "./model.ts";
import { TtxSession } from "./session.ts";
import { clockPhases } from "./state.ts";

export interface AutoRunOptions {
  /** Extra scripted actions (tests add their own). Default: none. */
  readonly extra?: readonly AutoAction[];
  /** Replace the file's script entirely. */
  readonly script?: readonly AutoAction[];
  /** Stop after this exercise time instead of at ENDEX (for forks and partial runs). */
  readonly untilS?: number;
}

export interface AutoRunResult {
  readonly session: TtxSession;
  readonly clock: VirtualClockSource;
  /** Actions executed, in order, with the exercise time they ran at. */
  readonly executed: readonly { action: AutoAction; t: number }[];
}

function dueOf(session: TtxSession, a: AutoAction): number | null {
  if (a.atS !== undefined) return a.atS + a.delayS;
  const d = session.state.injects.get(a.afterInject!)?.deliveredAt;
  return d == null ? null : d + a.delayS;
}

/**
 * Plays an exercise with scripted cells: everyone on the roster joins at STARTEX, the first controller
 * starts the clock, then the script runs to ENDEX. A scripted command the engine refuses is an error
 * in the script, reported with its position.
 */
export function runAuto(def: TtxDefinition, opts: AutoRunOptions = {}): AutoRunResult {
  const clock = new VirtualClockSource(0);
  const session = new TtxSession(def, clock);
  const controller = def.participants.find((p) => p.role === "controller");
  if (!controller) throw new UserError("auto play needs a controller on the roster to start the clock");
  for (const p of def.participants) session.handle(p.id, { type: "join" });
  session.handle(controller.id, { type: "resume" });
  return continueAuto(session, clock, opts);
}

/** Continues scripted play on an existing session (for example a fork) from its current time. */
export function continueAuto(
  session: TtxSession,
  clock: VirtualClockSource,
  opts: AutoRunOptions = {},
): AutoRunResult {
  const script = [...(opts.script ?? session.def.auto), ...(opts.extra ?? [])];
  const done = new Set<AutoAction>();
  const executed: { action: AutoAction; t: number }[] = [];
  const untilS = opts.untilS ?? Number.POSITIVE_INFINITY;
  // Actions whose time has already passed in this session (a fork) were played before the fork.
  const start = session.now();
  for (const a of script) {
    const d = dueOf(session, a);
    if (d !== null && d < start) done.add(a);
  }
  for (let guard = 0; guard < 1_000_000; guard++) {
    session.tick();
    const now = session.now();
    // Run every action due now, in (time, file order).
    const due = script
      .filter((a) => !done.has(a))
      .map((a) => ({ a, d: dueOf(session, a) }))
      .filter((x): x is { a: AutoAction; d: number } => x.d !== null && x.d <= now)
      .sort((x, y) => x.d - y.d || x.a.index - y.a.index);
    if (due.length > 0) {
      const { a } = due[0];
      done.add(a);
      try {
        session.handle(a.as, a.command);
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        throw new UserError(
          `auto[${a.index}] (${a.as} of ${a.cell}, "${String(a.command.type)}" at ${now} s): ${err.message}`,
        );
      }
      executed.push({ action: a, t: now });
      continue;
    }
    if (session.state.ended || now >= untilS) break;
    const nextScript = script
      .filter((a) => !done.has(a))
      .map((a) => dueOf(session, a))
      .filter((d): d is number => d !== null);
    const next = Math.min(session.nextDueS() ?? Number.POSITIVE_INFINITY, ...nextScript, untilS);
    if (!Number.isFinite(next)) break;
    if (!session.state.clock.running)
      throw new UserError(`auto play: the clock is paused at ${now} s and no scripted action resumes it`);
    clock.set(Math.max(clock.nowMs(), wallTimeFor(session.state.clock, clockPhases(session.state), next)));
  }
  return { session, clock, executed };
}

/**
 * Exercise time against wall time. The engine never reads the wall clock itself: it is handed a
 * `ClockSource` — virtual for tests and `--auto` (time moves only when told), wall (wall-clock.ts)
 * for live play.
 *
 * The exercise clock is piecewise linear in wall time: it stands still while paused, and while
 * running it advances at the compression rate of the phase (move) it is in, so a move played at 4×
 * covers four exercise seconds per wall second and the next move may run at 1×. The state is an
 * anchor (exercise time and wall time of the last pause, resume or re-anchoring); everything else is
 * computed, so replaying the anchor events reproduces the clock exactly.
 */
import { UserError } from "../core/errors.ts";

export interface ClockSource {
  /** Milliseconds; only differences matter. */
  nowMs(): number;
}

/** A clock that moves only when told: deterministic tests and as-fast-as-possible scripted runs. */
export class VirtualClockSource implements ClockSource {
  constructor(private ms = 0) {}
  nowMs(): number {
    return this.ms;
  }
  /** Moves to `ms`; refuses to go back (time never runs backwards for the engine). */
  set(ms: number): void {
    if (!(ms >= this.ms))
      throw new UserError(`virtual clock: cannot move back from ${this.ms} ms to ${ms} ms`);
    this.ms = ms;
  }
  advance(ms: number): void {
    this.set(this.ms + ms);
  }
}

/** From `startS` on (until the next phase), the clock runs at `rate` exercise seconds per wall second. */
export interface ClockPhase {
  readonly startS: number;
  readonly rate: number;
}

export interface ClockState {
  readonly running: boolean;
  /** Exercise time at the anchor. */
  readonly anchorS: number;
  /** Wall time at the anchor (ms, from the clock source). */
  readonly anchorWallMs: number;
}

/** Stopped at exercise time 0: before STARTEX. */
export const INITIAL_CLOCK: ClockState = { running: false, anchorS: 0, anchorWallMs: 0 };

/** The rate in force at exercise time t (phases sorted by startS; before the first, the first's rate). */
export function rateAt(phases: readonly ClockPhase[], t: number): number {
  if (phases.length === 0) return 1;
  let rate = phases[0].rate;
  for (const p of phases) {
    if (p.startS <= t) rate = p.rate;
    else break;
  }
  return rate;
}

/** The first phase boundary strictly after t, or Infinity. */
function nextBoundary(phases: readonly ClockPhase[], t: number): number {
  for (const p of phases) if (p.startS > t) return p.startS;
  return Number.POSITIVE_INFINITY;
}

/** Exercise time at wall time `wallMs`. */
export function exerciseTimeAt(state: ClockState, phases: readonly ClockPhase[], wallMs: number): number {
  if (!state.running) return state.anchorS;
  let t = state.anchorS;
  let wallLeftS = Math.max(0, (wallMs - state.anchorWallMs) / 1000);
  // Walk phase by phase: each boundary crossed changes the rate.
  for (;;) {
    const rate = rateAt(phases, t);
    const b = nextBoundary(phases, t);
    const wallToBoundaryS = (b - t) / rate;
    if (wallLeftS <= wallToBoundaryS) return t + wallLeftS * rate;
    wallLeftS -= wallToBoundaryS;
    t = b;
  }
}

/** Wall time at which a running clock reaches exercise time `tS` (≥ the anchor). */
export function wallTimeFor(state: ClockState, phases: readonly ClockPhase[], tS: number): number {
  if (!state.running)
    throw new UserError("the exercise clock is paused: no wall time reaches a later exercise time");
  if (tS < state.anchorS)
    throw new UserError(`exercise time ${tS} s is before the clock's anchor ${state.anchorS} s`);
  let t = state.anchorS;
  let wallS = 0;
  for (;;) {
    const rate = rateAt(phases, t);
    const b = nextBoundary(phases, t);
    if (tS <= b) return state.anchorWallMs + (wallS + (tS - t) / rate) * 1000;
    wallS += (b - t) / rate;
    t = b;
  }
}

/** Phases must start in order and run forward. */
export function checkPhases(phases: readonly ClockPhase[]): void {
  phases.forEach((p, i) => {
    if (!(p.rate > 0) || !Number.isFinite(p.rate))
      throw new UserError(`clock phase ${i}: compression must be a positive number, got ${p.rate}`);
    if (i > 0 && p.startS < phases[i - 1].startS)
      throw new UserError(
        `clock phase ${i}: starts at ${p.startS} s, before the previous phase (${phases[i - 1].startS} s)`,
      );
  });
}

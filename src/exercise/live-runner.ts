/**
 * Plays an exercise in live time: scenario time follows a wall clock × speed, and can be paused,
 * resumed, sped up and moved (seek). The step loop is the virtual runner's (ExerciseRun); this class
 * only decides how far it may go at each tick. The wall clock and the timer are injected, so tests
 * drive it with a fake clock and the core never reads the real one.
 *
 * Seek forward runs the steps fast up to the target. Seek backward re-creates the run from the
 * scenario and seed and runs it fast to the target: a run is deterministic, so this reproduces
 * exactly the state it had then. While seeking, subscribers receive one "live.seek" event, not the
 * steps replayed (they re-read the picture afterwards).
 *
 * The event log, if any, receives the first pass only: a backward seek does not write history twice.
 */
import { UserError } from "../core/errors.ts";
import type { Scenario } from "../scenario/scenario.ts";
import type { AllyCode } from "../world/nation.ts";
import {
  type ExerciseOptions,
  type ExerciseResult,
  ExerciseRun,
  type NationPicture,
  type RecordedEvent,
  type RunListener,
} from "./exercise-run.ts";
import { parseInjects, RUNNER_INJECT_TYPES, type RunnerInject } from "./injects.ts";
import type { RunStartPayload, TruthObject } from "./log-kinds.ts";

export interface WallClock {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Calls fn after ms; returns a cancel function. */
  setTimer(fn: () => void, ms: number): () => void;
}

export const systemWallClock: WallClock = {
  now: () => performance.now(),
  setTimer: (fn, ms) => {
    const h = setTimeout(fn, ms);
    return () => clearTimeout(h);
  },
};

export interface LiveStatus {
  /** Scenario time reached, s. */
  readonly t: number;
  readonly durationS: number;
  readonly speed: number;
  readonly paused: boolean;
  readonly finished: boolean;
}

export interface LiveRunnerOptions extends ExerciseOptions {
  /** Scenario seconds per wall second (default 1). */
  readonly speed?: number;
  readonly clock?: WallClock;
  /** Wall milliseconds between ticks (default 100). */
  readonly tickMs?: number;
}

export class LiveRunner {
  private run!: ExerciseRun;
  private readonly clock: WallClock;
  private readonly listeners = new Set<RunListener>();
  private unsubscribeRun: (() => void) | null = null;
  private speed: number;
  private paused = true;
  /** Scenario time and wall time at the last (re)anchor: target = simAnchor + (now − wallAnchor)·speed. */
  private simAnchor = 0;
  private wallAnchor = 0;
  private cancelTimer: (() => void) | null = null;
  /** Serialises ticks, seeks and injects on the single run. */
  private busy: Promise<void> = Promise.resolve();
  private result: ExerciseResult | null = null;
  private readonly addedInjects: RunnerInject[] = [];
  private suppress = false;
  private firstPass = true;

  private constructor(
    private readonly scenario: Scenario,
    private readonly options: LiveRunnerOptions,
  ) {
    this.clock = options.clock ?? systemWallClock;
    this.speed = checkSpeed(options.speed ?? 1);
  }

  /** Builds the run, paused at its start; call resume() to start the clock. */
  static async create(scenario: Scenario, options: LiveRunnerOptions = {}): Promise<LiveRunner> {
    const live = new LiveRunner(scenario, options);
    await live.rebuild();
    return live;
  }

  private async rebuild(): Promise<void> {
    this.unsubscribeRun?.();
    const log = this.firstPass ? this.options.log : undefined;
    this.run = await ExerciseRun.create(this.scenario, { ...this.options, log });
    for (const i of this.addedInjects) this.run.addInject(i);
    this.unsubscribeRun = this.run.subscribe((e) => this.emit(e));
  }

  private emit(e: RecordedEvent): void {
    if (this.suppress) return;
    for (const l of this.listeners) l(e);
  }

  subscribe(listener: RunListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  status(): LiveStatus {
    return {
      t: Math.max(this.run.t, 0),
      durationS: this.run.durationS,
      speed: this.speed,
      paused: this.paused,
      finished: this.run.done,
    };
  }

  /** Scenario, threats, sensors and injects of the run (the log's run.start payload). */
  header(): RunStartPayload {
    return this.run.header;
  }

  /** True positions of the missiles and air movers in flight now (exercise control's view). */
  truth(): TruthObject[] {
    return this.run.truthNow();
  }

  picture(nation: AllyCode): NationPicture {
    return this.run.picture(nation);
  }

  resume(): void {
    if (!this.paused || this.run.done) return;
    this.anchor();
    this.paused = false;
    this.emitStatus("live.resume");
    this.schedule();
  }

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.emitStatus("live.pause");
  }

  setSpeed(speed: number): void {
    this.anchor();
    this.speed = checkSpeed(speed);
    this.emitStatus("live.speed");
  }

  /** Moves scenario time to T (forward: runs fast; backward: re-runs deterministically from the start). */
  seek(T: number): Promise<void> {
    if (!Number.isFinite(T) || T < 0)
      return Promise.reject(new RangeError(`seek: time must be a number ≥ 0, got ${T}`));
    return this.serial(async () => {
      const target = Math.min(T, this.run.durationS);
      this.suppress = true;
      try {
        if (target < this.run.t) {
          this.firstPass = false;
          await this.rebuild();
        }
        await this.run.runTo(target);
      } finally {
        this.suppress = false;
      }
      this.simAnchor = Math.max(this.run.t, 0);
      this.wallAnchor = this.clock.now();
      this.emitStatus("live.seek");
    });
  }

  /**
   * A fault or launch from the exercise control, as written in a scenario's injects (tS in scenario
   * seconds, fields as in YAML); validated like a scenario's (UserError naming the field).
   */
  async injectFromControl(tS: number, type: string, fields: Record<string, unknown>): Promise<RunnerInject> {
    const index = this.scenario.injects.length + this.addedInjects.length;
    const launches = [
      ...this.scenario.launches,
      ...this.addedInjects.flatMap((i) => (i.type === "launch" ? [i.launch] : [])),
    ];
    const { runner } = parseInjects({ ...this.scenario, launches, injects: [{ tS, type, fields, index }] });
    if (runner.length !== 1)
      throw new UserError(
        `inject type "${type}" is not one the runner executes (${RUNNER_INJECT_TYPES.join(", ")})`,
      );
    if (tS < this.run.t) throw new UserError(`inject time ${tS} s is in the past (now ${this.run.t} s)`);
    await this.inject(runner[0]);
    return runner[0];
  }

  /** A fault or launch added by the exercise control while running. */
  inject(i: RunnerInject): Promise<void> {
    return this.serial(async () => {
      this.run.addInject(i);
      this.addedInjects.push(i);
    });
  }

  /** Runs the steps the wall clock allows now (also called by the timer). */
  tick(): Promise<void> {
    return this.serial(async () => {
      if (this.paused) return;
      const target = this.simAnchor + ((this.clock.now() - this.wallAnchor) / 1000) * this.speed;
      await this.run.runTo(target);
      if (this.run.done) await this.end();
    });
  }

  /** Stops the clock and finishes the run (nodes stopped, log flushed). */
  async stop(): Promise<ExerciseResult> {
    this.pause();
    await this.serial(() => this.end());
    return this.result!;
  }

  private async end(): Promise<void> {
    if (this.result) return;
    this.paused = true;
    this.cancelTimer?.();
    this.result = await this.run.finish();
    this.emitStatus("live.end");
  }

  private anchor(): void {
    this.simAnchor = this.paused
      ? Math.max(this.run.t, 0)
      : this.simAnchor + ((this.clock.now() - this.wallAnchor) / 1000) * this.speed;
    this.wallAnchor = this.clock.now();
  }

  private schedule(): void {
    if (this.paused) return;
    this.cancelTimer = this.clock.setTimer(() => {
      void this.tick().then(() => this.schedule());
    }, this.options.tickMs ?? 100);
  }

  private serial(fn: () => Promise<void>): Promise<void> {
    const next = this.busy.then(fn);
    this.busy = next.catch(() => undefined);
    return next;
  }

  private emitStatus(kind: string): void {
    const e: RecordedEvent = { t: Math.max(this.run.t, 0), kind, source: "live", payload: this.status() };
    for (const l of this.listeners) l(e);
  }
}

function checkSpeed(speed: number): number {
  if (!Number.isFinite(speed) || speed <= 0 || speed > 10_000)
    throw new RangeError(`speed must be in (0, 10000], got ${speed}`);
  return speed;
}

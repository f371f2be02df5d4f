/**
 * A scenario played live for the server: a SteppingRun driven by an ExerciseClock (wall clock × speed,
 * pause, resume, seek), ticking on a timer. After each tick every view's picture is rebuilt at most
 * once, on demand, and shared by all subscribers of that view.
 *
 * Compute is sliced (at most `sliceMs` of stepping per timer turn) so the server keeps answering while
 * it catches up after a seek or at a speed the machine cannot follow; the picture then says
 * `catchingUp` and shows the time actually reached.
 */
import type { NodeEvent } from "../node/node-events.ts";
import type { SharingMode } from "../node/sharing-mode.ts";
import type { Scenario } from "../scenario/scenario.ts";
import { SENSOR_CATALOGUE } from "../sensors/catalogue.ts";
import type { AllyCode } from "../world/nation.ts";
import { ExerciseClock } from "./exercise-clock.ts";
import type { ExerciseFeed } from "./feed.ts";
import { SteppingRun } from "./stepping-run.ts";
import {
  estimatedLaunchPoints,
  logEntry,
  ownTracks,
  systemTracks,
  trueLaunchPoints,
  truthObjects,
  wireAlert,
  wireArea,
  wireSensor,
} from "./views.ts";
import type { ClockState, PictureFrame, ViewName, WireArea, WireLogEntry, WireSensor } from "./wire.ts";

export interface LiveExerciseOptions {
  readonly id?: string;
  readonly sharing?: SharingMode;
  readonly seed?: number | string;
  /** Wall clock × speed (default 1). */
  readonly speed?: number;
  readonly startT?: number;
  readonly paused?: boolean;
  /** Timer period, ms (default 250). */
  readonly tickMs?: number;
  /** Longest stretch of stepping per timer turn, ms (default 80 % of tickMs). */
  readonly sliceMs?: number;
  /** Log entries kept per nation (default 2,000). */
  readonly logLimit?: number;
  readonly now?: () => number;
}

export class LiveExercise implements ExerciseFeed {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly views: readonly ViewName[];
  private run!: SteppingRun;
  private readonly clockImpl: ExerciseClock;
  private readonly logs = new Map<string, WireLogEntry[]>();
  private seq = 0;
  private readonly listeners = new Set<() => void>();
  private readonly cache = new Map<ViewName, PictureFrame>();
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private closed = false;
  private generation = 0;
  private readonly launchIds: Set<string>;

  private constructor(
    readonly scenario: Scenario,
    private readonly opts: LiveExerciseOptions,
  ) {
    this.id = opts.id ?? scenario.name;
    this.name = scenario.name;
    this.description = scenario.description;
    this.views = [...scenario.nations, "TRUTH"];
    this.clockImpl = new ExerciseClock(scenario.durationS, opts.now, {
      speed: opts.speed,
      startT: opts.startT,
      paused: opts.paused,
    });
    this.launchIds = new Set(scenario.launches.map((l) => l.id));
  }

  static async start(scenario: Scenario, opts: LiveExerciseOptions = {}): Promise<LiveExercise> {
    const ex = new LiveExercise(scenario, opts);
    await ex.rebuild();
    ex.timer = setInterval(() => void ex.tick(), opts.tickMs ?? 250);
    return ex;
  }

  private async rebuild(): Promise<void> {
    const gen = ++this.generation;
    const old = this.run;
    this.logs.clear();
    this.cache.clear();
    this.run = await SteppingRun.create(this.scenario, {
      sharing: this.opts.sharing,
      seed: this.opts.seed,
      onNodeEvent: (e) => {
        if (gen === this.generation) this.onEvent(e);
      },
    });
    if (old) await old.stop();
  }

  private onEvent(e: NodeEvent): void {
    const entry = logEntry(++this.seq, e);
    if (!entry) return;
    let l = this.logs.get(e.nation);
    if (!l) {
      l = [];
      this.logs.set(e.nation, l);
    }
    l.push(entry);
    const limit = this.opts.logLimit ?? 2000;
    if (l.length > limit * 1.5) l.splice(0, l.length - limit);
  }

  /** Advances the run towards the clock, for at most one slice; then tells subscribers. */
  async tick(): Promise<void> {
    if (this.busy || this.closed) return;
    this.busy = true;
    try {
      const target = this.clockImpl.t();
      if (target < this.run.t - 1e-9) await this.rebuild();
      const deadline = performance.now() + (this.opts.sliceMs ?? 0.8 * (this.opts.tickMs ?? 250));
      const gen = this.generation;
      while (this.run.t + 1 <= target + 1e-9 && performance.now() < deadline && gen === this.generation)
        await this.run.advanceTo(this.run.t + 1);
      this.cache.clear();
      for (const l of this.listeners) l();
    } finally {
      this.busy = false;
    }
  }

  /** Runs ticks until the run has reached the clock (tests and the CLI use this after a seek). */
  async settle(): Promise<void> {
    while (this.run.t + 1 <= this.clockImpl.t() + 1e-9) {
      while (this.busy) await new Promise((r) => setTimeout(r, 5));
      await this.tick();
    }
  }

  clock(): ClockState {
    const target = this.clockImpl.t();
    return {
      t: Math.max(0, this.run.t),
      speed: this.clockImpl.speed,
      paused: this.clockImpl.paused,
      catchingUp: target - this.run.t > 2,
      durationS: this.scenario.durationS,
      epochMs: this.scenario.epochMs,
    };
  }

  sensors(view: ViewName): WireSensor[] {
    const t = Math.max(0, this.run.t);
    return this.run.built.sensors
      .filter((s) => view === "TRUTH" || s.nation === view)
      .map((s) => wireSensor(s, t));
  }

  areas(view: ViewName): WireArea[] {
    return this.run.protectedAreas.filter((p) => view === "TRUTH" || p.owner === view).map(wireArea);
  }

  picture(view: ViewName): PictureFrame {
    const hit = this.cache.get(view);
    if (hit) return hit;
    const clock = this.clock();
    let frame: PictureFrame;
    if (view === "TRUTH") {
      const alerts = [...this.run.pictures.values()].flatMap((p) => p.alerts.map(wireAlert));
      frame = {
        type: "picture",
        view,
        clock,
        tracks: [],
        systemTracks: [],
        alerts,
        launchPoints: trueLaunchPoints(this.run.built.movers, this.launchIds, clock.t),
        truth: truthObjects(this.run.built.movers, clock.t),
      };
    } else {
      const nation = view as AllyCode;
      const pic = this.run.pictures.get(nation);
      frame = {
        type: "picture",
        view,
        clock,
        tracks: pic ? ownTracks(nation, pic) : [],
        systemTracks: pic ? systemTracks(pic) : [],
        alerts: pic ? pic.alerts.map(wireAlert) : [],
        launchPoints: pic ? estimatedLaunchPoints(pic.alerts, this.run.firstSeen.get(nation)) : [],
        truth: [],
      };
    }
    this.cache.set(view, frame);
    return frame;
  }

  log(view: ViewName, afterSeq: number, max = 500): WireLogEntry[] {
    const sources = view === "TRUTH" ? [...this.logs.values()] : [this.logs.get(view) ?? []];
    const out = sources.flatMap((l) => l.filter((e) => e.seq > afterSeq));
    if (sources.length > 1) out.sort((a, b) => a.seq - b.seq);
    return out.slice(-max);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  pause(): void {
    this.clockImpl.pause();
  }
  resume(): void {
    this.clockImpl.resume();
  }
  live(): void {
    // The live edge is as far as the run has got: drop any seek lag so the picture follows the clock.
    this.clockImpl.seek(Math.max(0, this.run.t));
    this.clockImpl.resume();
  }
  setSpeed(speed: number): void {
    this.clockImpl.setSpeed(speed);
  }
  seek(t: number): void {
    this.clockImpl.seek(t);
  }

  forbiddenFor(view: ViewName): readonly string[] {
    if (view === "TRUTH") return [];
    const ids = new Set<string>();
    for (const s of this.run.built.sensors) if (s.nation !== view) ids.add(s.id);
    for (const [name, entry] of Object.entries(SENSOR_CATALOGUE)) if (entry.nation !== view) ids.add(name);
    return [...ids];
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    while (this.busy) await new Promise((r) => setTimeout(r, 5));
    await this.run.stop();
  }
}

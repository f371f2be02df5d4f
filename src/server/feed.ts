/**
 * What the HTTP/WebSocket layer needs from a running exercise: its description, a clock, per-view
 * pictures and logs, and a tick to push on. The live exercise (live-exercise.ts) implements it over
 * real national nodes; the web benchmark implements it with a load generator.
 */
import type { ClockState, PictureFrame, ViewName, WireArea, WireLogEntry, WireSensor } from "./wire.ts";

export interface ExerciseFeed {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly views: readonly ViewName[];
  clock(): ClockState;
  /** Sensors of one nation (control: every sensor for TRUTH). */
  sensors(view: ViewName): WireSensor[];
  areas(view: ViewName): WireArea[];
  /** The picture of a view at the latest tick (the same object for every subscriber of the view). */
  picture(view: ViewName): PictureFrame;
  /** Log entries of a view with seq > afterSeq (at most `max`, newest kept). */
  log(view: ViewName, afterSeq: number, max?: number): WireLogEntry[];
  /** Called after each tick (new picture); returns an unsubscribe function. */
  subscribe(listener: () => void): () => void;
  pause(): void;
  resume(): void;
  /** Back to the wall clock: resume and go to the live edge (no seek lag). */
  live(): void;
  setSpeed(speed: number): void;
  seek(t: number): void;
  /** Strings that must never reach a participant of `view` (other nations' sensor ids). */
  forbiddenFor(view: ViewName): readonly string[];
  close(): Promise<void>;
}

/**
 * Scenario time against wall time: wall clock × speed, pause, resume, seek. The wall clock is read only
 * through the injected `now` (ms), so tests can drive it. Scenario time never leaves [0, durationS].
 */
export class ExerciseClock {
  private anchorWallMs: number;
  private anchorT: number;
  private _speed: number;
  private _paused: boolean;

  constructor(
    readonly durationS: number,
    private readonly now: () => number = Date.now,
    opts: { speed?: number; startT?: number; paused?: boolean } = {},
  ) {
    this.anchorWallMs = now();
    this.anchorT = opts.startT ?? 0;
    this._speed = opts.speed ?? 1;
    this._paused = opts.paused ?? false;
  }

  get speed(): number {
    return this._speed;
  }
  get paused(): boolean {
    return this._paused;
  }

  /** Scenario time now, s. */
  t(): number {
    const t = this._paused
      ? this.anchorT
      : this.anchorT + ((this.now() - this.anchorWallMs) / 1000) * this._speed;
    return Math.max(0, Math.min(this.durationS, t));
  }

  private reanchor(t = this.t()): void {
    this.anchorT = Math.max(0, Math.min(this.durationS, t));
    this.anchorWallMs = this.now();
  }

  pause(): void {
    this.reanchor();
    this._paused = true;
  }
  resume(): void {
    this.reanchor();
    this._paused = false;
  }
  setSpeed(speed: number): void {
    this.reanchor();
    this._speed = speed;
  }
  seek(t: number): void {
    this.reanchor(t);
  }
}

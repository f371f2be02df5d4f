/**
 * The state of every live mover at one instant, packed into flat arrays. A runner samples the movers
 * once per instant and lets every sensor that scans at that instant read the same snapshot: sampling a
 * flight model is the expensive part, and sensors then loop over contiguous Float64Arrays.
 */
import { type Mover, newTruthState } from "../world/truth.ts";

export class TruthSnapshot {
  /** Time of the snapshot, s since epoch (NaN before the first fill). */
  t = Number.NaN;
  /** Number of live objects in the arrays below. */
  count = 0;
  /** Object ids, index-aligned with the arrays. */
  ids: string[] = [];
  /** ECEF positions, 3 per object (x0, y0, z0, x1, ...), metres. */
  pos: Float64Array;
  /** ECEF velocities, 3 per object, m/s. */
  vel: Float64Array;
  /** 1 while the object's motor burns. */
  burning: Uint8Array;
  /** Radar cross-section, m². */
  rcsM2: Float64Array;
  private readonly scratch = newTruthState();

  constructor(capacity = 64) {
    this.pos = new Float64Array(3 * capacity);
    this.vel = new Float64Array(3 * capacity);
    this.burning = new Uint8Array(capacity);
    this.rcsM2 = new Float64Array(capacity);
  }

  private ensureCapacity(n: number): void {
    if (n <= this.rcsM2.length) return;
    const cap = Math.max(n, 2 * this.rcsM2.length);
    const pos = new Float64Array(3 * cap);
    pos.set(this.pos);
    const vel = new Float64Array(3 * cap);
    vel.set(this.vel);
    const burning = new Uint8Array(cap);
    burning.set(this.burning);
    const rcs = new Float64Array(cap);
    rcs.set(this.rcsM2);
    this.pos = pos;
    this.vel = vel;
    this.burning = burning;
    this.rcsM2 = rcs;
  }

  /** Samples every mover alive at t (tStart ≤ t ≤ tEnd and `sample` succeeds). */
  fill(t: number, movers: readonly Mover[]): this {
    this.t = t;
    this.ensureCapacity(movers.length);
    const s = this.scratch;
    let n = 0;
    for (let i = 0; i < movers.length; i++) {
      const m = movers[i];
      if (t < m.tStart || t > m.tEnd) continue;
      if (!m.sample(t, s)) continue;
      // A time-varying RCS (booster, then reentry vehicle) wins over the constant one.
      this.add(m.id, s.pos, s.vel, s.burning, m.rcsAt ? m.rcsAt(t) : m.rcsM2, n);
      n++;
    }
    this.count = n;
    this.ids.length = n;
    return this;
  }

  /** Clears the snapshot to time t with no objects (then `push` objects one by one). */
  reset(t: number): this {
    this.t = t;
    this.count = 0;
    this.ids.length = 0;
    return this;
  }

  /** Appends one object (for callers that hold states rather than movers, and for tests). */
  push(id: string, pos: ArrayLike<number>, vel: ArrayLike<number>, burning: boolean, rcsM2: number): this {
    this.ensureCapacity(this.count + 1);
    this.add(id, pos, vel, burning, rcsM2, this.count);
    this.count++;
    return this;
  }

  private add(
    id: string,
    pos: ArrayLike<number>,
    vel: ArrayLike<number>,
    burning: boolean,
    rcsM2: number,
    i: number,
  ): void {
    this.ids[i] = id;
    const k = 3 * i;
    this.pos[k] = pos[0];
    this.pos[k + 1] = pos[1];
    this.pos[k + 2] = pos[2];
    this.vel[k] = vel[0];
    this.vel[k + 1] = vel[1];
    this.vel[k + 2] = vel[2];
    this.burning[i] = burning ? 1 : 0;
    this.rcsM2[i] = rcsM2;
  }
}

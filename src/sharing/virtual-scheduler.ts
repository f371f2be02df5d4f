/**
 * A scheduler in virtual time: callbacks run in time order (ties in the order they were scheduled)
 * when the owner advances the clock. No timers, no wall clock — the same inputs give the same run.
 * The in-process bus takes the `Scheduler` interface, so an exercise runner can pass its own.
 */
export interface Scheduler {
  /** Current virtual time, s since exercise epoch. */
  now(): number;
  /** Runs `fn` at virtual time `atS` (immediately-next if `atS` ≤ now). */
  at(atS: number, fn: () => void): void;
}

interface Item {
  t: number;
  seq: number;
  fn: () => void;
}

export class VirtualScheduler implements Scheduler {
  private t: number;
  private seq = 0;
  private readonly heap: Item[] = [];

  constructor(startS = 0) {
    this.t = startS;
  }

  now(): number {
    return this.t;
  }

  at(atS: number, fn: () => void): void {
    if (!Number.isFinite(atS)) throw new Error(`cannot schedule at non-finite time ${atS}`);
    this.push({ t: Math.max(atS, this.t), seq: this.seq++, fn });
  }

  /** Number of callbacks waiting. */
  get pending(): number {
    return this.heap.length;
  }

  /** Time of the next callback, or undefined when none is waiting. */
  nextTime(): number | undefined {
    return this.heap[0]?.t;
  }

  /** Runs every callback due at or before `tS` and leaves the clock at `tS`. Returns how many ran. */
  runUntil(tS: number): number {
    let n = 0;
    while (this.heap.length > 0 && this.heap[0].t <= tS) {
      const it = this.pop();
      this.t = it.t;
      it.fn();
      n++;
    }
    if (tS > this.t) this.t = tS;
    return n;
  }

  /** Runs until nothing is waiting (or `maxEvents` ran, against runaway loops). Returns how many ran. */
  runAll(maxEvents = 10_000_000): number {
    let n = 0;
    while (this.heap.length > 0 && n < maxEvents) {
      const it = this.pop();
      this.t = it.t;
      it.fn();
      n++;
    }
    return n;
  }

  private less(a: Item, b: Item): boolean {
    return a.t < b.t || (a.t === b.t && a.seq < b.seq);
  }

  private push(it: Item): void {
    const h = this.heap;
    h.push(it);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): Item {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

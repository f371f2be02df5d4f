/**
 * Hands out small zero-filled Float64Array views carved from larger ArrayBuffers.
 *
 * Why: a detection needs its own z and R arrays, and a fresh small typed array costs a separate
 * backing-store allocation (and for more than 64 bytes an off-heap one, tracked by the GC as external
 * memory) — measured at several microseconds each under load, which dominated sensor scans at a
 * thousand objects. A view on a shared slab costs a fraction of that. Each region is handed out once,
 * so views never alias; a slab is freed when no view on it is left.
 *
 * Consequence for consumers: `view.buffer` is the whole slab (8 KB by default), not just the view's
 * elements; copy with `Float64Array.from(view)` before transferring a buffer to a worker.
 */
export class Float64Slab {
  private buffer: ArrayBuffer;
  private used = 0;

  constructor(private readonly slabLength = 1024) {
    this.buffer = new ArrayBuffer(8 * slabLength);
  }

  /** A new zero-filled view of n elements (n ≤ slabLength). */
  take(n: number): Float64Array {
    if (this.used + n > this.slabLength) {
      this.buffer = new ArrayBuffer(8 * Math.max(this.slabLength, n));
      this.used = 0;
    }
    const view = new Float64Array(this.buffer, 8 * this.used, n);
    this.used += n;
    return view;
  }
}

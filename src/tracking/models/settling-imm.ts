/**
 * An IMM that settles on one of its models for good once every other model has been ruled out for a
 * while: from then on that model's filter runs alone, at its own cost.
 *
 * For missile tracks: a boost model (ballistic dynamics with an acceleration noise that covers
 * thrust) against the ballistic one. The missiles here do not relight, so once boost has had a
 * negligible probability for `settleS` the track is ballistic for the rest of its life, and the IMM
 * (two filters, plus mixing and likelihoods) would only keep a boost model nobody needs — most tracks
 * in a raid are debris and spent stages that were never powered.
 */
import type { Detection } from "../../sensors/detection.ts";
import type { TrackFilter } from "../track-filter.ts";
import { Imm, type ImmOptions } from "./imm.ts";

export interface SettlingOptions {
  /** Index of the model kept once the others are ruled out. */
  readonly keep: number;
  /** The others are ruled out while their total probability stays below this. */
  readonly below: number;
  /** ... for this long, s. */
  readonly settleS: number;
  /**
   * Whether the other models' own estimates still show what they model (default: no): while this
   * holds the IMM does not settle, however low their probability. A weight says which model explains
   * the latest detections best, and a coarse radar cannot tell a booster from a ballistic object over
   * a few seconds; the boost filter's own thrust estimate keeps the evidence of the whole track.
   */
  readonly othersPlausible?: (models: readonly TrackFilter[]) => boolean;
  /**
   * Called with the kept model's filter at every update while the others' total probability is below
   * `below` (before the IMM settles, which waits `settleS` and for `othersPlausible`), until it returns
   * true: the filter may then drop an assumption the other models needed.
   */
  readonly onRuledOut?: (kept: TrackFilter) => boolean;
}

export class SettlingImm implements TrackFilter {
  private imm: Imm | undefined;
  private active: TrackFilter;
  /** Since when the other models have been below `below` (NaN: not now). */
  private belowSince = Number.NaN;
  /** Whether onRuledOut has done what it waited for. */
  private ruledOut = false;
  private readonly modelCount: number;

  constructor(
    models: readonly TrackFilter[],
    options: ImmOptions,
    private readonly settling: SettlingOptions,
  ) {
    if (!(settling.keep >= 0 && settling.keep < models.length))
      throw new RangeError(`keep must index one of the ${models.length} models, got ${settling.keep}`);
    this.imm = new Imm(models, options);
    this.active = this.imm;
    this.modelCount = models.length;
  }

  /** Whether the IMM has settled on the kept model. */
  get settled(): boolean {
    return this.imm === undefined;
  }

  /** The IMM while it runs (its models and their probabilities); undefined once settled. */
  get running(): Imm | undefined {
    return this.imm;
  }

  /** Current model probabilities (the kept model has 1 once settled). */
  get mu(): Float64Array {
    if (this.imm) return this.imm.mu;
    const mu = new Float64Array(this.modelCount);
    mu[this.settling.keep] = 1;
    return mu;
  }

  get dim(): number {
    return this.active.dim;
  }
  get t(): number {
    return this.active.t;
  }
  get x(): Float64Array {
    return this.active.x;
  }
  get P(): Float64Array {
    return this.active.P;
  }

  predictTo(t: number): void {
    this.active.predictTo(t);
  }

  gate(det: Detection): number {
    return this.active.gate(det);
  }

  update(det: Detection): void {
    this.active.update(det);
    const imm = this.imm;
    if (!imm) return;
    const others = 1 - imm.mu[this.settling.keep];
    if (others < this.settling.below && !this.ruledOut)
      this.ruledOut = this.settling.onRuledOut?.(imm.models[this.settling.keep]) ?? true;
    if (others >= this.settling.below || this.settling.othersPlausible?.(imm.models)) {
      this.belowSince = Number.NaN;
      return;
    }
    if (Number.isNaN(this.belowSince)) this.belowSince = imm.t;
    if (imm.t - this.belowSince < this.settling.settleS) return;
    // The kept model's own estimate: the combined one differs from it by the others' small share.
    this.active = imm.models[this.settling.keep];
    this.imm = undefined;
  }

  updatedState(det: Detection, out: Float64Array): void {
    if (!this.active.updatedState) throw new RangeError("the active filter does not support updatedState");
    this.active.updatedState(det, out);
  }

  inflate(C: Float64Array, k: number): void {
    if (!this.active.inflate) throw new RangeError("the active filter does not support inflate");
    this.active.inflate(C, k);
  }

  get ambiguity(): Float64Array | null {
    return this.active.ambiguity ?? null;
  }

  clone(): SettlingImm {
    const c = Object.create(SettlingImm.prototype) as SettlingImm;
    Object.assign(c, this);
    c.imm = this.imm?.clone();
    c.active = c.imm ?? this.active.clone();
    return c;
  }
}

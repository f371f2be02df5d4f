/**
 * A node's fusion engine: the latest estimate of every local and allied track, merged into one
 * system picture with stable system track numbers.
 *
 * Each `fuse(t)`:
 *  1. Prediction. Every live report is predicted to t with the ballistic model (report-prediction.ts);
 *     allied reports older than `maxAgeS` are forgotten (a lost drop message must not leave a ghost),
 *     reports more than `futureToleranceS` ahead of t wait. The node's OWN reports are not aged out
 *     (unless `ownMaxAgeS` says so): its tracker decides when an own track ends — it coasts a track it
 *     has not updated for a while (out of a radar's coverage, a missed scan or two) and deletes it by
 *     its own rules, then the node calls `drop()`. Forgetting it earlier would take it out of the
 *     picture while the tracker still holds it, and bring it back later as a new report.
 *  2. Association, source by source (own nation first, then the NATIONS order — deterministic).
 *     The test statistic between a report r and an estimate e is
 *         d² = (x_r − x_e)ᵀ (P_r + P_e)⁻¹ (x_r − x_e),
 *     the χ² of the difference as if the two errors were uncorrelated: the cross-covariance is
 *     unknown (common process noise and shared sensor data correlate them, which shrinks the true
 *     spread of the difference), so P_r + P_e over-states it and the gate errs on the side of
 *     accepting. d² is χ²₆ for a true pairing under that assumption. A report is never tested against
 *     its own source's contribution.
 *       - Hysteresis: a pairing that held last time is KEPT while the report agrees (d² ≤ the loose
 *         gate, `holdGateProbability`) with at least one other member of its system track, whatever a
 *         competing pairing would cost, so crossing objects do not swap and pairings do not flicker.
 *         The test is pairwise so that one member walking off cannot drag a fused reference away and
 *         evict the members that still agree. A pairing is broken only after the report has failed
 *         that test at `holdMisses` + 1 fusions in a row (default 1 + 1): in boost, where the trackers
 *         lag an acceleration their models leave out and allied reports arrive 3–4 s old, an own
 *         track can fall outside the hold gate every other step — it used to leave its system track,
 *         start a new number and merge back at the next step, over and over (KOR went through 21
 *         system track numbers for one ICBM). A report that really walks off is split one fusion
 *         later.
 *       - The others are assigned optimally (reuse of tracking/assignment.ts: most pairs, then least
 *         total d², cluster by cluster) within the normal gate (`gateProbability`), against each
 *         system track's REFERENCE: the CI fusion of its members from the other sources. One report per source per system
 *         track: a source that holds two tracks says they are two objects.
 *       - A report whose system track holds nothing from other sources (a "singleton") may move into
 *         a system track it gates with: the two system tracks were the same object seen first by
 *         different nations. The emptied one is reported as merged.
 *       - An unassigned report starts a new system track.
 *     A system track keeps its stn as long as any member stays in it.
 *       - Before it does, it is tested against the COASTING candidates (coasting.ts): system tracks
 *         dropped earlier whose object may still be in flight (until the latest impact of their
 *         sigma points). The test is the χ² of the two-body invariants (angular momentum,
 *         eccentricity vector, time of apoapsis — what ballistic flight conserves, so a gap of an
 *         hour out of every radar's coverage costs no accuracy) with the combined covariance, gated
 *         at χ²₆(`coastGateProbability`, default 0.999, the association gate). Among the candidates
 *         that gate, the most likely (least d² + ln det S) is chosen, optimally over the source's new
 *         reports. The report then takes the candidate's system track number back (a "resume" event):
 *         a missile that climbed out of coverage, or a radar that lost and re-initiated its track,
 *         keeps its number. Reports that gate with a live system track never reach this test.
 *  3. Reporting responsibility (reporting-responsibility.ts): best member, handover past a margin.
 *  4. Fusion: sequential covariance intersection of the members, best first
 *     (covariance-intersection.ts) — shared information is never counted twice.
 *
 * Bad reports (wrong size, NaN, non-SPD covariance, unknown nation, older than what is held) are
 * refused by `report()` with the reason, counted, and never reach the picture.
 */
import { cholesky, mahalanobis2 } from "../core/matrix.ts";
import { lowerBound } from "../core/sorted-search.ts";
import { chiSquareQuantile } from "../tracking/metrics/chi-square.ts";
import { NATIONS, type NationCode } from "../world/nation.ts";
import { CoastingModel, CoastingTrack, DEFAULT_COASTING, invariantMoments } from "./coasting.ts";
import { type CiCriterion, CiWorkspace, ciFuseMany } from "./covariance-intersection.ts";
import { DEFAULT_PHASE_Q, type PhaseNoise, ReportPredictor } from "./report-prediction.ts";
import {
  compareCandidates,
  DEFAULT_RESPONSIBILITY_RULE,
  decideReporter,
  type ReporterCandidate,
  type ResponsibilityBasis,
} from "./reporting-responsibility.ts";
import { type Edge, sparseAssignment } from "./sparse-assignment.ts";
import {
  type Contributor,
  checkTrackReport,
  FUSED_DIM,
  type SystemTrack,
  type TrackReport,
} from "./track-report.ts";

export type { Contributor, FlightPhase, SystemTrack, TrackReport } from "./track-report.ts";

const N = FUSED_DIM;
const NN = N * N;

export interface FusionEngineOptions {
  /** The node's own nation (its reports are associated first). */
  readonly nation: NationCode;
  /** Probability mass inside the association gate for a true pairing (default 0.999). */
  readonly gateProbability?: number;
  /** Looser gate that keeps last time's pairing (hysteresis; default 0.99999). */
  readonly holdGateProbability?: number;
  /** Fusions in a row a held pairing survives outside the hold gate before it is broken (default 1). */
  readonly holdMisses?: number;
  /** Allied reports older than this at fusion time are forgotten, s (default 20). */
  readonly maxAgeS?: number;
  /** Own reports older than this are forgotten, s (default: never — the tracker drops them). */
  readonly ownMaxAgeS?: number;
  /** Reports up to this far ahead of the fusion time are brought back to it, s (default 5). */
  readonly futureToleranceS?: number;
  /** Prediction acceleration noise density, m²/s³: one value, or one per flight phase. */
  readonly qAccel?: number | Partial<PhaseNoise>;
  /** CI weight criterion (default "det"). */
  readonly ciCriterion?: CiCriterion;
  /** How the reporter is chosen (default "covariance"). */
  readonly responsibilityBasis?: ResponsibilityBasis;
  /** Covariance basis: challenger trace ≤ (1 − margin) × holder's to take over (default 0.3). */
  readonly handoverTraceMargin?: number;
  /** Quality basis: challenger quality ≥ holder's + margin to take over (default 2). */
  readonly handoverQualityMargin?: number;
  /** Gate probability for taking a coasting (dropped) system track back (default 0.999). */
  readonly coastGateProbability?: number;
  /** Keep dropped system tracks as coasting candidates (default true). */
  readonly coasting?: boolean;
}

export type FusionEvent =
  | { readonly kind: "new"; readonly stn: number; readonly t: number; readonly reporter: NationCode }
  | {
      readonly kind: "handover";
      readonly stn: number;
      readonly t: number;
      readonly from: NationCode;
      readonly to: NationCode;
      /** The new reporter's own track number. */
      readonly trackNumber: string;
      /** The previous reporter's own track number. */
      readonly fromTrackNumber: string;
      readonly reason: "better-quality" | "reporter-lost";
    }
  | { readonly kind: "merge"; readonly stn: number; readonly into: number; readonly t: number }
  | {
      readonly kind: "drop";
      readonly stn: number;
      readonly t: number;
      /** Kept as a coasting candidate until this time (absent: forgotten at once). */
      readonly coastUntil?: number;
    }
  /** A new report took a coasting system track back after `gapS` without any. */
  | {
      readonly kind: "resume";
      readonly stn: number;
      readonly t: number;
      readonly gapS: number;
      /** The candidate's predicted impact (latest of its sigma points), s. */
      readonly coastUntil: number;
    }
  /** A coasting candidate passed its predicted impact without being taken back. */
  | { readonly kind: "forget"; readonly stn: number; readonly t: number };

export type HandoverEvent = Extract<FusionEvent, { kind: "handover" }>;

export type ReportResult =
  | { readonly accepted: true }
  | { readonly accepted: false; readonly reason: string };

export interface FusionStats {
  readonly accepted: number;
  /** Refused reports by field ("x", "P", "source", "stale", …). */
  readonly rejected: Readonly<Record<string, number>>;
  /** Reports forgotten for age. */
  readonly expired: number;
  /** Report-rounds skipped because the report was too far ahead of the fusion time. */
  readonly heldFuture: number;
  /** Report-rounds skipped because prediction produced a non-finite or non-SPD result. */
  readonly predictionFailed: number;
  readonly systemTracks: number;
}

interface StoredReport {
  readonly key: string;
  r: TrackReport;
  /** System track it belonged to after the last fusion (-1: none). */
  stn: number;
  /** Prediction to the current fusion time. */
  readonly xp: Float64Array;
  readonly Pp: Float64Array;
  usable: boolean;
  positionTrace: number;
  /** Fusions in a row this report was kept in its system track outside the hold gate. */
  holdMisses: number;
}

interface SystemState {
  readonly stn: number;
  readonly tFirst: number;
  reporter: NationCode | null;
  reporterTrackNumber: string;
  /** Working membership: source → report key. */
  readonly members: Map<NationCode, string>;
  /** Last fused estimate (what a coasting candidate starts from). */
  last?: { t: number; x: Float64Array; P: Float64Array };
  /** Taken back from coasting (no "new" event when its reporter is first decided). */
  resumed?: boolean;
}

const keyOf = (source: NationCode, trackNumber: string) => `${source}\u0000${trackNumber}`;

export class FusionEngine {
  readonly nation: NationCode;
  private readonly gate: number;
  private readonly holdGate: number;
  private readonly holdMisses: number;
  private readonly maxAgeS: number;
  private readonly ownMaxAgeS: number;
  private readonly futureToleranceS: number;
  private readonly criterion: CiCriterion;
  private readonly rule: { basis: ResponsibilityBasis; traceMargin: number; qualityMargin: number };
  private readonly predictor: ReportPredictor;
  private readonly ws = new CiWorkspace(N);
  private readonly d = new Float64Array(N);
  private readonly S = new Float64Array(NN);
  private readonly mahaWork = new Float64Array(NN + N);
  private readonly refX = new Float64Array(N);
  private readonly refP = new Float64Array(NN);
  private readonly sourceOrder: NationCode[];
  private readonly coastGate: number;
  private readonly coastModel: CoastingModel | null;
  private readonly coasting = new Map<number, CoastingTrack>();

  private readonly reports = new Map<string, StoredReport>();
  private readonly systems = new Map<number, SystemState>();
  private nextStn = 1;
  private lastT = Number.NEGATIVE_INFINITY;
  private events: FusionEvent[] = [];
  private handoverQueue: HandoverEvent[] = [];
  private accepted = 0;
  private readonly rejected: Record<string, number> = {};
  private expired = 0;
  private heldFuture = 0;
  private predictionFailed = 0;

  constructor(opts: FusionEngineOptions) {
    this.nation = opts.nation;
    const p = opts.gateProbability ?? 0.999;
    const ph = opts.holdGateProbability ?? 0.99999;
    if (!(p > 0 && p < 1)) throw new RangeError(`gateProbability must be in (0, 1), got ${p}`);
    if (!(ph >= p && ph < 1))
      throw new RangeError(`holdGateProbability must be in [gateProbability, 1), got ${ph}`);
    this.gate = chiSquareQuantile(p, N);
    this.holdGate = chiSquareQuantile(ph, N);
    this.holdMisses = opts.holdMisses ?? 1;
    if (!(Number.isInteger(this.holdMisses) && this.holdMisses >= 0))
      throw new RangeError(`holdMisses must be a whole number ≥ 0, got ${this.holdMisses}`);
    this.maxAgeS = opts.maxAgeS ?? 20;
    this.futureToleranceS = opts.futureToleranceS ?? 5;
    if (!(this.maxAgeS > 0)) throw new RangeError(`maxAgeS must be > 0, got ${this.maxAgeS}`);
    this.ownMaxAgeS = opts.ownMaxAgeS ?? Number.POSITIVE_INFINITY;
    if (!(this.ownMaxAgeS > 0)) throw new RangeError(`ownMaxAgeS must be > 0, got ${this.ownMaxAgeS}`);
    if (!(this.futureToleranceS >= 0 && this.futureToleranceS <= 30))
      throw new RangeError(`futureToleranceS must be in [0, 30], got ${this.futureToleranceS}`);
    this.criterion = opts.ciCriterion ?? "det";
    this.rule = {
      basis: opts.responsibilityBasis ?? DEFAULT_RESPONSIBILITY_RULE.basis,
      traceMargin: opts.handoverTraceMargin ?? DEFAULT_RESPONSIBILITY_RULE.traceMargin,
      qualityMargin: opts.handoverQualityMargin ?? DEFAULT_RESPONSIBILITY_RULE.qualityMargin,
    };
    if (!(this.rule.traceMargin >= 0 && this.rule.traceMargin < 1))
      throw new RangeError(`handoverTraceMargin must be in [0, 1), got ${this.rule.traceMargin}`);
    const q: PhaseNoise =
      typeof opts.qAccel === "number"
        ? { boost: opts.qAccel, midcourse: opts.qAccel, reentry: opts.qAccel, unknown: opts.qAccel }
        : { ...DEFAULT_PHASE_Q, ...(opts.qAccel ?? {}) };
    this.predictor = new ReportPredictor(q);
    this.sourceOrder = [opts.nation, ...NATIONS.filter((n) => n !== opts.nation)];
    const pc = opts.coastGateProbability ?? 0.999;
    if (!(pc > 0 && pc < 1)) throw new RangeError(`coastGateProbability must be in (0, 1), got ${pc}`);
    this.coastGate = chiSquareQuantile(pc, N);
    this.coastModel = (opts.coasting ?? true) ? new CoastingModel(DEFAULT_COASTING) : null;
  }

  /** Whether a dropped system track is coasting (may still be taken back by a new report). */
  isCoasting(stn: number): boolean {
    return this.coasting.has(stn);
  }

  /** Coasting candidates: system track number and until when each is kept. */
  coastingTracks(): { stn: number; tExpire: number }[] {
    return [...this.coasting.values()].map((c) => ({ stn: c.stn, tExpire: c.tExpire }));
  }

  /**
   * Takes a report; the latest estimate per (source, trackNumber) replaces the previous one. The
   * arrays are copied. A bad report is refused with the reason (naming the field) and counted; the
   * picture is untouched.
   */
  report(r: TrackReport): ReportResult {
    const problem = checkTrackReport(r);
    if (problem) return this.refuse(problem.split(/[:[]/)[0], problem);
    const key = keyOf(r.source, r.trackNumber);
    const prev = this.reports.get(key);
    if (prev && prev.r.t > r.t)
      return this.refuse("stale", `t: ${r.t} is older than the estimate already held (${prev.r.t})`);
    const copy: TrackReport = { ...r, x: Float64Array.from(r.x), P: Float64Array.from(r.P) };
    if (prev) prev.r = copy;
    else
      this.reports.set(key, {
        key,
        r: copy,
        stn: -1,
        xp: new Float64Array(N),
        Pp: new Float64Array(NN),
        usable: false,
        positionTrace: Number.POSITIVE_INFINITY,
        holdMisses: 0,
      });
    this.accepted++;
    return { accepted: true };
  }

  /** Forgets a track (the source dropped it). Returns whether it was held. */
  drop(source: NationCode, trackNumber: string): boolean {
    return this.reports.delete(keyOf(source, trackNumber));
  }

  /** Predicts every live report to t, associates, fuses. t must not go backwards. */
  fuse(t: number): readonly SystemTrack[] {
    if (!Number.isFinite(t)) throw new RangeError(`fusion time must be finite, got ${t}`);
    if (t < this.lastT) throw new RangeError(`fusion time went backwards: ${t} < ${this.lastT}`);
    this.lastT = t;
    for (const [stn, c] of this.coasting)
      if (t > c.tExpire) {
        this.coasting.delete(stn);
        this.events.push({ kind: "forget", stn, t });
      }
    this.predictAll(t);
    this.associate(t);
    return this.buildPicture(t);
  }

  /** Reporting-responsibility changes since the last call (for TrackManagement messages). */
  handovers(): HandoverEvent[] {
    const out = this.handoverQueue;
    this.handoverQueue = [];
    return out;
  }

  /** All picture events (new, handover, merge, drop) since the last call. */
  takeEvents(): FusionEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }

  stats(): FusionStats {
    return {
      accepted: this.accepted,
      rejected: { ...this.rejected },
      expired: this.expired,
      heldFuture: this.heldFuture,
      predictionFailed: this.predictionFailed,
      systemTracks: this.systems.size,
    };
  }

  private refuse(field: string, reason: string): ReportResult {
    this.rejected[field] = (this.rejected[field] ?? 0) + 1;
    return { accepted: false, reason };
  }

  private predictAll(t: number): void {
    const L = this.ws.L;
    for (const [key, s] of this.reports) {
      const dt = t - s.r.t;
      if (dt > (s.r.source === this.nation ? this.ownMaxAgeS : this.maxAgeS)) {
        this.reports.delete(key);
        this.expired++;
        continue;
      }
      s.usable = false;
      if (-dt > this.futureToleranceS) {
        this.heldFuture++;
        continue;
      }
      s.xp.set(s.r.x);
      s.Pp.set(s.r.P);
      this.predictor.predict(s.xp, s.Pp, dt, s.r.phase ?? "unknown");
      let finite = true;
      for (let i = 0; i < N; i++) if (!Number.isFinite(s.xp[i])) finite = false;
      if (!finite || !cholesky(s.Pp, N, L)) {
        this.predictionFailed++;
        continue;
      }
      s.usable = true;
      s.positionTrace = s.Pp[0] + s.Pp[7] + s.Pp[14];
    }
  }

  private candidate(s: StoredReport): ReporterCandidate {
    return { source: s.r.source, positionTrace: s.positionTrace, quality: s.r.quality ?? 0 };
  }

  /** Members of a system track as stored reports, best first. */
  private membersOf(sys: SystemState, exclude?: NationCode): StoredReport[] {
    const out: StoredReport[] = [];
    for (const [src, key] of sys.members) {
      if (src === exclude) continue;
      const s = this.reports.get(key);
      if (s?.usable) out.push(s);
    }
    out.sort((a, b) => compareCandidates(this.candidate(a), this.candidate(b), this.rule.basis));
    return out;
  }

  /** CI fusion of a list of reports (best first) into (x, P). */
  private fuseReports(list: StoredReport[], x: Float64Array, P: Float64Array): void {
    ciFuseMany(
      list.map((s) => s.xp),
      list.map((s) => s.Pp),
      N,
      x,
      P,
      this.ws,
      this.criterion,
    );
  }

  /** χ² of the report against a reference, with the quick per-axis rejection first. */
  private distance2(s: StoredReport, xRef: Float64Array, PRef: Float64Array, limit: number): number {
    const { d, S } = this;
    // d² ≥ dᵢ²/Sᵢᵢ for every i: a cheap bound that rejects far pairs without a factorisation.
    for (let i = 0; i < N; i++) {
      const di = s.xp[i] - xRef[i];
      const sii = s.Pp[i * N + i] + PRef[i * N + i];
      if ((di * di) / sii > limit) return Number.POSITIVE_INFINITY;
      d[i] = di;
    }
    for (let q = 0; q < NN; q++) S[q] = s.Pp[q] + PRef[q];
    return mahalanobis2(d, S, N, this.mahaWork);
  }

  /**
   * Allowed (free row, open report) pairs with their cost. Candidates come from a sweep along the
   * ECEF x axis: a report can gate with a reference only if |Δx| ≤ √(gate·(Pᵣₓₓ + P_refₓₓ)), so the
   * reports sorted by x are searched in that window instead of all of them (O((R + C)·log C + pairs)
   * rather than O(R·C) at a thousand objects).
   */
  private gatedPairs(
    rows: readonly SystemState[],
    freeRows: readonly number[],
    source: NationCode,
    open: readonly StoredReport[],
    previousStn: ReadonlyMap<string, number>,
  ): Edge[] {
    const edges: Edge[] = [];
    if (freeRows.length === 0 || open.length === 0) return edges;
    const order = open.map((_, b) => b).sort((u, v) => open[u].xp[0] - open[v].xp[0]);
    const xs = Float64Array.from(order, (b) => open[b].xp[0]);
    let maxVar = 0;
    for (const s of open) maxVar = Math.max(maxVar, s.Pp[0]);
    const colOfStn = new Map<number, number>();
    for (let b = 0; b < open.length; b++) {
      const prev = previousStn.get(open[b].key);
      if (prev !== undefined && prev >= 0) colOfStn.set(prev, b);
    }
    const xr = this.refX;
    const Pr = this.refP;
    for (let a = 0; a < freeRows.length; a++) {
      const i = freeRows[a];
      // Reference: the CI fusion of the members from other sources (computed only for free rows).
      const others = this.membersOf(rows[i], source);
      if (others.length === 1) {
        xr.set(others[0].xp);
        Pr.set(others[0].Pp);
      } else if (others.length > 1) this.fuseReports(others, xr, Pr);
      if (others.length === 0) {
        // A singleton may stay where it was (cost = the gate: any gated merge is preferred).
        const b = colOfStn.get(rows[i].stn);
        if (b !== undefined) edges.push({ row: a, col: b, cost: this.gate });
        continue;
      }
      const w = Math.sqrt(this.gate * (maxVar + Pr[0]));
      let lo = lowerBound(xs, xr[0] - w);
      for (; lo < xs.length && xs[lo] <= xr[0] + w; lo++) {
        const b = order[lo];
        const d2 = this.distance2(open[b], xr, Pr, this.gate);
        if (d2 <= this.gate) edges.push({ row: a, col: b, cost: d2 });
      }
    }
    return edges;
  }

  private associate(t: number): void {
    // Working membership from last time, keeping only usable reports (unusable ones keep their stn
    // in memory and may rejoin when usable again).
    for (const sys of this.systems.values())
      for (const [src, key] of sys.members) if (!this.reports.get(key)?.usable) sys.members.delete(src);
    const bySource = new Map<NationCode, StoredReport[]>();
    for (const s of this.reports.values()) {
      if (!s.usable) continue;
      let list = bySource.get(s.r.source);
      if (!list) {
        list = [];
        bySource.set(s.r.source, list);
      }
      list.push(s);
    }

    const previousStn = new Map<string, number>();
    for (const s of this.reports.values()) previousStn.set(s.key, s.stn);

    for (const source of this.sourceOrder) {
      const list = bySource.get(source);
      if (!list) continue;
      list.sort((a, b) =>
        a.r.trackNumber < b.r.trackNumber ? -1 : a.r.trackNumber > b.r.trackNumber ? 1 : 0,
      );
      for (const sys of this.systems.values()) sys.members.delete(source);

      const rows = [...this.systems.values()].sort((a, b) => a.stn - b.stn);
      const rowOfStn = new Map<number, number>();
      for (let i = 0; i < rows.length; i++) rowOfStn.set(rows[i].stn, i);

      // Hysteresis: a held pairing is kept while the report agrees, inside the loose gate, with at
      // least one other member of its system track. Pairwise (not against the members' fusion) so
      // that one member walking off cannot drag the reference away and evict the members that agree.
      const rowTaken = new Uint8Array(rows.length);
      const open: StoredReport[] = [];
      for (const s of list) {
        const prev = previousStn.get(s.key) ?? -1;
        const i = rowOfStn.get(prev);
        const others = i === undefined ? [] : this.membersOf(rows[i], source);
        const inGate = others.some((o) => this.distance2(s, o.xp, o.Pp, this.holdGate) <= this.holdGate);
        // Outside the hold gate, the pairing is kept for up to holdMisses fusions in a row.
        const tolerated = !inGate && others.length > 0 && s.holdMisses < this.holdMisses;
        s.holdMisses = tolerated ? s.holdMisses + 1 : 0;
        if ((inGate || tolerated) && i !== undefined) {
          rowTaken[i] = 1;
          rows[i].members.set(source, s.key);
          s.stn = rows[i].stn;
        } else open.push(s);
      }

      // Optimal assignment of the rest within the normal gate, over the gated pairs only.
      const freeRows: number[] = [];
      for (let i = 0; i < rows.length; i++) if (!rowTaken[i]) freeRows.push(i);
      const nr = freeRows.length;
      const nc = open.length;
      const edges = this.gatedPairs(rows, freeRows, source, open, previousStn);
      const rowToColOfOpen = nr > 0 && nc > 0 ? sparseAssignment(nr, nc, edges) : null;
      const fresh: StoredReport[] = [];
      for (let b = 0; b < nc; b++) if (!(rowToColOfOpen && rowToColOfOpen[b] >= 0)) fresh.push(open[b]);
      const resumed = this.resume(fresh, t);
      for (let b = 0; b < nc; b++) {
        const s = open[b];
        const a = rowToColOfOpen ? rowToColOfOpen[b] : -1;
        const back = resumed.get(s);
        if (a >= 0) {
          const sys = rows[freeRows[a]];
          sys.members.set(source, s.key);
          s.stn = sys.stn;
        } else if (back) {
          back.members.set(source, s.key);
          this.systems.set(back.stn, back);
          s.stn = back.stn;
        } else {
          const sys: SystemState = {
            stn: this.nextStn++,
            tFirst: t,
            reporter: null,
            reporterTrackNumber: "",
            members: new Map(),
          };
          sys.members.set(source, s.key);
          this.systems.set(sys.stn, sys);
          s.stn = sys.stn;
        }
      }
    }

    // System tracks left without members: merged (their members went into one other track) or dropped.
    // Who remembers which stn, and where last time's members went, in one pass over the reports (not
    // one pass per emptied track: in a raid hundreds empty at once).
    const remembered = new Set<number>();
    for (const s of this.reports.values()) if (!s.usable) remembered.add(s.stn);
    const wentTo = new Map<number, Set<number>>();
    for (const [key, prev] of previousStn) {
      const s = this.reports.get(key);
      if (!s?.usable || s.stn === prev) continue;
      let set = wentTo.get(prev);
      if (!set) {
        set = new Set();
        wentTo.set(prev, set);
      }
      set.add(s.stn);
    }
    for (const [stn, sys] of this.systems) {
      if (sys.members.size > 0) continue;
      // Any temporarily unusable report still remembering this stn keeps it alive.
      if (remembered.has(stn)) continue;
      const into = wentTo.get(stn) ?? new Set<number>();
      this.systems.delete(stn);
      if (into.size === 1) this.events.push({ kind: "merge", stn, into: [...into][0], t });
      else {
        const last = sys.last;
        const c =
          this.coastModel && last
            ? CoastingTrack.create(stn, sys.tFirst, last.t, last.x, last.P, this.coastModel)
            : null;
        if (c && c.tExpire > t) {
          this.coasting.set(stn, c);
          this.events.push({ kind: "drop", stn, t, coastUntil: c.tExpire });
        } else this.events.push({ kind: "drop", stn, t });
      }
    }
  }

  /**
   * New reports of one source (no live system track took them) against the coasting candidates: the
   * pairs inside the coasting gate, assigned optimally by likelihood (d² + ln det S); each pairing
   * takes the candidate's system track back (returned, not yet in the picture).
   */
  private resume(fresh: readonly StoredReport[], t: number): Map<StoredReport, SystemState> {
    const out = new Map<StoredReport, SystemState>();
    if (fresh.length === 0 || this.coasting.size === 0) return out;
    const cands = [...this.coasting.values()].sort((a, b) => a.stn - b.stn);
    const pairs: { row: number; col: number; d2: number; logDet: number }[] = [];
    for (let b = 0; b < fresh.length; b++) {
      const report = invariantMoments(fresh[b].xp, fresh[b].Pp, t);
      if (!report) continue;
      for (let a = 0; a < cands.length; a++) {
        const r = cands[a].distance2(report, this.coastGate);
        if (r) pairs.push({ row: a, col: b, d2: r.d2, logDet: r.logDet });
      }
    }
    if (pairs.length === 0) return out;
    const minLogDet = Math.min(...pairs.map((p) => p.logDet));
    const edges: Edge[] = pairs.map((p) => ({ row: p.row, col: p.col, cost: p.d2 + p.logDet - minLogDet }));
    const rowOfCol = sparseAssignment(cands.length, fresh.length, edges);
    for (let b = 0; b < fresh.length; b++) {
      const a = rowOfCol[b];
      if (a < 0) continue;
      const c = cands[a];
      this.coasting.delete(c.stn);
      out.set(fresh[b], {
        stn: c.stn,
        tFirst: c.tFirst,
        reporter: null,
        reporterTrackNumber: "",
        members: new Map(),
        resumed: true,
      });
      this.events.push({ kind: "resume", stn: c.stn, t, gapS: t - c.t0, coastUntil: c.tExpire });
    }
    return out;
  }

  private buildPicture(t: number): SystemTrack[] {
    const out: SystemTrack[] = [];
    const stns = [...this.systems.keys()].sort((a, b) => a - b);
    for (const stn of stns) {
      const sys = this.systems.get(stn) as SystemState;
      const members = this.membersOf(sys);
      if (members.length === 0) continue; // kept alive by a temporarily unusable report
      const decision = decideReporter(
        sys.reporter,
        members.map((s) => this.candidate(s)),
        this.rule,
      );
      const reporterReport = members.find((s) => s.r.source === decision.reporter) as StoredReport;
      if (decision.change) {
        if (decision.from === null) {
          if (!sys.resumed) this.events.push({ kind: "new", stn, t, reporter: decision.reporter });
        } else {
          const ev: HandoverEvent = {
            kind: "handover",
            stn,
            t,
            from: decision.from,
            to: decision.reporter,
            trackNumber: reporterReport.r.trackNumber,
            fromTrackNumber: sys.reporterTrackNumber,
            reason: decision.reason === "reporter-lost" ? "reporter-lost" : "better-quality",
          };
          this.events.push(ev);
          this.handoverQueue.push(ev);
        }
      }
      sys.reporter = decision.reporter;
      sys.reporterTrackNumber = reporterReport.r.trackNumber;
      const x = new Float64Array(N);
      const P = new Float64Array(NN);
      this.fuseReports(members, x, P);
      sys.last = { t, x: Float64Array.from(x), P: Float64Array.from(P) };
      const contributors: Contributor[] = members.map((s) => ({
        source: s.r.source,
        trackNumber: s.r.trackNumber,
        t: s.r.t,
        phase: s.r.phase ?? "unknown",
      }));
      out.push({
        stn,
        t,
        x,
        P,
        contributors,
        reportingResponsibility: decision.reporter,
        reporterTrackNumber: reporterReport.r.trackNumber,
        phase: reporterReport.r.phase ?? "unknown",
        tFirst: sys.tFirst,
      });
    }
    return out;
  }
}

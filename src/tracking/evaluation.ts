/**
 * Scores a tracker run against ground truth, scan by scan. Used by the benchmarks, the tracker's
 * correctness tests and `allylink track --truth`.
 *
 * At each evaluation time the live confirmed tracks are matched to the truths present by an optimal
 * assignment on squared position distance, pairs farther apart than the cut-off `matchDistance`
 * forbidden. Over the run it accumulates:
 * - position RMSE and mean NEES over matched pairs (NEES on position+velocity, 6 dof, when the truth
 *   has velocities; on position, 3 dof, otherwise), both only at times ≥ `statsFrom`;
 * - the set of tracks ever matched: a confirmed track never matched to any truth is spurious;
 * - the truths matched at the latest evaluation (targets held);
 * - the mean GOSPA (α = 2, p = 2, c = `matchDistance`) over evaluation times;
 * - track breaks (a truth's matched track id changes) and purity (fraction of each matched track's
 *   matched scans spent on its dominant truth, averaged over tracks).
 */
import { AssignmentSolver } from "./assignment.ts";
import { gospa } from "./metrics/gospa.ts";
import { nees } from "./metrics/nees.ts";
import type { Track } from "./track-manager.ts";

export interface TruthPoint {
  readonly id: string;
  /** Position (3) or position and velocity (6). */
  readonly state: ArrayLike<number>;
}

export interface EvaluationSummary {
  /** Confirmed tracks seen at evaluation times. */
  confirmedTracks: number;
  /** Confirmed tracks never matched to a truth. */
  spuriousTracks: number;
  /** Truths matched at the latest evaluation time. */
  targetsHeld: number;
  /** Truths present at the latest evaluation time. */
  targetsPresent: number;
  rmseM: number | null;
  meanNees: number | null;
  neesDof: number | null;
  gospa: number | null;
  trackBreaks: number;
  purity: number | null;
  matchedPairs: number;
}

export class TrackEvaluator {
  private readonly solver = new AssignmentSolver();
  private readonly everMatched = new Set<number>();
  private readonly confirmedSeen = new Set<number>();
  private readonly truthTrack = new Map<string, number>();
  private readonly trackTruthCounts = new Map<number, Map<string, number>>();
  private sumSq = 0;
  private nErr = 0;
  private sumNees = 0;
  private nNees = 0;
  private neesDof: number | null = null;
  private sumGospa = 0;
  private nGospa = 0;
  private breaks = 0;
  private held = 0;
  private present = 0;
  private readonly work = new Float64Array(6 * 6 + 6);

  constructor(
    /** Pairs farther apart than this (m) are never matched; also the GOSPA cut-off. */
    readonly matchDistance: number,
    /** RMSE and NEES only accumulate at evaluation times ≥ this. */
    readonly statsFrom = Number.NEGATIVE_INFINITY,
  ) {}

  /** Scores the tracks (estimates at time t) against the truths at time t. */
  evaluate(t: number, truths: readonly TruthPoint[], tracks: readonly Track[]): void {
    const confirmed = tracks.filter((tr) => tr.status === "confirmed");
    for (const tr of confirmed) this.confirmedSeen.add(tr.id);
    const m = truths.length;
    const n = confirmed.length;
    const c2 = this.matchDistance * this.matchDistance;
    const cost = new Float64Array(m * n);
    for (let i = 0; i < m; i++) {
      const s = truths[i].state;
      for (let j = 0; j < n; j++) {
        const x = confirmed[j].filter.x;
        const d2 = (s[0] - x[0]) ** 2 + (s[1] - x[1]) ** 2 + (s[2] - x[2]) ** 2;
        cost[i * n + j] = d2 <= c2 ? d2 : Number.POSITIVE_INFINITY;
      }
    }
    const rowToCol = new Int32Array(m);
    if (m > 0 && n > 0) this.solver.solveInto(cost, m, n, rowToCol);
    else rowToCol.fill(-1);
    let held = 0;
    for (let i = 0; i < m; i++) {
      const j = rowToCol[i];
      const truth = truths[i];
      if (j < 0) continue;
      held++;
      const tr = confirmed[j];
      this.everMatched.add(tr.id);
      const prev = this.truthTrack.get(truth.id);
      if (prev !== undefined && prev !== tr.id) this.breaks++;
      this.truthTrack.set(truth.id, tr.id);
      let counts = this.trackTruthCounts.get(tr.id);
      if (!counts) {
        counts = new Map();
        this.trackTruthCounts.set(tr.id, counts);
      }
      counts.set(truth.id, (counts.get(truth.id) ?? 0) + 1);
      if (t >= this.statsFrom) {
        this.sumSq += cost[i * n + j];
        this.nErr++;
        const dof = truth.state.length >= 6 ? 6 : 3;
        this.neesDof = dof;
        const e = nees(truth.state, tr.filter.x, tr.filter.P, dof, tr.filter.dim, this.work);
        if (Number.isFinite(e)) {
          this.sumNees += e;
          this.nNees++;
        }
      }
    }
    this.held = held;
    this.present = m;
    const g = gospa(
      truths.map((tp) => tp.state),
      confirmed.map((tr) => tr.filter.x),
      { c: this.matchDistance, p: 2 },
      3,
    );
    this.sumGospa += g.gospa;
    this.nGospa++;
  }

  summary(): EvaluationSummary {
    let spurious = 0;
    for (const id of this.confirmedSeen) if (!this.everMatched.has(id)) spurious++;
    let puritySum = 0;
    for (const counts of this.trackTruthCounts.values()) {
      let total = 0;
      let best = 0;
      for (const c of counts.values()) {
        total += c;
        if (c > best) best = c;
      }
      puritySum += best / total;
    }
    return {
      confirmedTracks: this.confirmedSeen.size,
      spuriousTracks: spurious,
      targetsHeld: this.held,
      targetsPresent: this.present,
      rmseM: this.nErr > 0 ? Math.sqrt(this.sumSq / this.nErr) : null,
      meanNees: this.nNees > 0 ? this.sumNees / this.nNees : null,
      neesDof: this.neesDof,
      gospa: this.nGospa > 0 ? this.sumGospa / this.nGospa : null,
      trackBreaks: this.breaks,
      purity: this.trackTruthCounts.size > 0 ? puritySum / this.trackTruthCounts.size : null,
      matchedPairs: this.nErr,
    };
  }
}

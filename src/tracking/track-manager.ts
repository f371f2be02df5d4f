/**
 * Track management for one node: global nearest neighbour (GNN) association by optimal assignment on
 * χ²-gated costs, M-of-N confirmation, deletion, stable ids, several asynchronous sensors.
 *
 * Processing model
 * - Detections are grouped into frames: the detections of one sensor with the same measurement time t.
 *   Frames are processed in (t, sensorId) order; every live track is predicted to t, gated against
 *   the frame, associated, updated. Sensors are thus fused by sequential updates in time order.
 * - Late detections: `ingest()` buffers detections as they arrive (in any order); `advanceTo(now)`
 *   processes the frames with t ≤ now − lagWindow. A report that arrives at most `lagWindow` seconds
 *   after its measurement time is therefore processed in its correct place in time order, never
 *   dropped. A detection older than the last processed frame (it broke the lag bound) cannot be used
 *   without retrodiction; it is counted in `stats.tooLate` — never silently lost. `flush()` processes
 *   everything buffered (batch use: files).
 *
 * Association of a frame
 * - Cost of pairing track i with detection j: d²ᵢⱼ + ln|Sᵢⱼ| (−2 log-likelihood up to a constant), for
 *   pairs inside the χ² gate only (gating.ts finds them in about linear time).
 * - Two stages: confirmed tracks first, then tentative tracks on the detections left, so a tentative
 *   track born of clutter can never steal a confirmed track's detection.
 * - Each stage is split into independent clusters (connected components of the gated pairs, union-
 *   find) and each cluster solved exactly by the assignment solver (maximum number of pairs, then
 *   minimum cost). Isolated one-to-one pairs skip the solver.
 * - Detections left unassigned start tentative tracks through the injected filter factory (CV here;
 *   ballistic EKF or IMM from models/ later).
 *
 * Ambiguity: a hard assignment is a guess when a gate holds several detections of about equal
 * likelihood (a debris cloud whose spacing is the radar's cross-range error). Each track still takes
 * its assigned detection; for filters that keep an ambiguity covariance (TrackFilter.inflate) it also
 * takes the spread of the states its other gated detections would have given, Σ β_k (x_k − x)(x_k − x)ᵀ
 * — the spread-of-innovations term of PDA, around the chosen update rather than the mean. β comes
 * from Fitzgerald's "cheap JPDA": for track i and detection j with likelihood G_ij (exp(−cost/2)),
 * β_ij ∝ G_ij / (Σ_j' G_ij' + Σ_i' G_i'j − G_ij), normalised over the track's gate, so a detection
 * another track explains better weighs little. With one detection in the gate, or rivals far less
 * likely, nothing is added. The ambiguity is reported with the track, never used for its gates:
 * added to P it widened the gates, the wider gates took more rivals, and in the 50-missile raid
 * tracks switched objects more and first warnings came up to 100 s later. Kept apart, it halved the
 * share of track states with NEES above the 99.9 % point in a missile with 40 fragments (26 → 16 %).
 *
 * Track life
 * - A track counts hits and misses only on frames of sensors that have already updated it (a sensor
 *   that never saw a track says nothing about it: it may be out of its coverage).
 * - Tentative → confirmed when at least M of its first N such frames are hits (birth counts as a
 *   hit); deleted as soon as M can no longer be reached.
 * - Confirmed → deleted after `maxMisses` consecutive misses, when its position uncertainty
 *   sqrt(tr P_pos / 3) exceeds `maxPositionSigma` (covariance growth while coasting), or when it has
 *   not been updated for `maxCoastTime` seconds.
 * - Ids are 1, 2, 3, ... in creation order and never reused.
 */
import type { Detection } from "../sensors/detection.ts";
import { AssignmentSolver } from "./assignment.ts";
import { detectionPosition, gateThresholds, SpatialGrid } from "./gating.ts";
import type { TrackFilter } from "./track-filter.ts";

export type TrackStatus = "tentative" | "confirmed";

export interface Track {
  readonly id: number;
  readonly filter: TrackFilter;
  status: TrackStatus;
  /** Time of creation (first detection), s. */
  readonly tCreated: number;
  /** Time of the latest update, s. */
  tLastUpdate: number;
  /** Time the track was confirmed, or null. */
  tConfirmed: number | null;
  /** Number of detections used. */
  hits: number;
  /** Counted frames (of sensors that have seen the track) since creation, birth included. */
  frames: number;
  consecutiveMisses: number;
  /** Bit i set: sensor number i (registration order) has updated this track. Sensors ≥ 31 share bit 31. */
  sensorMask: number;
  /** Id of the latest detection used. */
  lastDetectionId: string;
}

export interface TrackManagerOptions {
  /** Builds the filter of a new track from an unassociated detection; null: cannot start a track from it. */
  filterFactory: (det: Detection) => TrackFilter | null;
  /** Probability that a true detection falls inside the χ² gate (default 0.999). */
  gateProbability?: number;
  /** Confirmation: M hits among the first N counted frames (defaults 3 of 4). */
  confirmM?: number;
  confirmN?: number;
  /** Consecutive misses that delete a confirmed track (default 5). */
  maxMisses?: number;
  /** Deletion when sqrt(tr P_pos / 3) exceeds this, m (default 20,000). */
  maxPositionSigma?: number;
  /** Deletion when not updated for this long, s (default Infinity). */
  maxCoastTime?: number;
  /** Bounded reporting lag tolerated by `advanceTo`, s (default 0). */
  lagWindow?: number;
  /** Called after each track update (for recording); must not keep `det` mutable references. */
  onUpdate?: (track: Track, det: Detection) => void;
  /** Called when a track is confirmed, and when a track is deleted. */
  onConfirm?: (track: Track) => void;
  onDelete?: (track: Track, reason: "misses" | "covariance" | "coast" | "not-confirmed") => void;
}

export interface TrackManagerStats {
  frames: number;
  detections: number;
  tracksCreated: number;
  tracksConfirmed: number;
  tracksDeleted: number;
  /** Detections that arrived after their frame's time had been processed (beyond the lag window). */
  tooLate: number;
  /** Updates that added the spread of other likely detections in the gate to the ambiguity. */
  ambiguousUpdates: number;
}

/** Alternatives less probable than this are left out of the spread (their share is negligible). */
const MIN_ALTERNATIVE_BETA = 1e-3;

/**
 * Exact, cheap pre-test for radar detections: the Mahalanobis distance of one innovation component
 * under its marginal variance never exceeds that of the whole innovation, so a range innovation
 * (z_r − r̂)² > γ·(uᵀP_pos·u + R_rr) (u the unit line of sight, the same linearisation an EKF uses) means
 * the full χ² gate fails too. Radar range is precise (tens of metres against kilometres cross-range),
 * so in dense debris this rejects most candidates before the full EKF innovation is computed.
 */
export function rangePreGate(f: TrackFilter, det: Detection, gamma: number): boolean {
  const x = f.x;
  const P = f.P;
  const n = f.dim;
  const s = det.siteEcef;
  const dx = x[0] - s[0];
  const dy = x[1] - s[1];
  const dz = x[2] - s[2];
  const r = Math.sqrt(dx * dx + dy * dy + dz * dz);
  if (!(r > 0)) return true;
  const ux = dx / r;
  const uy = dy / r;
  const uz = dz / r;
  const v =
    ux * (P[0] * ux + P[1] * uy + P[2] * uz) +
    uy * (P[n] * ux + P[n + 1] * uy + P[n + 2] * uz) +
    uz * (P[2 * n] * ux + P[2 * n + 1] * uy + P[2 * n + 2] * uz) +
    det.R[0];
  const nu = det.z[0] - r;
  return nu * nu <= gamma * v;
}

export class TrackManager {
  readonly tracks: Track[] = [];
  readonly stats: TrackManagerStats = {
    frames: 0,
    detections: 0,
    tracksCreated: 0,
    tracksConfirmed: 0,
    tracksDeleted: 0,
    tooLate: 0,
    ambiguousUpdates: 0,
  };
  private readonly opts: Required<Omit<TrackManagerOptions, "onUpdate" | "onConfirm" | "onDelete">> &
    Pick<TrackManagerOptions, "onUpdate" | "onConfirm" | "onDelete">;
  private readonly gamma: Float64Array;
  private nextId = 1;
  private readonly sensorIndex = new Map<string, number>();
  private buffer: Detection[] = [];
  private bufferSorted = true;
  /** Time of the latest processed frame. */
  private processedT = Number.NEGATIVE_INFINITY;

  // Per-frame work buffers, grown on demand and reused.
  private readonly grid = new SpatialGrid();
  private detPos = new Float64Array(0);
  private detHas = new Uint8Array(0);
  private detTaken: Int32Array = new Int32Array(0);
  private candidates: Int32Array = new Int32Array(0);
  private pairTrack: Int32Array = new Int32Array(256);
  private pairDet: Int32Array = new Int32Array(256);
  private pairCost = new Float64Array(256);
  private nPairs = 0;
  private trackAssigned: Int32Array = new Int32Array(0);
  private trackPairs: Int32Array = new Int32Array(0);
  private detPairs: Int32Array = new Int32Array(0);
  private parent: Int32Array = new Int32Array(0);
  private localRow: Int32Array = new Int32Array(0);
  private localCol: Int32Array = new Int32Array(0);
  private rowTrack: Int32Array = new Int32Array(0);
  private colDet: Int32Array = new Int32Array(0);
  private costBuf = new Float64Array(0);
  private rowToCol: Int32Array = new Int32Array(0);
  private clusterHead: Int32Array = new Int32Array(0);
  private pairNext: Int32Array = new Int32Array(0);
  private readonly solver = new AssignmentSolver();
  private radius = new Float64Array(0);
  // Association probabilities: likelihood per pair, sums per track and detection, pairs chained by track.
  private pairG = new Float64Array(256);
  private trackG = new Float64Array(0);
  private detG = new Float64Array(0);
  private trackFirstPair: Int32Array = new Int32Array(0);
  private nextPairOfTrack: Int32Array = new Int32Array(256);
  private altX = new Float64Array(0);
  private altBeta = new Float64Array(0);
  private spread = new Float64Array(0);

  constructor(options: TrackManagerOptions) {
    const o = {
      gateProbability: 0.999,
      confirmM: 3,
      confirmN: 4,
      maxMisses: 5,
      maxPositionSigma: 20_000,
      maxCoastTime: Number.POSITIVE_INFINITY,
      lagWindow: 0,
      ...options,
    };
    if (
      !(
        Number.isInteger(o.confirmM) &&
        Number.isInteger(o.confirmN) &&
        o.confirmM >= 1 &&
        o.confirmM <= o.confirmN
      )
    ) {
      throw new RangeError(`confirmation needs integers 1 ≤ M ≤ N, got M=${o.confirmM}, N=${o.confirmN}`);
    }
    if (!(o.maxMisses >= 1)) throw new RangeError(`maxMisses must be ≥ 1, got ${o.maxMisses}`);
    if (!(o.lagWindow >= 0)) throw new RangeError(`lagWindow must be ≥ 0, got ${o.lagWindow}`);
    this.opts = o;
    this.gamma = gateThresholds(o.gateProbability);
  }

  /** Live confirmed tracks. */
  confirmedTracks(): Track[] {
    return this.tracks.filter((t) => t.status === "confirmed");
  }

  /** Buffers a detection as it arrives; it is processed by `advanceTo` / `flush` in time order. */
  ingest(det: Detection): void {
    if (det.t < this.processedT) {
      this.stats.tooLate++;
      return;
    }
    const n = this.buffer.length;
    if (n > 0) {
      const last = this.buffer[n - 1];
      if (det.t < last.t || (det.t === last.t && det.sensorId < last.sensorId)) this.bufferSorted = false;
    }
    this.buffer.push(det);
  }

  /** Processes every buffered frame with t ≤ now − lagWindow. */
  advanceTo(now: number): void {
    this.processBuffered(now - this.opts.lagWindow);
  }

  /** Processes everything buffered. */
  flush(): void {
    this.processBuffered(Number.POSITIVE_INFINITY);
  }

  private processBuffered(tMax: number): void {
    const buf = this.buffer;
    if (buf.length === 0) return;
    if (!this.bufferSorted) {
      // Stable sort keeps arrival order inside a frame.
      buf.sort((a, b) => a.t - b.t || (a.sensorId < b.sensorId ? -1 : a.sensorId > b.sensorId ? 1 : 0));
      this.bufferSorted = true;
    }
    let start = 0;
    while (start < buf.length && buf[start].t <= tMax) {
      let end = start + 1;
      while (end < buf.length && buf[end].t === buf[start].t && buf[end].sensorId === buf[start].sensorId)
        end++;
      this.processFrame(buf, start, end);
      start = end;
    }
    this.buffer = buf.slice(start);
  }

  /**
   * Processes one frame directly: dets[start..end) all from one sensor at one time t, which must not
   * be earlier than the last processed frame. (The buffered API calls this; synchronous callers such
   * as benchmarks may call it directly.)
   */
  processFrame(dets: readonly Detection[], start = 0, end = dets.length): void {
    const nD = end - start;
    if (nD <= 0) return;
    const t = dets[start].t;
    if (t < this.processedT) {
      throw new RangeError(`frame at t=${t} is earlier than the last processed frame (${this.processedT})`);
    }
    const sensorId = dets[start].sensorId;
    for (let j = start + 1; j < end; j++) {
      if (dets[j].t !== t || dets[j].sensorId !== sensorId) {
        throw new RangeError("processFrame: all detections of a frame must share t and sensorId");
      }
    }
    this.processedT = t;
    this.stats.frames++;
    this.stats.detections += nD;
    let sIdx = this.sensorIndex.get(sensorId);
    if (sIdx === undefined) {
      sIdx = this.sensorIndex.size;
      this.sensorIndex.set(sensorId, sIdx);
    }
    const sensorBit = 1 << Math.min(sIdx, 31);

    const tracks = this.tracks;
    const nT = tracks.length;
    this.ensure(nT, nD);
    for (let i = 0; i < nT; i++) tracks[i].filter.predictTo(t);

    this.gateAll(dets, start, nD);

    const taken = this.detTaken;
    taken.fill(-1, 0, nD);
    const assigned = this.trackAssigned;
    assigned.fill(-1, 0, nT);
    this.associate(true, nD, nT);
    this.associate(false, nD, nT);
    this.likelihoodSums(nT, nD);

    // Updates, misses, life cycle.
    const o = this.opts;
    let w = 0;
    for (let i = 0; i < nT; i++) {
      const tr = tracks[i];
      const j = assigned[i];
      let keep = true;
      if (j >= 0) {
        const det = dets[start + j];
        this.updateWithAmbiguity(tr.filter, i, dets, start, j);
        tr.hits++;
        tr.frames++;
        tr.consecutiveMisses = 0;
        tr.tLastUpdate = t;
        tr.sensorMask |= sensorBit;
        tr.lastDetectionId = det.id;
        o.onUpdate?.(tr, det);
      } else if (tr.sensorMask & sensorBit) {
        tr.frames++;
        tr.consecutiveMisses++;
      }
      if (tr.status === "tentative") {
        if (tr.hits >= o.confirmM) {
          tr.status = "confirmed";
          tr.tConfirmed = t;
          this.stats.tracksConfirmed++;
          o.onConfirm?.(tr);
        } else if (tr.hits + (o.confirmN - tr.frames) < o.confirmM) {
          keep = false;
          o.onDelete?.(tr, "not-confirmed");
        }
      } else {
        let reason: "misses" | "covariance" | "coast" | null = null;
        if (tr.consecutiveMisses >= o.maxMisses) reason = "misses";
        else if (t - tr.tLastUpdate > o.maxCoastTime) reason = "coast";
        else {
          const P = tr.filter.P;
          const n = tr.filter.dim;
          const tr3 = (P[0] + P[n + 1] + P[2 * n + 2]) / 3;
          if (!(Math.sqrt(tr3) <= o.maxPositionSigma)) reason = "covariance";
        }
        if (reason) {
          keep = false;
          o.onDelete?.(tr, reason);
        }
      }
      if (keep) tracks[w++] = tr;
      else this.stats.tracksDeleted++;
    }
    tracks.length = w;

    // New tentative tracks from unused detections.
    for (let j = 0; j < nD; j++) {
      if (taken[j] >= 0) continue;
      const det = dets[start + j];
      const filter = o.filterFactory(det);
      if (!filter) continue;
      const tr: Track = {
        id: this.nextId++,
        filter,
        status: "tentative",
        tCreated: t,
        tLastUpdate: t,
        tConfirmed: null,
        hits: 1,
        frames: 1,
        consecutiveMisses: 0,
        sensorMask: sensorBit,
        lastDetectionId: det.id,
      };
      this.stats.tracksCreated++;
      if (o.confirmM <= 1) {
        tr.status = "confirmed";
        tr.tConfirmed = t;
        this.stats.tracksConfirmed++;
        o.onConfirm?.(tr);
      }
      tracks.push(tr);
      o.onUpdate?.(tr, det);
    }
  }

  /** Finds all gated (track, detection) pairs with their costs. */
  private gateAll(dets: readonly Detection[], start: number, nD: number): void {
    const tracks = this.tracks;
    const nT = tracks.length;
    this.nPairs = 0;
    if (nT === 0) return;
    const pos = this.detPos;
    const has = this.detHas;
    let maxDetVar = 0;
    let nNoPos = 0;
    for (let j = 0; j < nD; j++) {
      const v = detectionPosition(dets[start + j], pos, 3 * j);
      if (v >= 0) {
        has[j] = 1;
        if (v > maxDetVar) maxDetVar = v;
      } else {
        has[j] = 0;
        nNoPos++;
      }
    }
    // Per-track query radius and the grid cell size (geometric mean of the radii).
    const gMax = Math.max(this.gamma[3], this.gamma[4]);
    if (this.radius.length < nT) this.radius = new Float64Array(2 * nT);
    const radius = this.radius;
    let logSum = 0;
    for (let i = 0; i < nT; i++) {
      const P = tracks[i].filter.P;
      const n = tracks[i].filter.dim;
      const r = 1.05 * Math.sqrt(gMax * (P[0] + P[n + 1] + P[2 * n + 2] + maxDetVar));
      radius[i] = r;
      logSum += Math.log(r);
    }
    const useGrid = nD - nNoPos > 0;
    if (useGrid) this.grid.build(pos, has, nD, 2 * Math.exp(logSum / nT));
    const cand = this.candidates;
    for (let i = 0; i < nT; i++) {
      const f = tracks[i].filter;
      if (useGrid) {
        const k = this.grid.query(f.x[0], f.x[1], f.x[2], radius[i], cand);
        for (let c = 0; c < k; c++) this.tryPair(i, cand[c], f, dets[start + cand[c]]);
      }
      if (nNoPos > 0) for (let j = 0; j < nD; j++) if (!has[j]) this.tryPair(i, j, f, dets[start + j]);
    }
  }

  private tryPair(i: number, j: number, f: TrackFilter, det: Detection): void {
    const gamma = this.gamma[det.z.length];
    if (det.kind === "radar" && !rangePreGate(f, det, gamma)) return;
    const d2 = f.gate(det);
    if (!(d2 <= gamma)) return;
    const cost = d2 + (f.lastGateLogDetS ?? 0);
    if (this.nPairs === this.pairTrack.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.pairTrack = grow(this.pairTrack);
      this.pairDet = grow(this.pairDet);
      const c = new Float64Array(this.pairCost.length * 2);
      c.set(this.pairCost);
      this.pairCost = c;
    }
    this.pairTrack[this.nPairs] = i;
    this.pairDet[this.nPairs] = j;
    this.pairCost[this.nPairs] = cost;
    this.nPairs++;
  }

  /**
   * Likelihood G = exp(−cost/2) of every gated pair (relative to the frame's best, so nothing
   * underflows that matters), its sums per track and per detection, and each track's pairs chained.
   */
  private likelihoodSums(nT: number, nD: number): void {
    const nP = this.nPairs;
    if (this.pairG.length < nP) {
      this.pairG = new Float64Array(this.pairCost.length);
      this.nextPairOfTrack = new Int32Array(this.pairCost.length);
    }
    if (this.trackG.length < nT) {
      this.trackG = new Float64Array(Math.max(nT, 2 * this.trackG.length));
      this.trackFirstPair = new Int32Array(this.trackG.length);
    }
    if (this.detG.length < nD) this.detG = new Float64Array(Math.max(nD, 2 * this.detG.length));
    this.trackG.fill(0, 0, nT);
    this.detG.fill(0, 0, nD);
    this.trackFirstPair.fill(-1, 0, nT);
    let c0 = Number.POSITIVE_INFINITY;
    for (let p = 0; p < nP; p++) if (this.pairCost[p] < c0) c0 = this.pairCost[p];
    for (let p = 0; p < nP; p++) {
      const i = this.pairTrack[p];
      const g = Math.exp(-0.5 * (this.pairCost[p] - c0));
      this.pairG[p] = g;
      this.trackG[i] += g;
      this.detG[this.pairDet[p]] += g;
      this.nextPairOfTrack[p] = this.trackFirstPair[i];
      this.trackFirstPair[i] = p;
    }
  }

  /**
   * Updates track i's filter with its assigned detection j and, when other detections shared its gate
   * and the filter keeps an ambiguity, adds Σ β_k (x_k − x)(x_k − x)ᵀ over them to it (x_k the state
   * an update with k would have given).
   */
  private updateWithAmbiguity(
    f: TrackFilter,
    i: number,
    dets: readonly Detection[],
    start: number,
    j: number,
  ): void {
    const first = this.trackFirstPair[i];
    if (!f.inflate || !f.updatedState || this.nextPairOfTrack[first] < 0) {
      f.update(dets[start + j]);
      return;
    }
    // Cheap-JPDA weights of the track's pairs, normalised over its gate.
    let total = 0;
    for (let p = first; p >= 0; p = this.nextPairOfTrack[p]) total += this.cheapJpdaWeight(i, p);
    const k = f.dim;
    let nAlt = 0;
    if (total > 0) {
      if (this.altX.length < this.nPairs * k) this.altX = new Float64Array(this.pairCost.length * k);
      if (this.altBeta.length < this.nPairs) this.altBeta = new Float64Array(this.pairCost.length);
      for (let p = first; p >= 0; p = this.nextPairOfTrack[p]) {
        if (this.pairDet[p] === j) continue;
        const beta = this.cheapJpdaWeight(i, p) / total;
        if (!(beta >= MIN_ALTERNATIVE_BETA)) continue;
        f.updatedState(dets[start + this.pairDet[p]], this.altX.subarray(nAlt * k, (nAlt + 1) * k));
        this.altBeta[nAlt++] = beta;
      }
    }
    f.update(dets[start + j]);
    if (nAlt === 0) return;
    if (this.spread.length < k * k) this.spread = new Float64Array(k * k);
    const C = this.spread.subarray(0, k * k);
    C.fill(0);
    const x = f.x;
    for (let a = 0; a < nAlt; a++) {
      const beta = this.altBeta[a];
      const o = a * k;
      for (let r = 0; r < k; r++) {
        const dr = beta * (this.altX[o + r] - x[r]);
        for (let c = 0; c < k; c++) C[r * k + c] += dr * (this.altX[o + c] - x[c]);
      }
    }
    f.inflate(C, k);
    this.stats.ambiguousUpdates++;
  }

  /** G_ij / (Σ_j' G_ij' + Σ_i' G_i'j − G_ij) for pair p of track i (unnormalised β). */
  private cheapJpdaWeight(i: number, p: number): number {
    const g = this.pairG[p];
    const denominator = this.trackG[i] + this.detG[this.pairDet[p]] - g;
    return denominator > 0 ? g / denominator : 0;
  }

  private find(a: number): number {
    const p = this.parent;
    while (p[a] !== a) {
      p[a] = p[p[a]];
      a = p[a];
    }
    return a;
  }

  /** One association stage: confirmed (true) or tentative (false) tracks against free detections. */
  private associate(confirmed: boolean, nD: number, nT: number): void {
    const tracks = this.tracks;
    const taken = this.detTaken;
    const assigned = this.trackAssigned;
    const nP = this.nPairs;
    const trackPairs = this.trackPairs;
    const detPairs = this.detPairs;
    trackPairs.fill(0, 0, nT);
    detPairs.fill(0, 0, nD);
    const parent = this.parent;
    for (let k = 0; k < nT + nD; k++) parent[k] = k;
    if (this.pairNext.length < this.pairTrack.length) this.pairNext = new Int32Array(this.pairTrack.length);
    const pairNext = this.pairNext;
    let live = 0;
    for (let p = 0; p < nP; p++) {
      const i = this.pairTrack[p];
      const j = this.pairDet[p];
      if ((tracks[i].status === "confirmed") !== confirmed || taken[j] >= 0) {
        pairNext[p] = -2; // not in this stage
        continue;
      }
      pairNext[p] = -1;
      live++;
      trackPairs[i]++;
      detPairs[j]++;
      const a = this.find(i);
      const b = this.find(nT + j);
      if (a !== b) parent[a] = b;
    }
    if (live === 0) return;
    // Chain the stage's pairs by cluster root; isolated one-to-one pairs are assigned directly.
    const head = this.clusterHead;
    head.fill(-1, 0, nT + nD);
    for (let p = 0; p < nP; p++) {
      if (pairNext[p] === -2) continue;
      const i = this.pairTrack[p];
      const j = this.pairDet[p];
      if (trackPairs[i] === 1 && detPairs[j] === 1) {
        assigned[i] = j;
        taken[j] = i;
        continue;
      }
      const r = this.find(i);
      pairNext[p] = head[r];
      head[r] = p;
    }
    const localRow = this.localRow;
    const localCol = this.localCol;
    for (let r = 0; r < nT + nD; r++) {
      if (head[r] < 0) continue;
      // Gather the cluster's tracks (rows) and detections (columns).
      let nr = 0;
      let nc = 0;
      for (let p = head[r]; p >= 0; p = pairNext[p]) {
        const i = this.pairTrack[p];
        const j = this.pairDet[p];
        if (localRow[i] < 0) {
          localRow[i] = nr;
          this.rowTrack[nr++] = i;
        }
        if (localCol[j] < 0) {
          localCol[j] = nc;
          this.colDet[nc++] = j;
        }
      }
      if (this.costBuf.length < nr * nc)
        this.costBuf = new Float64Array(Math.max(nr * nc, 2 * this.costBuf.length));
      const cost = this.costBuf;
      cost.fill(Number.POSITIVE_INFINITY, 0, nr * nc);
      for (let p = head[r]; p >= 0; p = pairNext[p]) {
        cost[localRow[this.pairTrack[p]] * nc + localCol[this.pairDet[p]]] = this.pairCost[p];
      }
      if (this.rowToCol.length < nr) this.rowToCol = new Int32Array(Math.max(nr, 2 * this.rowToCol.length));
      this.solver.solveInto(cost, nr, nc, this.rowToCol);
      for (let a = 0; a < nr; a++) {
        const i = this.rowTrack[a];
        const b = this.rowToCol[a];
        if (b >= 0) {
          const j = this.colDet[b];
          assigned[i] = j;
          taken[j] = i;
        }
        localRow[i] = -1;
      }
      for (let b = 0; b < nc; b++) localCol[this.colDet[b]] = -1;
    }
  }

  private ensure(nT: number, nD: number): void {
    const grow32 = (a: Int32Array, n: number, fill?: number): Int32Array => {
      if (a.length >= n) return a;
      const b = new Int32Array(Math.max(n, 2 * a.length));
      if (fill !== undefined) b.fill(fill);
      return b;
    };
    this.detTaken = grow32(this.detTaken, nD);
    this.candidates = grow32(this.candidates, nD);
    this.trackAssigned = grow32(this.trackAssigned, nT);
    this.trackPairs = grow32(this.trackPairs, nT);
    this.detPairs = grow32(this.detPairs, nD);
    this.parent = grow32(this.parent, nT + nD);
    this.clusterHead = grow32(this.clusterHead, nT + nD);
    this.localRow = grow32(this.localRow, nT, -1);
    this.localCol = grow32(this.localCol, nD, -1);
    this.rowTrack = grow32(this.rowTrack, nT);
    this.colDet = grow32(this.colDet, nD);
    if (this.detPos.length < 3 * nD) {
      this.detPos = new Float64Array(Math.max(3 * nD, 2 * this.detPos.length));
      this.detHas = new Uint8Array(this.detPos.length / 3);
    }
  }
}

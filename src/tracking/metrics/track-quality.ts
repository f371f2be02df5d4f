/**
 * Track continuity and purity from a scan-by-scan track-to-truth assignment (for example GOSPA's
 * optimal assignment, or the truth labels of the detections each track used).
 *
 * - Breaks (per truth): how often the track following a truth changes identity between two scans in
 *   which the truth is assigned to some track (a swap or a re-initiation with a new id); a truth held
 *   by one track throughout has 0 breaks. Scans where the truth is not assigned do not break by
 *   themselves; picking it up again under another id does.
 * - Purity (per track): the fraction of the scans in which the track was assigned that it was assigned
 *   to its most frequent truth; the overall purity weights tracks by their assigned scans.
 */
export interface TrackQuality {
  readonly breaks: number;
  /** Σ over tracks of the count of its dominant truth / Σ assigned track-scans (NaN if none). */
  readonly purity: number;
  readonly breaksPerTruth: ReadonlyMap<string, number>;
  readonly purityPerTrack: ReadonlyMap<string, number>;
}

export class TrackQualityAccumulator {
  private readonly lastTrackOfTruth = new Map<string, string>();
  private readonly breaksPerTruth = new Map<string, number>();
  private readonly countsPerTrack = new Map<string, Map<string, number>>();

  /** One scan's assignment: pairs of (track id, truth id), each id at most once per scan. */
  addScan(pairs: Iterable<readonly [trackId: string, truthId: string]>): void {
    for (const [track, truth] of pairs) {
      const last = this.lastTrackOfTruth.get(truth);
      if (!this.breaksPerTruth.has(truth)) this.breaksPerTruth.set(truth, 0);
      if (last !== undefined && last !== track)
        this.breaksPerTruth.set(truth, (this.breaksPerTruth.get(truth) ?? 0) + 1);
      this.lastTrackOfTruth.set(truth, track);
      let counts = this.countsPerTrack.get(track);
      if (!counts) {
        counts = new Map();
        this.countsPerTrack.set(track, counts);
      }
      counts.set(truth, (counts.get(truth) ?? 0) + 1);
    }
  }

  result(): TrackQuality {
    let breaks = 0;
    for (const b of this.breaksPerTruth.values()) breaks += b;
    const purityPerTrack = new Map<string, number>();
    let dominant = 0;
    let total = 0;
    for (const [track, counts] of this.countsPerTrack) {
      let best = 0;
      let sum = 0;
      for (const c of counts.values()) {
        best = Math.max(best, c);
        sum += c;
      }
      purityPerTrack.set(track, best / sum);
      dominant += best;
      total += sum;
    }
    return {
      breaks,
      purity: total > 0 ? dominant / total : Number.NaN,
      breaksPerTruth: new Map(this.breaksPerTruth),
      purityPerTrack,
    };
  }
}

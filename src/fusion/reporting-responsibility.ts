/**
 * Reporting responsibility: exactly one nation reports each system track — the one holding the best
 * track of it — so the network carries one voice per object (the Link 16 "R2" idea). To keep that
 * voice from flapping between two nations of similar quality, responsibility moves only when the
 * challenger is better by a margin (hysteresis), or when the current reporter stops contributing.
 *
 * Two ways to judge "best":
 *  - "covariance" (default): the trace of the position covariance after prediction to the fusion
 *    time, in m² (smaller is better). Comparable across nations because it is the estimate itself,
 *    and it accounts for staleness (an old report has grown its covariance).
 *  - "quality": the source's own 0..15 figure (larger is better; a missing figure counts as 0),
 *    ties broken by the covariance trace. Quality scales are national; use this only when allies
 *    agree on one.
 */
import type { NationCode } from "../world/nation.ts";

export type ResponsibilityBasis = "covariance" | "quality";

export interface ReporterCandidate {
  readonly source: NationCode;
  /** Trace of the predicted position covariance, m². */
  readonly positionTrace: number;
  /** 0..15, larger better (0 when not given). */
  readonly quality: number;
}

export interface ResponsibilityRule {
  readonly basis: ResponsibilityBasis;
  /** "covariance": the challenger's trace must be ≤ (1 − margin) × the holder's (default 0.3). */
  readonly traceMargin: number;
  /** "quality": the challenger's quality must be ≥ the holder's + this (default 2). */
  readonly qualityMargin: number;
}

export const DEFAULT_RESPONSIBILITY_RULE: ResponsibilityRule = {
  basis: "covariance",
  traceMargin: 0.3,
  qualityMargin: 2,
};

/** Negative when a is better than b (sort order: best first). */
export function compareCandidates(
  a: ReporterCandidate,
  b: ReporterCandidate,
  basis: ResponsibilityBasis,
): number {
  if (basis === "quality" && a.quality !== b.quality) return b.quality - a.quality;
  if (a.positionTrace !== b.positionTrace) return a.positionTrace - b.positionTrace;
  return a.source < b.source ? -1 : a.source > b.source ? 1 : 0;
}

export type ResponsibilityDecision =
  | { readonly change: false; readonly reporter: NationCode }
  | {
      readonly change: true;
      readonly reporter: NationCode;
      readonly from: NationCode | null;
      readonly reason: "initial" | "better-quality" | "reporter-lost";
    };

/**
 * Who reports next, given the current holder (null for a new system track) and the candidates
 * (non-empty). Deterministic: ties go to the alphabetically first nation code.
 */
export function decideReporter(
  holder: NationCode | null,
  candidates: readonly ReporterCandidate[],
  rule: ResponsibilityRule = DEFAULT_RESPONSIBILITY_RULE,
): ResponsibilityDecision {
  if (candidates.length === 0) throw new RangeError("decideReporter needs at least one candidate");
  let best = candidates[0];
  for (const c of candidates) if (compareCandidates(c, best, rule.basis) < 0) best = c;
  if (holder === null) return { change: true, reporter: best.source, from: null, reason: "initial" };
  const current = candidates.find((c) => c.source === holder);
  if (!current) return { change: true, reporter: best.source, from: holder, reason: "reporter-lost" };
  if (best.source === holder) return { change: false, reporter: holder };
  const better =
    rule.basis === "quality"
      ? best.quality >= current.quality + rule.qualityMargin
      : best.positionTrace <= (1 - rule.traceMargin) * current.positionTrace;
  return better
    ? { change: true, reporter: best.source, from: holder, reason: "better-quality" }
    : { change: false, reporter: holder };
}

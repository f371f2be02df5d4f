/**
 * Per nation and per threat (a launched missile), the figures that say how well the alliance warned:
 * when the nation first detected it with its own sensors, first held its own confirmed track, first
 * held an allied track of it, first warned; the warning lead time (impact − first warning); the
 * impact-point error of the first warning; and false and missed warnings.
 *
 * Times are seconds after the launch. Tracks and warnings are tied to the true missile by position:
 * a track (or system track) belongs to the missile whose true position is within `matchM` of it.
 */
import { geodesicInverse } from "../core/geodesy.ts";
import type { Alert } from "../warning/alert.ts";
import type { ZoneFix } from "../warning/maritime-zones.ts";
import { insidePolygon, type ProtectedArea } from "../warning/threat-areas.ts";
import type { AllyCode } from "../world/nation.ts";
import type { FallenObject } from "./log-kinds.ts";

export interface ThreatTruth {
  readonly id: string;
  readonly missileClass: string;
  readonly tLaunch: number;
  readonly tImpact: number;
  readonly impact: { readonly lat: number; readonly lon: number };
  readonly impactFix: ZoneFix;
}

export interface ThreatMetrics {
  readonly nation: AllyCode;
  readonly threat: string;
  readonly firstDetectionS: number | null;
  readonly firstTrackS: number | null;
  readonly firstAlliedTrackS: number | null;
  readonly firstWarningS: number | null;
  readonly leadTimeS: number | null;
  readonly impactErrorAtWarningKm: number | null;
  readonly falseWarnings: number;
  /** True when the missile fell in one of this nation's areas and the nation never warned before impact. */
  readonly missedWarning: boolean;
}

interface Acc {
  firstDetection: number | null;
  firstTrack: number | null;
  firstAlliedTrack: number | null;
  firstWarning: Alert | null;
  falseWarnings: number;
}

export class ThreatMetricsCollector {
  private readonly acc = new Map<string, Acc>();
  /** Alerts of system tracks matched to no missile (debris excluded), per nation. */
  private readonly unmatchedFalse = new Map<AllyCode, number>();

  private readonly threats: ThreatTruth[];

  constructor(
    private readonly nations: readonly AllyCode[],
    threats: readonly ThreatTruth[],
    private readonly protectedAreas: readonly ProtectedArea[] = [],
  ) {
    this.threats = [];
    for (const th of threats) this.addThreat(th);
  }

  /** A launch that joins the run after it started (a launch inject). */
  addThreat(th: ThreatTruth): void {
    if (this.threats.some((x) => x.id === th.id)) throw new Error(`threat ${th.id} is already scored`);
    this.threats.push(th);
    for (const n of this.nations) this.acc.set(key(n, th.id), emptyAcc());
  }

  private get(nation: AllyCode, threat: string): Acc | undefined {
    return this.acc.get(key(nation, threat));
  }

  detection(nation: AllyCode, threat: string, t: number): void {
    const a = this.get(nation, threat);
    if (a && a.firstDetection === null) a.firstDetection = t;
  }

  ownTrack(nation: AllyCode, threat: string, t: number): void {
    const a = this.get(nation, threat);
    if (a && a.firstTrack === null) a.firstTrack = t;
  }

  alliedTrack(nation: AllyCode, threat: string, t: number): void {
    const a = this.get(nation, threat);
    if (a && a.firstAlliedTrack === null) a.firstAlliedTrack = t;
  }

  /**
   * An issued alert; `threat` is the missile its track was matched to (null: none, debris: undefined);
   * `fallen`, the spent stage or fragment the track followed, where that came down.
   */
  alert(nation: AllyCode, threat: string | null | undefined, alert: Alert, fallen?: FallenObject): void {
    if (alert.state !== "issued") return;
    if (threat === undefined) return;
    if (threat === null) {
      this.unmatchedFalse.set(nation, (this.unmatchedFalse.get(nation) ?? 0) + 1);
      return;
    }
    const a = this.get(nation, threat);
    const truth = this.threats.find((x) => x.id === threat);
    if (!a || !truth) return;
    // Right for the missile, or for the stage or fragment its track followed: people under a falling
    // stage were warned of what fell on them (the raid's R29 fragments came down on Gangwon's coast
    // while the warhead fell 59 km out at sea).
    if (!this.areaHolds(alert, truth) && !(fallen && this.areaHolds(alert, fallen))) a.falseWarnings++;
    else if (a.firstWarning === null && alert.t <= truth.tImpact) a.firstWarning = alert;
  }

  /**
   * Was the alert right? A nation's zones nest (land inside the territorial sea inside the EEZ), so an
   * alert for a zone is right when the missile fell in that zone or in one nearer the shore of the same
   * nation: an EEZ alert for a missile that hit the coast was not a false alarm, a land alert for a
   * missile that fell in the EEZ was (people took shelter for nothing).
   */
  private areaHolds(alert: Alert, truth: Pick<ThreatTruth, "impact" | "impactFix">): boolean {
    const area = alert.area;
    if (area.kind === "protected") {
      const p = this.protectedAreas.find((x) => x.id === area.id);
      return p ? insidePolygon(truth.impact.lat, truth.impact.lon, p.polygon) : false;
    }
    const fix = truth.impactFix;
    return (
      fix.nation === area.nation && fix.zone !== "high-seas" && ZONE_DEPTH[fix.zone] <= ZONE_DEPTH[area.kind]
    );
  }

  results(): ThreatMetrics[] {
    const out: ThreatMetrics[] = [];
    for (const nation of this.nations)
      for (const th of this.threats) {
        const a = this.get(nation, th.id)!;
        const rel = (t: number | null) => (t === null ? null : round1(t - th.tLaunch));
        const w = a.firstWarning;
        const fellInOwnArea = th.impactFix.nation === nation && th.impactFix.zone !== "high-seas";
        out.push({
          nation,
          threat: th.id,
          firstDetectionS: rel(a.firstDetection),
          firstTrackS: rel(a.firstTrack),
          firstAlliedTrackS: rel(a.firstAlliedTrack),
          firstWarningS: w ? rel(w.t) : null,
          leadTimeS: w ? round1(th.tImpact - w.t) : null,
          impactErrorAtWarningKm: w
            ? Math.round(
                geodesicInverse(w.ellipse.center.lat, w.ellipse.center.lon, th.impact.lat, th.impact.lon)
                  .distanceM,
              ) / 1000
            : null,
          falseWarnings: a.falseWarnings,
          missedWarning: fellInOwnArea && !w,
        });
      }
    return out;
  }

  /** Alerts raised for tracks that matched no missile, per nation (false by construction). */
  unmatchedFalseWarnings(): Record<string, number> {
    return Object.fromEntries(this.unmatchedFalse);
  }
}

const ZONE_DEPTH: Record<string, number> = { land: 0, "territorial-sea": 1, eez: 2, "high-seas": 3 };

function key(n: string, t: string): string {
  return `${n}\u0000${t}`;
}
function emptyAcc(): Acc {
  return {
    firstDetection: null,
    firstTrack: null,
    firstAlliedTrack: null,
    firstWarning: null,
    falseWarnings: 0,
  };
}
function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

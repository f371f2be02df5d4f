/**
 * One node's alert lifecycle. For every threat and every area the node warns for, an alert is issued
 * when the probability of impact in the area reaches the area's threshold, updated when the prediction
 * has changed enough to matter to people sheltering (probability, impact time, ellipse size), and
 * cancelled when the probability has fallen below half the threshold (hysteresis) at two assessments
 * in a row, or when the missile has come down; a cancelled alert is issued again only when the
 * probability is back at its threshold at two assessments in a row. The second assessment is what
 * keeps an alert from flickering: a debris track near a zone's edge, whose estimate moves as it takes
 * hits from different fragments, swung between 0.26 and 0.01 from one 4-s prediction to the next in
 * the raid, and its EEZ alert was issued and cancelled five times in 100 s; people were told five
 * times to expect an impact. A first alert is issued at once. After impact the node reports where it
 * fell, including "in the sea outside any exclusive economic zone".
 *
 * Land, territorial-sea and protected-area alerts tell people to take cover. While the predicted impact
 * is further away than `shelterLeadS`, taking cover is not yet needed and the prediction will sharpen
 * (a lofted ICBM flies 80 minutes, mostly above every radar, with an impact ellipse hundreds of km
 * across), so such an alert is issued early only when the probability is already high
 * (`earlyThresholds`); inside the shelter lead the usual thresholds apply. Nothing is issued for an
 * impact less than `minLeadS` away: it could not reach anyone in time, and the impact report follows.
 */
import type { AllyCode } from "../world/nation.ts";
import type { Alert, GeoPoint, WarningArea } from "./alert.ts";
import { ellipsePolygon } from "./ellipse-polygon.ts";
import type { ImpactPrediction } from "./impact-prediction.ts";
import type { ZoneFix } from "./maritime-zones.ts";
import { type AreaOdds, describeFix } from "./threat-areas.ts";

export interface AlertPolicy {
  /** Probability of impact at which an alert is issued, per area kind. */
  readonly thresholds: Readonly<Record<WarningArea["kind"], number>>;
  /** Thresholds while the predicted impact is more than `shelterLeadS` away, per area kind. */
  readonly earlyThresholds: Readonly<Record<WarningArea["kind"], number>>;
  /** Time before impact that people need to take cover, s. */
  readonly shelterLeadS: number;
  /**
   * A threat held back (`assess(..., { hold: true })`: the node takes it for another threat's
   * missile) issues nothing while its predicted impact is further away than this, s.
   */
  readonly holdLeadS: number;
  /** No alert is issued for an impact predicted less than this far ahead, s. */
  readonly minLeadS: number;
  /** An alert is cancelled when the probability falls below threshold × this (the usual threshold) ... */
  readonly cancelRatio: number;
  /** ... at this many assessments in a row. */
  readonly cancelAfter: number;
  /** A cancelled alert is issued again when the probability is back at its threshold this many times in a row. */
  readonly reissueAfter: number;
  /** Updates are sent at most this often per alert, s. */
  readonly minUpdateIntervalS: number;
  /** An update is due when the probability moves by this much ... */
  readonly updateProbabilityStep: number;
  /** ... or the predicted impact time moves by this many seconds ... */
  readonly updateImpactTimeStepS: number;
  /** ... or the ellipse's major axis shrinks or grows by this fraction. */
  readonly updateEllipseFraction: number;
}

export const DEFAULT_ALERT_POLICY: AlertPolicy = {
  thresholds: { land: 0.02, "territorial-sea": 0.05, eez: 0.1, "high-seas": 1, protected: 0.02 },
  earlyThresholds: { land: 0.5, "territorial-sea": 0.5, eez: 0.1, "high-seas": 1, protected: 0.5 },
  // J-Alert messages reach phones within seconds, and people are asked to take cover at once; ten
  // minutes covers the whole flight of the short- and medium-range missiles fired toward Japan.
  shelterLeadS: 600,
  holdLeadS: 120,
  minLeadS: 1,
  cancelRatio: 0.5,
  cancelAfter: 2,
  reissueAfter: 2,
  minUpdateIntervalS: 5,
  updateProbabilityStep: 0.1,
  updateImpactTimeStepS: 10,
  updateEllipseFraction: 0.25,
};

/** Why the alerts of a threat whose track ended in flight are cancelled. */
export const LOST_REASON = "track lost before impact: no fall point is known";

export interface ThreatContext {
  readonly launchPoint?: GeoPoint;
  readonly tLaunch?: number;
  readonly missileClass?: string;
}

/** Where a threat came down, as the node assessed it. */
export interface ImpactOutcome {
  readonly issuer: AllyCode;
  readonly threatId: string;
  readonly t: number;
  readonly impact: GeoPoint;
  readonly fix: ZoneFix;
  readonly description: string;
}

export class AlertManager {
  private readonly current = new Map<string, Alert>();
  private readonly versions = new Map<string, Alert[]>();
  private readonly lastPrediction = new Map<string, ImpactPrediction>();
  private readonly finished = new Set<string>();
  /** Assessments in a row that called for a change not yet confirmed, per alert. */
  private readonly streak = new Map<string, number>();

  constructor(
    readonly issuer: AllyCode,
    /** The areas this node warns for (its nation's zones and the protected areas it owns). */
    readonly areas: readonly WarningArea[],
    readonly policy: AlertPolicy = DEFAULT_ALERT_POLICY,
    readonly exercise = true,
  ) {}

  /** Every version of every alert issued so far, in order. */
  history(): Alert[] {
    return [...this.versions.values()].flat().sort((a, b) => a.t - b.t || a.version - b.version);
  }

  /** Versions of one alert, oldest first (CAP `references`). */
  versionsOf(alertId: string): readonly Alert[] {
    return this.versions.get(alertId) ?? [];
  }

  active(): Alert[] {
    return [...this.current.values()].filter((a) => a.state !== "cancelled");
  }

  isFinished(threatId: string): boolean {
    return this.finished.has(threatId);
  }

  /**
   * A new prediction for a threat: returns the alert versions it causes (issue, update, cancel).
   * `hold`: the node takes this threat for the same missile as another (older) threat, which warns
   * for it; no alert is issued unless the impact is within `holdLeadS` (live ones are still updated
   * and cancelled).
   */
  assess(
    threatId: string,
    t: number,
    pred: ImpactPrediction,
    odds: AreaOdds,
    ctx: ThreatContext = {},
    opts: { readonly hold?: boolean } = {},
  ): Alert[] {
    if (this.finished.has(threatId)) return [];
    const mayIssue = !opts.hold || pred.tImpact - t <= this.policy.holdLeadS;
    this.lastPrediction.set(threatId, pred);
    const out: Alert[] = [];
    const polygon = ellipsePolygon(pred.ellipse);
    for (const area of this.areas) {
      const p = odds.byArea.get(area.id) ?? 0;
      const id = `${this.issuer}-${threatId}-${area.id}`;
      const cur = this.current.get(id);
      const threshold = this.policy.thresholds[area.kind];
      const live = cur !== undefined && cur.state !== "cancelled";
      const issue = !live && mayIssue && p >= this.issueThreshold(area.kind, pred.tImpact - t);
      const cancel = live && p < threshold * this.policy.cancelRatio;
      // A change waits for confirmation: a cancel, and an issue after a cancel (a first one is at once).
      const needed = live ? this.policy.cancelAfter : cur ? this.policy.reissueAfter : 1;
      const streak = issue || cancel ? (this.streak.get(id) ?? 0) + 1 : 0;
      if (streak > 0 && streak < needed) this.streak.set(id, streak);
      else this.streak.delete(id);
      if (issue && streak >= needed) {
        out.push(
          this.record({
            ...this.base(id, threatId, area, t, pred, p, polygon, ctx),
            version: (cur?.version ?? 0) + 1,
            state: "issued",
          }),
        );
      } else if (cancel && streak >= needed) {
        out.push(
          this.record({
            ...this.base(id, threatId, area, t, pred, p, polygon, ctx),
            version: cur.version + 1,
            state: "cancelled",
            reason: `the predicted impact no longer threatens ${area.name}`,
          }),
        );
      } else if (live && this.updateDue(cur, t, pred, p)) {
        out.push(
          this.record({
            ...this.base(id, threatId, area, t, pred, p, polygon, ctx),
            version: cur.version + 1,
            state: "updated",
          }),
        );
      }
    }
    return out;
  }

  /**
   * The threat has come down (or its predicted impact time has passed with no track left): cancels
   * its live alerts and reports where it fell. `fix` classifies the impact point.
   */
  impacted(
    threatId: string,
    t: number,
    impact: GeoPoint,
    fix: ZoneFix,
  ): { alerts: Alert[]; outcome: ImpactOutcome } {
    const description = `fell ${describeFix(fix)}`;
    const alerts = this.finish(threatId, t, description);
    return { alerts, outcome: { issuer: this.issuer, threatId, t, impact, fix, description } };
  }

  /**
   * The threat's track ended before it came down (its predicted impact time passed with no track
   * having followed it to the ground): its live alerts are cancelled as lost, and no impact is
   * reported — the last prediction is not a place where anything is known to have fallen.
   */
  lost(threatId: string, t: number): Alert[] {
    return this.finished.has(threatId) ? [] : this.finish(threatId, t, LOST_REASON);
  }

  /**
   * The threat's system track merged into another one (two tracks of one object): its live alerts are
   * cancelled, naming the threat that continues — which keeps or issues its own alerts — and nothing
   * more is assessed or reported for it (no impact outcome: the continuing threat reports one).
   */
  merged(threatId: string, t: number, intoThreatId: string): Alert[] {
    return this.finished.has(threatId) ? [] : this.finish(threatId, t, `the same missile as ${intoThreatId}`);
  }

  /** Ends a threat: its live alerts are cancelled with `reason`, and nothing more is assessed for it. */
  private finish(threatId: string, t: number, reason: string): Alert[] {
    const alerts: Alert[] = [];
    for (const cur of this.current.values()) {
      if (cur.threatId !== threatId || cur.state === "cancelled") continue;
      this.streak.delete(cur.id);
      alerts.push(this.record({ ...cur, t, version: cur.version + 1, state: "cancelled", reason }));
    }
    this.finished.add(threatId);
    return alerts;
  }

  /** The latest prediction used for a threat (for time-outs after a track is lost). */
  lastPredictionOf(threatId: string): ImpactPrediction | undefined {
    return this.lastPrediction.get(threatId);
  }

  /** The probability at which a new alert is issued, given the time left before the predicted impact. */
  private issueThreshold(kind: WarningArea["kind"], leadS: number): number {
    const pol = this.policy;
    if (leadS < pol.minLeadS) return Number.POSITIVE_INFINITY;
    return leadS > pol.shelterLeadS
      ? Math.max(pol.thresholds[kind], pol.earlyThresholds[kind])
      : pol.thresholds[kind];
  }

  private updateDue(cur: Alert, t: number, pred: ImpactPrediction, p: number): boolean {
    const pol = this.policy;
    if (t - cur.t < pol.minUpdateIntervalS) return false;
    const a0 = cur.ellipse.semiMajorM;
    return (
      Math.abs(p - cur.probability) >= pol.updateProbabilityStep ||
      Math.abs(pred.tImpact - cur.tImpact) >= pol.updateImpactTimeStepS ||
      Math.abs(pred.ellipse.semiMajorM - a0) >= pol.updateEllipseFraction * a0
    );
  }

  private base(
    id: string,
    threatId: string,
    area: WarningArea,
    t: number,
    pred: ImpactPrediction,
    p: number,
    polygon: Alert["ellipsePolygon"],
    ctx: ThreatContext,
  ) {
    return {
      id,
      issuer: this.issuer,
      threatId,
      area,
      t,
      tImpact: pred.tImpact,
      probability: p,
      ellipse: pred.ellipse,
      ellipsePolygon: polygon,
      launchPoint: ctx.launchPoint,
      tLaunch: ctx.tLaunch,
      missileClass: ctx.missileClass,
      exercise: this.exercise,
    };
  }

  private record(a: Alert): Alert {
    this.current.set(a.id, a);
    const list = this.versions.get(a.id);
    if (list) list.push(a);
    else this.versions.set(a.id, [a]);
    return a;
  }
}

/**
 * One nation's node: its own sensors' detections → tracking → fusion with the tracks allies relay →
 * warnings → outbound sharing. The same class runs embedded (in-process bus, virtual time) and as its
 * own process over NATS: it only sees a Transport, a clock and the detections handed to it.
 *
 * What it shares: its OWN tracks (from its own sensors), labelled and signed, to every nation the
 * policy allows, with sensor identities stripped by the policy for other nations. It never re-sends
 * what allies gave it — that would both breach the originator's releasability and make allies count
 * the same information twice.
 */
import { ecefToGeodetic } from "../core/geodesy.ts";
import type { Rng } from "../core/rng.ts";
import {
  type FlightPhase,
  FusionEngine,
  type FusionEngineOptions,
  type SystemTrack,
} from "../fusion/fusion-engine.ts";
import type { Detection } from "../sensors/detection.ts";
import type { PinnedKeySet, SigningKey } from "../sharing/keys.ts";
import { makeLabel, type SecurityLabel } from "../sharing/label.ts";
import type { MessageKind } from "../sharing/message-kinds.ts";
import type {
  BallisticTrack,
  LaunchEvent,
  PayloadOf,
  TrackManagement,
  Warning,
} from "../sharing/messages.ts";
import type { Policy } from "../sharing/policy.ts";
import { DEFAULT_MAX_AGE_S, Receiver } from "../sharing/receiver.ts";
import { DEFAULT_VALIDITY_S, Sender } from "../sharing/sender.ts";
import type { InboundMessage, InboxSubscription, Transport } from "../sharing/transport.ts";
import { IrLaunchDetector } from "../tracking/ir-launch-detection.ts";
import { positionVelocityBlock, reportedCovariance, type TrackFilter } from "../tracking/track-filter.ts";
import type { Track, TrackManager } from "../tracking/track-manager.ts";
import type { Alert } from "../warning/alert.ts";
import { AlertManager } from "../warning/alert-manager.ts";
import { DEFAULT_BETA_KG_M2, DEFAULT_BETA_REL_SIGMA, predictImpact } from "../warning/impact-prediction.ts";
import { MaritimeZones } from "../warning/maritime-zones.ts";
import {
  areaProbabilities,
  nationAreas,
  type ProtectedArea,
  protectedAreaOf,
} from "../warning/threat-areas.ts";
import type { AllyCode, NationCode } from "../world/nation.ts";
import { ballisticCoefficient, createBallisticTracker, thrustEstimate } from "./ballistic-tracker.ts";
import { clearOfAreas } from "./impact-relevance.ts";
import type { NodeEvent, NodeEventSink } from "./node-events.ts";
import { PoweredFlightDetector } from "./powered-flight.ts";
import { cloudConsensusAgainst, shadowingLeader, threatLeaders } from "./threat-leaders.ts";
import { isFirm } from "./track-firmness.ts";
import { messageState, phaseOf, trackMessage } from "./track-messages.ts";

export interface NationalNodeOptions {
  readonly nation: AllyCode;
  /** The releasability policy in force (already cut to the sharing mode under study). */
  readonly policy: Policy;
  readonly key: SigningKey;
  readonly keys: PinnedKeySet;
  readonly transport: Transport;
  /** Scenario time, s since epoch. */
  readonly clock: () => number;
  readonly rng: Rng;
  readonly sink?: NodeEventSink;
  readonly protectedAreas?: readonly ProtectedArea[];
  /** How often own tracks are sent to allies, s (default 2). */
  readonly shareIntervalS?: number;
  /** How often each threat's impact is re-predicted, s (default 4). */
  readonly warnIntervalS?: number;
  /**
   * How often a threat whose last prediction was clear of this node's areas, with a margin
   * (impact-relevance.ts), is re-predicted, s (default 12; warnIntervalS or less: always every
   * warnIntervalS).
   */
  readonly clearIntervalS?: number;
  /** Monte Carlo samples per impact prediction (default 200). */
  readonly predictionSamples?: number;
  /** Classification of what the node sends (default RESTRICTED). */
  readonly classification?: string;
  /** Simulated warnings are exercises (CAP status "Exercise"); default true. */
  readonly exercise?: boolean;
  /**
   * Scenario seconds per wall second when the node runs on a wall clock (default 1). Transport and
   * processing delays are wall time and do not shrink with the clock: at N× a one-second hold-up costs
   * N scenario seconds, so message validity and the oldest accepted age widen with the speed.
   */
  readonly clockSpeed?: number;
  /** Fusion engine settings other than the nation (default: the engine's own). */
  readonly fusion?: Omit<FusionEngineOptions, "nation">;
}

/** Wall seconds of transport and processing hold-up a message must survive at any clock speed. */
const WALL_DELAY_TOLERANCE_S = 10;

interface ThreatState {
  /**
   * Judges the fused track: powered on the magnitude of the unexplained acceleration. (Counting only
   * its forward part here too judged burnout sooner, and first warnings came earlier but worse: 20
   * ICBM runs without sharing, `allylink compare`, impact error at first warning p50 28 → 121 km.)
   */
  detector: PoweredFlightDetector;
  nextPredictionT: number;
  lastTImpact: number;
  lastImpact?: { lat: number; lon: number };
  /** Time of the last state of its system track that was assessed, s. */
  lastSeenT: number;
  /** That state (ECEF position, velocity): the fusion makes a new array for every picture. */
  lastSeenX: ArrayLike<number>;
  sources: NationCode[];
}

/**
 * A threat whose track was last seen this long or less before its predicted impact was followed down
 * (radars lose a reentry vehicle low over the horizon, seconds before it hits): it is reported as
 * fallen at its predicted impact point. Ended earlier, its track was lost in flight, s.
 */
const FOLLOWED_DOWN_S = 60;

/**
 * A threat whose track was last seen higher than this plus what it could descend before its predicted
 * impact has not fallen there: that prediction was wrong, m. (A reentry vehicle is 10–20 s from the
 * ground at 50 km; impact times predicted from reentry states are good to a second or two.)
 */
const STILL_FLYING_M = 50_000;

/** Faster than anything here comes down (an ICBM's reentry vehicle: about 7 km/s), m/s. */
const FASTEST_DESCENT_MPS = 8_000;

export class NationalNode {
  readonly nation: AllyCode;
  readonly tracker: TrackManager;
  /** Space infrared: triangulated boost tracks and launch estimates (nations with IR satellites). */
  readonly irLaunches = new IrLaunchDetector();
  readonly fusion: FusionEngine;
  readonly alerts: AlertManager;
  readonly receiver: Receiver;
  readonly sender: Sender;
  private subscription?: InboxSubscription;
  private readonly label: SecurityLabel;
  private readonly shareIntervalS: number;
  /** The own tracks that are firm at this step (track-firmness.ts), by track number. */
  private firmOwn = new Map<string, Track>();
  private readonly warnIntervalS: number;
  private readonly clearIntervalS: number;
  private nextShareT = Number.NEGATIVE_INFINITY;
  private readonly updateSeq = new Map<number, number>();
  private readonly contributors = new Map<number, Map<string, { siteEcef: number[]; t: number }>>();
  /**
   * Per own track: the flight phase judged at the last step, which its fusion reports and
   * BallisticTrack messages carry.
   */
  private readonly ownPhase = new Map<number, { phase: FlightPhase }>();
  private readonly threats = new Map<number, ThreatState>();
  private readonly knownStns = new Set<number>();
  /** IR detections held until every satellite's report of the same instant has arrived. */
  private irBuffer: Detection[] = [];
  /** Boost tracks already announced, with the number of points their estimate used. */
  private readonly announced = new Map<number, number>();
  private readonly pendingSends: Promise<unknown>[] = [];
  private readonly protectedAreas: readonly ProtectedArea[];
  private readonly events: NodeEvent[] = [];
  /** The fused picture of the last step (fusing is done once per step, not per reader). */
  private lastPicture: readonly SystemTrack[] = [];

  constructor(private readonly opts: NationalNodeOptions) {
    this.nation = opts.nation;
    this.shareIntervalS = opts.shareIntervalS ?? 2;
    this.warnIntervalS = opts.warnIntervalS ?? 4;
    this.clearIntervalS = opts.clearIntervalS ?? 12;
    this.protectedAreas = (opts.protectedAreas ?? []).filter((p) => p.owner === opts.nation);
    this.tracker = createBallisticTracker({
      hooks: {
        onUpdate: (track, det) => this.noteContributor(track, det),
        onConfirm: (track) =>
          this.emit({
            type: "track.confirmed",
            nation: this.nation,
            t: track.tConfirmed ?? opts.clock(),
            trackNumber: this.trackNumber(track),
          }),
        onDelete: (track, reason) => this.onTrackDeleted(track, reason),
      },
    });
    this.fusion = new FusionEngine({ ...opts.fusion, nation: opts.nation });
    const areas = [...nationAreas(opts.nation), ...this.protectedAreas.map(protectedAreaOf)];
    this.alerts = new AlertManager(opts.nation, areas, undefined, opts.exercise ?? true);
    this.label = makeLabel(opts.policy, opts.classification ?? "RESTRICTED", [...opts.policy.nations.keys()]);
    const speed = opts.clockSpeed ?? 1;
    this.sender = new Sender({
      policy: opts.policy,
      key: opts.key,
      nodeId: `${opts.nation}-node`,
      clock: opts.clock,
      validityS: Math.max(DEFAULT_VALIDITY_S, WALL_DELAY_TOLERANCE_S * speed),
    });
    this.receiver = new Receiver({
      nation: opts.nation,
      policy: opts.policy,
      keys: opts.keys,
      clock: opts.clock,
      maxAgeS: Math.max(DEFAULT_MAX_AGE_S, 2 * WALL_DELAY_TOLERANCE_S * speed),
      logger: {
        warn: (_msg, f) =>
          this.emit({
            type: "message.rejected",
            nation: this.nation,
            t: opts.clock(),
            reason: f.reason as never,
            detail: String(f.detail),
            subject: String(f.subject),
          }),
      },
    });
  }

  /** Starts consuming this nation's inbox. */
  async start(): Promise<void> {
    this.subscription = await this.opts.transport.subscribeInbox((msg) => {
      this.onMessage(msg);
      msg.ack();
    });
  }

  async stop(): Promise<void> {
    await this.flushSends();
    await this.subscription?.unsubscribe();
  }

  /** A detection from one of this nation's own sensors, at its report time. */
  ingest(det: Detection): void {
    if (det.nation !== this.nation)
      throw new Error(`node ${this.nation} was given a ${det.nation} sensor's detection`);
    // Angles-only infrared goes to launch detection (triangulation); everything else to the tracker.
    if (det.kind === "ir") this.irBuffer.push(det);
    else this.tracker.ingest(det);
  }

  /** Events since the last call (the runner drains them into the log and the metrics). */
  drainEvents(): NodeEvent[] {
    return this.events.splice(0, this.events.length);
  }

  /** Advances the node to time t: tracking, sharing, fusion, warning. */
  async step(t: number): Promise<void> {
    this.tracker.advanceTo(t);
    this.announceLaunches(t);
    const own = this.tracker.confirmedTracks();
    const firm = own.filter(isFirm);
    this.firmOwn = new Map(firm.map((tr) => [this.trackNumber(tr), tr]));
    for (const tr of own) {
      const f = tr.filter;
      let judged = this.ownPhase.get(tr.id);
      if (!judged) {
        judged = { phase: "unknown" };
        this.ownPhase.set(tr.id, judged);
      }
      judged.phase = phaseOf(f.x, ownPowered(tr));
      this.fusion.report({
        source: this.nation,
        trackNumber: this.trackNumber(tr),
        t: f.t,
        x: f.x.subarray(0, 6),
        P: positionVelocityBlock(reportedCovariance(f), f.dim),
        phase: judged.phase,
      });
    }
    if (t >= this.nextShareT) {
      this.nextShareT = t + this.shareIntervalS;
      // Allies get the tracks this node stands behind (track-firmness.ts).
      this.sendAll(firm.map((tr) => ({ kind: "BallisticTrack", payload: this.trackPayload(tr) })));
    }
    const picture = this.fusion.fuse(t);
    this.lastPicture = picture;
    // Picture events are drained every step (they would pile up otherwise). A system track taken back
    // from coasting continues its threat: same threat id, its alerts are updated, not issued again;
    // its powered-flight history is from before the gap, so it starts afresh, and it is re-predicted as
    // soon as it can be. Until then its end is not the stale prediction's impact time but the latest
    // one the coasting candidate allowed.
    // A system track merged into another was the same missile: its threat ends there, its alerts are
    // withdrawn naming the threat that continues (they would otherwise stand, never updated, until
    // their predicted impact time, and then report an impact of their own), and the continuing threat
    // is assessed at once.
    this.fusion.handovers();
    for (const ev of this.fusion.takeEvents()) {
      const th = this.threats.get(ev.stn);
      if (th && ev.kind === "resume") {
        th.detector = new PoweredFlightDetector();
        th.nextPredictionT = t;
        th.lastTImpact = Math.max(th.lastTImpact, ev.coastUntil);
      } else if (th && ev.kind === "merge") {
        const withdrawn = this.alerts.merged(`T${ev.stn}`, t, `T${ev.into}`);
        for (const a of withdrawn) this.publishAlert(a, []);
        this.threats.delete(ev.stn);
        // The continuing threat is assessed now, so that its own alerts follow in the same step.
        const into = this.threats.get(ev.into);
        if (into && withdrawn.length > 0) into.nextPredictionT = t;
      }
    }
    // A threat flying beside a better-known one (shadowingLeader: smaller position variance) that is
    // still under thrust is predicted but issues nothing: in the ICBM runs a relayed track split off
    // the missile's system track near burnout for a few fusions, looked ballistic before the missile
    // had burnt out and warned JPN 6–30 s before the missile's own track with impact points 80–940 km
    // off. Held only while the better track says "powered": held after burnout, a separate missile
    // of a salvo flying close by lost its warning (the raid's JPN R01 was missed).
    // A young threat inside a cloud that flies together, against the cloud's velocity, is held too
    // (in warn()): a track made of several fragments' hits (cloudConsensusAgainst).
    const leaders = threatLeaders(picture);
    for (const st of leaders) {
      const older = shadowingLeader(
        st,
        leaders,
        (o) => !this.alerts.isFinished(`T${o.stn}`) && this.threats.get(o.stn)?.detector.isPowered === true,
      );
      this.warn(st, t, older?.stn);
    }
    this.expireThreats(t);
    await this.flushSends();
  }

  /** Own confirmed tracks, fused system tracks and live alerts: what this nation's people see. */
  picture(): {
    tracks: readonly Track[];
    /** Flight phase of each own track as judged at the last step, by track id. */
    trackPhases: ReadonlyMap<number, { readonly phase: FlightPhase }>;
    systemTracks: readonly SystemTrack[];
    alerts: readonly Alert[];
  } {
    return {
      tracks: this.tracker.confirmedTracks(),
      trackPhases: this.ownPhase,
      systemTracks: this.lastPicture,
      alerts: this.alerts.active(),
    };
  }

  private trackNumber(track: Track): string {
    return `${this.nation}-${track.id}`;
  }

  private emit(e: NodeEvent): void {
    this.events.push(e);
    this.opts.sink?.(e);
  }

  private noteContributor(track: Track, det: Detection): void {
    let m = this.contributors.get(track.id);
    if (!m) {
      m = new Map();
      this.contributors.set(track.id, m);
    }
    m.set(det.sensorId, { siteEcef: [det.siteEcef[0], det.siteEcef[1], det.siteEcef[2]], t: det.t });
  }

  private onTrackDeleted(track: Track, reason: string): void {
    const trackNumber = this.trackNumber(track);
    this.contributors.delete(track.id);
    this.ownPhase.delete(track.id);
    if (track.tConfirmed === null) return;
    const t = this.opts.clock();
    this.emit({ type: "track.deleted", nation: this.nation, t, trackNumber, reason });
    this.fusion.drop(this.nation, trackNumber);
    // Allies are told of the drop only if they were sent the track (only firm tracks are shared).
    if (!this.updateSeq.delete(track.id)) return;
    const drop: TrackManagement = { action: "drop", trackNumber, origin: this.nation, time: t, reason };
    this.send("TrackManagement", drop);
  }

  /** The BallisticTrack message for one own track (next update sequence). */
  private trackPayload(tr: Track): BallisticTrack {
    const seq = (this.updateSeq.get(tr.id) ?? 0) + 1;
    this.updateSeq.set(tr.id, seq);
    const f = tr.filter;
    const contributors = [...(this.contributors.get(tr.id) ?? new Map()).entries()]
      .slice(0, 64)
      .map(([sensorId, c]) => ({
        sensorType: "radar" as const,
        sensorId,
        siteEcef: c.siteEcef,
        lastUpdate: c.t,
      }));
    return trackMessage({
      trackNumber: this.trackNumber(tr),
      origin: this.nation,
      updateSequence: seq,
      t: f.t,
      x: f.x,
      P: reportedCovariance(f),
      dim: f.dim,
      phase: this.ownPhase.get(tr.id)?.phase ?? "unknown",
      contributors,
    });
  }

  private send<K extends MessageKind>(kind: K, payload: PayloadOf[K]): void {
    this.sendAll([{ kind, payload }]);
  }

  /**
   * Builds every item's envelopes (an invalid item is refused alone), signs them together — one
   * signature per destination for a whole round of track updates (batch-signature.ts), so a receiver
   * verifies one Ed25519 signature per round instead of one per track — and publishes each envelope
   * as its own message.
   */
  private sendAll(items: readonly { kind: MessageKind; payload: PayloadOf[MessageKind] }[]): void {
    const t = this.opts.clock();
    const built: { kind: MessageKind; pending: ReturnType<Sender["build"]> }[] = [];
    for (const { kind, payload } of items) {
      try {
        built.push({ kind, pending: this.sender.build(kind, payload, this.label) });
      } catch (err) {
        this.emit({
          type: "message.refused",
          nation: this.nation,
          t,
          kind,
          destination: this.nation,
          detail: (err as Error).message,
        });
      }
    }
    const signed = this.sender.sign(built.flatMap((b) => b.pending));
    let k = 0;
    for (const { kind, pending } of built) {
      for (let i = 0; i < pending.length; i++) {
        const o = signed[k++];
        this.pendingSends.push(
          this.opts.transport.publish(o.subject, o.bytes, { msgId: o.msgId }).then(
            () =>
              this.emit({
                type: "message.sent",
                nation: this.nation,
                t,
                kind,
                destination: o.destination,
                msgId: o.msgId,
              }),
            (err: Error) =>
              this.emit({
                type: "message.refused",
                nation: this.nation,
                t,
                kind,
                destination: o.destination,
                detail: err.message,
              }),
          ),
        );
      }
    }
  }

  private async flushSends(): Promise<void> {
    while (this.pendingSends.length) await Promise.all(this.pendingSends.splice(0, this.pendingSends.length));
  }

  private onMessage(msg: InboundMessage): void {
    const r = this.receiver.receive(msg.subject, msg.data, msg.parsed);
    if (!r.accepted) return;
    const env = r.envelope;
    const t = this.opts.clock();
    const kind = env.header.kind as MessageKind;
    const origin = env.header.origin as NationCode;
    if (kind === "BallisticTrack") {
      const m = env.payload as BallisticTrack;
      const { x, P } = messageState(m);
      this.fusion.report({
        source: m.origin as NationCode,
        trackNumber: m.trackNumber,
        t: m.time,
        x,
        P,
        quality: m.quality,
        phase: m.phase as FlightPhase,
      });
      this.emit({
        type: "message.received",
        nation: this.nation,
        t,
        kind,
        origin,
        msgId: env.header.id,
        trackNumber: m.trackNumber,
      });
    } else {
      if (kind === "TrackManagement") {
        const m = env.payload as TrackManagement;
        if (m.action === "drop") this.fusion.drop(m.origin as NationCode, m.trackNumber);
      } else if (kind === "LaunchEvent") {
        const m = env.payload as LaunchEvent;
        const g = ecefToGeodetic(m.launchPointEcef[0], m.launchPointEcef[1], m.launchPointEcef[2]);
        this.emit({
          type: "launch.detected",
          nation: this.nation,
          t,
          launchTime: m.launchTime,
          launchPoint: { lat: g.lat, lon: g.lon },
          source: origin,
        });
      }
      this.emit({ type: "message.received", nation: this.nation, t, kind, origin, msgId: env.header.id });
    }
  }

  /**
   * A launch seen from space: announced (LaunchEvent to every nation the policy allows) as soon as the
   * boost track yields a launch estimate, and again whenever the estimate rests on twice the points.
   */
  private announceLaunches(t: number): void {
    // Satellites report the same scan instant with different latencies; triangulation needs them together.
    const ready = this.irBuffer.filter((d) => d.t <= t - IR_REPORT_LAG_S);
    if (ready.length === 0) return;
    this.irBuffer = this.irBuffer.filter((d) => d.t > t - IR_REPORT_LAG_S);
    this.irLaunches.ingest(ready);
    this.irLaunches.flush();
    for (const bt of this.irLaunches.boostTracks()) {
      const est = bt.launch;
      if (!est) continue;
      const prev = this.announced.get(bt.track.id) ?? 0;
      if (prev && est.points < 2 * prev) continue;
      this.announced.set(bt.track.id, est.points);
      const ev: LaunchEvent = {
        eventId: `${this.nation}-L${bt.track.id}-${est.points}`,
        origin: this.nation,
        time: t,
        launchTime: est.tLaunch,
        launchPointEcef: [est.ecef[0], est.ecef[1], est.ecef[2]],
        classification: { category: "UNKNOWN", confidence: 0 },
        contributors: [{ sensorType: "ir", lastUpdate: bt.track.tLastUpdate }],
      };
      this.emit({
        type: "launch.detected",
        nation: this.nation,
        t,
        launchTime: est.tLaunch,
        launchPoint: { lat: est.latRad, lon: est.lonRad },
        source: this.nation,
      });
      this.send("LaunchEvent", ev);
    }
  }

  /**
   * `shadowOf`: the better-known threat this one flies beside (it issues nothing while held, see
   * step()); a threat is also held by the cloud it flies against (cloudConsensusAgainst).
   */
  private warn(st: SystemTrack, t: number, shadowOf?: number): void {
    let th = this.threats.get(st.stn);
    if (!th) {
      th = {
        detector: new PoweredFlightDetector(),
        nextPredictionT: t,
        lastTImpact: Number.POSITIVE_INFINITY,
        lastSeenT: st.t,
        lastSeenX: st.x,
        sources: [],
      };
      this.threats.set(st.stn, th);
    }
    th.sources = [...new Set(st.contributors.map((c) => c.source))];
    if (st.t >= th.lastSeenT) {
      th.lastSeenT = st.t;
      th.lastSeenX = st.x;
    }
    if (!this.knownStns.has(st.stn)) {
      this.knownStns.add(st.stn);
      this.emit({ type: "system-track.new", nation: this.nation, t, stn: st.stn, sources: th.sources });
    }
    // Powered while its own detector says so, or while the reporting source does: the source judges its
    // track on every state of its own filter, the detector here only on fused states. Without the
    // source's word, KOR warned its EEZ from a relayed booster's 600-km ellipse (ICBM runs) and JPN had
    // 3 false warnings in pacific-dragon.
    const powered = th.detector.add(st.t, st.x) || st.phase === "boost";
    const threatId = `T${st.stn}`;
    // Predicted only from a firm track (track-firmness.ts): an own one that is firm now, or an ally's
    // (allies share only their firm tracks). A threat whose tracks are not firm keeps its last
    // prediction and its alerts until a firm track takes it up again or it ends.
    let own: Track | undefined;
    for (const c of st.contributors) if (c.source === this.nation) own = this.firmOwn.get(c.trackNumber);
    const firm = own !== undefined || st.contributors.some((c) => c.source !== this.nation);
    if (powered || !firm || t < th.nextPredictionT || this.alerts.isFinished(threatId)) return;
    th.nextPredictionT = t + this.warnIntervalS;
    const pred = predictImpact(st.x, st.P, st.t, {
      rng: this.opts.rng.fork(`predict:${st.stn}:${Math.round(t * 1000)}`),
      samples: this.opts.predictionSamples ?? 200,
      ...(own && learntDrag(own.filter)),
    });
    if (!pred) return;
    th.lastTImpact = pred.tImpact;
    th.lastImpact = pred.impact;
    this.emit({
      type: "prediction",
      nation: this.nation,
      t,
      stn: st.stn,
      tImpact: pred.tImpact,
      impact: pred.impact,
      semiMajorM: pred.ellipse.semiMajorM,
      semiMinorM: pred.ellipse.semiMinorM,
      sources: th.sources,
    });
    const odds = areaProbabilities(pred.samples, this.protectedAreas);
    const clear = clearOfAreas(pred, odds, this.nation, this.alerts.areas, this.protectedAreas);
    // A threat to other nations' waters (or far out to sea) is refreshed less often (impact-relevance.ts).
    if (this.clearIntervalS > this.warnIntervalS && clear) th.nextPredictionT = t + this.clearIntervalS;
    // Looked for only here, when a prediction is made: against the whole picture, for every leader
    // at every step, it cost 8 % of the raid's CPU (276 s against 257 s without the check, 262 s
    // here; one run each).
    const heldFor = shadowOf ?? cloudConsensusAgainst(st, this.lastPicture)?.stn;
    const hold = heldFor !== undefined;
    // A held threat that does concern this nation has the threat that warns for the missile
    // re-predicted at the next step rather than at its usual interval.
    const older = hold && !clear ? this.threats.get(heldFor) : undefined;
    if (older && older.nextPredictionT > t) older.nextPredictionT = t;
    for (const alert of this.alerts.assess(threatId, t, pred, odds, {}, { hold }))
      this.publishAlert(alert, [...st.contributors.map((c) => c.trackNumber)]);
  }

  /**
   * Threats whose predicted impact time has passed: cancel their alerts and say where they fell, or
   * that their track was lost.
   *
   * Not while the fusion keeps the threat's system track coasting: a missile that climbed out of every
   * radar's coverage is still predicted to come down (until the latest impact its uncertainty allows,
   * coasting.ts), and a track that picks it up again continues the same threat. Its alerts stay as
   * last predicted (ellipse, probability, time of impact) through the gap — cancelling them because
   * the radars lost sight of the missile, then issuing them again at reentry, would tell people the
   * danger had passed when it had not. When the candidate is forgotten unclaimed, the threat ends as
   * one whose track was lost (below).
   *
   * A threat is reported as fallen at its last predicted impact point only if its track was followed
   * to within FOLLOWED_DOWN_S of that impact. One whose track ended in flight — a track split off
   * another for a few fusions, a boost track dropped before burnout, a coasting one never taken back —
   * has its alerts cancelled as lost, with no impact outcome: its last prediction said where it would
   * fall, not where anything fell (a boost-phase prediction of a track lost near burnout was reported
   * as "fell on land (PRK)").
   */
  private expireThreats(t: number): void {
    for (const [stn, th] of this.threats) {
      const threatId = `T${stn}`;
      if (this.alerts.isFinished(threatId) || !th.lastImpact) continue;
      if (this.fusion.isCoasting(stn)) continue;
      if (th.lastTImpact === Number.POSITIVE_INFINITY) {
        // Its last prediction proved wrong (below) and none has replaced it yet: ends as lost if its
        // track does.
        if (t - th.lastSeenT > FOLLOWED_DOWN_S)
          for (const a of this.alerts.lost(threatId, t)) this.publishAlert(a, []);
        continue;
      }
      if (t < th.lastTImpact) continue;
      const seen = th.lastSeenX;
      const descentS = Math.max(0, th.lastTImpact - th.lastSeenT);
      if (ecefToGeodetic(seen[0], seen[1], seen[2]).h > STILL_FLYING_M + descentS * FASTEST_DESCENT_MPS) {
        // Last seen too high to have come down by the time its last prediction said it would hit:
        // that prediction was made from a state that only looked ballistic (in ICBM runs a young
        // track's first seconds in boost: "fell on land (PRK)" was declared while the missile climbed,
        // and the threat, finished, never warned JPN). Its alerts stand until the next prediction,
        // made as soon as the flight looks unpowered; if its track has ended, it ends as lost.
        th.lastTImpact = Number.POSITIVE_INFINITY;
        th.nextPredictionT = t;
        continue;
      }
      if (th.lastTImpact - th.lastSeenT > FOLLOWED_DOWN_S) {
        // Lost in flight (a track that ended, or a coasting one nobody took back): not an impact.
        for (const a of this.alerts.lost(threatId, t)) this.publishAlert(a, []);
        continue;
      }
      const fix = MaritimeZones.get().classify(th.lastImpact.lat, th.lastImpact.lon);
      const { alerts, outcome } = this.alerts.impacted(threatId, t, th.lastImpact, fix);
      for (const a of alerts) this.publishAlert(a, []);
      this.emit({ type: "impact.outcome", nation: this.nation, t, outcome });
    }
  }

  private publishAlert(alert: Alert, trackNumbers: string[]): void {
    this.emit({ type: "alert", nation: this.nation, t: alert.t, alert });
    const action = alert.state === "issued" ? "issue" : alert.state === "updated" ? "update" : "cancel";
    const w: Warning = {
      warningId: alert.id,
      origin: this.nation,
      action,
      revision: alert.version - 1,
      time: alert.t,
      severity: alert.area.kind === "land" || alert.area.kind === "protected" ? "extreme" : "severe",
      headline: `${action} ${alert.area.name}`.slice(0, 200),
      timeOfImpact: alert.tImpact,
      trackNumbers: trackNumbers.slice(0, 32),
      areas: [
        {
          shape: "polygon",
          name: alert.area.name.slice(0, 100),
          vertices: alert.ellipsePolygon
            .slice(0, -1)
            .map((p) => [(p.lat * 180) / Math.PI, (p.lon * 180) / Math.PI]),
        },
      ],
    };
    this.send("Warning", w);
  }
}

/** An own track is judged once it is this old, s (till then "unknown" while it climbs). */
const OWN_JUDGE_AFTER_S = 4;
/** Thrust that means powered flight, m/s² (the powered-flight detector's threshold). */
const OWN_POWERED_THRUST_MPS2 = 6;

/**
 * Is an own track under thrust (undefined: cannot tell yet)? From what its filter estimates of thrust
 * (ballistic-tracker.ts): powered while the expected thrust passes the threshold; undecided while only
 * the boost model, which the IMM does not favour, still sees thrust — a young track, a stage
 * separating, a coarse radar that cannot yet tell ballistic flight from a burn, a track that lost the
 * missile just before burnout (a label of "midcourse" there had allies extrapolate a booster with
 * midcourse noise: the fused ICBM track's NEES rose to 30–100 for those seconds); unpowered when
 * neither sees thrust. A detector of the velocity history, the judge before tracks estimated thrust,
 * called a young JPN track of the MRBM in pacific-dragon "midcourse" for 10 s of its boost.
 */
function ownPowered(tr: Track): boolean | undefined {
  const f = tr.filter;
  const thrust = thrustEstimate(f);
  if (thrust === undefined || f.t - tr.tCreated < OWN_JUDGE_AFTER_S) return undefined;
  if (thrust.expected > OWN_POWERED_THRUST_MPS2) return true;
  return thrust.ifBoosting > OWN_POWERED_THRUST_MPS2 ? undefined : false;
}

/**
 * The ballistic coefficient an impact prediction flies with: the own track's, once its filter knows it
 * better than the prediction's default assumption (a reentry vehicle, 5,000 ± 30 % kg/m²); else that
 * default (undefined). Fused states carry no β (allies send none). With the default, light debris —
 * fragments and spent stages of 50–1,500 kg/m² — was predicted to fly on through the air it in fact
 * slows in: in the raid KOR's predictions for debris fell 10–35 km beyond where the debris came down,
 * with states consistent with the truth (NEES 0–5).
 */
function learntDrag(f: TrackFilter): { betaKgM2: number; betaRelSigma: number } | undefined {
  const b = ballisticCoefficient(f);
  if (!b || !(b.sigmaKgM2 < DEFAULT_BETA_REL_SIGMA * DEFAULT_BETA_KG_M2)) return undefined;
  return { betaKgM2: b.betaKgM2, betaRelSigma: b.sigmaKgM2 / b.betaKgM2 };
}

/** Longest space-IR reporting latency waited for before triangulating a scan instant, s. */
const IR_REPORT_LAG_S = 5;

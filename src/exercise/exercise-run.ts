/**
 * One exercise, stepped: the world flies, every sensor scans on its own schedule, detections reach
 * their nation's node after the sensor's reporting latency, nodes track, share over the in-process
 * bus (simulated latency, loss and outages in the same virtual time), fuse and warn. Faults and
 * launches from the scenario's injects are executed at their times.
 *
 * The class only knows "advance one step"; `runVirtual` loops it as fast as possible and `LiveRunner`
 * paces it against a wall clock. Everything that happens is recorded through one function: it goes to
 * the optional event log and to subscribers, so a run's log holds what the report, the exports and the
 * replay need (see log-kinds.ts): the run header, every node event, the first detection / track /
 * allied track / warning observations behind the metrics, truth snapshots and GOSPA at 1 Hz.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ecefToGeodetic, rad2deg } from "../core/geodesy.ts";
import { Rng } from "../core/rng.ts";
import { lowerBound } from "../core/sorted-search.ts";
import { NationalNode } from "../node/national-node.ts";
import type { NodeEvent } from "../node/node-events.ts";
import { policyForMode, type SharingMode } from "../node/sharing-mode.ts";
import { buildScenario } from "../scenario/build.ts";
import type { Scenario, ScenarioLaunch } from "../scenario/scenario.ts";
import type { Sensor } from "../sensors/sensor.ts";
import { TruthSnapshot } from "../sensors/truth-snapshot.ts";
import { InProcessBus, type LinkConfig, type LinkName } from "../sharing/inprocess-bus.ts";
import { generateSigningKey, pinnedFrom } from "../sharing/keys.ts";
import { loadPolicy, type Policy } from "../sharing/policy.ts";
import { VirtualScheduler } from "../sharing/virtual-scheduler.ts";
import type { EventLog } from "../store/event-log.ts";
import { gospa } from "../tracking/metrics/gospa.ts";
import type { Alert } from "../warning/alert.ts";
import { MaritimeZones } from "../warning/maritime-zones.ts";
import type { ProtectedArea } from "../warning/threat-areas.ts";
import { BallisticFragment, releaseDebris } from "../world/debris.ts";
import { planMissileFlight } from "../world/missile-flight.ts";
import type { AllyCode } from "../world/nation.ts";
import type { Mover } from "../world/truth.ts";
import { describeInject, parseInjects, type RunnerInject } from "./injects.ts";
import type {
  FallenObject,
  MetricObservation,
  RunEndPayload,
  RunStartPayload,
  TruthObject,
} from "./log-kinds.ts";
import { SensorField } from "./sensor-field.ts";
import { type ThreatMetrics, ThreatMetricsCollector, type ThreatTruth } from "./threat-metrics.ts";

export const DEFAULT_POLICY_PATH = join(
  fileURLToPath(new URL("../../policies/default.yaml", import.meta.url)),
);

/** The bus's own default link: 20 ms fixed, no loss. Faults are applied on top of it. */
const BASE_LATENCY_S = 0.02;
/** Distance within which a track is taken to be following a true object, m. */
const MATCH_M = 20_000;
/** GOSPA cut-off (m) and order, for each nation's picture against the truth. */
const GOSPA_C_M = 20_000;
const GOSPA_P = 2;

export interface ExerciseOptions {
  readonly sharing?: SharingMode;
  readonly seed?: number | string;
  readonly policy?: Policy;
  /** Node step, s (default 1). */
  readonly stepS?: number;
  readonly log?: { readonly log: EventLog; readonly runId: string };
  /** Truth snapshots and GOSPA every this many seconds (default 1; 0: none). */
  readonly truthEveryS?: number;
  readonly onNodeEvent?: (e: NodeEvent) => void;
  /** Monte Carlo samples per impact prediction in each node (default: the node's, 200). */
  readonly predictionSamples?: number;
}

/** Something the run recorded: what goes into the event log, and what subscribers receive. */
export interface RecordedEvent {
  readonly t: number;
  readonly kind: string;
  readonly source: string;
  readonly payload: unknown;
}
export type RunListener = (e: RecordedEvent) => void;

export interface ExerciseResult {
  readonly scenario: string;
  readonly sharing: SharingMode;
  readonly seed: number | string;
  readonly simulatedS: number;
  readonly metrics: readonly ThreatMetrics[];
  readonly unmatchedFalseWarnings: Record<string, number>;
  readonly detections: number;
  readonly messages: { sent: number; received: number; rejected: number };
  readonly eventsLogged: number;
}

/** What one nation's people see at a moment (degrees and metres: it goes to screens). */
export interface NationPicture {
  readonly nation: AllyCode;
  readonly t: number;
  readonly running: boolean;
  readonly tracks: readonly { trackNumber: string; lat: number; lon: number; hM: number }[];
  readonly systemTracks: readonly {
    stn: number;
    lat: number;
    lon: number;
    hM: number;
    sources: readonly string[];
    reportingResponsibility: string;
  }[];
  readonly alerts: readonly Alert[];
}

export class ExerciseRun {
  readonly scenario: Scenario;
  readonly sharing: SharingMode;
  readonly seed: number | string;
  readonly stepS: number;
  /** Last time stepped (−stepS before the first step). */
  t: number;
  private k = 0;
  private endT: number;
  private readonly rng: Rng;
  private readonly scheduler = new VirtualScheduler(0);
  private readonly bus: InProcessBus;
  /** The bus reads each link's config at every crossing, so faults change this record in place. */
  private readonly links: Partial<Record<LinkName, LinkConfig>> = {};
  private readonly linkState = new Map<
    LinkName,
    { outages: { startS: number; endS: number }[]; degradations: number[] }
  >();
  private readonly degradations: { addedLatencyS: number; loss: number }[] = [];
  private readonly nodes = new Map<AllyCode, NationalNode>();
  private readonly crashed = new Set<AllyCode>();
  private readonly restarts: { nation: AllyCode; tS: number }[] = [];
  private readonly pendingInjects: RunnerInject[];
  private readonly movers: Mover[];
  private readonly sensors: Sensor[];
  private readonly field: SensorField;
  private readonly threats: ThreatTruth[];
  private readonly missileIds: Set<string>;
  private readonly metrics: ThreatMetricsCollector;
  private readonly protectedAreas: ProtectedArea[];
  private readonly counts = { sent: 0, received: 0, rejected: 0 };
  private readonly observed = new Set<string>();
  private readonly listeners = new Set<RunListener>();
  private readonly stepTruth = new TruthSnapshot();
  private readonly truthEveryS: number;
  private eventsLogged = 0;
  private finished = false;

  private constructor(
    scenario: Scenario,
    private readonly options: ExerciseOptions,
    private readonly injects: readonly RunnerInject[],
  ) {
    this.scenario = scenario;
    this.seed = options.seed ?? scenario.seed;
    this.sharing = options.sharing ?? scenario.sharing;
    this.stepS = options.stepS ?? 1;
    if (!(this.stepS > 0)) throw new RangeError(`stepS must be > 0, got ${this.stepS}`);
    this.truthEveryS = options.truthEveryS ?? 1;
    this.t = -this.stepS;
    this.rng = new Rng(this.seed);
    const built = buildScenario(scenario, this.rng.fork("world"));
    const policy = policyForMode(options.policy ?? loadPolicy(DEFAULT_POLICY_PATH), this.sharing);
    this.bus = new InProcessBus({
      policy,
      scheduler: this.scheduler,
      rng: this.rng.fork("network"),
      links: this.links,
    });
    this.policy = policy;
    this.protectedAreas = scenario.protectedAreas.map((p) => ({
      id: p.id,
      name: p.name,
      owner: p.nation,
      polygon: p.polygon.map((v) => ({ lat: v.latRad, lon: v.lonRad })),
    }));
    this.threats = built.launches.map(({ launch, flight }) =>
      threatOf(launch.id, launch.missileClass, flight),
    );
    this.metrics = new ThreatMetricsCollector(scenario.nations, this.threats, this.protectedAreas);
    this.missileIds = new Set(this.threats.map((t) => t.id));
    this.movers = [...built.movers];
    this.sensors = built.sensors.filter((s) => scenario.nations.includes(s.nation as AllyCode));
    this.field = new SensorField(this.sensors, this.movers, this.rng);
    this.pendingInjects = [...injects];
    // Launch injects are planned now (so a bad one fails before the run) but join the world at their time.
    let lastEnd = Math.max(
      0,
      ...this.threats.map((t) => t.tImpact),
      ...this.movers.filter((m) => m.kind === "drone" || m.kind === "aircraft").map((m) => m.tEnd),
    );
    for (const i of injects) {
      lastEnd = Math.max(lastEnd, i.tS);
      if (i.type === "launch") lastEnd = Math.max(lastEnd, planFlight(i.launch).tEnd);
    }
    this.endT = Math.min(scenario.durationS, lastEnd + 120);
  }

  private readonly policy: Policy;

  /** Builds the run and starts its nodes; throws UserError on bad injects. */
  static async create(scenario: Scenario, options: ExerciseOptions = {}): Promise<ExerciseRun> {
    const { runner } = parseInjects(scenario);
    const run = new ExerciseRun(scenario, options, runner);
    await run.startNodes();
    return run;
  }

  private async startNodes(): Promise<void> {
    const keys = new Map(this.scenario.nations.map((n) => [n, generateSigningKey(n)]));
    const pinned = pinnedFrom([...keys.values()]);
    for (const nation of this.scenario.nations) {
      const node = new NationalNode({
        nation,
        policy: this.policy,
        key: keys.get(nation)!,
        keys: pinned,
        transport: this.bus.connect(nation),
        clock: () => this.scheduler.now(),
        rng: this.rng.fork(`node:${nation}`),
        protectedAreas: this.protectedAreas,
        predictionSamples: this.options.predictionSamples,
        sink: (e) => {
          if (e.type === "message.sent") this.counts.sent++;
          else if (e.type === "message.received") this.counts.received++;
          else if (e.type === "message.rejected") this.counts.rejected++;
          this.options.onNodeEvent?.(e);
        },
      });
      await node.start();
      this.nodes.set(nation, node);
    }
    this.header = this.startPayload();
    this.record(0, "run.start", "runner", this.header);
    for (const i of this.injects) this.schedule(i);
  }

  /** The run's header (what the log's run.start event holds): scenario, threats, sensors, injects. */
  header!: RunStartPayload;

  /** Objects in the world (missiles, debris, air movers). */
  get objectCount(): number {
    return this.movers.length;
  }

  /** Sensors scanning. */
  get sensorCount(): number {
    return this.sensors.length;
  }

  /** Scenario end of this run (last impact or air mover + 2 min, within the scenario duration). */
  get durationS(): number {
    return this.endT;
  }

  get done(): boolean {
    return this.t + this.stepS > this.endT + 1e-9;
  }

  /** Receives everything recorded from now on; returns the unsubscribe function. */
  subscribe(listener: RunListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Adds a runner inject while the run goes (live control); validated like a scenario's. */
  addInject(inject: RunnerInject): void {
    if (inject.tS < this.t)
      throw new RangeError(`inject at T+${inject.tS} s is in the past (now T+${this.t} s)`);
    if (inject.type === "launch")
      this.endT = Math.min(
        this.scenario.durationS,
        Math.max(this.endT, planFlight(inject.launch).tEnd + 120),
      );
    this.pendingInjects.push(inject);
    this.pendingInjects.sort((a, b) => a.tS - b.tS || a.index - b.index);
    this.schedule(inject);
  }

  /** Advances one step. */
  async step(): Promise<void> {
    if (this.finished) throw new Error("the run is finished");
    const t = this.k * this.stepS;
    this.k++;
    this.t = t;
    await this.applyDue(t);
    const active = this.movers.filter((m) => m.tStart <= t && t - this.stepS <= m.tEnd);
    this.scanSensors(t);
    this.scheduler.runUntil(t);
    // After the clock reached t, so a restarted node's backlog is delivered at t (and now).
    if (await this.restartDue(t)) this.scheduler.runUntil(t);
    this.stepTruth.fill(t, active);
    const writeTruth =
      this.truthEveryS > 0 && Math.abs(t / this.truthEveryS - Math.round(t / this.truthEveryS)) < 1e-9;
    const gospaValues: Record<string, { gospaKm: number; missed: number; false: number }> = {};
    for (const node of this.nodes.values()) {
      if (this.crashed.has(node.nation)) continue;
      await node.step(t);
      for (const e of node.drainEvents()) {
        this.record(e.t, e.type, e.nation, e);
        if (e.type === "alert") this.scoreAlert(node, e.alert, t);
      }
      const g = this.matchPicture(node, t, writeTruth);
      if (g) gospaValues[node.nation] = g;
    }
    if (writeTruth) this.recordTruth(t, gospaValues);
  }

  /** Steps until time T (or the end). */
  async runTo(T: number): Promise<void> {
    while (!this.done && this.t + this.stepS <= T + 1e-9) await this.step();
  }

  /** Stops the nodes, flushes the log and returns the metrics. */
  async finish(): Promise<ExerciseResult> {
    if (!this.finished) {
      this.finished = true;
      for (const [nation, node] of this.nodes) if (!this.crashed.has(nation)) await node.stop();
      const end: RunEndPayload = {
        simulatedS: this.endT,
        detections: this.field.detections,
        messages: { ...this.counts },
        bus: this.bus.stats(),
        metrics: this.metrics.results(),
        unmatchedFalseWarnings: this.metrics.unmatchedFalseWarnings(),
      };
      this.record(Math.max(this.t, 0), "run.end", "runner", end);
      if (this.options.log) await this.options.log.log.flush();
    }
    return {
      scenario: this.scenario.name,
      sharing: this.sharing,
      seed: this.seed,
      simulatedS: this.endT,
      metrics: this.metrics.results(),
      unmatchedFalseWarnings: this.metrics.unmatchedFalseWarnings(),
      detections: this.field.detections,
      messages: { ...this.counts },
      eventsLogged: this.eventsLogged,
    };
  }

  /** What one nation sees now. */
  picture(nation: AllyCode): NationPicture {
    const node = this.nodes.get(nation);
    if (!node) throw new RangeError(`${nation} is not a nation of this exercise`);
    const pic = node.picture();
    const geo = (x: ArrayLike<number>) => {
      const g = ecefToGeodetic(x[0], x[1], x[2]);
      return { lat: rad2deg(g.lat), lon: rad2deg(g.lon), hM: g.h };
    };
    return {
      nation,
      t: Math.max(this.t, 0),
      running: !this.crashed.has(nation),
      tracks: pic.tracks.map((tr) => ({ trackNumber: `${nation}-${tr.id}`, ...geo(tr.filter.x) })),
      systemTracks: pic.systemTracks.map((st) => ({
        stn: st.stn,
        ...geo(st.x),
        sources: [...new Set(st.contributors.map((c) => c.source))],
        reportingResponsibility: st.reportingResponsibility,
      })),
      alerts: pic.alerts,
    };
  }

  /** The true position of every missile and air mover in flight now. */
  truthNow(): TruthObject[] {
    return this.truthObjects();
  }

  // ---------------------------------------------------------------------------------------------

  private record(t: number, kind: string, source: string, payload: unknown): void {
    const log = this.options.log;
    if (log) {
      log.log.append(log.runId, { t, kind, source, payload });
      this.eventsLogged++;
    }
    if (this.listeners.size > 0) {
      const e = { t, kind, source, payload };
      for (const l of this.listeners) l(e);
    }
  }

  private observe(o: MetricObservation): void {
    const key =
      o.what === "alert" ? `${o.what}:${o.alertId}:${o.version}` : `${o.what}:${o.nation}:${o.threat}`;
    if (this.observed.has(key)) return;
    this.observed.add(key);
    this.record(o.t, "metric", o.nation, o);
  }

  private startPayload(): RunStartPayload {
    const s = this.scenario;
    return {
      scenario: {
        name: s.name,
        description: s.description,
        file: s.file,
        epochMs: s.epochMs,
        durationS: s.durationS,
        nations: [...s.nations],
      },
      sharing: this.sharing,
      seed: this.seed,
      stepS: this.stepS,
      endS: this.endT,
      threats: this.threats.map((t) => ({ ...t })),
      protectedAreas: s.protectedAreas.map((p) => ({
        id: p.id,
        name: p.name,
        nation: p.nation,
        polygon: p.polygon.map((v) => [rad2deg(v.latRad), rad2deg(v.lonRad)] as [number, number]),
      })),
      sensors: this.sensors.map((x) => {
        const p = x.positionAt(0, new Float64Array(3));
        const g = ecefToGeodetic(p[0], p[1], p[2]);
        return { id: x.id, nation: x.nation, kind: x.kind, lat: rad2deg(g.lat), lon: rad2deg(g.lon) };
      }),
      launches: this.threats.map((t) => {
        const m = this.movers.find((x) => x.id === t.id);
        return {
          id: t.id,
          missileClass: t.missileClass,
          tLaunch: t.tLaunch,
          kind: m?.kind ?? t.missileClass,
        };
      }),
      injects: this.injects.map((i) => ({
        index: i.index,
        type: i.type,
        tS: i.tS,
        description: describeInject(i),
      })),
    };
  }

  /** Puts an inject's effects on the scheduler or the run's own tables. */
  private schedule(i: RunnerInject): void {
    switch (i.type) {
      case "sensor-outage":
        this.field.outage(i.sensor, i.tS, i.endS);
        break;
      case "link-outage":
        // Outage windows are timed: installing them ahead lets the bus hold messages that depart inside.
        for (const p of i.links) {
          this.linkStateOf(`${p.from}>${p.to}`).outages.push({ startS: i.tS, endS: i.endS });
          this.refreshLink(`${p.from}>${p.to}`);
        }
        break;
      case "link-degradation": {
        const d = this.degradations.push({ addedLatencyS: i.addedLatencyS, loss: i.loss }) - 1;
        for (const p of i.links) {
          const name: LinkName = `${p.from}>${p.to}`;
          this.scheduler.at(i.tS, () => {
            this.linkStateOf(name).degradations.push(d);
            this.refreshLink(name);
          });
          this.scheduler.at(i.endS, () => {
            const st = this.linkStateOf(name);
            st.degradations = st.degradations.filter((x) => x !== d);
            this.refreshLink(name);
          });
        }
        break;
      }
      case "node-crash":
        if (i.restartS !== null) this.restarts.push({ nation: i.nation, tS: i.restartS });
        break;
      case "launch":
        break;
    }
  }

  private linkStateOf(name: LinkName) {
    let s = this.linkState.get(name);
    if (!s) {
      s = { outages: [], degradations: [] };
      this.linkState.set(name, s);
    }
    return s;
  }

  private refreshLink(name: LinkName): void {
    const s = this.linkStateOf(name);
    let added = 0;
    let pass = 1;
    for (const d of s.degradations) {
      added += this.degradations[d].addedLatencyS;
      pass *= 1 - this.degradations[d].loss;
    }
    this.links[name] = {
      latency: { kind: "fixed", s: BASE_LATENCY_S + added },
      loss: 1 - pass,
      outages: s.outages.map((o) => ({ ...o })),
    };
  }

  /** Executes the injects and restarts due at or before t. */
  private async applyDue(t: number): Promise<void> {
    while (this.pendingInjects.length > 0 && this.pendingInjects[0].tS <= t + 1e-9) {
      const i = this.pendingInjects.shift()!;
      if (i.type === "node-crash" && !this.crashed.has(i.nation)) {
        const node = this.nodes.get(i.nation)!;
        await node.stop();
        for (const e of node.drainEvents()) this.record(e.t, e.type, e.nation, e);
        this.crashed.add(i.nation);
      } else if (i.type === "launch") this.addLaunch(i.launch);
      this.record(i.tS, "inject", "runner", {
        index: i.index,
        type: i.type,
        description: describeInject(i),
        tS: i.tS,
      });
    }
  }

  /** Restarts nodes whose restart time has come; true if any did. */
  private async restartDue(t: number): Promise<boolean> {
    let any = false;
    for (let k = this.restarts.length - 1; k >= 0; k--) {
      const r = this.restarts[k];
      if (r.tS > t + 1e-9) continue;
      this.restarts.splice(k, 1);
      if (!this.crashed.has(r.nation)) continue;
      this.crashed.delete(r.nation);
      // Re-subscribing delivers what the inbox kept while the node was down (at-least-once delivery).
      await this.nodes.get(r.nation)!.start();
      any = true;
      this.record(r.tS, "inject.restart", "runner", {
        nation: r.nation,
        tS: r.tS,
        backlog: this.bus.pendingFor(r.nation),
      });
    }
    return any;
  }

  private addLaunch(launch: ScenarioLaunch): void {
    const flight = planFlight(launch);
    this.movers.push(flight);
    if (launch.debrisCount > 0)
      this.movers.push(
        ...releaseDebris(flight, this.rng.fork(`debris:${launch.id}`), {
          fragmentsAtSeparation: launch.debrisCount,
          includeStages: true,
        }),
      );
    const threat = threatOf(launch.id, launch.missileClass, flight);
    this.threats.push(threat);
    this.missileIds.add(threat.id);
    this.metrics.addThreat(threat);
    this.record(this.scheduler.now(), "threat.added", "runner", threat);
  }

  /** Sensors scan on their own schedules within (t − step, t]; detections reach the node after latency. */
  private scanSensors(t: number): void {
    this.field.scanUntil(t, (det, objectId) => {
      const nation = det.nation as AllyCode;
      if (objectId && this.missileIds.has(objectId)) {
        this.metrics.detection(nation, objectId, det.t);
        this.observe({ what: "detection", nation, threat: objectId, t: det.t });
      }
      const node = this.nodes.get(nation)!;
      this.scheduler.at(det.tReport, () => {
        // A crashed node's sensors report into the void.
        if (!this.crashed.has(nation)) node.ingest(det);
      });
    });
  }

  /** Ties a node's tracks to the truth (for the metrics) and measures its picture by GOSPA. */
  private matchPicture(node: NationalNode, t: number, withGospa: boolean) {
    const pic = node.picture();
    const nation = node.nation;
    for (const tr of pic.tracks) {
      const m = this.matchTruth(tr.filter.x, tr.filter.t, t);
      if (m && this.missileIds.has(m)) {
        this.metrics.ownTrack(nation, m, t);
        this.observe({ what: "own-track", nation, threat: m, t });
      }
    }
    const estimates: Float64Array[] = [];
    for (const st of pic.systemTracks) {
      const m = this.matchTruth(st.x, st.t, t);
      if (m && this.missileIds.has(m) && st.contributors.some((c) => c.source !== nation)) {
        this.metrics.alliedTrack(nation, m, t);
        this.observe({ what: "allied-track", nation, threat: m, t });
      }
      if (withGospa && (m === null || !this.isDebris(m))) estimates.push(extrapolate(st.x, t - st.t));
    }
    if (!withGospa) return null;
    const truth: Float64Array[] = [];
    const snap = this.stepTruth;
    for (let i = 0; i < snap.count; i++)
      if (!this.isDebris(snap.ids[i])) truth.push(snap.pos.subarray(3 * i, 3 * i + 3));
    const g = gospa(truth, estimates, { c: GOSPA_C_M, p: GOSPA_P }, 3);
    return { gospaKm: round(g.gospa / 1000, 3), missed: g.missedCount, false: g.falseCount };
  }

  private readonly debrisIds = new Map<string, boolean>();
  private isDebris(id: string): boolean {
    let d = this.debrisIds.get(id);
    if (d === undefined) {
      d = this.movers.find((m) => m.id === id)?.kind === "debris";
      this.debrisIds.set(id, d);
    }
    return d;
  }

  /** The id of the true object nearest to a track position (within MATCH_M), or null (scanTruth). */
  private matchTruth(x: ArrayLike<number>, tTrack: number, t: number): string | null {
    return this.scanTruth(x, tTrack, t, false).nearest;
  }

  private readonly scan: { nearest: string | null; missile: string | null } = {
    nearest: null,
    missile: null,
  };

  /**
   * The true objects near a track position: the nearest within MATCH_M, and with `missiles` the
   * nearest missile within MATCH_M, however near some debris is (null: none). The truth is sampled
   * once per step; it is moved back to the track's time along its velocity (the track's time lags the
   * step by at most a revisit, over which the curvature of the path is a few hundred metres). Objects
   * are searched in order of x (truthByX): only those whose x can come within MATCH_M of the track's,
   * given how far any object moves in x over the track's lag — a thousand objects against hundreds of
   * tracks per node and step would otherwise be all pairs. Returns one object, reused by every call.
   */
  private scanTruth(x: ArrayLike<number>, tTrack: number, t: number, missiles: boolean) {
    const s = this.stepTruth;
    const dt = t - tTrack;
    const { order, xs, maxAbsVx } = this.truthByX();
    let best = -1;
    let bestD2 = MATCH_M * MATCH_M;
    let missile = -1;
    let missileD2 = MATCH_M * MATCH_M;
    const p = s.pos;
    const v = s.vel;
    const reach = MATCH_M + maxAbsVx * Math.abs(dt);
    for (let k = lowerBound(xs, x[0] - reach); k < xs.length && xs[k] <= x[0] + reach; k++) {
      const i = order[k];
      const dx = p[3 * i] - v[3 * i] * dt - x[0];
      if (dx > MATCH_M || dx < -MATCH_M) continue;
      const dy = p[3 * i + 1] - v[3 * i + 1] * dt - x[1];
      if (dy > MATCH_M || dy < -MATCH_M) continue;
      const dz = p[3 * i + 2] - v[3 * i + 2] * dt - x[2];
      const d2 = dx * dx + dy * dy + dz * dz;
      // Nearest, and the lowest index among equals (the order a plain scan would give).
      if (d2 < bestD2 || (d2 === bestD2 && best >= 0 && i < best)) {
        bestD2 = d2;
        best = i;
      }
      if (
        missiles &&
        (d2 < missileD2 || (d2 === missileD2 && missile >= 0 && i < missile)) &&
        this.missileIds.has(s.ids[i])
      ) {
        missileD2 = d2;
        missile = i;
      }
    }
    this.scan.nearest = best < 0 ? null : s.ids[best];
    this.scan.missile = missile < 0 ? null : s.ids[missile];
    return this.scan;
  }

  private truthIndex: { t: number; order: Int32Array; xs: Float64Array; maxAbsVx: number } | null = null;

  /** The step's truth objects sorted by ECEF x (built once per step, on first use). */
  private truthByX(): { order: Int32Array; xs: Float64Array; maxAbsVx: number } {
    const s = this.stepTruth;
    if (this.truthIndex && this.truthIndex.t === s.t && this.truthIndex.order.length === s.count)
      return this.truthIndex;
    const order = Int32Array.from({ length: s.count }, (_, i) => i).sort(
      (a, b) => s.pos[3 * a] - s.pos[3 * b] || a - b,
    );
    const xs = Float64Array.from(order, (i) => s.pos[3 * i]);
    let maxAbsVx = 0;
    for (let i = 0; i < s.count; i++) maxAbsVx = Math.max(maxAbsVx, Math.abs(s.vel[3 * i]));
    this.truthIndex = { t: s.t, order, xs, maxAbsVx };
    return this.truthIndex;
  }

  /**
   * Scores an alert against the missile its system track follows when the alert is issued: the
   * nearest missile within MATCH_M of the track; not scored when only debris or an air mover is that
   * near; unmatched when nothing is. A warhead flies inside the cloud of fragments released with it:
   * an alert from a track on a fragment warns (or falsely alarms) the people the warhead threatens.
   */
  private scoreAlert(node: NationalNode, alert: Alert, t: number): void {
    const nation = node.nation;
    const stn = Number(alert.threatId.slice(1)); // threat ids are "T" + the system track number
    const st = node.picture().systemTracks.find((s) => s.stn === stn);
    const near = st ? this.scanTruth(st.x, st.t, t, true) : null;
    const nearest = near?.nearest ?? null;
    const threat = near?.missile ?? (nearest === null ? null : undefined);
    // The stage or fragment the track follows, when it is not the missile itself.
    const fallen = threat && nearest && nearest !== threat ? this.fallenObject(nearest) : undefined;
    this.metrics.alert(nation, threat, alert, fallen);
    this.observe({
      what: "alert",
      nation,
      t: alert.t,
      alertId: alert.id,
      version: alert.version,
      threat: threat ?? null,
      debris: threat === undefined,
      ...(fallen ? { fallen } : {}),
    });
  }

  private readonly fallen = new Map<string, FallenObject | undefined>();

  /** Where a spent stage or fragment came down (undefined: not one, or still up at its last time). */
  private fallenObject(id: string): FallenObject | undefined {
    if (this.fallen.has(id)) return this.fallen.get(id);
    const mover = this.movers.find((m) => m.id === id);
    const p = mover instanceof BallisticFragment ? mover.fallPoint() : null;
    let out: FallenObject | undefined;
    if (p) {
      const g = ecefToGeodetic(p[0], p[1], p[2]);
      const impact = { lat: g.lat, lon: g.lon };
      out = { id, impact, impactFix: MaritimeZones.get().classify(g.lat, g.lon) };
    }
    this.fallen.set(id, out);
    return out;
  }

  private truthObjects(): TruthObject[] {
    const s = this.stepTruth;
    const out: TruthObject[] = [];
    for (let i = 0; i < s.count; i++) {
      if (this.isDebris(s.ids[i])) continue;
      const g = ecefToGeodetic(s.pos[3 * i], s.pos[3 * i + 1], s.pos[3 * i + 2]);
      out.push([s.ids[i], round(rad2deg(g.lat), 5), round(rad2deg(g.lon), 5), Math.round(g.h)]);
    }
    return out;
  }

  private recordTruth(
    t: number,
    gospaValues: Record<string, { gospaKm: number; missed: number; false: number }>,
  ): void {
    const objects = this.truthObjects();
    let debris = 0;
    for (let i = 0; i < this.stepTruth.count; i++) if (this.isDebris(this.stepTruth.ids[i])) debris++;
    if (objects.length === 0 && debris === 0) return;
    this.record(t, "truth", "runner", { objects, debris });
    this.record(t, "gospa", "runner", { cutoffKm: GOSPA_C_M / 1000, p: GOSPA_P, values: gospaValues });
  }
}

function planFlight(launch: ScenarioLaunch) {
  return planMissileFlight({
    id: launch.id,
    missileClass: launch.missileClass,
    launchSite: { lat: launch.site.latRad, lon: launch.site.lonRad, h: launch.site.hM },
    tLaunch: launch.tS,
    aim: { lat: launch.aim.latRad, lon: launch.aim.lonRad },
    trajectory: launch.trajectory,
    apogeeTargetM: launch.apogeeM ?? undefined,
  });
}

function threatOf(
  id: string,
  missileClass: string,
  flight: ReturnType<typeof planMissileFlight>,
): ThreatTruth {
  return {
    id,
    missileClass,
    tLaunch: flight.tStart,
    tImpact: flight.tEnd,
    impact: flight.summary.impact,
    impactFix: MaritimeZones.get().classify(flight.summary.impact.lat, flight.summary.impact.lon),
  };
}

/** Position of a 6-state moved dt seconds along its velocity. */
function extrapolate(x: ArrayLike<number>, dt: number): Float64Array {
  return Float64Array.of(x[0] + x[3] * dt, x[1] + x[4] * dt, x[2] + x[5] * dt);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

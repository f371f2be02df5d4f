/**
 * A scenario run the server can advance step by step to any scenario time, keeping every national node
 * alive so their pictures can be read between steps.
 *
 * WHY this exists here: `runVirtual` (src/exercise/virtual-run.ts) plays a whole scenario in one call
 * and does not expose its nodes, so a live picture cannot be read from it. Until the exercise module's
 * live runner lands, this thin adapter builds the same pieces the same way (world, sensors, in-process
 * bus, one NationalNode per nation, the same forks of the seeded Rng) and steps them the same way, so a
 * run here gives the same picture as `runVirtual` for the same scenario and seed.
 *
 * Seeking backwards is done by building a fresh run and stepping it forward: runs are deterministic,
 * so the picture at a time does not depend on how it was reached.
 */
import { Rng } from "../core/rng.ts";
import { DEFAULT_POLICY_PATH } from "../exercise/virtual-run.ts";
import { NationalNode } from "../node/national-node.ts";
import type { NodeEvent } from "../node/node-events.ts";
import { policyForMode, type SharingMode } from "../node/sharing-mode.ts";
import { type BuiltScenario, buildScenario } from "../scenario/build.ts";
import type { Scenario } from "../scenario/scenario.ts";
import type { Detection, DetectionTruth } from "../sensors/detection.ts";
import { TruthSnapshot } from "../sensors/truth-snapshot.ts";
import { InProcessBus } from "../sharing/inprocess-bus.ts";
import { generateSigningKey, pinnedFrom } from "../sharing/keys.ts";
import { loadPolicy, type Policy } from "../sharing/policy.ts";
import { VirtualScheduler } from "../sharing/virtual-scheduler.ts";
import type { ProtectedArea } from "../warning/threat-areas.ts";
import type { AllyCode } from "../world/nation.ts";

export type NodePicture = ReturnType<NationalNode["picture"]>;

export interface SteppingRunOptions {
  readonly sharing?: SharingMode;
  readonly seed?: number | string;
  readonly policy?: Policy;
  /** Node step, s (default 1, as runVirtual). */
  readonly stepS?: number;
  /** Every node event, in order, as it happens. */
  readonly onNodeEvent?: (e: NodeEvent) => void;
}

export class SteppingRun {
  readonly scenario: Scenario;
  readonly built: BuiltScenario;
  readonly nodes = new Map<AllyCode, NationalNode>();
  readonly protectedAreas: readonly ProtectedArea[];
  /** Each node's picture after the latest step (read once per step, as runVirtual does). */
  readonly pictures = new Map<AllyCode, NodePicture>();
  /** Per nation, where and when each system track was first held: the nation's launch-point estimate. */
  readonly firstSeen = new Map<AllyCode, Map<number, { x: Float64Array; t: number }>>();
  /** Scenario time the run has been stepped to (−step before the first step). */
  t: number;
  private readonly step: number;
  private readonly scheduler = new VirtualScheduler(0);
  private readonly sensors: BuiltScenario["sensors"];
  private readonly sensorRng: Map<string, Rng>;
  private readonly nextScan: Map<string, number>;
  private readonly dets: Detection[] = [];
  private readonly truths: DetectionTruth[] = [];
  private readonly snapshot = new TruthSnapshot();

  private constructor(scenario: Scenario, options: SteppingRunOptions) {
    this.scenario = scenario;
    this.step = options.stepS ?? 1;
    this.t = -this.step;
    const rng = new Rng(options.seed ?? scenario.seed);
    this.built = buildScenario(scenario, rng.fork("world"));
    const policy = policyForMode(
      options.policy ?? loadPolicy(DEFAULT_POLICY_PATH),
      options.sharing ?? scenario.sharing,
    );
    const bus = new InProcessBus({ policy, scheduler: this.scheduler, rng: rng.fork("network") });
    const keys = new Map(scenario.nations.map((n) => [n, generateSigningKey(n)]));
    const pinned = pinnedFrom([...keys.values()]);
    this.protectedAreas = scenario.protectedAreas.map((p) => ({
      id: p.id,
      name: p.name,
      owner: p.nation,
      polygon: p.polygon.map((v) => ({ lat: v.latRad, lon: v.lonRad })),
    }));
    for (const nation of scenario.nations) {
      this.nodes.set(
        nation,
        new NationalNode({
          nation,
          policy,
          key: keys.get(nation)!,
          keys: pinned,
          transport: bus.connect(nation),
          clock: () => this.scheduler.now(),
          rng: rng.fork(`node:${nation}`),
          protectedAreas: this.protectedAreas,
          sink: options.onNodeEvent,
        }),
      );
    }
    this.sensors = this.built.sensors.filter((s) => this.nodes.has(s.nation as AllyCode));
    this.sensorRng = new Map(this.sensors.map((s) => [s.id, rng.fork(`sensor:${s.id}`)]));
    this.nextScan = new Map(this.sensors.map((s) => [s.id, s.nextScanTime(0)]));
  }

  static async create(scenario: Scenario, options: SteppingRunOptions = {}): Promise<SteppingRun> {
    const run = new SteppingRun(scenario, options);
    for (const node of run.nodes.values()) await node.start();
    return run;
  }

  /** Steps the run until its time is the last step at or before `target` (never past the scenario). */
  async advanceTo(target: number): Promise<void> {
    const end = Math.min(target, this.scenario.durationS);
    while (this.t + this.step <= end + 1e-9) await this.stepOnce(this.t + this.step);
  }

  private async stepOnce(t: number): Promise<void> {
    const step = this.step;
    const active = this.built.movers.filter((m) => m.tStart <= t && t - step <= m.tEnd);
    for (const s of this.sensors) {
      for (let ts = this.nextScan.get(s.id)!; ts <= t + 1e-9; ts = s.nextScanTimeAfter(ts)) {
        this.dets.length = 0;
        this.truths.length = 0;
        this.snapshot.fill(ts, active);
        s.scanSnapshot(this.snapshot, this.sensorRng.get(s.id)!, this.dets, this.truths);
        const node = this.nodes.get(s.nation as AllyCode)!;
        for (const det of this.dets) this.scheduler.at(det.tReport, () => node.ingest(det));
        this.nextScan.set(s.id, s.nextScanTimeAfter(ts));
      }
    }
    this.scheduler.runUntil(t);
    for (const node of this.nodes.values()) {
      await node.step(t);
      node.drainEvents();
      const pic = node.picture();
      this.pictures.set(node.nation, pic);
      let seen = this.firstSeen.get(node.nation);
      if (!seen) {
        seen = new Map();
        this.firstSeen.set(node.nation, seen);
      }
      for (const st of pic.systemTracks)
        if (!seen.has(st.stn)) seen.set(st.stn, { x: Float64Array.from(st.x.subarray(0, 3)), t: st.t });
    }
    this.t = t;
  }

  async stop(): Promise<void> {
    for (const node of this.nodes.values()) await node.stop();
  }
}

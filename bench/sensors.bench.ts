/**
 * Sensor scale benchmark (DESIGN "Scale": ≥ 1,000 objects, 12 sensors, ≥ 100× real time on one core).
 *
 * Objects: a few planned missile flights (SRBM/MRBM from public DPRK launch areas into the East Sea
 * and toward Japan) with their spent stages and seeded fragments from src/world/debris.ts, for ≥ 1,000
 * real movers. Sensors: 12 catalogue sensors (ROK, US, Japanese radars and two SBIRS-like satellites).
 * The loop steps the scan schedule as a runner would: at each scan instant the movers are sampled once
 * into a TruthSnapshot and every sensor due then scans it.
 *
 * Figures: wall time of sampling and of scanning, detections produced, and the ratio of simulated to
 * wall time (the target is ≥ 100) and to this process's CPU time (the honest figure on a shared machine). Flight planning and debris integration happen before timing.
 * Nothing is asserted.
 */
import { performance } from "node:perf_hooks";
import { deg2rad } from "../src/core/geodesy.ts";
import { Rng } from "../src/core/rng.ts";
import { createSensors } from "../src/sensors/catalogue.ts";
import type { Detection, DetectionTruth } from "../src/sensors/detection.ts";
import { TruthSnapshot } from "../src/sensors/truth-snapshot.ts";
import { releaseDebris } from "../src/world/debris.ts";
import { planMissileFlight } from "../src/world/missile-flight.ts";
import type { Mover } from "../src/world/truth.ts";
import type { Benchmark, BenchRow } from "./benchmark.ts";

const SENSORS = [
  "KOR-GREENPINE-NORTH-CHUNGCHEONG",
  "KOR-GREENPINE-BUSAN",
  "KOR-AEGIS-EAST-SEA-1",
  "USA-TPY2-SEONGJU",
  "USA-TPY2-SHARIKI",
  "USA-TPY2-KYOGAMISAKI",
  "JPN-FPS5-SADO",
  "JPN-FPS5-SHIMOKOSHIKI",
  "JPN-FPS5-OMINATO",
  "JPN-AEGIS-SEA-OF-JAPAN-NORTH",
  "USA-SBIRS-GEO-WEST-PACIFIC",
  "USA-SBIRS-GEO-CENTRAL-PACIFIC",
];

function buildMovers(): Mover[] {
  const launches = [
    { cls: "SRBM", lat: 39.22, lon: 125.67, aimLat: 39.6, aimLon: 129.3, t: 0 },
    { cls: "SRBM", lat: 39.17, lon: 127.48, aimLat: 40.2, aimLon: 130.5, t: 20 },
    { cls: "MRBM", lat: 39.92, lon: 127.54, aimLat: 40.5, aimLon: 136.0, t: 40 },
    { cls: "MRBM", lat: 39.03, lon: 125.75, aimLat: 39.0, aimLon: 134.5, t: 60 },
  ];
  const rng = new Rng("bench-sensors-debris");
  const movers: Mover[] = [];
  launches.forEach((l, i) => {
    const flight = planMissileFlight({
      id: `m${i}`,
      missileClass: l.cls,
      launchSite: { lat: deg2rad(l.lat), lon: deg2rad(l.lon), h: 50 },
      tLaunch: l.t,
      aim: { lat: deg2rad(l.aimLat), lon: deg2rad(l.aimLon) },
      trajectory: "minimum-energy",
    });
    movers.push(flight);
    movers.push(
      ...releaseDebris(flight, rng.fork(flight.id), { fragmentsPerStage: 120, fragmentsAtSeparation: 130 }),
    );
  });
  return movers;
}

export const benchmarks: Benchmark[] = [
  {
    name: "sensors-scale",
    async run(): Promise<BenchRow[]> {
      const movers = buildMovers();
      const sensors = createSensors(SENSORS.map((catalogue) => ({ catalogue })));
      const root = new Rng("bench-sensors");
      const rngs = sensors.map((s) => root.fork(s.id));
      const tEnd = Math.min(900, Math.max(...movers.map((m) => m.tEnd)));
      const snap = new TruthSnapshot(movers.length);
      const dets: Detection[] = [];
      const truth: DetectionTruth[] = [];
      const next = sensors.map((s) => s.nextScanTime(0));
      let sampleMs = 0;
      let scanMs = 0;
      let instants = 0;
      let scans = 0;
      let maxLive = 0;
      let objectScans = 0;
      const cpu0 = process.cpuUsage();
      const wall0 = performance.now();
      for (;;) {
        let t = Number.POSITIVE_INFINITY;
        for (const x of next) if (x < t) t = x;
        if (t > tEnd) break;
        const a = performance.now();
        snap.fill(t, movers);
        const b = performance.now();
        sampleMs += b - a;
        instants++;
        if (snap.count > maxLive) maxLive = snap.count;
        for (let i = 0; i < sensors.length; i++) {
          if (next[i] !== t) continue;
          sensors[i].scanSnapshot(snap, rngs[i], dets, truth);
          objectScans += snap.count;
          scans++;
          next[i] = sensors[i].nextScanTimeAfter(t);
        }
        scanMs += performance.now() - b;
      }
      const wallMs = performance.now() - wall0;
      const cpu = process.cpuUsage(cpu0);
      // CPU time of this process (user + system): on a shared machine wall time also counts waiting.
      const cpuMs = (cpu.user + cpu.system) / 1000;
      const falseAlarms = truth.filter((x) => x.objectId === null).length;
      return [
        {
          name: "sensors-scale",
          movers: movers.length,
          maxLiveObjects: maxLive,
          sensors: sensors.length,
          simulatedS: tEnd,
          scanInstants: instants,
          sensorScans: scans,
          detections: dets.length,
          falseAlarms,
          sampleMs,
          scanMs,
          nsPerObjectScan: (scanMs * 1e6) / objectScans,
          wallMs,
          cpuMs,
          realTimeFactor: (tEnd * 1000) / wallMs,
          realTimeFactorCpu: (tEnd * 1000) / cpuMs,
        },
      ];
    },
  },
];

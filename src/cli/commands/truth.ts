import type { Command } from "commander";
import { rad2deg } from "../../core/geodesy.ts";
import { isoAt } from "../../core/time.ts";
import { buildAirMovers, type PlannedLaunch, planLaunches } from "../../scenario/build.ts";
import { loadScenarioFile } from "../../scenario/load.ts";

/** One launch's ground truth as printed by `allylink truth` (degrees, km, s at this edge). */
export interface LaunchTruth {
  id: string;
  class: string;
  trajectory: string;
  /** Launch time, UTC. */
  launchTime: string;
  apogeeKm: number;
  flightTimeS: number;
  groundRangeKm: number;
  impact: { lat: number; lon: number };
  /** Impact time, UTC. */
  impactTime: string;
  aimErrorM: number;
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

export function launchTruth(p: PlannedLaunch, epochMs: number): LaunchTruth {
  const s = p.flight.summary;
  return {
    id: p.launch.id,
    class: p.launch.missileClass,
    trajectory: p.launch.trajectory,
    launchTime: isoAt(epochMs, p.launch.tS),
    apogeeKm: round(s.apogeeM / 1000, 1),
    flightTimeS: round(s.flightTimeS, 1),
    groundRangeKm: round(s.groundRangeM / 1000, 1),
    impact: { lat: round(rad2deg(s.impact.lat), 4), lon: round(rad2deg(s.impact.lon), 4) },
    impactTime: isoAt(epochMs, p.launch.tS + s.flightTimeS),
    aimErrorM: round(s.aimErrorM, 1),
  };
}

/** One air mover's ground truth: when it flies (UTC) and for how long. */
export interface AirMoverTruth {
  id: string;
  kind: string;
  startTime: string;
  endTime: string;
  durationS: number;
}

export interface ScenarioTruth {
  scenario: string;
  epoch: string;
  launches: LaunchTruth[];
  airMovers: AirMoverTruth[];
}

/** Ground truth of a scenario file: its launches' planned flights and its air movers' schedules. */
export function scenarioTruth(file: string): ScenarioTruth {
  const scenario = loadScenarioFile(file);
  const planned = planLaunches(scenario);
  return {
    scenario: scenario.name,
    epoch: isoAt(scenario.epochMs, 0),
    launches: planned.map((p) => launchTruth(p, scenario.epochMs)),
    airMovers: buildAirMovers(scenario).map((m) => ({
      id: m.id,
      kind: m.kind,
      startTime: isoAt(scenario.epochMs, m.tStart),
      endTime: isoAt(scenario.epochMs, m.tEnd),
      durationS: round(m.tEnd - m.tStart, 1),
    })),
  };
}

function table(rows: LaunchTruth[]): string {
  const head = [
    "id",
    "class",
    "trajectory",
    "launch (UTC)",
    "apogee km",
    "flight",
    "range km",
    "impact",
    "aim err m",
  ];
  const mmss = (s: number) => `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
  const body = rows.map((r) => [
    r.id,
    r.class,
    r.trajectory,
    r.launchTime.replace("T", " ").replace(/\.000Z$/, ""),
    r.apogeeKm.toFixed(1),
    mmss(r.flightTimeS),
    r.groundRangeKm.toFixed(1),
    `${Math.abs(r.impact.lat).toFixed(3)}°${r.impact.lat >= 0 ? "N" : "S"} ${Math.abs(r.impact.lon).toFixed(3)}°${r.impact.lon >= 0 ? "E" : "W"}`,
    r.aimErrorM.toFixed(1),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const numeric = new Set([4, 5, 6, 8]);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

/** The readable form: a header, a table of launches, one line per air mover. */
export function formatTruth(truth: ScenarioTruth): string {
  const clock = (iso: string) => iso.slice(11, 19);
  const lines = [`${truth.scenario} (epoch ${truth.epoch})`];
  lines.push(truth.launches.length === 0 ? "no launches" : table(truth.launches));
  for (const m of truth.airMovers) {
    lines.push(
      `${m.kind} ${m.id}: ${clock(m.startTime)}–${clock(m.endTime)} UTC (${(m.durationS / 60).toFixed(0)} min)`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** `allylink truth FILE [--json]`: the planned flight of every launch in a scenario. */
export function register(program: Command): void {
  program
    .command("truth")
    .description("print the ground truth of a scenario's launches (apogee, flight time, range, impact)")
    .argument("<file>", "scenario file")
    .option("--json", "print one JSON object {scenario, epoch, launches: [...], airMovers: [...]}")
    .action((file: string, opts: { json?: boolean }) => {
      const truth = scenarioTruth(file);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(truth)}\n`);
        return;
      }
      process.stdout.write(formatTruth(truth));
    });
}

/**
 * Scenario → the objects a run needs: movers (missiles, debris, air movers), sensors, and each
 * launch's planned flight with its summary. Everything is built through the world and sensor
 * modules' own constructors; this file only translates and attaches file positions to their errors.
 */
import { UserError } from "../core/errors.ts";
import { Rng } from "../core/rng.ts";
import { createSensor } from "../sensors/catalogue.ts";
import type { Sensor } from "../sensors/sensor.ts";
import { releaseDebris } from "../world/debris.ts";
import { type MissileFlight, planMissileFlight } from "../world/missile-flight.ts";
import type { Mover } from "../world/truth.ts";
import { WaypointMover } from "../world/waypoint-mover.ts";
import { formatProblem } from "./load.ts";
import type { Scenario, ScenarioLaunch } from "./scenario.ts";

/** What a run is made of. */
export interface BuiltScenario {
  readonly scenario: Scenario;
  /** Every object that flies: missiles, then their debris, then air movers. */
  readonly movers: readonly Mover[];
  readonly sensors: readonly Sensor[];
  readonly launches: readonly PlannedLaunch[];
  /** Debris objects per launch id (included in `movers`). */
  readonly debrisCount: Readonly<Record<string, number>>;
}

/**
 * Builds a scenario's world and sensors. Random draws (debris) come from forks of `rng`, by default
 * an Rng seeded with the scenario's seed, so the same file gives the same objects.
 */
export function buildScenario(scenario: Scenario, rng: Rng = new Rng(scenario.seed)): BuiltScenario {
  const launches = planLaunches(scenario);
  const movers: Mover[] = launches.map((p) => p.flight);
  const debrisCount: Record<string, number> = {};
  for (const { launch, flight } of launches) {
    if (launch.debrisCount === 0) {
      debrisCount[launch.id] = 0;
      continue;
    }
    const debris = releaseDebris(flight, rng.fork(`debris:${launch.id}`), {
      fragmentsAtSeparation: launch.debrisCount,
      includeStages: true,
    });
    debrisCount[launch.id] = debris.length;
    movers.push(...debris);
  }
  movers.push(...buildAirMovers(scenario));
  // Parameters were already checked by the loader through the same constructor.
  const sensors = scenario.sensors.map((s) => createSensor(s.spec));
  return { scenario, movers, sensors, launches, debrisCount };
}

export interface PlannedLaunch {
  readonly launch: ScenarioLaunch;
  readonly flight: MissileFlight;
}

/**
 * Solves and integrates every launch's flight. A launch that cannot be flown (out of reach, apogee
 * not attainable) is reported as `FILE:LINE: /launches/i/aim: reason`, all launches together.
 */
export function planLaunches(scenario: Scenario): PlannedLaunch[] {
  const planned: PlannedLaunch[] = [];
  const problems: string[] = [];
  for (const launch of scenario.launches) {
    try {
      const flight = planMissileFlight({
        id: launch.id,
        missileClass: launch.missileClass,
        launchSite: { lat: launch.site.latRad, lon: launch.site.lonRad, h: launch.site.hM },
        tLaunch: launch.tS,
        aim: { lat: launch.aim.latRad, lon: launch.aim.lonRad },
        trajectory: launch.trajectory,
        apogeeTargetM: launch.apogeeM ?? undefined,
      });
      planned.push({ launch, flight });
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      // The flight model prefixes "launch ID: "; the path already says which launch.
      const reason = err.message
        .replace(new RegExp(`^launch ${escapeRegExp(launch.id)}: `), "")
        .replace(/^aim: /, "");
      const field = /apogee/i.test(reason) ? "apogeeKm" : "aim";
      problems.push(
        formatProblem(scenario.file, {
          path: ["launches", launch.index, field],
          line: launch.fieldLines[field] ?? launch.line,
          reason,
        }),
      );
    }
  }
  if (problems.length > 0) {
    throw new UserError(
      `${scenario.file}: ${problems.length} launch${problems.length === 1 ? "" : "es"} cannot be flown`,
      problems,
    );
  }
  return planned;
}

/** The scenario's aircraft and drones as waypoint movers. */
export function buildAirMovers(scenario: Scenario): WaypointMover[] {
  return scenario.airMovers.map(
    (a) =>
      new WaypointMover({
        id: a.id,
        kind: a.kind,
        tStart: a.tS,
        rcsM2: a.rcsM2,
        waypoints: a.waypoints.map((w) => ({
          lat: w.latRad,
          lon: w.lonRad,
          altM: w.hM,
          // The loader has made sure every leg has a speed; the first waypoint's is unused.
          speedMs: w.speedMps > 0 ? w.speedMps : undefined,
          holdS: w.holdS,
        })),
      }),
  );
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

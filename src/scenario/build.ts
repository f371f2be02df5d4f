/**
 * Scenario → the objects a run needs: movers (missiles, debris, air movers), sensors, and each
 * launch's planned flight with its summary. Everything is built through the world and sensor
 * modules' own constructors; this file only translates and attaches file positions to their errors.
 */
import { UserError } from "../core/errors.ts";
import { type MissileFlight, planMissileFlight } from "../world/missile-flight.ts";
import { formatProblem } from "./load.ts";
import type { Scenario, ScenarioLaunch } from "./scenario.ts";

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
      const reason = err.message.replace(new RegExp(`^launch ${escapeRegExp(launch.id)}: `), "");
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

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

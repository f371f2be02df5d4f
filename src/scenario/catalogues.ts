/**
 * The named things a scenario may refer to — launch sites, missile classes, catalogue sensors —
 * looked up in the world and sensor catalogues. The loader sees them only through this interface,
 * so its checks ("unknown launch site", "aim beyond the class's reach") read one way whatever the
 * catalogue's shape.
 */
import { MISSILE_CLASS_NAMES, MISSILE_CLASSES, type MissileClassName } from "../world/missile-classes.ts";
import type { AllyCode } from "../world/nation.ts";
import type { DocPath } from "./yaml-source.ts";

export interface CatalogueSensorInfo {
  readonly nation: AllyCode;
  /** The id a sensor gets when the scenario does not rename it. */
  readonly defaultId: string;
}

export interface OverrideProblem {
  readonly path: DocPath;
  readonly reason: string;
  /** True when the problem is the key itself (an unknown field). */
  readonly key: boolean;
}

export interface ScenarioCatalogues {
  launchSite(name: string): { latRad: number; lonRad: number; hM: number } | undefined;
  launchSiteNames(): readonly string[];
  readonly missileClasses: readonly string[];
  /** The nominal ground range of a class, m. */
  nominalRangeM(missileClass: string): number;
  sensor(name: string): CatalogueSensorInfo | undefined;
  sensorNames(): readonly string[];
  /** Problems with a catalogue sensor's `overrides` (unknown fields, wrong types). */
  checkOverrides(name: string, overrides: Readonly<Record<string, unknown>>): OverrideProblem[];
}

export function defaultCatalogues(): ScenarioCatalogues {
  return {
    launchSite: () => undefined,
    launchSiteNames: () => [],
    missileClasses: MISSILE_CLASS_NAMES,
    nominalRangeM: (c) => MISSILE_CLASSES[c as MissileClassName].nominalRangeM,
    sensor: () => undefined,
    sensorNames: () => [],
    checkOverrides: () => [],
  };
}

/**
 * The named things a scenario may refer to — launch sites, missile classes, catalogue sensors —
 * looked up in the world and sensor catalogues. The loader sees them only through this interface,
 * so its checks ("unknown launch site", "aim beyond the class's reach") read one way whatever the
 * catalogue's shape.
 */
import { deg2rad } from "../core/geodesy.ts";
import { catalogueEntry, catalogueSensorNames } from "../sensors/catalogue.ts";
import { MISSILE_CLASS_NAMES, MISSILE_CLASSES, type MissileClassName } from "../world/missile-classes.ts";
import type { NationCode } from "../world/nation.ts";
import { AIM_AREAS, LAUNCH_SITES, type NamedPlace } from "../world/sites.ts";

export interface CatalogueSensorInfo {
  readonly nation: NationCode;
  readonly type: "radar" | "space-ir";
}

export interface NamedPoint {
  /** The catalogue's spelling of the name. */
  readonly name: string;
  readonly latRad: number;
  readonly lonRad: number;
  readonly hM: number;
}

export interface ScenarioCatalogues {
  /** Launch sites and aim areas are looked up case-insensitively. */
  launchSite(name: string): NamedPoint | undefined;
  launchSiteNames(): readonly string[];
  aimArea(name: string): NamedPoint | undefined;
  aimAreaNames(): readonly string[];
  readonly missileClasses: readonly string[];
  /** The nominal ground range of a class, m. */
  nominalRangeM(missileClass: string): number;
  sensor(name: string): CatalogueSensorInfo | undefined;
  sensorNames(): readonly string[];
}

function lookup(list: readonly NamedPlace[], name: string): NamedPoint | undefined {
  const p = list.find((s) => s.name.toLowerCase() === name.toLowerCase());
  // The catalogue gives ground points; sites are taken at the ellipsoid surface.
  return p && { name: p.name, latRad: deg2rad(p.latDeg), lonRad: deg2rad(p.lonDeg), hM: 0 };
}

export function defaultCatalogues(): ScenarioCatalogues {
  return {
    launchSite: (name) => lookup(LAUNCH_SITES, name),
    launchSiteNames: () => LAUNCH_SITES.map((s) => s.name),
    aimArea: (name) => lookup(AIM_AREAS, name),
    aimAreaNames: () => AIM_AREAS.map((s) => s.name),
    missileClasses: MISSILE_CLASS_NAMES,
    nominalRangeM: (c) => MISSILE_CLASSES[c as MissileClassName].nominalRangeM,
    sensor: (name) => {
      const e = catalogueEntry(name);
      return e && { nation: e.nation, type: e.type };
    },
    sensorNames: () => catalogueSensorNames(),
  };
}

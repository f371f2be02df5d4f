/**
 * Reads a scenario file: YAML (JSON is YAML too) → schema check (ajv, against the TypeBox source in
 * schema.ts) → semantic checks (catalogue names, times within the duration, aim point not the
 * launch site, unique ids) → the internal `Scenario` in SI units.
 *
 * Every problem is collected, not just the first, and each names its line:
 * `FILE:LINE: /launches/0/class: unknown missile class "SRMB" (did you mean "SRBM"?)`.
 * They reach the user as one UserError whose details are those lines.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import { UserError } from "../core/errors.ts";
import { deg2rad, geodesicDirect, geodesicInverse } from "../core/geodesy.ts";
import { parseEpoch } from "../core/time.ts";
import { createSensor, type SensorSpec } from "../sensors/catalogue.ts";
import { isNationCode } from "../world/nation.ts";
import { defaultCatalogues, type ScenarioCatalogues } from "./catalogues.ts";
import type {
  LaunchSite,
  ProtectedArea,
  Scenario,
  ScenarioAirMover,
  ScenarioInject,
  ScenarioLaunch,
  ScenarioSensor,
} from "./scenario.ts";
import type { LaunchEntry, RadarOverrides, ScenarioDocument, SpaceIrOverrides } from "./schema.ts";
import { RadarOverridesSchema, ScenarioDocumentSchema, SpaceIrOverridesSchema } from "./schema.ts";
import { closest, problemsFromAjv } from "./schema-errors.ts";
import {
  inlineRadarToSi,
  inlineSpaceIrToSi,
  radarOverridesToSi,
  spaceIrOverridesToSi,
} from "./sensor-units.ts";
import { type DocPath, type Problem, pointer, YamlSource } from "./yaml-source.ts";

let compiled: ValidateFunction | null = null;
function validator(): ValidateFunction {
  // verbose: errors carry their schema, which the union-error pruning in schema-errors.ts needs.
  compiled ??= new Ajv({ allErrors: true, verbose: true, strict: true }).compile(ScenarioDocumentSchema);
  return compiled;
}

/** `FILE:LINE: PATH: reason` — the one format every scenario problem is printed in. */
export function formatProblem(file: string, p: Problem): string {
  return `${file}:${p.line}: ${pointer(p.path)}: ${p.reason}`;
}

/**
 * An aim this many times the class's nominal range is surely a mistake (wrong class, degrees typed
 * as km); anything less is left to the flight planner, which knows the exact reach.
 */
const GROSS_RANGE_FACTOR = 2;

/** Below this ground distance an aim point is "the launch site itself". */
const MIN_AIM_DISTANCE_M = 1000;

class Checker {
  readonly problems: Problem[] = [];
  constructor(private readonly src: YamlSource) {}
  lineOf(path: DocPath): number {
    return this.src.lineOf(path);
  }
  add(path: DocPath, reason: string, key = false): void {
    this.problems.push({ path, line: this.src.lineOf(path, key), reason });
  }
}

function suggestion(word: string, names: readonly string[]): string {
  const c = closest(word, names);
  return c ? ` (did you mean "${c}"?)` : "";
}

function listOf(names: readonly string[], max = 12): string {
  return names.length <= max
    ? names.join(", ")
    : `${names.slice(0, max).join(", ")}, … (${names.length} in all)`;
}

/**
 * Parses and validates scenario text. `file` is used in messages and to resolve relative links
 * (tabletop files). Throws UserError with one detail line per problem.
 */
export function parseScenario(
  text: string,
  file: string,
  catalogues: ScenarioCatalogues = defaultCatalogues(),
): Scenario {
  const src = new YamlSource(text);
  const fail = (problems: Problem[]): never => {
    const sorted = [...problems].sort((a, b) => a.line - b.line);
    throw new UserError(
      `${file}: invalid scenario (${sorted.length} problem${sorted.length === 1 ? "" : "s"})`,
      sorted.map((p) => formatProblem(file, p)),
    );
  };
  if (src.syntaxProblems.length > 0) fail(src.syntaxProblems);
  if (src.data === null || src.data === undefined) fail([{ path: [], line: 1, reason: "the file is empty" }]);

  const validate = validator();
  if (!validate(src.data)) fail(problemsFromAjv(validate.errors ?? [], src));

  const doc = src.data as ScenarioDocument;
  const check = new Checker(src);
  const scenario = convert(doc, file, catalogues, src, check);
  if (check.problems.length > 0) fail(check.problems);
  return scenario;
}

/** Reads and validates a scenario file. */
export function loadScenarioFile(path: string, catalogues?: ScenarioCatalogues): Scenario {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (err as Error).message;
    throw new UserError(`${path}: cannot read scenario file: ${why}`);
  }
  return parseScenario(text, path, catalogues);
}

function timeOf(
  value: number | string,
  epochMs: number,
  durationS: number,
  path: DocPath,
  what: string,
  check: Checker,
): number {
  let t: number;
  if (typeof value === "number") {
    t = value;
  } else if (Number.isNaN(epochMs)) {
    return 0; // the epoch itself is wrong (already reported): absolute times cannot be placed
  } else {
    try {
      t = (parseEpoch(value, pointer(path)) - epochMs) / 1000;
    } catch (err) {
      check.add(path, (err as Error).message.replace(/^[^:]*: /, ""));
      return 0;
    }
    if (t < 0) {
      check.add(path, `${what} ${value} is before the epoch`);
      return 0;
    }
  }
  if (t > durationS)
    check.add(path, `${what} ${t} s is beyond the scenario duration (durationS: ${durationS})`);
  return t;
}

function convert(
  doc: ScenarioDocument,
  file: string,
  cat: ScenarioCatalogues,
  src: YamlSource,
  check: Checker,
): Scenario {
  let epochMs = Number.NaN;
  try {
    epochMs = parseEpoch(doc.epoch, "epoch");
  } catch (err) {
    check.add(["epoch"], (err as Error).message.replace(/^epoch: /, ""));
  }
  const durationS = doc.durationS;
  const nations = doc.nations;

  // Ids must be unique per list (they name tracks, messages and report rows).
  const uniqueIds = (ids: (string | undefined)[], list: string, field = "id") => {
    const first = new Map<string, number>();
    ids.forEach((id, i) => {
      if (id === undefined) return;
      const seen = first.get(id);
      if (seen !== undefined) check.add([list, i, field], `duplicate id "${id}" (also /${list}/${seen})`);
      else first.set(id, i);
    });
  };

  const sensors = doc.sensors
    .map((s, i) => convertSensor(s, i, cat, nations, src, check))
    .filter((s): s is ScenarioSensor => s !== null);
  // Sensor ids default to the catalogue name: report a clash at the entry, which may lack an `id` key.
  const sensorIds = new Map<string, number>();
  for (const s of sensors) {
    const first = sensorIds.get(s.id);
    if (first !== undefined) {
      check.add(
        ["sensors", s.index],
        `duplicate sensor id "${s.id}" (also /sensors/${first}); give one an id`,
      );
    } else sensorIds.set(s.id, s.index);
  }
  const launches = (doc.launches ?? []).map((l, i) => convertLaunch(l, i, epochMs, durationS, cat, check));
  uniqueIds(
    launches.map((l) => l.id),
    "launches",
  );

  const airMovers: ScenarioAirMover[] = (doc.airMovers ?? []).map((a, i) => {
    const nation = a.nation ?? null;
    if (nation !== null && !isNationCode(nation))
      check.add(["airMovers", i, "nation"], `unknown nation code "${nation}"`);
    return {
      id: a.id,
      kind: a.kind,
      nation: nation !== null && isNationCode(nation) ? nation : null,
      tS: timeOf(a.time, epochMs, durationS, ["airMovers", i, "time"], "start time", check),
      rcsM2: a.rcsM2,
      waypoints: a.waypoints.map((w, k) => {
        const speed = w.speedMps ?? a.speedMps;
        if (k > 0 && speed === undefined) {
          check.add(
            ["airMovers", i, "waypoints", k, "speedMps"],
            "is required: this leg has no speed (or give the mover a speedMps)",
          );
        }
        return {
          latRad: deg2rad(w.lat),
          lonRad: deg2rad(w.lon),
          hM: w.altM,
          speedMps: speed ?? 0,
          holdS: w.holdS ?? 0,
        };
      }),
    };
  });
  uniqueIds(
    airMovers.map((a) => a.id),
    "airMovers",
  );
  // Every id is one object in the world picture: a launch and a drone may not share one.
  const launchIds = new Set(launches.map((l) => l.id));
  airMovers.forEach((a, i) => {
    if (launchIds.has(a.id)) check.add(["airMovers", i, "id"], `id "${a.id}" is already used by a launch`);
  });

  const protectedAreas: ProtectedArea[] = (doc.protectedAreas ?? []).map((p, i) => {
    const distinct = new Set(p.polygon.map(([la, lo]) => `${la},${lo}`));
    if (distinct.size < 3) check.add(["protectedAreas", i, "polygon"], "needs at least 3 distinct vertices");
    if (!nations.includes(p.nation)) {
      check.add(
        ["protectedAreas", i, "nation"],
        `nation ${p.nation} runs no node in this scenario (see /nations)`,
      );
    }
    return {
      id: p.id,
      name: p.name ?? p.id,
      nation: p.nation,
      polygon: p.polygon.map(([la, lo]) => ({ latRad: deg2rad(la), lonRad: deg2rad(lo) })),
    };
  });
  uniqueIds(
    protectedAreas.map((p) => p.id),
    "protectedAreas",
  );

  const injects: ScenarioInject[] = (doc.injects ?? []).map((inj, i) => {
    const { time, type, ...fields } = inj as { time: number | string; type: string } & Record<
      string,
      unknown
    >;
    return {
      tS: timeOf(time, epochMs, durationS, ["injects", i, "time"], "inject time", check),
      type,
      fields,
      index: i,
    };
  });

  let tabletop: Scenario["tabletop"] = null;
  if (doc.tabletop) {
    const { file: link, ...fields } = doc.tabletop as { file?: string } & Record<string, unknown>;
    tabletop = { file: link ? resolve(dirname(file), link) : null, fields };
  }

  return {
    file,
    name: doc.name,
    description: doc.description ?? "",
    epochMs,
    durationS,
    seed: doc.seed,
    nations,
    sharing: doc.sharing,
    sensors,
    launches,
    airMovers,
    protectedAreas,
    injects,
    tabletop,
  };
}

function convertLaunch(
  l: LaunchEntry,
  i: number,
  epochMs: number,
  durationS: number,
  cat: ScenarioCatalogues,
  check: Checker,
): ScenarioLaunch {
  const at = (...rest: (string | number)[]): DocPath => ["launches", i, ...rest];
  const tS = timeOf(l.time, epochMs, durationS, at("time"), "launch time", check);

  let site: LaunchSite = { name: null, latRad: 0, lonRad: 0, hM: 0 };
  let placed = true; // false when the site or aim name is unknown: distance checks would mislead
  if (typeof l.site === "string") {
    const found = cat.launchSite(l.site);
    if (found) site = { ...found };
    else {
      placed = false;
      const names = cat.launchSiteNames();
      check.add(
        at("site"),
        `unknown launch site "${l.site}"${suggestion(l.site, names)}; known: ${listOf(names)}`,
      );
    }
  } else {
    site = {
      name: null,
      latRad: deg2rad(l.site.lat),
      lonRad: deg2rad(l.site.lon),
      hM: (l.site.altKm ?? 0) * 1000,
    };
  }

  if (!cat.missileClasses.includes(l.class)) {
    check.add(
      at("class"),
      `unknown missile class "${l.class}"${suggestion(l.class, cat.missileClasses)}; known: ${cat.missileClasses.join(", ")}`,
    );
  }

  let aim = { latRad: site.latRad, lonRad: site.lonRad };
  let aimName: string | null = null;
  let aimAzimuthRad = 0;
  let aimRangeM = 0;
  if (typeof l.aim === "string") {
    const found = cat.aimArea(l.aim);
    if (found) {
      aimName = found.name;
      aim = { latRad: found.latRad, lonRad: found.lonRad };
      const inv = geodesicInverse(site.latRad, site.lonRad, aim.latRad, aim.lonRad);
      aimAzimuthRad = inv.azimuth1;
      aimRangeM = inv.distanceM;
    } else {
      placed = false;
      const names = cat.aimAreaNames();
      check.add(at("aim"), `unknown aim area "${l.aim}"${suggestion(l.aim, names)}; known: ${listOf(names)}`);
    }
  } else if ("azimuthDeg" in l.aim) {
    aimAzimuthRad = deg2rad(l.aim.azimuthDeg);
    aimRangeM = l.aim.rangeKm * 1000;
    const p = geodesicDirect(site.latRad, site.lonRad, aimAzimuthRad, aimRangeM);
    aim = { latRad: p.lat, lonRad: p.lon };
  } else {
    aim = { latRad: deg2rad(l.aim.lat), lonRad: deg2rad(l.aim.lon) };
    const inv = geodesicInverse(site.latRad, site.lonRad, aim.latRad, aim.lonRad);
    aimAzimuthRad = inv.azimuth1;
    aimRangeM = inv.distanceM;
  }
  if (!placed) {
    // already reported
  } else if (aimRangeM < MIN_AIM_DISTANCE_M) {
    check.add(
      at("aim"),
      `aim point is ${aimRangeM.toFixed(0)} m from the launch site; it must be at least 1 km away`,
    );
  } else if (cat.missileClasses.includes(l.class)) {
    // A coarse screen for gross mistakes; the exact reach is found when the flight is planned.
    const nominalM = cat.nominalRangeM(l.class);
    if (aimRangeM > GROSS_RANGE_FACTOR * nominalM) {
      check.add(
        at("aim"),
        `aim point is ${(aimRangeM / 1000).toFixed(0)} km away, far beyond the nominal range of the ${l.class} class (${(nominalM / 1000).toFixed(0)} km)`,
      );
    }
  }

  if (l.apogeeKm !== undefined && l.trajectory === "minimum-energy") {
    check.add(
      at("apogeeKm"),
      "a minimum-energy flight has its own apogee; an apogee target needs trajectory lofted or depressed",
    );
  }

  return {
    id: l.id,
    index: i,
    line: check.lineOf(at()),
    fieldLines: Object.fromEntries(Object.keys(l).map((k) => [k, check.lineOf(at(k))])),
    tS,
    site,
    missileClass: l.class,
    trajectory: l.trajectory,
    aimName,
    aim,
    aimAzimuthRad,
    aimRangeM,
    apogeeM: l.apogeeKm === undefined ? null : l.apogeeKm * 1000,
    debrisCount: l.debris ?? 0,
  };
}

let overrideValidators: { radar: ValidateFunction; "space-ir": ValidateFunction } | null = null;
function overridesValidator(type: "radar" | "space-ir"): ValidateFunction {
  overrideValidators ??= {
    radar: new Ajv({ allErrors: true, verbose: true, strict: true }).compile(RadarOverridesSchema),
    "space-ir": new Ajv({ allErrors: true, verbose: true, strict: true }).compile(SpaceIrOverridesSchema),
  };
  return overrideValidators[type];
}

function convertSensor(
  s: ScenarioDocument["sensors"][number],
  i: number,
  cat: ScenarioCatalogues,
  nations: readonly string[],
  src: YamlSource,
  check: Checker,
): ScenarioSensor | null {
  const at = (...rest: (string | number)[]): DocPath => ["sensors", i, ...rest];
  const line = check.lineOf(at());
  let spec: SensorSpec;
  if ("catalog" in s) {
    const entry = cat.sensor(s.catalog);
    if (!entry) {
      const names = cat.sensorNames();
      check.add(
        at("catalog"),
        `unknown catalogue sensor "${s.catalog}"${suggestion(s.catalog, names)}; known: ${listOf(names, 30)}`,
      );
      return null;
    }
    if (!nations.includes(entry.nation)) {
      check.add(
        at("catalog"),
        `sensor "${s.catalog}" belongs to ${entry.nation}, which runs no node here (see /nations)`,
      );
    }
    // Overrides use the inline field names of the entry's type; checked now that the type is known.
    const overrides = s.overrides ?? {};
    const validate = overridesValidator(entry.type);
    if (!validate(overrides)) {
      for (const p of problemsFromAjv(validate.errors ?? [], src, at("overrides"))) check.problems.push(p);
      return null;
    }
    spec = {
      catalogue: s.catalog,
      id: s.id ?? s.catalog,
      overrides:
        entry.type === "radar"
          ? radarOverridesToSi(overrides as RadarOverrides)
          : spaceIrOverridesToSi(overrides as SpaceIrOverrides),
    };
  } else {
    if (!nations.includes(s.nation)) {
      check.add(at("nation"), `nation ${s.nation} runs no node in this scenario (see /nations)`);
    }
    if (s.type === "radar") {
      if ((s.maxElevationDeg ?? 90) <= (s.minElevationDeg ?? 0)) {
        check.add(at("maxElevationDeg"), "must be above minElevationDeg");
        return null;
      }
      if (s.maxRangeKm <= (s.minRangeKm ?? 0)) {
        check.add(at("maxRangeKm"), "must be above minRangeKm");
        return null;
      }
    }
    spec = s.type === "radar" ? inlineRadarToSi(s) : inlineSpaceIrToSi(s);
  }
  // The sensor model has the last word on its parameters (combinations the schema cannot see).
  try {
    createSensor(spec);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    check.add(at(), err.message);
    return null;
  }
  const id = "catalogue" in spec ? (spec.id ?? spec.catalogue) : spec.id;
  return { id, spec, index: i, line };
}

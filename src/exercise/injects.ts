/**
 * Faults and events the exercise runner executes, read from a scenario's `injects`. The scenario
 * loader keeps injects open (only `time` and `type` are checked there, because the tabletop defines
 * its own kinds); this file defines the runner's kinds and validates their fields, with one clear
 * error per problem naming the inject and the field.
 *
 *   - type: sensor-outage     sensor: KOR-GREENPINE-BUSAN   durationS: 120
 *   - type: link-outage       link: KOR>USA (or KOR<>USA for both directions)   durationS: 300
 *   - type: link-degradation  link: USA>JPN  durationS: 300  addedLatencyS: 2  loss: 0.2
 *   - type: node-crash        nation: JPN    restartAfterS: 180   (omit: never restarts)
 *   - type: launch            id, site, class, aim, trajectory, apogeeKm?, debris?  (as a launch entry)
 *
 * Types the runner does not know are left to the tabletop, unless they look like a misspelt runner
 * type, which is an error ("did you mean").
 */
import { UserError } from "../core/errors.ts";
import { isoAt } from "../core/time.ts";
import { parseScenario } from "../scenario/load.ts";
import type { Scenario, ScenarioLaunch } from "../scenario/scenario.ts";
import { closest } from "../scenario/schema-errors.ts";
import { type AllyCode, isAllyCode } from "../world/nation.ts";

export const RUNNER_INJECT_TYPES = [
  "sensor-outage",
  "link-outage",
  "link-degradation",
  "node-crash",
  "launch",
] as const;
export type RunnerInjectType = (typeof RUNNER_INJECT_TYPES)[number];

interface Base {
  /** Index in the scenario's injects list (for messages and the report). */
  readonly index: number;
  readonly tS: number;
}

export type RunnerInject =
  | (Base & { readonly type: "sensor-outage"; readonly sensor: string; readonly endS: number })
  | (Base & { readonly type: "link-outage"; readonly links: readonly LinkPair[]; readonly endS: number })
  | (Base & {
      readonly type: "link-degradation";
      readonly links: readonly LinkPair[];
      readonly endS: number;
      readonly addedLatencyS: number;
      readonly loss: number;
    })
  | (Base & { readonly type: "node-crash"; readonly nation: AllyCode; readonly restartS: number | null })
  | (Base & { readonly type: "launch"; readonly launch: ScenarioLaunch });

export interface LinkPair {
  readonly from: AllyCode;
  readonly to: AllyCode;
}

export interface ParsedInjects {
  readonly runner: readonly RunnerInject[];
  /** Injects of other kinds (tabletop), by index and type. */
  readonly others: readonly { readonly index: number; readonly type: string }[];
}

/** A one-line human description of an inject, for logs and the report. */
export function describeInject(i: RunnerInject): string {
  const links = (l: readonly LinkPair[]) => l.map((p) => `${p.from}>${p.to}`).join(", ");
  switch (i.type) {
    case "sensor-outage":
      return `sensor ${i.sensor} out from T+${i.tS} s to T+${i.endS} s`;
    case "link-outage":
      return `link ${links(i.links)} down from T+${i.tS} s to T+${i.endS} s`;
    case "link-degradation":
      return `link ${links(i.links)} degraded (+${i.addedLatencyS} s latency, ${Math.round(i.loss * 100)}% loss) from T+${i.tS} s to T+${i.endS} s`;
    case "node-crash":
      return `${i.nation} node crashes at T+${i.tS} s${i.restartS === null ? ", no restart" : `, restarts at T+${i.restartS} s`}`;
    case "launch":
      return `launch ${i.launch.id} (${i.launch.missileClass}) added at T+${i.tS} s`;
  }
}

/** Validates the runner's injects of a scenario; throws one UserError listing every problem. */
export function parseInjects(scenario: Scenario): ParsedInjects {
  const problems: string[] = [];
  const runner: RunnerInject[] = [];
  const others: { index: number; type: string }[] = [];
  const sensorIds = scenario.sensors.map((s) => s.id);
  const launchIds = new Set(scenario.launches.map((l) => l.id));
  for (const inj of scenario.injects) {
    const where = `injects[${inj.index}] (${inj.type})`;
    const f = inj.fields;
    const bad = (field: string, why: string) => problems.push(`${where}: ${field}: ${why}`);
    const known = (RUNNER_INJECT_TYPES as readonly string[]).includes(inj.type);
    if (!known) {
      const near = closest(inj.type, RUNNER_INJECT_TYPES);
      if (near) bad("type", `unknown inject type "${inj.type}" (did you mean "${near}"?)`);
      else others.push({ index: inj.index, type: inj.type });
      continue;
    }
    const type = inj.type as RunnerInjectType;
    const allowed = new Set(ALLOWED_FIELDS[type]);
    for (const k of Object.keys(f))
      if (!allowed.has(k)) bad(k, `not a field of a ${type} inject (expected ${[...allowed].join(", ")})`);
    const duration = (): number => {
      const d = f.durationS;
      if (typeof d !== "number" || !Number.isFinite(d) || d <= 0) {
        bad(
          "durationS",
          d === undefined
            ? "required (seconds, > 0)"
            : `must be a number of seconds > 0, got ${JSON.stringify(d)}`,
        );
        return 0;
      }
      if (inj.tS + d > scenario.durationS)
        bad(
          "durationS",
          `the window ends at ${inj.tS + d} s, beyond the scenario duration (${scenario.durationS} s)`,
        );
      return inj.tS + d;
    };
    const links = (): LinkPair[] => {
      const l = f.link;
      const m = typeof l === "string" ? /^([A-Z]{3})(>|<>)([A-Z]{3})$/.exec(l.trim()) : null;
      if (!m) {
        bad("link", `must be "FROM>TO" or "A<>B" with nation codes, e.g. KOR>USA; got ${JSON.stringify(l)}`);
        return [];
      }
      const [, a, dir, b] = m;
      for (const n of [a, b])
        if (!isAllyCode(n) || !scenario.nations.includes(n))
          bad("link", `${n} is not one of the scenario's nations (${scenario.nations.join(", ")})`);
      if (a === b) bad("link", "a link joins two different nations");
      const pairs = [{ from: a as AllyCode, to: b as AllyCode }];
      if (dir === "<>") pairs.push({ from: b as AllyCode, to: a as AllyCode });
      return pairs;
    };
    const base = { index: inj.index, tS: inj.tS };
    switch (type) {
      case "sensor-outage": {
        const sensor = f.sensor;
        if (typeof sensor !== "string" || !sensorIds.includes(sensor)) {
          const near = typeof sensor === "string" ? closest(sensor, sensorIds) : undefined;
          bad(
            "sensor",
            `${JSON.stringify(sensor)} is not a sensor of this scenario${near ? ` (did you mean "${near}"?)` : ""}`,
          );
        }
        runner.push({ ...base, type, sensor: String(sensor), endS: duration() });
        break;
      }
      case "link-outage":
        runner.push({ ...base, type, links: links(), endS: duration() });
        break;
      case "link-degradation": {
        const lat = f.addedLatencyS ?? 0;
        const loss = f.loss ?? 0;
        if (typeof lat !== "number" || !Number.isFinite(lat) || lat < 0)
          bad("addedLatencyS", `must be a number of seconds ≥ 0, got ${JSON.stringify(lat)}`);
        if (typeof loss !== "number" || !(loss >= 0 && loss < 1))
          bad("loss", `must be a probability in [0, 1), got ${JSON.stringify(loss)}`);
        if (f.addedLatencyS === undefined && f.loss === undefined)
          bad("addedLatencyS", "give addedLatencyS, loss or both (use link-outage to cut the link)");
        runner.push({
          ...base,
          type,
          links: links(),
          endS: duration(),
          addedLatencyS: Number(lat),
          loss: Number(loss),
        });
        break;
      }
      case "node-crash": {
        const nation = f.nation;
        if (!isAllyCode(nation) || !scenario.nations.includes(nation))
          bad(
            "nation",
            `${JSON.stringify(nation)} is not one of the scenario's nations (${scenario.nations.join(", ")})`,
          );
        let restartS: number | null = null;
        if (f.restartAfterS !== undefined) {
          const r = f.restartAfterS;
          if (typeof r !== "number" || !Number.isFinite(r) || r <= 0)
            bad("restartAfterS", `must be a number of seconds > 0, got ${JSON.stringify(r)}`);
          else restartS = inj.tS + r;
        }
        runner.push({ ...base, type, nation: nation as AllyCode, restartS });
        break;
      }
      case "launch": {
        const launch = launchFromInject(scenario, inj.index, inj.tS, f, problems);
        if (launch) {
          if (launchIds.has(launch.id)) bad("id", `launch id "${launch.id}" is already used`);
          launchIds.add(launch.id);
          runner.push({ ...base, type, launch });
        }
        break;
      }
    }
  }
  if (problems.length === 1) throw new UserError(`${scenario.file}: ${problems[0]}`);
  if (problems.length > 1)
    throw new UserError(`${scenario.file}: invalid injects (${problems.length} problems)`, problems);
  return { runner: runner.sort((a, b) => a.tS - b.tS || a.index - b.index), others };
}

const LAUNCH_FIELDS = ["id", "site", "class", "aim", "trajectory", "apogeeKm", "debris"];
const ALLOWED_FIELDS: Record<RunnerInjectType, readonly string[]> = {
  "sensor-outage": ["sensor", "durationS", "note"],
  "link-outage": ["link", "durationS", "note"],
  "link-degradation": ["link", "durationS", "addedLatencyS", "loss", "note"],
  "node-crash": ["nation", "restartAfterS", "note"],
  launch: [...LAUNCH_FIELDS, "note"],
};

/**
 * A launch inject goes through the scenario loader's own launch validation and conversion (sites,
 * aim areas, classes, trajectory), as a one-launch document; its problems are renamed to the inject.
 */
function launchFromInject(
  scenario: Scenario,
  index: number,
  tS: number,
  fields: Readonly<Record<string, unknown>>,
  problems: string[],
): ScenarioLaunch | null {
  const { note: _note, ...entry } = fields;
  const doc = {
    name: "inject",
    epoch: isoAt(scenario.epochMs, 0).replace(/\.\d+Z$/, "Z"),
    durationS: scenario.durationS,
    seed: 0,
    nations: scenario.nations,
    sharing: "none",
    sensors: [],
    launches: [{ ...entry, time: tS }],
  };
  try {
    return parseScenario(JSON.stringify(doc), `injects[${index}]`).launches[0];
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    const lines = err.details.length ? err.details : [err.message];
    for (const l of lines)
      problems.push(`injects[${index}] (launch): ${l.replace(/^injects\[\d+\]:\d+: \/launches\/0\/?/, "")}`);
    return null;
  }
}

/**
 * Reads a tabletop exercise file: YAML → schema (ajv against ttx-schema.ts) → semantic checks (ids
 * unique, every reference resolves, channels' required cells are members, scripted commands are
 * well formed, times inside the exercise) → a `TtxDefinition` in exercise seconds and radians.
 *
 * Problems are collected and printed like scenario problems, `FILE:LINE: PATH: reason`, through the
 * scenario loader's own helpers (YamlSource, problemsFromAjv, formatProblem), so both kinds of file
 * report mistakes the same way.
 */
import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import { UserError } from "../core/errors.ts";
import { deg2rad } from "../core/geodesy.ts";
import { parseEpoch } from "../core/time.ts";
import { formatProblem } from "../scenario/load.ts";
import { closest, problemsFromAjv } from "../scenario/schema-errors.ts";
import { type DocPath, type Problem, YamlSource } from "../scenario/yaml-source.ts";
import { parseCommand } from "./commands.ts";
import { parseExerciseTime } from "./exercise-time.ts";
import type {
  AutoAction,
  Channel,
  DecisionPoint,
  Inject,
  Move,
  NationalCell,
  Precondition,
  ResponseOption,
  Trigger,
  TtxDefinition,
} from "./model.ts";
import { DEFAULT_OPTIONS } from "./options-catalogue.ts";
import { type TtxDocument, TtxDocumentSchema, type WarningEntry } from "./ttx-schema.ts";
import type { WarningEventInject } from "./warning-inject.ts";

let compiled: ValidateFunction | null = null;
function validator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, verbose: true, strict: true }).compile(TtxDocumentSchema);
  return compiled;
}

class Checker {
  readonly problems: Problem[] = [];
  constructor(readonly src: YamlSource) {}
  add(path: DocPath, reason: string, key = false): void {
    this.problems.push({ path, line: this.src.lineOf(path, key), reason });
  }
  /** A reference that must name one of `known`; adds a problem with a "did you mean" hint if not. */
  ref(path: DocPath, value: string, known: readonly string[], what: string): boolean {
    if (known.includes(value)) return true;
    const hint = closest(value, known);
    this.add(path, `unknown ${what} "${value}"${hint ? ` (did you mean "${hint}"?)` : ""}`);
    return false;
  }
}

function uniqueIds(check: Checker, items: { id: string; path: DocPath }[], what: string): void {
  const seen = new Map<string, DocPath>();
  for (const { id, path } of items) {
    const first = seen.get(id);
    if (first) check.add([...path, "id"], `duplicate ${what} id "${id}" (also ${`/${first.join("/")}`})`);
    else seen.set(id, path);
  }
}

function convertWarning(w: WarningEntry): WarningEventInject {
  const g = (p: { lat: number; lon: number }) => ({ lat: deg2rad(p.lat), lon: deg2rad(p.lon) });
  return {
    threatId: w.threatId,
    missileClass: w.missileClass,
    launchPoint: g(w.launchPoint),
    impactPoint: g(w.impactPoint),
    ellipse: {
      center: g(w.impactPoint),
      semiMajorM: w.ellipse.semiMajorKm * 1000,
      semiMinorM: w.ellipse.semiMinorKm * 1000,
      orientation: deg2rad(w.ellipse.orientationDeg),
      probability: w.ellipse.probability,
    },
    tLaunch: parseExerciseTime(w.tLaunch),
    tDetect: parseExerciseTime(w.tDetect),
    tImpact: parseExerciseTime(w.tImpact),
    detectingNation: w.detectingNation,
    track: (w.track ?? []).map((p) => ({
      t: parseExerciseTime(p.t),
      lat: deg2rad(p.lat),
      lon: deg2rad(p.lon),
      altM: p.altKm * 1000,
    })),
    ...(w.recipients ? { recipients: w.recipients } : {}),
  };
}

/** Parses and validates exercise text; `file` names it in messages. Throws UserError, one detail per problem. */
export function parseTtx(text: string, file: string): TtxDefinition {
  const src = new YamlSource(text);
  const fail = (problems: Problem[]): never => {
    const sorted = [...problems].sort((a, b) => a.line - b.line);
    throw new UserError(
      `${file}: invalid tabletop exercise (${sorted.length} problem${sorted.length === 1 ? "" : "s"})`,
      sorted.map((p) => formatProblem(file, p)),
    );
  };
  if (src.syntaxProblems.length > 0) fail(src.syntaxProblems);
  if (src.data === null || src.data === undefined) fail([{ path: [], line: 1, reason: "the file is empty" }]);
  const validate = validator();
  if (!validate(src.data)) fail(problemsFromAjv(validate.errors ?? [], src));
  const check = new Checker(src);
  const def = convert(src.data as TtxDocument, check);
  if (check.problems.length > 0) fail(check.problems);
  return def;
}

export function loadTtxFile(path: string): TtxDefinition {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(
      `${path}: cannot read exercise file: ${code === "ENOENT" ? "no such file" : (err as Error).message}`,
    );
  }
  return parseTtx(text, path);
}

function convert(doc: TtxDocument, check: Checker): TtxDefinition {
  const ex = doc.exercise;
  const endS = parseExerciseTime(ex.end);
  if (endS <= 0) check.add(["exercise", "end"], "ENDEX must be after STARTEX (> 0)");
  if (ex.endDate < ex.startDate) check.add(["exercise", "endDate"], `is before startDate ${ex.startDate}`);
  const objectiveIds = ex.objectives.map((o) => o.id);
  uniqueIds(
    check,
    ex.objectives.map((o, i) => ({ id: o.id, path: ["exercise", "objectives", i] })),
    "objective",
  );
  ex.objectives.forEach((o, i) => {
    if (!ex.coreCapabilities.includes(o.capability))
      check.add(
        ["exercise", "objectives", i, "capability"],
        `"${o.capability}" is not in /exercise/coreCapabilities`,
      );
  });

  uniqueIds(
    check,
    doc.cells.map((c, i) => ({ id: c.id, path: ["cells", i] })),
    "cell",
  );
  const cellIds = doc.cells.map((c) => c.id);
  if (!cellIds.includes("CONTROL"))
    check.add(["cells"], "needs a CONTROL cell (it adjudicates and plays the adversary)");
  const nationalIds = cellIds.filter((c): c is NationalCell => c === "KOR" || c === "USA" || c === "JPN");
  if (nationalIds.length < 2) check.add(["cells"], "needs at least two national cells (KOR, USA, JPN)");

  uniqueIds(
    check,
    doc.participants.map((p, i) => ({ id: p.id, path: ["participants", i] })),
    "participant",
  );
  doc.participants.forEach((p, i) => {
    check.ref(["participants", i, "cell"], p.cell, cellIds, "cell");
    const staff = p.cell === "CONTROL" || p.cell === "SIMCELL";
    if (p.role === "player" && staff)
      check.add(
        ["participants", i, "role"],
        `a ${p.cell} member is a controller, evaluator or observer, not a player`,
      );
    if (p.role === "controller" && !staff)
      check.add(["participants", i, "role"], "controllers belong to CONTROL or SIMCELL");
  });
  if (!doc.participants.some((p) => p.role === "controller"))
    check.add(["participants"], "needs at least one controller");

  uniqueIds(
    check,
    doc.channels.map((c, i) => ({ id: c.id, path: ["channels", i] })),
    "channel",
  );
  const channels: Channel[] = doc.channels.map((c, i) => {
    c.members.forEach(
      (m, k) => void check.ref(["channels", i, "members", k], m, nationalIds, "national cell"),
    );
    const required = c.required ?? c.members;
    (c.required ?? []).forEach((r, k) => {
      if (!c.members.includes(r))
        check.add(
          ["channels", i, "required", k],
          `${r} is required but not a member (members: ${c.members.join(", ")})`,
        );
    });
    return { id: c.id, kind: c.kind, name: c.name, members: c.members, required };
  });
  const channelIds = channels.map((c) => c.id);

  const options: ResponseOption[] = doc.options
    ? doc.options.map((o, i) => ({
        id: o.id,
        category: o.category,
        name: o.name,
        rung: o.rung,
        leadTimeS: parseExerciseTime(o.leadTime),
        leads: o.leads,
        concurrences: o.concurrences ?? [],
        preconditions: (o.preconditions ?? []).map((p, k): Precondition => {
          const at: DocPath = ["options", i, "preconditions", k];
          const need = p.kind === "consulted" ? "channel" : p.kind === "decided" ? "option" : "inject";
          const v = p[need];
          if (v === undefined) {
            check.add(at, `a "${p.kind}" precondition needs "${need}"`);
            return { kind: "consulted", channel: "" };
          }
          return p.kind === "consulted"
            ? { kind: "consulted", channel: v }
            : p.kind === "decided"
              ? { kind: "decided", option: v }
              : { kind: "inject-delivered", inject: v };
        }),
      }))
    : [...DEFAULT_OPTIONS];
  if (doc.options)
    uniqueIds(
      check,
      doc.options.map((o, i) => ({ id: o.id, path: ["options", i] })),
      "option",
    );
  const optionIds = options.map((o) => o.id);

  // Moves, injects, decision points, triggers.
  const moves: Move[] = [];
  const injects: Inject[] = [];
  const decisionPoints: DecisionPoint[] = [];
  const triggers: Trigger[] = [];
  const injectPaths: { id: string; path: DocPath }[] = [];
  const dpPaths: { id: string; path: DocPath }[] = [];
  const trPaths: { id: string; path: DocPath }[] = [];
  let seq = 0;
  doc.moves.forEach((m, mi) => {
    const mp: DocPath = ["moves", mi];
    const startS = parseExerciseTime(m.start);
    try {
      parseEpoch(m.storyEpoch);
    } catch (err) {
      check.add([...mp, "storyEpoch"], (err as Error).message.replace(/^[^:]*: /, ""));
    }
    if (mi > 0 && startS <= moves[mi - 1].startS)
      check.add([...mp, "start"], `must be after the previous move's start (${moves[mi - 1].startS} s)`);
    if (startS >= endS) check.add([...mp, "start"], `${startS} s is not before ENDEX (${endS} s)`);
    const nextStart = mi + 1 < doc.moves.length ? parseExerciseTime(doc.moves[mi + 1].start) : endS;
    m.injects.forEach((inj, ii) => {
      const ip: DocPath = [...mp, "injects", ii];
      injectPaths.push({ id: inj.id, path: ip });
      const kind = inj.kind ?? (inj.delivery !== undefined ? "scheduled" : "contingency");
      let deliveryS: number | null = null;
      if (kind === "scheduled") {
        if (inj.delivery === undefined) check.add(ip, 'a scheduled inject needs "delivery"');
        else {
          deliveryS = parseExerciseTime(inj.delivery);
          if (deliveryS < startS || deliveryS >= nextStart)
            check.add(
              [...ip, "delivery"],
              `${deliveryS} s is outside move ${m.id} (${startS} s to ${nextStart} s)`,
            );
        }
      } else if (inj.delivery !== undefined) {
        check.add(
          [...ip, "delivery"],
          `a ${kind} inject has no scheduled delivery (control or a trigger delivers it)`,
        );
      }
      inj.to.forEach((c, k) => void check.ref([...ip, "to", k], c, cellIds, "cell"));
      (inj.objectives ?? []).forEach(
        (o, k) => void check.ref([...ip, "objectives", k], o, objectiveIds, "objective"),
      );
      let warning: WarningEventInject | undefined;
      if (inj.warning) {
        warning = convertWarning(inj.warning);
        if (warning.tDetect < warning.tLaunch) check.add([...ip, "warning", "tDetect"], "is before tLaunch");
        if (warning.tImpact <= warning.tLaunch)
          check.add([...ip, "warning", "tImpact"], "is not after tLaunch");
        if (inj.warning.ellipse.semiMinorKm > inj.warning.ellipse.semiMajorKm)
          check.add([...ip, "warning", "ellipse", "semiMinorKm"], "exceeds semiMajorKm");
      }
      injects.push({
        id: inj.id,
        seq: ++seq,
        move: m.id,
        kind,
        scenarioTime: inj.scenarioTime ?? "",
        deliveryS,
        from: inj.from,
        to: inj.to,
        channel: inj.channel,
        text: inj.text,
        expectedAction: inj.expectedAction ?? "",
        objectives: inj.objectives ?? [],
        ...(warning ? { warning } : {}),
      });
    });
    const moveInjects = injects.filter((i) => i.move === m.id);
    const firstScheduled = moveInjects
      .filter((i) => i.deliveryS !== null)
      .sort((a, b) => a.deliveryS! - b.deliveryS!)[0];
    let triggerInject = m.trigger ?? firstScheduled?.id ?? "";
    if (m.trigger === undefined && !firstScheduled) {
      check.add(mp, "has no scheduled inject; name its trigger inject");
      triggerInject = "";
    }
    (m.consultations ?? []).forEach(
      (c, k) => void check.ref([...mp, "consultations", k, "channel"], c.channel, channelIds, "channel"),
    );
    (m.decisionPoints ?? []).forEach((d, k) => {
      const dp: DocPath = [...mp, "decisionPoints", k];
      dpPaths.push({ id: d.id, path: dp });
      d.options.forEach((o, j) => void check.ref([...dp, "options", j], o, optionIds, "option"));
      decisionPoints.push({
        id: d.id,
        move: m.id,
        prompt: d.prompt,
        opensOn: d.opensOn,
        deadlineS: parseExerciseTime(d.deadline),
        options: d.options,
      });
    });
    (m.triggers ?? []).forEach((t, k) => {
      trPaths.push({ id: t.id, path: [...mp, "triggers", k] });
      triggers.push({
        id: t.id,
        after: t.after,
        withinS: parseExerciseTime(t.within),
        unless: t.unless as Trigger["unless"],
        inject: t.inject,
      });
    });
    moves.push({
      id: m.id,
      title: m.title,
      startS,
      storyEpoch: m.storyEpoch,
      compression: m.compression ?? 1,
      triggerInject,
      consultations: (m.consultations ?? []).map((c) => ({
        channel: c.channel,
        withinS: parseExerciseTime(c.within),
      })),
    });
  });
  uniqueIds(
    check,
    doc.moves.map((m, i) => ({ id: m.id, path: ["moves", i] })),
    "move",
  );
  uniqueIds(check, injectPaths, "inject");
  uniqueIds(check, dpPaths, "decision point");
  uniqueIds(check, trPaths, "trigger");
  const injectIds = injects.map((i) => i.id);
  doc.moves.forEach((m, mi) => {
    if (m.trigger !== undefined) check.ref(["moves", mi, "trigger"], m.trigger, injectIds, "inject");
    (m.decisionPoints ?? []).forEach(
      (d, k) => void check.ref(["moves", mi, "decisionPoints", k, "opensOn"], d.opensOn, injectIds, "inject"),
    );
    (m.triggers ?? []).forEach((t, k) => {
      const tp: DocPath = ["moves", mi, "triggers", k];
      check.ref([...tp, "after"], t.after, injectIds, "inject");
      if (check.ref([...tp, "inject"], t.inject, injectIds, "inject")) {
        const target = injects.find((i) => i.id === t.inject)!;
        if (target.kind === "scheduled")
          check.add(
            [...tp, "inject"],
            `inject "${t.inject}" is scheduled; a trigger delivers a contingency or on-demand inject`,
          );
      }
      if (t.unless.channel !== undefined)
        check.ref([...tp, "unless", "channel"], t.unless.channel, channelIds, "channel");
      if (t.unless.decisionPoint !== undefined)
        check.ref(
          [...tp, "unless", "decisionPoint"],
          t.unless.decisionPoint,
          decisionPoints.map((d) => d.id),
          "decision point",
        );
    });
  });
  options.forEach((o, i) => {
    o.preconditions.forEach((p, k) => {
      const at: DocPath = doc.options ? ["options", i, "preconditions", k] : ["options"];
      if (p.kind === "consulted")
        check.ref(
          doc.options ? [...at, "channel"] : at,
          p.channel,
          channelIds,
          "channel (needed by an option's precondition)",
        );
      if (p.kind === "decided")
        check.ref(doc.options ? [...at, "option"] : at, p.option, optionIds, "option");
      if (p.kind === "inject-delivered")
        check.ref(doc.options ? [...at, "inject"] : at, p.inject, injectIds, "inject");
    });
  });

  // Scripted play: each command must be one a client could send.
  const auto: AutoAction[] = (doc.auto ?? []).map((a, i) => {
    const ap: DocPath = ["auto", i];
    const p = doc.participants.find((x) => x.id === a.as);
    if (
      check.ref(
        [...ap, "as"],
        a.as,
        doc.participants.map((x) => x.id),
        "participant",
      ) &&
      p &&
      p.cell !== a.cell
    )
      check.add([...ap, "as"], `${a.as} belongs to ${p.cell}, not ${a.cell}`);
    if ((a.at === undefined) === (a.after === undefined))
      check.add(ap, 'give either "at" (an exercise time) or "after" (an inject id)');
    if (a.after !== undefined) check.ref([...ap, "after"], a.after, injectIds, "inject");
    try {
      parseCommand(a.do);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      check.add([...ap, "do"], err.message);
    }
    return {
      cell: a.cell,
      as: a.as,
      ...(a.at !== undefined ? { atS: parseExerciseTime(a.at) } : {}),
      ...(a.after !== undefined ? { afterInject: a.after } : {}),
      delayS: a.delay !== undefined ? parseExerciseTime(a.delay) : 0,
      command: a.do,
      index: i,
    };
  });

  return {
    exercise: {
      name: ex.name,
      startDate: ex.startDate,
      endDate: ex.endDate,
      scope: ex.scope,
      objectives: ex.objectives,
      coreCapabilities: ex.coreCapabilities,
      organisations: ex.organisations,
      handling: ex.handling,
      endS,
    },
    cells: doc.cells,
    participants: doc.participants,
    channels,
    options,
    moves,
    injects,
    decisionPoints,
    triggers,
    auto,
  };
}

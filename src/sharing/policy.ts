/**
 * The releasability policy: the sharing agreements between nations, read from one YAML file. It is
 * the single source of truth for what each node may send to whom, which payload fields are removed
 * for whom, and (through `allowedFlows`) which NATS account exports/imports exist — so a wrong flow
 * is refused twice, by the application and by the transport.
 *
 * File shape (see policies/default.yaml for the shipped one):
 *
 *   policyId: ALLYLINK-NEA-MWDS          # STANAG 4774 policy identifier carried by every label
 *   classifications: [UNCLASSIFIED, RESTRICTED, CONFIDENTIAL, SECRET]   # lowest first
 *   categories:                          # optional extra label categories
 *     - { name: Special Handling, type: restrictive, values: [MWDS] }
 *   nations:                             # every nation that runs a node, its clearance and holdings
 *     KOR: { clearance: SECRET, holds: { Special Handling: [MWDS] } }
 *   hub: USA                             # optional; the relay for `via` agreements
 *   fieldGroups:                         # named sets of payload field paths, per message kind
 *     sensor: { BallisticTrack: [contributors[].sensorId, contributors[].siteEcef] }
 *   nationalOnly: [sensor]               # groups removed from everything leaving its origin nation
 *   agreements:
 *     - { name: ROK-US bilateral, members: [KOR, USA], kinds: all }
 *     - { name: Trilateral, members: [KOR, USA, JPN], via: USA, kinds: [LaunchEvent, BallisticTrack] }
 *
 * The "Releasable To" category is built in: permissive, its values are the policy's nation codes,
 * and each nation holds exactly its own code.
 *
 * Field paths: dot-separated property names; `name[]` steps into every element of an array.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { UserError } from "../core/errors.ts";
import { isNationCode, NATIONS, type NationCode } from "../world/nation.ts";
import { isMessageKind, MESSAGE_KINDS, type MessageKind } from "./message-kinds.ts";

export const RELEASABLE_TO = "Releasable To";

export type CategoryType = "permissive" | "restrictive" | "informative";

export interface CategoryDef {
  readonly name: string;
  readonly type: CategoryType;
  readonly values: readonly string[];
}

export interface PolicyNation {
  readonly code: NationCode;
  /** Highest classification this nation's nodes may read under this policy. */
  readonly clearance: string;
  /** Category values held by this nation's nodes (Releasable To: its own code, always). */
  readonly holds: Readonly<Record<string, readonly string[]>>;
}

export interface Agreement {
  readonly name: string;
  readonly members: readonly NationCode[];
  /** Relay nation for pairs of members that are not the relay itself. */
  readonly via?: NationCode;
  readonly kinds: readonly MessageKind[];
  /** Field groups removed on this agreement's flows, in addition to `nationalOnly`. */
  readonly remove: readonly string[];
}

export interface Policy {
  /** File the policy came from (for messages). */
  readonly fileName: string;
  readonly policyId: string;
  /** Classification names, lowest first. */
  readonly classifications: readonly string[];
  /** Every label category, "Releasable To" first. */
  readonly categories: readonly CategoryDef[];
  readonly nations: ReadonlyMap<NationCode, PolicyNation>;
  readonly hub?: NationCode;
  readonly fieldGroups: Readonly<Record<string, Readonly<Partial<Record<MessageKind, readonly string[]>>>>>;
  readonly nationalOnly: readonly string[];
  readonly agreements: readonly Agreement[];
}

/** One permitted directed flow of messages between two nations. */
export interface Flow {
  readonly origin: NationCode;
  /** The relay nation, when the flow goes through a hub. */
  readonly via?: NationCode;
  readonly destination: NationCode;
  /** Kinds allowed on this flow (in MESSAGE_KINDS order). */
  readonly kinds: readonly MessageKind[];
  /** Payload field paths removed before sending, per allowed kind (may be empty). */
  readonly removedFields: Readonly<Partial<Record<MessageKind, readonly string[]>>>;
  /** Names of the agreements that allow this flow. */
  readonly agreements: readonly string[];
}

const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\[\])?(\.[A-Za-z_][A-Za-z0-9_]*(\[\])?)*$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9 _.:/-]*$/;

/** Reads and validates a policy file. Throws UserError naming the file, the path and the reason. */
export function loadPolicy(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new UserError(`${path}: cannot read policy file (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  return parsePolicy(text, path);
}

/** Parses and validates policy YAML text. `fileName` only names the source in error messages. */
export function parsePolicy(text: string, fileName: string): Policy {
  const fail = (path: string, reason: string): never => {
    throw new UserError(`${fileName}: ${path ? `${path}: ` : ""}${reason}`);
  };
  let doc: unknown;
  try {
    doc = parseYaml(text, { prettyErrors: false, uniqueKeys: true });
  } catch (err) {
    fail("", `not valid YAML (${(err as Error).message.split("\n")[0]})`);
  }
  const root = asRecord(doc, "", fail, "the policy must be a mapping");
  const known = [
    "policyId",
    "classifications",
    "categories",
    "nations",
    "hub",
    "fieldGroups",
    "nationalOnly",
    "agreements",
  ];
  for (const k of Object.keys(root))
    if (!known.includes(k)) fail(k, `unknown key (expected one of ${known.join(", ")})`);

  const policyId = asName(root.policyId, "policyId", fail);

  const classifications = asStringList(root.classifications, "classifications", fail);
  if (classifications.length === 0) fail("classifications", "must list at least one classification");
  checkUnique(classifications, "classifications", fail);

  const categories: CategoryDef[] = [];
  const nationCodes: NationCode[] = [];
  const nationsRaw = asRecord(root.nations, "nations", fail, "must be a mapping of nation code to settings");
  for (const code of Object.keys(nationsRaw)) {
    if (!isNationCode(code)) fail(`nations.${code}`, `unknown nation (known: ${NATIONS.join(", ")})`);
    nationCodes.push(code as NationCode);
  }
  if (nationCodes.length < 2) fail("nations", "must name at least two nations");
  categories.push({ name: RELEASABLE_TO, type: "permissive", values: nationCodes });

  if (root.categories !== undefined) {
    if (!Array.isArray(root.categories)) fail("categories", "must be a list");
    (root.categories as unknown[]).forEach((c, i) => {
      const p = `categories[${i}]`;
      const r = asRecord(c, p, fail, "must be a mapping with name, type, values");
      for (const k of Object.keys(r))
        if (!["name", "type", "values"].includes(k))
          fail(`${p}.${k}`, "unknown key (expected name, type, values)");
      const name = asName(r.name, `${p}.name`, fail);
      if (categories.some((x) => x.name === name)) fail(`${p}.name`, `duplicate category "${name}"`);
      const type = r.type;
      if (type !== "permissive" && type !== "restrictive" && type !== "informative")
        fail(
          `${p}.type`,
          `unknown category type ${JSON.stringify(type)} (permissive, restrictive or informative)`,
        );
      const values = asStringList(r.values, `${p}.values`, fail);
      checkUnique(values, `${p}.values`, fail);
      categories.push({ name, type: type as CategoryType, values });
    });
  }

  const nations = new Map<NationCode, PolicyNation>();
  for (const code of nationCodes) {
    const p = `nations.${code}`;
    const r = asRecord(nationsRaw[code], p, fail, "must be a mapping with clearance (and optionally holds)");
    for (const k of Object.keys(r))
      if (!["clearance", "holds"].includes(k)) fail(`${p}.${k}`, "unknown key (expected clearance, holds)");
    const clearance = asName(r.clearance, `${p}.clearance`, fail);
    if (!classifications.includes(clearance))
      fail(`${p}.clearance`, `unknown classification "${clearance}" (known: ${classifications.join(", ")})`);
    const holds: Record<string, readonly string[]> = { [RELEASABLE_TO]: [code] };
    if (r.holds !== undefined) {
      const h = asRecord(r.holds, `${p}.holds`, fail, "must be a mapping of category name to values");
      for (const [cat, vals] of Object.entries(h)) {
        const hp = `${p}.holds.${cat}`;
        const def = categories.find((c) => c.name === cat);
        if (!def) fail(hp, `unknown category "${cat}"`);
        if (cat === RELEASABLE_TO) fail(hp, "Releasable To is implied by the nation code and cannot be set");
        const list = asStringList(vals, hp, fail);
        for (const v of list)
          if (!def!.values.includes(v)) fail(hp, `unknown value "${v}" of category "${cat}"`);
        holds[cat] = list;
      }
    }
    nations.set(code, { code, clearance, holds });
  }

  let hub: NationCode | undefined;
  if (root.hub !== undefined) {
    if (!isNationCode(root.hub) || !nations.has(root.hub as NationCode))
      fail(
        "hub",
        `unknown nation ${JSON.stringify(root.hub)} (must be one of nations: ${nationCodes.join(", ")})`,
      );
    hub = root.hub as NationCode;
  }

  const fieldGroups: Record<string, Partial<Record<MessageKind, readonly string[]>>> = {};
  if (root.fieldGroups !== undefined) {
    const fg = asRecord(root.fieldGroups, "fieldGroups", fail, "must be a mapping of group name to kinds");
    for (const [g, v] of Object.entries(fg)) {
      const gp = `fieldGroups.${g}`;
      if (!NAME.test(g)) fail(gp, "group names must be letters, digits, spaces or _.:/-");
      const byKind = asRecord(v, gp, fail, "must be a mapping of message kind to field paths");
      const group: Partial<Record<MessageKind, readonly string[]>> = {};
      for (const [kind, paths] of Object.entries(byKind)) {
        const kp = `${gp}.${kind}`;
        if (!isMessageKind(kind)) fail(kp, `unknown message kind (known: ${MESSAGE_KINDS.join(", ")})`);
        const list = asStringList(paths, kp, fail);
        for (const f of list)
          if (!FIELD_PATH.test(f)) fail(kp, `bad field path "${f}" (use a.b or list[].b)`);
        group[kind as MessageKind] = list;
      }
      fieldGroups[g] = group;
    }
  }
  const groupList = (v: unknown, p: string): string[] => {
    const list = v === undefined ? [] : asStringList(v, p, fail);
    for (const g of list) if (!(g in fieldGroups)) fail(p, `unknown field group "${g}"`);
    return list;
  };
  const nationalOnly = groupList(root.nationalOnly, "nationalOnly");

  if (!Array.isArray(root.agreements) || root.agreements.length === 0)
    fail("agreements", "must be a non-empty list of agreements");
  const agreements: Agreement[] = (root.agreements as unknown[]).map((a, i) => {
    const p = `agreements[${i}]`;
    const r = asRecord(a, p, fail, "must be a mapping with name, members, kinds");
    for (const k of Object.keys(r))
      if (!["name", "members", "via", "kinds", "remove"].includes(k))
        fail(`${p}.${k}`, "unknown key (expected name, members, via, kinds, remove)");
    const name = asName(r.name, `${p}.name`, fail);
    const members = asStringList(r.members, `${p}.members`, fail);
    if (members.length < 2) fail(`${p}.members`, "an agreement needs at least two members");
    checkUnique(members, `${p}.members`, fail);
    for (const m of members)
      if (!isNationCode(m) || !nations.has(m as NationCode))
        fail(`${p}.members`, `unknown nation "${m}" (must be one of nations: ${nationCodes.join(", ")})`);
    let via: NationCode | undefined;
    if (r.via !== undefined) {
      if (!isNationCode(r.via) || !nations.has(r.via as NationCode))
        fail(`${p}.via`, `unknown nation ${JSON.stringify(r.via)}`);
      if (!members.includes(r.via as string)) fail(`${p}.via`, `relay "${r.via}" must be a member`);
      if (members.length < 3) fail(`${p}.via`, "a relay needs at least three members");
      via = r.via as NationCode;
    }
    let kinds: MessageKind[];
    if (r.kinds === "all") kinds = [...MESSAGE_KINDS];
    else {
      const list = asStringList(r.kinds, `${p}.kinds`, fail);
      if (list.length === 0) fail(`${p}.kinds`, "must list at least one kind (or be: all)");
      for (const k of list)
        if (!isMessageKind(k))
          fail(`${p}.kinds`, `unknown message kind "${k}" (known: ${MESSAGE_KINDS.join(", ")})`);
      kinds = MESSAGE_KINDS.filter((k) => list.includes(k));
    }
    return { name, members: members as NationCode[], via, kinds, remove: groupList(r.remove, `${p}.remove`) };
  });
  checkUnique(
    agreements.map((a) => a.name),
    "agreements[].name",
    fail,
  );

  const policy: Policy = {
    fileName,
    policyId,
    classifications,
    categories,
    nations,
    hub,
    fieldGroups,
    nationalOnly,
    agreements,
  };
  // Route conflicts are found by computing the flows once here.
  allowedFlows(policy);
  return policy;
}

/**
 * Every permitted directed flow {origin, via?, destination, kinds, removedFields}, sorted by origin
 * then destination. Pairs of an agreement that include its relay go direct; other pairs go via the
 * relay. Several agreements covering the same pair add their kinds; a kind's removed fields are the
 * `nationalOnly` groups plus, when several agreements allow the kind, only the removals they all
 * share (each agreement states what it allows; the national-only groups can never be allowed).
 * Throws UserError if two agreements route the same pair differently.
 */
export function allowedFlows(policy: Policy): Flow[] {
  type Acc = { via?: NationCode; agreements: string[]; removals: Map<MessageKind, Set<string>> };
  const acc = new Map<string, Acc>();
  for (const a of policy.agreements) {
    for (const origin of a.members)
      for (const destination of a.members) {
        if (origin === destination) continue;
        const via = a.via && origin !== a.via && destination !== a.via ? a.via : undefined;
        const key = `${origin}>${destination}`;
        let e = acc.get(key);
        if (!e) {
          e = { via, agreements: [], removals: new Map() };
          acc.set(key, e);
        } else if (e.via !== via)
          throw new UserError(
            `${policy.fileName}: agreements: "${a.name}" routes ${origin}→${destination} ${via ? `via ${via}` : "directly"} but "${e.agreements.join('", "')}" routes it ${e.via ? `via ${e.via}` : "directly"}`,
          );
        e.agreements.push(a.name);
        for (const k of a.kinds) {
          const mine = new Set(fieldsOf(policy, a.remove, k));
          const prev = e.removals.get(k);
          e.removals.set(k, prev ? new Set([...prev].filter((f) => mine.has(f))) : mine);
        }
      }
  }
  const flows: Flow[] = [];
  for (const [key, e] of acc) {
    const [origin, destination] = key.split(">") as [NationCode, NationCode];
    const kinds = MESSAGE_KINDS.filter((k) => e.removals.has(k));
    const removedFields: Partial<Record<MessageKind, readonly string[]>> = {};
    for (const k of kinds) {
      const all = new Set([...fieldsOf(policy, policy.nationalOnly, k), ...e.removals.get(k)!]);
      removedFields[k] = [...all].sort();
    }
    flows.push({ origin, via: e.via, destination, kinds, removedFields, agreements: e.agreements });
  }
  const order = (n: NationCode) => NATIONS.indexOf(n);
  flows.sort((x, y) => order(x.origin) - order(y.origin) || order(x.destination) - order(y.destination));
  return flows;
}

/** The flow from `origin` to `destination`, or undefined when the policy allows nothing. */
export function findFlow(policy: Policy, origin: NationCode, destination: NationCode): Flow | undefined {
  return allowedFlows(policy).find((f) => f.origin === origin && f.destination === destination);
}

/** Rank of a classification in the policy (0 = lowest), or -1 when unknown. */
export function classificationRank(policy: Policy, classification: string): number {
  return policy.classifications.indexOf(classification);
}

function fieldsOf(policy: Policy, groups: readonly string[], kind: MessageKind | undefined): string[] {
  const out: string[] = [];
  if (!kind) return out;
  for (const g of groups) out.push(...(policy.fieldGroups[g]?.[kind] ?? []));
  return out;
}

type Fail = (path: string, reason: string) => never;

function asRecord(v: unknown, path: string, fail: Fail, reason: string): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v))
    fail(path, v === undefined ? "missing" : reason);
  return v as Record<string, unknown>;
}

function asName(v: unknown, path: string, fail: Fail): string {
  if (v === undefined) fail(path, "missing");
  if (typeof v !== "string" || !NAME.test(v))
    fail(path, `must be a non-empty name, got ${JSON.stringify(v)}`);
  return v as string;
}

function asStringList(v: unknown, path: string, fail: Fail): string[] {
  if (v === undefined) fail(path, "missing");
  if (!Array.isArray(v)) fail(path, "must be a list");
  (v as unknown[]).forEach((s, i) => {
    if (typeof s !== "string" || s.length === 0)
      fail(`${path}[${i}]`, `must be a non-empty string, got ${JSON.stringify(s)}`);
  });
  return v as string[];
}

function checkUnique(list: readonly string[], path: string, fail: Fail): void {
  const seen = new Set<string>();
  for (const s of list) {
    if (seen.has(s)) fail(path, `duplicate "${s}"`);
    seen.add(s);
  }
}

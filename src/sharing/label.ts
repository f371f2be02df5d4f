/**
 * Security labels in the shape of NATO STANAG 4774 (confidentiality metadata label): a policy
 * identifier, a classification from the policy's ordered list, and categories, each permissive,
 * restrictive or informative with a list of values. "Releasable To" is a permissive category whose
 * values are nation codes.
 *
 * The access check (STANAG 4774 / ADatP-4774 semantics): a reader may read when the label's policy
 * is the reader's policy, the reader's clearance is at least the label's classification, and every
 * category check passes — permissive: the reader holds at least one of the values; restrictive: the
 * reader holds all of them; informative: no check. A category the policy does not define fails, and so does a label without
 * "Releasable To" (AllyLink shares nothing without a named audience).
 */
import type { NationCode } from "../world/nation.ts";
import { classificationRank, type Policy, RELEASABLE_TO } from "./policy.ts";

export interface LabelCategory {
  readonly name: string;
  readonly type: "permissive" | "restrictive" | "informative";
  readonly values: readonly string[];
}

export interface SecurityLabel {
  readonly policyId: string;
  readonly classification: string;
  readonly categories: readonly LabelCategory[];
}

/** What a reader holds: its policy, clearance and category values. */
export interface ReaderAuthorisation {
  readonly policyId: string;
  readonly clearance: string;
  readonly holds: Readonly<Record<string, readonly string[]>>;
}

export type AccessReason =
  | "unknown-policy"
  | "unknown-classification"
  | "unknown-category"
  | "not-releasable";

export type AccessResult = { ok: true } | { ok: false; reason: AccessReason; detail: string };

/** The authorisation of a nation's nodes under a policy. */
export function readerFor(policy: Policy, nation: NationCode): ReaderAuthorisation | undefined {
  const n = policy.nations.get(nation);
  if (!n) return undefined;
  return { policyId: policy.policyId, clearance: n.clearance, holds: n.holds };
}

/** Decides whether `reader` may read an item labelled `label` under `policy`. */
export function accessCheck(policy: Policy, label: SecurityLabel, reader: ReaderAuthorisation): AccessResult {
  if (label.policyId !== policy.policyId || reader.policyId !== policy.policyId)
    return {
      ok: false,
      reason: "unknown-policy",
      detail: `label policy "${label.policyId}" is not "${policy.policyId}"`,
    };
  const rank = classificationRank(policy, label.classification);
  if (rank < 0)
    return {
      ok: false,
      reason: "unknown-classification",
      detail: `classification "${label.classification}" is not in policy "${policy.policyId}"`,
    };
  const clearance = classificationRank(policy, reader.clearance);
  if (clearance < rank)
    return {
      ok: false,
      reason: "not-releasable",
      detail: `classification ${label.classification} is above clearance ${reader.clearance}`,
    };
  // Every shared item must name its audience: a label without Releasable To is releasable to no one.
  if (!label.categories.some((c) => c.name === RELEASABLE_TO))
    return { ok: false, reason: "not-releasable", detail: `label has no "${RELEASABLE_TO}" category` };
  for (const c of label.categories) {
    const def = policy.categories.find((d) => d.name === c.name);
    if (!def || def.type !== c.type)
      return {
        ok: false,
        reason: "unknown-category",
        detail: `category "${c.name}" (${c.type}) is not in the policy`,
      };
    for (const v of c.values)
      if (!def.values.includes(v))
        return {
          ok: false,
          reason: "unknown-category",
          detail: `value "${v}" is not in category "${c.name}"`,
        };
    if (c.type === "informative") continue;
    const held = reader.holds[c.name] ?? [];
    if (
      c.type === "permissive"
        ? !c.values.some((v) => held.includes(v))
        : !c.values.every((v) => held.includes(v))
    )
      return {
        ok: false,
        reason: "not-releasable",
        detail: `${c.type} category "${c.name}" [${c.values.join(", ")}] not satisfied by [${held.join(", ")}]`,
      };
  }
  return { ok: true };
}

/** The nations a label is releasable to (its "Releasable To" values; none when the category is absent). */
export function releasableTo(label: SecurityLabel): readonly string[] {
  return label.categories.find((c) => c.name === RELEASABLE_TO && c.type === "permissive")?.values ?? [];
}

/** Builds a label under `policy`: classification, releasable-to nations, and any other categories. */
export function makeLabel(
  policy: Policy,
  classification: string,
  releasable: readonly NationCode[],
  others: readonly LabelCategory[] = [],
): SecurityLabel {
  return {
    policyId: policy.policyId,
    classification,
    categories: [{ name: RELEASABLE_TO, type: "permissive", values: [...releasable] }, ...others],
  };
}

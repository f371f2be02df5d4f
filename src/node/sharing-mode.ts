/**
 * Sharing modes an analyst compares: the releasability policy cut down to what each mode allows.
 * - none: no agreements — every nation works alone.
 * - bilateral: only the two-member agreements (ROK–US, US–Japan); nothing relayed between Korea and
 *   Japan.
 * - trilateral: the whole policy, including the mechanism relayed through the US hub.
 */
import { UserError } from "../core/errors.ts";
import type { Policy } from "../sharing/policy.ts";

export const SHARING_MODES = ["none", "bilateral", "trilateral"] as const;
export type SharingMode = (typeof SHARING_MODES)[number];

export function isSharingMode(s: unknown): s is SharingMode {
  return typeof s === "string" && (SHARING_MODES as readonly string[]).includes(s);
}

export function parseSharingModes(list: string, flag = "--sharing"): SharingMode[] {
  const modes = list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (modes.length === 0) throw new UserError(`${flag}: give at least one of ${SHARING_MODES.join(", ")}`);
  for (const m of modes)
    if (!isSharingMode(m))
      throw new UserError(`${flag}: unknown sharing mode "${m}" (expected ${SHARING_MODES.join(", ")})`);
  return modes as SharingMode[];
}

export function policyForMode(policy: Policy, mode: SharingMode): Policy {
  if (mode === "trilateral") return policy;
  const agreements = mode === "none" ? [] : policy.agreements.filter((a) => a.members.length === 2 && !a.via);
  return { ...policy, agreements };
}

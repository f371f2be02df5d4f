/**
 * Sign-in tokens: one per exercise, nation and role, random (32 bytes, base64url) and stored in memory
 * with what they grant. A token is looked up in constant time per candidate (timingSafeEqual on its
 * SHA-256), so response times do not reveal how much of a guess was right.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { UserError } from "../core/errors.ts";
import { isAllyCode } from "../world/nation.ts";
import type { Participant, Role } from "./wire.ts";

export const ROLES: readonly Role[] = ["control", "operator", "observer"];

export interface IssuedToken {
  readonly token: string;
  readonly participant: Participant;
}

export class TokenStore {
  private readonly byHash = new Map<string, Participant>();

  /** Issues a new token; nation is required for operators and observers, and refused for control. */
  issue(exercise: string, nation: string | null, role: string, name?: string): IssuedToken {
    if (!ROLES.includes(role as Role))
      throw new UserError(`role: must be one of ${ROLES.join(", ")}, got ${JSON.stringify(role)}`);
    if (role === "control") {
      if (nation !== null)
        throw new UserError("nation: control sees every nation; give no nation for a control token");
    } else if (!isAllyCode(nation))
      throw new UserError(`nation: must be KOR, USA or JPN for role ${role}, got ${JSON.stringify(nation)}`);
    const participant: Participant = {
      exercise,
      nation: role === "control" ? null : (nation as Participant["nation"]),
      role: role as Role,
      name: (name ?? `${nation ?? "CONTROL"} ${role}`).slice(0, 64),
    };
    const token = randomBytes(32).toString("base64url");
    this.byHash.set(hash(token), participant);
    return { token, participant };
  }

  /** The participant a token signs in, or null. */
  verify(token: unknown): Participant | null {
    if (typeof token !== "string" || token.length < 20 || token.length > 100) return null;
    const h = hash(token);
    const p = this.byHash.get(h);
    if (!p) return null;
    // The map lookup picked the entry; compare again in constant time before trusting it.
    for (const k of this.byHash.keys())
      if (k === h && timingSafeEqual(Buffer.from(k, "hex"), Buffer.from(h, "hex"))) return p;
    return null;
  }

  revokeAll(): void {
    this.byHash.clear();
  }
}

function hash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

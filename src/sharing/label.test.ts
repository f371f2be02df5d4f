import { describe, expect, it } from "vitest";
import { accessCheck, makeLabel, readerFor, releasableTo } from "./label.ts";
import { parsePolicy } from "./policy.ts";

const policy = parsePolicy(
  `
policyId: P
classifications: [UNCLASSIFIED, RESTRICTED, CONFIDENTIAL, SECRET]
categories:
  - { name: Ops, type: permissive, values: [A, B, C] }
  - { name: Special, type: restrictive, values: [X, Y] }
  - { name: Note, type: informative, values: [EXERCISE] }
nations:
  KOR: { clearance: SECRET, holds: { Ops: [A], Special: [X, Y] } }
  USA: { clearance: CONFIDENTIAL, holds: { Ops: [B], Special: [X] } }
  JPN: { clearance: SECRET }
agreements:
  - { name: all, members: [KOR, USA, JPN], kinds: all }
`,
  "t.yaml",
);
const R = (n: "KOR" | "USA" | "JPN") => readerFor(policy, n)!;

describe("STANAG 4774-shaped access check", () => {
  it.each([
    // [label, reader, expected]
    [makeLabel(policy, "SECRET", ["KOR"]), "KOR", "ok"],
    [makeLabel(policy, "SECRET", ["KOR"]), "JPN", "not-releasable"], // permissive: JPN not in Releasable To
    [makeLabel(policy, "SECRET", ["KOR", "USA"]), "USA", "not-releasable"], // clearance CONFIDENTIAL < SECRET
    [makeLabel(policy, "CONFIDENTIAL", ["KOR", "USA"]), "USA", "ok"],
    [makeLabel(policy, "UNCLASSIFIED", []), "KOR", "not-releasable"], // releasable to nobody
    [
      makeLabel(
        policy,
        "RESTRICTED",
        ["KOR", "USA"],
        [{ name: "Ops", type: "permissive", values: ["B", "C"] }],
      ),
      "USA",
      "ok",
    ],
    [
      makeLabel(
        policy,
        "RESTRICTED",
        ["KOR", "USA"],
        [{ name: "Ops", type: "permissive", values: ["B", "C"] }],
      ),
      "KOR",
      "not-releasable",
    ],
    [
      makeLabel(
        policy,
        "RESTRICTED",
        ["KOR", "USA"],
        [{ name: "Special", type: "restrictive", values: ["X", "Y"] }],
      ),
      "KOR",
      "ok",
    ],
    [
      makeLabel(
        policy,
        "RESTRICTED",
        ["KOR", "USA"],
        [{ name: "Special", type: "restrictive", values: ["X", "Y"] }],
      ),
      "USA",
      "not-releasable",
    ],
    [
      makeLabel(
        policy,
        "RESTRICTED",
        ["KOR", "USA"],
        [{ name: "Special", type: "restrictive", values: ["X"] }],
      ),
      "USA",
      "ok",
    ],
    [
      makeLabel(policy, "RESTRICTED", ["JPN"], [{ name: "Note", type: "informative", values: ["EXERCISE"] }]),
      "JPN",
      "ok",
    ],
    [
      makeLabel(policy, "RESTRICTED", ["JPN"], [{ name: "Note", type: "permissive", values: ["EXERCISE"] }]),
      "JPN",
      "unknown-category",
    ],
    [
      makeLabel(policy, "RESTRICTED", ["JPN"], [{ name: "Ops", type: "permissive", values: ["Z"] }]),
      "JPN",
      "unknown-category",
    ],
    [
      { ...makeLabel(policy, "RESTRICTED", ["JPN"]), classification: "TOP SECRET" },
      "JPN",
      "unknown-classification",
    ],
    [{ ...makeLabel(policy, "RESTRICTED", ["JPN"]), policyId: "Q" }, "JPN", "unknown-policy"],
    [{ policyId: "P", classification: "RESTRICTED", categories: [] }, "JPN", "not-releasable"],
  ] as const)("%# %o for %s → %s", (label, reader, expected) => {
    const r = accessCheck(policy, label, R(reader));
    expect(r.ok ? "ok" : r.reason).toBe(expected);
  });

  it("reads the releasable-to nations", () => {
    expect(releasableTo(makeLabel(policy, "SECRET", ["KOR", "JPN"]))).toEqual(["KOR", "JPN"]);
    expect(readerFor(policy, "CHN")).toBeUndefined();
  });
});

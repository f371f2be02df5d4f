import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../core/canonical-json.ts";
import { generateSigningKey } from "./keys.ts";
import { makeLabel, type SecurityLabel } from "./label.ts";
import { loadPolicy } from "./policy.ts";
import { Sender } from "./sender.ts";
import { exampleTrack } from "./test-fixtures.ts";

const policy = loadPolicy(join(import.meta.dirname, "../../policies/default.yaml"));
const key = generateSigningKey("KOR");
const sender = () => new Sender({ policy, key, nodeId: "kor-test", clock: () => 100 });

describe("Sender routing decisions (remembered per kind and label content)", () => {
  it("decides each label afresh: a cached verdict is never reused for a different label", () => {
    const s = sender();
    const both = makeLabel(policy, "SECRET", ["KOR", "USA", "JPN"]);
    expect(s.destinations("BallisticTrack", both)).toEqual(["USA", "JPN"]);
    // Same kind, labels that differ in one field each: none may take the first label's verdict.
    expect(s.destinations("BallisticTrack", makeLabel(policy, "SECRET", ["KOR", "USA"]))).toEqual(["USA"]);
    expect(s.destinations("BallisticTrack", makeLabel(policy, "SECRET", ["KOR", "JPN"]))).toEqual(["JPN"]);
    expect(s.destinations("BallisticTrack", { ...both, policyId: "OTHER-POLICY" })).toEqual([]);
    expect(s.destinations("BallisticTrack", { ...both, classification: "NO-SUCH-LEVEL" })).toEqual([]);
    const restrictive: SecurityLabel = {
      ...both,
      categories: [...both.categories, { name: "Unknown", type: "restrictive", values: ["X"] }],
    };
    expect(s.destinations("BallisticTrack", restrictive)).toEqual([]);
    const retyped: SecurityLabel = {
      ...both,
      categories: [{ ...both.categories[0], type: "restrictive" }],
    };
    expect(s.destinations("BallisticTrack", retyped)).toEqual(
      new Sender({ policy, key, nodeId: "fresh", clock: () => 100 }).destinations("BallisticTrack", retyped),
    );
    // And the first verdict still stands.
    expect(s.destinations("BallisticTrack", both)).toEqual(["USA", "JPN"]);
  });

  it("keeps kinds apart and follows a label object changed in place", () => {
    const s = sender();
    const label = makeLabel(policy, "SECRET", ["KOR", "USA", "JPN"]);
    const fresh = (kind: "BallisticTrack" | "NodeStatus", l: SecurityLabel) =>
      new Sender({ policy, key, nodeId: "fresh", clock: () => 100 }).destinations(kind, l);
    expect(s.destinations("NodeStatus", label)).toEqual(fresh("NodeStatus", label));
    expect(s.destinations("BallisticTrack", label)).toEqual(fresh("BallisticTrack", label));
    // The decision is keyed on content, not on the object: editing the label changes the verdict.
    (label.categories[0].values as string[]).splice(2, 1); // drop JPN
    expect(s.destinations("BallisticTrack", label)).toEqual(["USA"]);
  });

  it("does not cache labels whose fields are not strings (decided every time)", () => {
    const s = sender();
    const odd = {
      ...makeLabel(policy, "SECRET", ["KOR", "USA"]),
      classification: { toJSON: () => "SECRET" },
    } as unknown as SecurityLabel;
    expect(s.destinations("BallisticTrack", odd)).toEqual([]);
    expect(s.destinations("BallisticTrack", makeLabel(policy, "SECRET", ["KOR", "USA"]))).toEqual(["USA"]);
  });

  it("signs exactly the canonical JSON of the envelope's header, label and payload", () => {
    const s = sender();
    const label = makeLabel(policy, "SECRET", ["KOR", "USA", "JPN"]);
    for (const o of s.prepare("BallisticTrack", exampleTrack("KOR", "T9", 3), label)) {
      const wire = JSON.parse(Buffer.from(o.bytes).toString("utf8"));
      const { header, label: l, payload } = o.envelope;
      expect(canonicalJson(wire)).toBe(canonicalJson({ ...o.envelope }));
      expect(
        Buffer.from(o.bytes)
          .toString("utf8")
          .endsWith(`,${canonicalJson({ header, label: l, payload }).slice(1)}`),
      ).toBe(true);
      expect(o.envelope.header.keyId).toBe(key.keyId);
    }
  });
});

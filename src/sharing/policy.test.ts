import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../core/errors.ts";
import { allowedFlows, findFlow, loadPolicy, parsePolicy } from "./policy.ts";

const DEFAULT = join(import.meta.dirname, "..", "..", "policies", "default.yaml");

const MIN = `
policyId: P1
classifications: [UNCLASSIFIED, SECRET]
nations:
  KOR: { clearance: SECRET }
  USA: { clearance: SECRET }
  JPN: { clearance: UNCLASSIFIED }
agreements:
  - { name: A, members: [KOR, USA], kinds: all }
`;

function err(text: string): string {
  try {
    parsePolicy(text, "bad.yaml");
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error("expected the policy to be refused");
}

describe("releasability policy", () => {
  it("the shipped default follows the public record", () => {
    const p = loadPolicy(DEFAULT);
    const flows = allowedFlows(p);
    const pairs = flows.map((f) => `${f.origin}>${f.via ? `${f.via}>` : ""}${f.destination}`);
    expect(pairs).toEqual(["KOR>USA", "KOR>USA>JPN", "USA>KOR", "USA>JPN", "JPN>USA>KOR", "JPN>USA"]);
    const all = [
      "NodeStatus",
      "LaunchEvent",
      "BallisticTrack",
      "ImpactPrediction",
      "TrackManagement",
      "Warning",
      "Receipt",
    ];
    for (const [o, d] of [
      ["KOR", "USA"],
      ["USA", "KOR"],
      ["USA", "JPN"],
      ["JPN", "USA"],
    ] as const)
      expect(findFlow(p, o, d)?.kinds).toEqual(all);
    for (const [o, d] of [
      ["KOR", "JPN"],
      ["JPN", "KOR"],
    ] as const)
      expect(findFlow(p, o, d)?.kinds).toEqual(["LaunchEvent", "BallisticTrack", "ImpactPrediction"]);
    // Sensor identities and sites are removed on every flow, whatever the agreement.
    for (const f of flows) {
      expect(f.removedFields.BallisticTrack).toEqual(["contributors[].sensorId", "contributors[].siteEcef"]);
      if (f.removedFields.NodeStatus)
        expect(f.removedFields.NodeStatus).toEqual(["sensors[].sensorId", "sensors[].siteEcef"]);
    }
    expect(p.classifications).toEqual(["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL", "SECRET"]);
    expect(p.nations.get("JPN")?.holds["Releasable To"]).toEqual(["JPN"]);
  });

  it("a minimal policy parses and only its agreements make flows", () => {
    const p = parsePolicy(MIN, "min.yaml");
    expect(allowedFlows(p).map((f) => `${f.origin}>${f.destination}`)).toEqual(["KOR>USA", "USA>KOR"]);
    expect(findFlow(p, "KOR", "JPN")).toBeUndefined();
  });

  it("agreement removals apply only where every agreement allowing the kind removes them", () => {
    const p = parsePolicy(
      `${MIN}
  - { name: B, members: [KOR, USA], kinds: [BallisticTrack], remove: [quality] }
  - { name: C, members: [USA, JPN], kinds: [BallisticTrack], remove: [quality] }
fieldGroups:
  quality: { BallisticTrack: [quality] }
`,
      "x.yaml",
    );
    expect(findFlow(p, "KOR", "USA")?.removedFields.BallisticTrack).toEqual([]);
    expect(findFlow(p, "USA", "JPN")?.removedFields.BallisticTrack).toEqual(["quality"]);
  });

  it.each([
    ["not YAML", "policyId: [", /bad\.yaml: not valid YAML/],
    ["not a mapping", "- 1", /bad\.yaml: the policy must be a mapping/],
    ["unknown key", `${MIN}\nfoo: 1\n`, /bad\.yaml: foo: unknown key/],
    ["missing policyId", MIN.replace("policyId: P1", ""), /bad\.yaml: policyId: missing/],
    ["unknown nation", MIN.replace("JPN: { clearance", "XYZ: { clearance"), /nations\.XYZ: unknown nation/],
    [
      "unknown nation in an agreement",
      MIN.replace("members: [KOR, USA]", "members: [KOR, PRK]"),
      /agreements\[0\]\.members: unknown nation "PRK"/,
    ],
    [
      "unknown kind",
      MIN.replace("kinds: all", "kinds: [BallisticTrack, Gossip]"),
      /agreements\[0\]\.kinds: unknown message kind "Gossip"/,
    ],
    [
      "unknown classification",
      MIN.replace("JPN: { clearance: UNCLASSIFIED }", "JPN: { clearance: COSMIC }"),
      /nations\.JPN\.clearance: unknown classification "COSMIC"/,
    ],
    [
      "duplicate classification",
      MIN.replace("[UNCLASSIFIED, SECRET]", "[SECRET, SECRET]"),
      /classifications: duplicate "SECRET"/,
    ],
    [
      "no agreements",
      MIN.replace(/agreements:[\s\S]*/, "agreements: []"),
      /agreements: must be a non-empty list/,
    ],
    ["unknown field group", `${MIN}nationalOnly: [sensor]\n`, /nationalOnly: unknown field group "sensor"/],
    [
      "bad field path",
      `${MIN}fieldGroups:\n  s: { BallisticTrack: ["a..b"] }\n`,
      /fieldGroups\.s\.BallisticTrack: bad field path "a\.\.b"/,
    ],
    [
      "relay not a member",
      MIN.replace(
        "{ name: A, members: [KOR, USA], kinds: all }",
        "{ name: A, members: [KOR, USA, JPN], via: CHN, kinds: all }",
      ),
      /agreements\[0\]\.via/,
    ],
    [
      "conflicting routes",
      `${MIN}  - { name: T, members: [KOR, USA, JPN], via: JPN, kinds: [BallisticTrack] }\n`,
      /routes KOR→USA via JPN but "A" routes it directly/,
    ],
    [
      "unknown category held",
      MIN.replace("KOR: { clearance: SECRET }", "KOR: { clearance: SECRET, holds: { Nope: [x] } }"),
      /nations\.KOR\.holds\.Nope: unknown category/,
    ],
  ])("refuses a bad policy file: %s", (_name, text, re) => {
    expect(err(text)).toMatch(re);
  });

  it("names the file when it cannot be read", () => {
    expect(() => loadPolicy("/nonexistent/p.yaml")).toThrow(
      /\/nonexistent\/p\.yaml: cannot read policy file \(ENOENT\)/,
    );
  });
});

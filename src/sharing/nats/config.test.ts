import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeNatsConfigs } from "../../cli/commands/nats-config.ts";
import { UserError } from "../../core/errors.ts";
import { loadPolicy, parsePolicy } from "../policy.ts";
import { natsServerBinary } from "./cluster.ts";
import { generateNatsConfigs, type NatsTopology, nationPermissions, topologyFromPolicy } from "./config.ts";

const work = mkdtempSync(join(tmpdir(), "allylink-natscfg-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const DEFAULT_POLICY = join(import.meta.dirname, "../../../policies/default.yaml");

/** nats-server's own config test mode: exit 0 and "is valid" when the server accepts the file. */
function natsAccepts(file: string): { ok: boolean; output: string } {
  const r = spawnSync(natsServerBinary(), ["-t", "-c", file], { encoding: "utf8" });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

describe("nats-config from the default policy", () => {
  const out = join(work, "default");
  const files = writeNatsConfigs({ policy: DEFAULT_POLICY, out, basePort: 14222, host: "127.0.0.1" });

  it("writes a hub and one leaf per nation, each accepted by nats-server -t", () => {
    const confs = files.filter((f) => f.endsWith(".conf")).map((f) => f.slice(out.length + 1));
    expect(confs.sort()).toEqual(["hub.conf", "leaf-JPN.conf", "leaf-KOR.conf", "leaf-USA.conf"]);
    for (const f of files.filter((x) => x.endsWith(".conf"))) {
      const r = natsAccepts(f);
      expect(r.output).toContain("is valid");
      expect(r.ok).toBe(true);
    }
  });

  it("never uses a top-level authorization block and gives every account explicit users", () => {
    const hub = readFileSync(join(out, "hub.conf"), "utf8");
    expect(hub).not.toMatch(/^authorization/m);
    for (const acct of ["SYS", "KOR", "USA", "JPN"])
      expect(hub).toMatch(new RegExp(`^  ${acct} \\{[^]*?users:`, "m"));
  });

  it("keeps the credentials stable when regenerated", () => {
    const before = readFileSync(join(out, "credentials.json"), "utf8");
    writeNatsConfigs({ policy: DEFAULT_POLICY, out, basePort: 15222, host: "127.0.0.1" });
    expect(readFileSync(join(out, "credentials.json"), "utf8")).toBe(before);
    expect(readFileSync(join(out, "hub.conf"), "utf8")).toContain("127.0.0.1:15222");
  });

  it("connects KOR to JPN only for the three trilateral kinds, through exports owned by JPN", () => {
    const hub = readFileSync(join(out, "hub.conf"), "utf8");
    const korToJpn = [...hub.matchAll(/share\.KOR\.rel\.JPN\.([a-z-]+)/g)].map((m) => m[1]);
    expect(new Set(korToJpn)).toEqual(new Set(["launch", "track", "impact"]));
    // JPN's account exports each of them to KOR alone; KOR imports them from JPN.
    for (const k of ["launch", "track", "impact"]) {
      expect(hub).toContain(`{ service: "share.KOR.rel.JPN.${k}", accounts: [KOR] }`);
      expect(hub).toContain(`{ service: { account: JPN, subject: "share.KOR.rel.JPN.${k}" } }`);
    }
    expect(hub).not.toContain("share.KOR.rel.JPN.warning");
    expect(hub).not.toContain("share.JPN.rel.KOR.node-status");
  });
});

describe("nation permissions", () => {
  const topo = topologyFromPolicy(loadPolicy(DEFAULT_POLICY));

  it("lets a nation publish only its own permitted subjects and denies other origins", () => {
    const p = nationPermissions(topo, "KOR");
    const share = p.publishAllow.filter((s) => s.startsWith("share."));
    expect(share.every((s) => s.startsWith("share.KOR.rel."))).toBe(true);
    expect(share).toHaveLength(7 + 3); // all kinds to USA, trilateral kinds to JPN
    expect(p.publishDeny.sort()).toEqual(["share.JPN.>", "share.USA.>"]);
    expect(p.subscribeAllow).toContain("share.*.rel.KOR.>");
    expect(p.denyExports).toContain("share.KOR.rel.JPN.warning");
    expect(p.denyExports).not.toContain("share.KOR.rel.JPN.track");
  });
});

describe("multi-host layout", () => {
  it("leaves dial --hub-address while every server listens on --host", () => {
    const topo = topologyFromPolicy(loadPolicy(DEFAULT_POLICY));
    const ports = {
      hubClient: 4222,
      hubLeaf: 7422,
      hubHttp: 8222,
      leaves: {
        KOR: { client: 4223, http: 8223 },
        USA: { client: 4224, http: 8224 },
        JPN: { client: 4225, http: 8225 },
      },
    };
    const g = generateNatsConfigs(topo, {
      ports,
      storeRoot: "/x",
      host: "0.0.0.0",
      hubAddress: "hub.example.org",
    });
    expect(g.hub).toContain('listen: "0.0.0.0:7422"');
    for (const leaf of Object.values(g.leaves))
      expect(leaf).toMatch(/nats-leaf:\/\/[^@]+@hub\.example\.org:7422"/);
  });
});

describe("bad policies", () => {
  it("refuses a policy naming an unknown nation, with the nation and the field", () => {
    const text = readFileSync(DEFAULT_POLICY, "utf8").replace("  JPN:\n", "  XYZ:\n");
    const f = join(work, "unknown.yaml");
    writeFileSync(f, text);
    expect(() =>
      writeNatsConfigs({ policy: f, out: join(work, "u"), basePort: 14222, host: "127.0.0.1" }),
    ).toThrow(/nations\.XYZ: unknown nation/);
  });

  it("refuses a policy whose nation runs no AllyLink node (no NATS account)", () => {
    const text = readFileSync(DEFAULT_POLICY, "utf8")
      .replace("  JPN:\n", "  RUS:\n")
      .replaceAll("JPN", "RUS");
    const p = parsePolicy(text, "rus.yaml");
    expect(() => topologyFromPolicy(p)).toThrow(UserError);
    expect(() => topologyFromPolicy(p)).toThrow(/nations\.RUS: nation has no AllyLink node/);
  });

  it("refuses flows naming an unknown nation or kind in a hand-built topology", () => {
    const base: NatsTopology = { nations: ["KOR", "USA"], kinds: ["track"], flows: [] };
    const ports = {
      hubClient: 1,
      hubLeaf: 2,
      hubHttp: 3,
      leaves: { KOR: { client: 4, http: 5 }, USA: { client: 6, http: 7 } },
    };
    const gen = (t: NatsTopology) => () => generateNatsConfigs(t, { ports, storeRoot: "/x" });
    expect(gen({ ...base, flows: [{ origin: "KOR", destination: "XYZ", kinds: ["track"] }] })).toThrow(
      /flows\[0\]\.destination: unknown nation "XYZ"/,
    );
    expect(gen({ ...base, flows: [{ origin: "KOR", destination: "USA", kinds: ["bogus"] }] })).toThrow(
      /flows\[0\]\.kinds: unknown message kind "bogus"/,
    );
  });

  it("the CLI prints one clear error and exits 2 for an unknown nation", () => {
    const text = readFileSync(DEFAULT_POLICY, "utf8").replace("  KOR:\n", "  ZZZ:\n");
    const f = join(work, "cli-unknown.yaml");
    writeFileSync(f, text);
    const r = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        join(import.meta.dirname, "../../cli/main.ts"),
        "nats-config",
        "--policy",
        f,
        "--out",
        join(work, "c"),
      ],
      { encoding: "utf8" },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^allylink: .*nations\.ZZZ: unknown nation/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

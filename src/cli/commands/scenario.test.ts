import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../../..");
const dir = mkdtempSync(join(tmpdir(), "allylink-scenario-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, "bin/allylink.js"), ...args], { encoding: "utf8", cwd: root });

describe("allylink scenario validate", () => {
  it("exits 0 and prints FILE: ok for every shipped scenario", () => {
    const files = [
      "scenarios/icbm-2024-10-31.yaml",
      "scenarios/srbm-salvo-east-sea.yaml",
      "scenarios/drone-incursion-2022-12-26.yaml",
    ];
    const r = cli("scenario", "validate", ...files);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(files.map((f) => `${f}: ok\n`).join(""));
  });

  it("exits 1 with exactly one FILE:LINE: PATH: reason line per problem", () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(
      bad,
      [
        "name: bad",
        "epoch: 2024-10-30T22:10:00Z",
        "durationS: 600",
        "seed: 1",
        "nations: [KOR, USA]",
        "sharing: trilateral",
        "sensors:",
        "  - catalog: KOR-GREENPINE-BUSAN",
        "launches:",
        "  - id: X",
        "    time: 900",
        "    site: Sunan",
        "    class: SRBN",
        "    aim: east-sea-off-wonsan",
        "    trajectory: minimum-energy",
        "",
      ].join("\n"),
    );
    const r = cli("scenario", "validate", bad);
    expect(r.status).toBe(1);
    expect(r.stdout.trimEnd().split("\n")).toEqual([
      `${bad}:11: /launches/0/time: launch time 900 s is beyond the scenario duration (durationS: 600)`,
      `${bad}:13: /launches/0/class: unknown missile class "SRBN" (did you mean "SRBM"?); known: SRBM, MRBM, IRBM, ICBM`,
    ]);
    // No stack trace, nothing else.
    expect(r.stderr).toBe("");
  });

  it("validates several files: ok lines for good ones, problem lines (YAML syntax too), exit 1", () => {
    const empty = join(dir, "empty.yaml");
    writeFileSync(empty, "");
    const broken = join(dir, "broken.yaml");
    writeFileSync(broken, "name: x\nsensors: [a, b\nseed: 1\n");
    const r = cli("scenario", "validate", "scenarios/icbm-2024-10-31.yaml", empty, broken);
    expect(r.status).toBe(1);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.slice(0, 2)).toEqual([
      "scenarios/icbm-2024-10-31.yaml: ok",
      `${empty}:1: /: the file is empty`,
    ]);
    expect(lines.slice(2)).toEqual([
      expect.stringMatching(/^.*broken\.yaml:\d+: \/: YAML syntax error: .+$/),
    ]);
  });

  it("treats a missing file as a usage error (exit 2, one message)", () => {
    const r = cli("scenario", "validate", join(dir, "nope.yaml"));
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`allylink: ${join(dir, "nope.yaml")}: cannot read scenario file: no such file\n`);
  });
});

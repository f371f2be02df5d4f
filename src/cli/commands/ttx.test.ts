import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "allylink-ttx-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const root = join(import.meta.dirname, "../../..");
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, "bin/allylink.js"), ...args], { encoding: "utf8", cwd: root });

describe("allylink ttx", () => {
  it("run --auto --report --json plays the shipped exercise and prints the summary", () => {
    const html = join(dir, "ttx.html");
    const r = cli("ttx", "run", "scenarios/ttx-deterrence.yaml", "--auto", "--report", html, "--json");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      injectsDelivered: 13,
      consultations: 5,
      decisions: 6,
      timeToFirstConsultationS: 240,
      ratings: { "OBJ-1": "P", "OBJ-2": "M", "OBJ-3": "S", "OBJ-4": "P" },
    });
    expect(out.timeToDecisionS).toBeCloseTo(2650 / 3, 9);
    expect(readFileSync(html, "utf8")).toContain('dir="rtl"');
  });

  it("msel export, and an imported MSEL with a bad row fails with row and column", () => {
    const csv = join(dir, "msel.csv");
    expect(cli("ttx", "msel", "export", "scenarios/ttx-deterrence.yaml", "-o", csv).status).toBe(0);
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, readFileSync(csv, "utf8").replace("I-201,M2,scheduled,", "I-201,M2,scheduled-ish,"));
    const r = cli("ttx", "msel", "import", bad, "--exercise", "scenarios/ttx-deterrence.yaml");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      "row 9 (inject I-201): kind: expected one of scheduled, contingency, on-demand",
    );
  });
});

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { geodesicInverse } from "../../core/geodesy.ts";
import { formatTruth, scenarioTruth } from "./truth.ts";

const root = join(import.meta.dirname, "../../..");
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, "bin/allylink.js"), ...args], { encoding: "utf8", cwd: root });
const rad = Math.PI / 180;
const ICBM = join(root, "scenarios/icbm-2024-10-31.yaml");
const UNREACHABLE = "src/cli/commands/testdata/unreachable.yaml";

describe("allylink truth", () => {
  // The command's own function (what the action prints), in-process: the physics is the slow part.
  const truth = scenarioTruth(ICBM);

  it("reproduces the public figures of the 31 Oct 2024 ICBM", () => {
    expect(truth.launches).toHaveLength(1);
    const l = truth.launches[0];
    expect(l).toMatchObject({ id: "ICBM-1", class: "ICBM", trajectory: "lofted" });
    // Public figures: apogee 7,687.5 km (DPRK) / "above 7,000 km" (Japan MOD); ≈86 min (5,156 s);
    // ≈1,000 km (1,001.2 km); impact ≈200 km west of Okushiri Island at about 08:37 JST.
    expect(l.apogeeKm).toBeGreaterThan(7000);
    expect(Math.abs(l.apogeeKm - 7687.5)).toBeLessThan(0.02 * 7687.5);
    expect(Math.abs(l.flightTimeS - 5156)).toBeLessThan(180);
    expect(Math.abs(l.groundRangeKm - 1001.2)).toBeLessThan(50);
    const fromOkushiri = geodesicInverse(l.impact.lat * rad, l.impact.lon * rad, 42.15 * rad, 139.45 * rad);
    expect(fromOkushiri.distanceM / 1000).toBeGreaterThan(150);
    expect(fromOkushiri.distanceM / 1000).toBeLessThan(250);
    expect(Math.abs(Date.parse(l.impactTime) - Date.parse("2024-10-30T23:37:00Z"))).toBeLessThan(3 * 60_000);
    expect(l.aimErrorM).toBeLessThan(1000);
  });

  it("prints a readable table without --json", () => {
    const lines = formatTruth(truth).trimEnd().split("\n");
    expect(lines[0]).toBe("icbm-2024-10-31 (epoch 2024-10-30T22:10:00.000Z)");
    expect(lines[1]).toMatch(
      /^id\s+class\s+trajectory\s+launch \(UTC\)\s+apogee km\s+flight\s+range km\s+impact\s+aim err m$/,
    );
    expect(lines[3]).toMatch(
      /^ICBM-1\s+ICBM\s+lofted\s+2024-10-30 22:11:00\s+7\d{3}\.\d\s+8\dm\d\ds\s+\d{3,4}\.\d\s+41\.\d{3}°N 137\.\d{3}°E/,
    );
  });

  it("--json prints exactly one JSON object with the launch fields, exit 0", () => {
    const r = cli("truth", "scenarios/icbm-2024-10-31.yaml", "--json");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    const printed = JSON.parse(lines[0]);
    expect(Object.keys(printed.launches[0])).toEqual(
      expect.arrayContaining([
        "id",
        "class",
        "trajectory",
        "apogeeKm",
        "flightTimeS",
        "groundRangeKm",
        "impact",
        "aimErrorM",
      ]),
    );
    expect(Object.keys(printed.launches[0].impact).sort()).toEqual(["lat", "lon"]);
    // Deterministic: the process prints what the function computes.
    expect(printed).toEqual(JSON.parse(JSON.stringify(truth)));
  });

  it("names the line of a launch that cannot be flown (truth exits 2, validate --flights exits 1)", () => {
    const lineRe =
      /^src\/cli\/commands\/testdata\/unreachable\.yaml:15: \/launches\/0\/aim: ground range 2000 km is beyond the reach of class MRBM \(about \d+ km\)$/;
    const r = cli("truth", UNREACHABLE, "--json");
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n")).toEqual([
      `allylink: ${UNREACHABLE}: 1 launch cannot be flown`,
      expect.stringMatching(lineRe),
      "",
    ]);
    const v = cli("scenario", "validate", "--flights", UNREACHABLE);
    expect(v.status).toBe(1);
    expect(v.stdout.trimEnd()).toMatch(lineRe);
  });
});

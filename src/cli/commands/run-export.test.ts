import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UserError } from "../../core/errors.ts";
import { shortScenarioText } from "../../exercise/test-scenario.ts";
import { exportCommand } from "./export.ts";
import { runCommand } from "./run.ts";

const dir = mkdtempSync(join(tmpdir(), "allylink-cli-run-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("allylink run --report, then export", () => {
  it("writes the log and the report, returns the metrics with eventsLogged, logPath and reportPath", async () => {
    const file = join(dir, "short.yaml");
    writeFileSync(
      file,
      shortScenarioText("  - {time: 0, type: link-outage, link: KOR<>USA, durationS: 50}", 90),
    );
    const logPath = join(dir, "run.sqlite");
    const r = await runCommand(file, { log: logPath, report: join(dir, "r.html"), lang: "ar", json: true });
    expect(r).toMatchObject({ logPath, reportPath: join(dir, "r.html"), scenario: "short-srbm" });
    expect(r.eventsLogged).toBeGreaterThan(100);
    expect(r.metrics.map((m) => m.nation)).toEqual(["KOR", "USA", "JPN"]);
    expect(readFileSync(r.reportPath!, "utf8")).toContain('dir="rtl"');

    for (const format of ["ndjson", "csv", "geojson", "czml"]) {
      const out = join(dir, `run.${format}`);
      const e = await exportCommand(logPath, { format, out });
      expect(e.runId).toBe(r.runId);
      expect(existsSync(out)).toBe(true);
    }
    expect(readFileSync(join(dir, "run.ndjson"), "utf8").trim().split("\n").length).toBe(r.eventsLogged);
    expect(JSON.parse(readFileSync(join(dir, "run.geojson"), "utf8")).type).toBe("FeatureCollection");
    expect(JSON.parse(readFileSync(join(dir, "run.czml"), "utf8"))[0].id).toBe("document");
  }, 60_000);

  it("refuses bad flags with one clear error", async () => {
    await expect(runCommand("x.yaml", { lang: "fr" })).rejects.toThrow(/--lang: unknown language "fr"/);
    await expect(runCommand("x.yaml", { report: "out.pdf" })).rejects.toThrow(
      /--report: "out.pdf" should be an .html file/,
    );
    await expect(exportCommand(join(dir, "none.sqlite"), { format: "kml", out: "x" })).rejects.toThrow(
      UserError,
    );
    await expect(exportCommand(join(dir, "none.sqlite"), { format: "czml", out: "x" })).rejects.toThrow(
      /does not exist/,
    );
  });
});

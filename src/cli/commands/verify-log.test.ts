import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { EventLog } from "../../store/event-log.ts";

const dir = mkdtempSync(join(tmpdir(), "allylink-verify-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [join(import.meta.dirname, "../../../bin/allylink.js"), ...args], {
    encoding: "utf8",
  });

it("verify-log exits 0 on an intact log and 1 naming the first bad event after a byte changes", async () => {
  const path = join(dir, "run.sqlite");
  const log = await EventLog.open(path);
  await log.createRun("demo", { scenario: "test" });
  for (let i = 0; i < 100; i++)
    log.append("demo", { t: i, kind: "k", source: "KOR", payload: { v: `value-${i}` } });
  await log.close();

  const ok = cli("verify-log", path);
  expect(ok.status).toBe(0);
  expect(ok.stdout).toContain("intact (1 runs, 100 events)");

  const bytes = readFileSync(path);
  bytes[bytes.indexOf(Buffer.from("value-42")) + 6] = "9".charCodeAt(0);
  writeFileSync(path, bytes);
  const bad = cli("verify-log", path);
  expect(bad.status).toBe(1);
  expect(bad.stdout).toContain("first bad event 43");
});

it("verify-log gives one clear error for a missing or non-database file", () => {
  const missing = cli("verify-log", join(dir, "nope.sqlite"));
  expect(missing.status).toBe(2);
  expect(missing.stderr.trim()).toBe(`allylink: event log ${join(dir, "nope.sqlite")} does not exist`);
  const junk = join(dir, "junk.sqlite");
  writeFileSync(junk, "not a database at all, just text that is long enough to look like a header");
  const r = cli("verify-log", junk);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/damaged|not a readable/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
});

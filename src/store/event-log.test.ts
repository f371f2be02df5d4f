import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalJson } from "../core/canonical-json.ts";
import { chainHash, EventLog, eventBody, genesisHash } from "./event-log.ts";
import { type PgCluster, startPgCluster } from "./pg-cluster.ts";

const dir = mkdtempSync(join(tmpdir(), "allylink-log-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sampleEvents(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    t: i * 0.5,
    kind: i % 3 === 0 ? "detection" : "track",
    source: ["KOR", "USA", "JPN"][i % 3],
    payload: { i, pos: [1.5 * i, -2, 3e6], note: `event-${i}`, nested: { b: 1, a: [true, null] } },
  }));
}

/** The same behaviour is required of both databases: one code path, two drivers. */
function behaves(name: string, open: () => Promise<EventLog>) {
  describe(`event log on ${name}`, () => {
    it("appends, reads back in order and verifies the chain", async () => {
      const log = await open();
      await log.createRun("r1", { scenario: "x.yaml", seed: 7 });
      const evs = sampleEvents(10_000);
      for (const e of evs) log.append("r1", e);
      await log.flush();
      const back = [];
      for await (const e of log.events("r1")) back.push(e);
      expect(back.length).toBe(evs.length);
      expect(back[9999].payload).toEqual(evs[9999].payload);
      expect(back.map((e) => e.seq)).toEqual(evs.map((_, i) => i + 1));
      // Independent recomputation of the chain from the definition.
      let prev = genesisHash("r1", canonicalJson({ scenario: "x.yaml", seed: 7 }));
      for (const e of back) {
        expect(e.prevHash).toBe(prev);
        expect(e.hash).toBe(chainHash(prev, eventBody(e.seq, e)));
        prev = e.hash;
      }
      const v = await log.verify();
      expect(v).toMatchObject({ ok: true, runs: 1, events: 10_000 });
      const kinds = [];
      for await (const e of log.events("r1", { kinds: ["detection"] })) kinds.push(e);
      expect(kinds.length).toBe(3334);
      await log.close();
    });

    it("refuses updates and deletes: the table is append-only", async () => {
      const log = await open();
      await log.createRun("r2", {});
      log.append("r2", { t: 0, kind: "k", source: "s", payload: 1 });
      await log.flush();
      await expect(
        log.driver.query("UPDATE allylink_events SET kind = 'x' WHERE run_id = $1", ["r2"]),
      ).rejects.toThrow(/append-only/);
      await expect(log.driver.query("DELETE FROM allylink_events WHERE run_id = $1", ["r2"])).rejects.toThrow(
        /append-only/,
      );
      await log.close();
    });

    it("rejects a duplicate run, a bad run id and a non-finite payload without losing stored events", async () => {
      const log = await open();
      await log.createRun("r3", { a: 1 });
      log.append("r3", { t: 1, kind: "k", source: "s", payload: { ok: true } });
      await expect(log.createRun("r3", {})).rejects.toThrow(/already exists/);
      await expect(log.createRun("bad id!", {})).rejects.toThrow(/run id/);
      expect(() => log.append("r3", { t: 2, kind: "k", source: "s", payload: { x: Number.NaN } })).toThrow(
        /not a finite number/,
      );
      const v = await log.verify();
      expect(v.ok).toBe(true);
      expect((await log.runs()).find((r) => r.runId === "r3")?.events).toBe(1);
      await log.close();
    });
  });
}

const sqlitePath = join(dir, "log.sqlite");
behaves("SQLite", () => EventLog.open(sqlitePath));

let pg: PgCluster;
describe("PostgreSQL", () => {
  beforeAll(async () => {
    pg = await startPgCluster();
  });
  afterAll(() => pg?.stop());
  behaves("PostgreSQL", () => EventLog.open(pg.url));

  it("keeps one chain when two writers (two connections, as two processes) append to one run", async () => {
    const a = await EventLog.open(pg.url);
    const b = await EventLog.open(pg.url);
    await a.createRun("shared", {});
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 50; i++) {
        a.append("shared", { t: round, kind: "a", source: "KOR", payload: i });
        b.append("shared", { t: round, kind: "b", source: "JPN", payload: i });
      }
      await Promise.all([a.flush(), b.flush()]);
    }
    const v = await a.verify();
    expect(v.ok).toBe(true);
    expect((await a.runs()).find((r) => r.runId === "shared")?.events).toBe(2000);
    await a.close();
    await b.close();
  });
});

describe("tamper evidence (SQLite file)", () => {
  it("names the first altered event when one byte of the file changes", async () => {
    const path = join(dir, "tamper.sqlite");
    const log = await EventLog.open(path);
    await log.createRun("t1", {});
    for (let i = 0; i < 200; i++)
      log.append("t1", {
        t: i,
        kind: "k",
        source: "s",
        payload: { v: `value-${String(i).padStart(4, "0")}` },
      });
    await log.close();
    const bytes = readFileSync(path);
    const at = bytes.indexOf(Buffer.from("value-0123"));
    expect(at).toBeGreaterThan(0);
    bytes[at + 9] = "7".charCodeAt(0);
    writeFileSync(path, bytes);
    const again = await EventLog.open(path, { readonly: true });
    const v = await again.verify();
    expect(v.ok).toBe(false);
    expect(v.problems[0]).toMatchObject({ runId: "t1", seq: 124 });
    expect(v.problems[0].reason).toMatch(/altered/);
    await again.close();
  });
});

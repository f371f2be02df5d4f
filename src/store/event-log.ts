/**
 * The append-only event log: every message and event of a run, hash-chained so that any change,
 * removal or reordering is evident. One code path over SQLite (embedded default, WAL) and PostgreSQL
 * (when several processes share one store); only the SQL driver differs.
 *
 * Chain: event n's hash = SHA-256(prevHash ‖ "\n" ‖ body), where body is the canonical JSON of
 * {seq, t, kind, source, payload} and prevHash of the first event is the run's genesis hash
 * (SHA-256 of the run id and its canonical metadata), so the run header is covered too. The run row
 * keeps the head (last seq and hash), so truncation is evident as well. Appends take the write lock and
 * read the head inside one transaction, so several writers to one run still form a single chain.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../core/canonical-json.ts";
import { UserError } from "../core/errors.ts";
import { PgDriver } from "./pg-driver.ts";
import type { SqlDriver } from "./sql-driver.ts";
import { SqliteDriver } from "./sqlite-driver.ts";

export interface LogEvent {
  /** Scenario time, s since epoch. */
  readonly t: number;
  /** What happened: "detection", "track", "message.sent", "message.rejected", "warning", ... */
  readonly kind: string;
  /** Who recorded it: a node ("JPN"), a sensor id, "runner", ... */
  readonly source: string;
  readonly payload: unknown;
}

export interface StoredEvent extends LogEvent {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

export interface RunInfo {
  readonly runId: string;
  readonly meta: Record<string, unknown>;
  readonly events: number;
  readonly headHash: string;
}

export interface VerifyProblem {
  readonly runId: string;
  /** The first bad event's sequence number (0 for the run header). */
  readonly seq: number;
  readonly reason: string;
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly runs: number;
  readonly events: number;
  /** The first problem found in each run that has one. */
  readonly problems: readonly VerifyProblem[];
}

const GENESIS_PREFIX = "allylink-event-log-v1";
/** Appends are buffered and written in one transaction per batch of this many. */
const FLUSH_EVERY = 4096;
const READ_PAGE = 2000;

const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS allylink_runs (
  run_id TEXT PRIMARY KEY, meta TEXT NOT NULL, genesis_hash TEXT NOT NULL,
  head_seq INTEGER NOT NULL, head_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS allylink_events (
  run_id TEXT NOT NULL, seq INTEGER NOT NULL, t REAL NOT NULL, kind TEXT NOT NULL, source TEXT NOT NULL,
  body TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (run_id, seq));
CREATE INDEX IF NOT EXISTS allylink_events_kind ON allylink_events (run_id, kind, seq);
CREATE TRIGGER IF NOT EXISTS allylink_events_no_update BEFORE UPDATE ON allylink_events
  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS allylink_events_no_delete BEFORE DELETE ON allylink_events
  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;`;

const PG_SCHEMA = `
CREATE TABLE IF NOT EXISTS allylink_runs (
  run_id TEXT PRIMARY KEY, meta TEXT NOT NULL, genesis_hash TEXT NOT NULL,
  head_seq BIGINT NOT NULL, head_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS allylink_events (
  run_id TEXT NOT NULL, seq BIGINT NOT NULL, t DOUBLE PRECISION NOT NULL, kind TEXT NOT NULL,
  source TEXT NOT NULL, body TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL,
  PRIMARY KEY (run_id, seq));
CREATE INDEX IF NOT EXISTS allylink_events_kind ON allylink_events (run_id, kind, seq);
CREATE OR REPLACE FUNCTION allylink_append_only() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION 'the event log is append-only'; END $$;
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'allylink_events_append_only') THEN
    CREATE TRIGGER allylink_events_append_only BEFORE UPDATE OR DELETE ON allylink_events
      FOR EACH ROW EXECUTE FUNCTION allylink_append_only();
  END IF;
END $$;`;

export function sha256Hex(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}

export function genesisHash(runId: string, metaJson: string): string {
  return sha256Hex(`${GENESIS_PREFIX}\n${runId}\n${metaJson}`);
}

export function eventBody(seq: number, e: LogEvent): string {
  return canonicalJson({ seq, t: e.t, kind: e.kind, source: e.source, payload: e.payload });
}

export function chainHash(prevHash: string, body: string): string {
  return sha256Hex(`${prevHash}\n${body}`);
}

interface Pending {
  readonly runId: string;
  readonly e: LogEvent;
  /** Canonical payload, serialised at append time so later mutation of the object cannot leak in. */
  readonly payloadJson: string;
}

export class EventLog {
  private pending: Pending[] = [];
  /** Serialises flushes on the single connection. */
  private writing: Promise<void> = Promise.resolve();
  private writeError: unknown = null;

  private constructor(readonly driver: SqlDriver) {}

  /** Opens (creating if needed) a log: a file path for SQLite, or a postgres:// URL. */
  static async open(target: string, options: { readonly?: boolean } = {}): Promise<EventLog> {
    const isPg = /^postgres(ql)?:\/\//.test(target);
    const driver = isPg
      ? await PgDriver.connect(target)
      : new SqliteDriver(target, { ...options, mustExist: options.readonly });
    const log = new EventLog(driver);
    if (!options.readonly) await driver.exec(isPg ? PG_SCHEMA : SQLITE_SCHEMA);
    return log;
  }

  get location(): string {
    return this.driver.location;
  }

  /** Starts a run. Its metadata (scenario, seed, sharing mode, ...) is covered by the chain. */
  async createRun(runId: string, meta: Record<string, unknown>): Promise<void> {
    if (!/^[A-Za-z0-9._:-]{1,128}$/.test(runId))
      throw new UserError(`run id "${runId}" must be 1-128 of A-Z a-z 0-9 . _ : -`);
    const metaJson = canonicalJson(meta);
    const g = genesisHash(runId, metaJson);
    await this.flush();
    const existing = await this.driver.query("SELECT run_id FROM allylink_runs WHERE run_id = $1", [runId]);
    if (existing.length > 0) throw new UserError(`run "${runId}" already exists in ${this.location}`);
    await this.driver.query(
      "INSERT INTO allylink_runs (run_id, meta, genesis_hash, head_seq, head_hash) VALUES ($1, $2, $3, $4, $5)",
      [runId, metaJson, g, 0, g],
    );
  }

  /** Buffers one event; it is written by the next flush (automatic every few thousand events). */
  append(runId: string, e: LogEvent): void {
    if (this.writeError) throw this.writeError;
    if (!Number.isFinite(e.t)) throw new TypeError(`event time must be finite (kind ${e.kind})`);
    this.pending.push({ runId, e, payloadJson: canonicalJson(e.payload) });
    if (this.pending.length >= FLUSH_EVERY) void this.flush().catch((err) => (this.writeError = err));
  }

  /** Writes everything buffered so far; resolves when it is committed. */
  flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.writing = this.writing.then(() => (batch.length ? this.write(batch) : undefined));
    return this.writing.then(() => {
      if (this.writeError) throw this.writeError;
    });
  }

  private async write(batch: readonly Pending[]): Promise<void> {
    const byRun = new Map<string, Pending[]>();
    for (const p of batch) {
      const list = byRun.get(p.runId);
      if (list) list.push(p);
      else byRun.set(p.runId, [p]);
    }
    const lock = this.driver.dialect === "pg" ? " FOR UPDATE" : "";
    await this.driver.transaction(async () => {
      for (const [runId, items] of byRun) {
        const head = await this.driver.query<{ head_seq: number; head_hash: string }>(
          `SELECT head_seq, head_hash FROM allylink_runs WHERE run_id = $1${lock}`,
          [runId],
        );
        if (head.length === 0) throw new UserError(`run "${runId}" does not exist: call createRun first`);
        let seq = Number(head[0].head_seq);
        let prev = head[0].head_hash;
        const rows: unknown[][] = [];
        for (const { e, payloadJson } of items) {
          seq += 1;
          // The body is assembled around the already-canonical payload (keys in sorted order).
          const body = `{"kind":${JSON.stringify(e.kind)},"payload":${payloadJson},"seq":${seq},"source":${JSON.stringify(e.source)},"t":${JSON.stringify(e.t)}}`;
          const hash = chainHash(prev, body);
          rows.push([runId, seq, e.t, e.kind, e.source, body, prev, hash]);
          prev = hash;
        }
        await this.driver.insertMany(
          "allylink_events",
          ["run_id", "seq", "t", "kind", "source", "body", "prev_hash", "hash"],
          rows,
        );
        await this.driver.query("UPDATE allylink_runs SET head_seq = $1, head_hash = $2 WHERE run_id = $3", [
          seq,
          prev,
          runId,
        ]);
      }
    });
  }

  async runs(): Promise<RunInfo[]> {
    await this.flush();
    const rows = await this.driver.query<{
      run_id: string;
      meta: string;
      head_seq: number;
      head_hash: string;
    }>("SELECT run_id, meta, head_seq, head_hash FROM allylink_runs ORDER BY run_id");
    return rows.map((r) => ({
      runId: r.run_id,
      meta: JSON.parse(r.meta) as Record<string, unknown>,
      events: Number(r.head_seq),
      headHash: r.head_hash,
    }));
  }

  /** Reads a run's events in order, page by page (replay, reports, exports). */
  async *events(runId: string, options: { kinds?: readonly string[] } = {}): AsyncGenerator<StoredEvent> {
    await this.flush();
    let after = 0;
    for (;;) {
      const rows = await this.driver.query<{ seq: number; body: string; prev_hash: string; hash: string }>(
        "SELECT seq, body, prev_hash, hash FROM allylink_events WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        [runId, after, READ_PAGE],
      );
      if (rows.length === 0) return;
      for (const r of rows) {
        after = Number(r.seq);
        const b = JSON.parse(r.body) as {
          seq: number;
          t: number;
          kind: string;
          source: string;
          payload: unknown;
        };
        if (options.kinds && !options.kinds.includes(b.kind)) continue;
        yield {
          seq: after,
          t: b.t,
          kind: b.kind,
          source: b.source,
          payload: b.payload,
          prevHash: r.prev_hash,
          hash: r.hash,
        };
      }
    }
  }

  /** Re-derives every run's chain from its stored bytes; reports the first bad event of each run. */
  async verify(): Promise<VerifyResult> {
    await this.flush();
    const runs = await this.driver.query<{
      run_id: string;
      meta: string;
      genesis_hash: string;
      head_seq: number;
      head_hash: string;
    }>("SELECT run_id, meta, genesis_hash, head_seq, head_hash FROM allylink_runs ORDER BY run_id");
    const problems: VerifyProblem[] = [];
    let total = 0;
    for (const run of runs) {
      const problem = await this.verifyRun(run);
      total += problem.events;
      if (problem.bad) problems.push({ runId: run.run_id, ...problem.bad });
    }
    return { ok: problems.length === 0, runs: runs.length, events: total, problems };
  }

  private async verifyRun(run: {
    run_id: string;
    meta: string;
    genesis_hash: string;
    head_seq: number;
    head_hash: string;
  }): Promise<{ events: number; bad?: { seq: number; reason: string } }> {
    let metaCanonical: string;
    try {
      metaCanonical = canonicalJson(JSON.parse(run.meta));
    } catch {
      return { events: 0, bad: { seq: 0, reason: "run header metadata is not valid JSON" } };
    }
    if (metaCanonical !== run.meta || genesisHash(run.run_id, run.meta) !== run.genesis_hash)
      return { events: 0, bad: { seq: 0, reason: "run header (metadata) was altered" } };
    let prev = run.genesis_hash;
    let expected = 1;
    let after = 0;
    for (;;) {
      const rows = await this.driver.query<{
        seq: number;
        t: number;
        kind: string;
        source: string;
        body: string;
        prev_hash: string;
        hash: string;
      }>(
        "SELECT seq, t, kind, source, body, prev_hash, hash FROM allylink_events WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        [run.run_id, after, READ_PAGE],
      );
      if (rows.length === 0) break;
      for (const r of rows) {
        const seq = Number(r.seq);
        after = seq;
        if (seq !== expected)
          return { events: expected - 1, bad: { seq: expected, reason: `event ${expected} is missing` } };
        if (r.prev_hash !== prev)
          return {
            events: seq - 1,
            bad: { seq, reason: "does not link to the previous event (chain broken)" },
          };
        if (chainHash(prev, r.body) !== r.hash)
          return { events: seq - 1, bad: { seq, reason: "content does not match its hash (event altered)" } };
        let b: { seq: number; t: number; kind: string; source: string };
        try {
          b = JSON.parse(r.body);
        } catch {
          return { events: seq - 1, bad: { seq, reason: "body is not valid JSON" } };
        }
        if (b.seq !== seq || b.t !== Number(r.t) || b.kind !== r.kind || b.source !== r.source)
          return {
            events: seq - 1,
            bad: { seq, reason: "indexed columns disagree with the hashed body (event altered)" },
          };
        prev = r.hash;
        expected += 1;
      }
    }
    const count = expected - 1;
    if (count !== Number(run.head_seq) || prev !== run.head_hash)
      return {
        events: count,
        bad: {
          seq: count + 1,
          reason: `log ends at event ${count} but its head records ${run.head_seq} (events removed)`,
        },
      };
    return { events: count };
  }

  async close(): Promise<void> {
    await this.flush();
    await this.driver.close();
  }
}

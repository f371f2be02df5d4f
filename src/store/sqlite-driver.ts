import Database from "better-sqlite3";
import { UserError } from "../core/errors.ts";
import type { Row, SqlDriver } from "./sql-driver.ts";

/** SQLite through better-sqlite3, in WAL mode so readers (reports, the server) never block the writer. */
export class SqliteDriver implements SqlDriver {
  readonly dialect = "sqlite" as const;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    readonly location: string,
    options: { readonly?: boolean; mustExist?: boolean } = {},
  ) {
    try {
      this.db = new Database(location, {
        readonly: options.readonly ?? false,
        fileMustExist: options.mustExist ?? false,
      });
      if (!options.readonly) {
        this.db.pragma("journal_mode = WAL");
        this.db.pragma("synchronous = NORMAL");
      }
      this.db.pragma("busy_timeout = 5000");
    } catch (err) {
      throw new UserError(`cannot open SQLite event log ${location}: ${(err as Error).message}`);
    }
  }

  private prepare(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql.replace(/\$\d+/g, "?"));
      this.statements.set(sql, s);
    }
    return s;
  }

  async exec(sql: string): Promise<void> {
    this.db.exec(sql);
  }

  async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const s = this.prepare(sql);
    if (s.reader) return s.all(...params) as T[];
    s.run(...params);
    return [];
  }

  async insertMany(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly unknown[])[],
  ): Promise<void> {
    const s = this.prepare(
      `INSERT INTO ${table} (${columns.join(",")}) VALUES (${columns.map(() => "?").join(",")})`,
    );
    for (const r of rows) s.run(...r);
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const out = await fn();
      this.db.exec("COMMIT");
      return out;
    } catch (err) {
      if (this.db.inTransaction) this.db.exec("ROLLBACK");
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

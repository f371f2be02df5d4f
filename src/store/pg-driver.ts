import pg from "pg";
import { UserError } from "../core/errors.ts";
import type { Row, SqlDriver } from "./sql-driver.ts";

// float8 and int8 come back as JavaScript numbers: the log's times are float8 and its sequence
// numbers stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

/** PostgreSQL through one dedicated `pg` connection (a log writer is sequential by nature). */
export class PgDriver implements SqlDriver {
  readonly dialect = "pg" as const;
  readonly location: string;
  private constructor(
    private readonly client: pg.Client,
    location: string,
  ) {
    this.location = location;
  }

  static async connect(connectionString: string): Promise<PgDriver> {
    const client = new pg.Client({ connectionString });
    // Without a listener an idle connection's error (server restart) would crash the process.
    client.on("error", () => {});
    const safe = connectionString.replace(/:\/\/([^:@/]+):[^@/]*@/, "://$1:***@");
    try {
      await client.connect();
    } catch (err) {
      throw new UserError(`cannot connect to PostgreSQL event log ${safe}: ${(err as Error).message}`);
    }
    return new PgDriver(client, safe);
  }

  async exec(sql: string): Promise<void> {
    await this.client.query(sql);
  }

  async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const res = await this.client.query(sql, params as unknown[]);
    return res.rows as T[];
  }

  async insertMany(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly unknown[])[],
  ): Promise<void> {
    // Multi-row VALUES in chunks that stay below PostgreSQL's 65,535 bind-parameter limit.
    const perChunk = Math.max(1, Math.floor(60_000 / columns.length));
    for (let i = 0; i < rows.length; i += perChunk) {
      const chunk = rows.slice(i, i + perChunk);
      const params: unknown[] = [];
      const tuples = chunk.map((r) => `(${r.map((v) => `$${params.push(v)}`).join(",")})`);
      await this.client.query(
        `INSERT INTO ${table} (${columns.join(",")}) VALUES ${tuples.join(",")}`,
        params,
      );
    }
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.client.query("BEGIN");
    try {
      const out = await fn();
      await this.client.query("COMMIT");
      return out;
    } catch (err) {
      await this.client.query("ROLLBACK").catch(() => {});
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

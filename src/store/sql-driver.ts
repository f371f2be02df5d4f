/**
 * The little SQL surface the event log needs, so SQLite (embedded default) and PostgreSQL (shared by
 * several processes) run the same log code. SQL is written with PostgreSQL's `$1` placeholders, each
 * used once and in order; the SQLite driver rewrites them to `?`.
 */
export type Row = Record<string, unknown>;

export interface SqlDriver {
  readonly dialect: "sqlite" | "pg";
  /** A human-readable location (file path or connection string without password). */
  readonly location: string;
  exec(sql: string): Promise<void>;
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Inserts many rows in one round trip where the database allows it. */
  insertMany(table: string, columns: readonly string[], rows: readonly (readonly unknown[])[]): Promise<void>;
  /**
   * Runs fn inside a transaction that holds the database's write lock from its start (SQLite
   * BEGIN IMMEDIATE; PostgreSQL row locks taken by fn with FOR UPDATE), committing on success.
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

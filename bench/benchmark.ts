/** A benchmark prints measured figures; it never asserts timing. */
export type BenchRow = { name: string } & Record<string, unknown>;

export interface Benchmark {
  /** Short unique name, for `--only`. */
  readonly name: string;
  run(): Promise<BenchRow[]>;
}

/**
 * The wall clock, for live play only. Kept in its own file so that the engine itself never reads
 * the wall clock (the house rule): a live server constructs this and hands it in; tests and `--auto`
 * hand in a VirtualClockSource instead.
 */
import type { ClockSource } from "./clock.ts";

export class WallClockSource implements ClockSource {
  nowMs(): number {
    return Date.now();
  }
}

import { describe, expect, it } from "vitest";
import { ExerciseRun, type RecordedEvent } from "./exercise-run.ts";
import { shortScenario } from "./test-scenario.ts";

describe("node crash and restart", () => {
  it("a crashed JPN node gets its backlog after restart and warns from allied tracks only then", async () => {
    const events: RecordedEvent[] = [];
    const scenario = shortScenario("  - {time: 30, type: node-crash, nation: JPN, restartAfterS: 100}", 160);
    const run = await ExerciseRun.create(scenario, { predictionSamples: 50 });
    run.subscribe((e) => events.push(e));
    while (!run.done) await run.step();
    const r = await run.finish();
    const jpn = r.metrics.find((m) => m.nation === "JPN")!;
    // Launch at 10: JPN is down 30..130, so its first allied track comes ≥ 120 s after launch.
    expect(jpn.firstAlliedTrackS).toBeGreaterThanOrEqual(120);
    const restart = events.find((e) => e.kind === "inject.restart")!.payload as { backlog: number };
    expect(restart.backlog).toBeGreaterThan(0);
    const jpnReceived = events.filter((e) => e.kind === "message.received" && e.source === "JPN");
    expect(jpnReceived.every((e) => e.t < 30 || e.t >= 130)).toBe(true);
    expect(jpnReceived.some((e) => e.t >= 130)).toBe(true);
  }, 60_000);
});

import { describe, expect, it } from "vitest";
import type { RecordedEvent } from "./exercise-run.ts";
import { LiveRunner, type WallClock } from "./live-runner.ts";
import { shortScenario } from "./test-scenario.ts";

/** A wall clock the test moves by hand; timers never fire on their own. */
class FakeClock implements WallClock {
  ms = 0;
  timers = 0;
  now(): number {
    return this.ms;
  }
  setTimer(): () => void {
    this.timers++;
    return () => undefined;
  }
}

describe("LiveRunner", () => {
  it("follows the wall clock × speed, pauses, resumes, seeks both ways deterministically", async () => {
    const clock = new FakeClock();
    const live = await LiveRunner.create(shortScenario("", 120), { clock, speed: 2, predictionSamples: 30 });
    const events: RecordedEvent[] = [];
    live.subscribe((e) => events.push(e));
    expect(live.status()).toMatchObject({ t: 0, paused: true, speed: 2 });

    live.resume();
    clock.ms = 10_000; // 10 wall seconds at 2× = 20 scenario seconds
    await live.tick();
    expect(live.status().t).toBe(20);

    live.pause();
    clock.ms = 60_000; // paused: time does not move
    await live.tick();
    expect(live.status().t).toBe(20);

    live.resume();
    live.setSpeed(4);
    clock.ms = 65_000; // 5 s at 4× = 20 more
    await live.tick();
    expect(live.status().t).toBe(40);

    await live.seek(70);
    expect(live.status().t).toBe(70);
    const at70 = JSON.stringify(live.picture("KOR"));
    expect(live.picture("KOR").tracks.length).toBeGreaterThan(0);

    await live.seek(30); // backward: a deterministic re-run to 30
    expect(live.status().t).toBe(30);
    await live.seek(70);
    expect(JSON.stringify(live.picture("KOR"))).toBe(at70);

    expect(events.filter((e) => e.kind === "live.seek").length).toBe(3);
    // Node events of the steps the clock ran reached subscribers; those of seeks did not.
    expect(events.some((e) => e.kind === "truth" && e.t <= 40)).toBe(true);
    expect(events.some((e) => e.kind === "truth" && e.t > 40)).toBe(false);
    // Exercise control adds a launch and a fault while running; a bad one is refused clearly.
    await live.injectFromControl(75, "launch", {
      id: "M9",
      site: "Sunan",
      class: "SRBM",
      aim: { lat: 39.3, lon: 129.3 },
      trajectory: "depressed",
    });
    await expect(
      live.injectFromControl(75, "link-outage", { link: "KOR>XXX", durationS: 5 }),
    ).rejects.toThrow(/link: XXX is not one of/);
    await expect(
      live.injectFromControl(10, "link-outage", { link: "KOR>USA", durationS: 5 }),
    ).rejects.toThrow(/in the past/);
    await live.seek(90);
    expect(live.truth().map((o) => o[0])).toContain("M9");
    expect(live.header().threats.map((t) => t.id)).toEqual(["M1"]);
    await live.stop();
    expect(live.status().finished).toBe(false);
    expect(() => live.setSpeed(0)).toThrow(/speed must be/);
  }, 60_000);
});

import { expect, it } from "vitest";
import { deg2rad, geodesicInverse } from "../core/geodesy.ts";
import { Rng } from "../core/rng.ts";
import { SensorField } from "../exercise/sensor-field.ts";
import { DEFAULT_POLICY_PATH } from "../exercise/virtual-run.ts";
import { createSensors } from "../sensors/catalogue.ts";
import type { Detection } from "../sensors/detection.ts";
import { InProcessBus } from "../sharing/inprocess-bus.ts";
import { generateSigningKey, pinnedFrom } from "../sharing/keys.ts";
import { loadPolicy } from "../sharing/policy.ts";
import { VirtualScheduler } from "../sharing/virtual-scheduler.ts";
import { planMissileFlight } from "../world/missile-flight.ts";
import { NationalNode } from "./national-node.ts";

it("the US node turns two satellites' infrared sightings into a launch event that reaches Japan", async () => {
  const flight = planMissileFlight({
    id: "M1",
    missileClass: "MRBM",
    launchSite: { lat: deg2rad(39.03), lon: deg2rad(125.75) },
    tLaunch: 30,
    aim: { lat: deg2rad(40.5), lon: deg2rad(135.5) },
    trajectory: "minimum-energy",
  });
  const policy = loadPolicy(DEFAULT_POLICY_PATH);
  const scheduler = new VirtualScheduler(0);
  const bus = new InProcessBus({ policy, scheduler, rng: new Rng(1) });
  const keys = ["KOR", "USA", "JPN"].map((n) => generateSigningKey(n as never));
  const pinned = pinnedFrom(keys);
  const [usa, jpn] = (["USA", "JPN"] as const).map(
    (nation) =>
      new NationalNode({
        nation,
        policy,
        key: keys.find((k) => k.nation === nation)!,
        keys: pinned,
        transport: bus.connect(nation),
        clock: () => scheduler.now(),
        rng: new Rng(nation),
      }),
  );
  await usa.start();
  await jpn.start();
  const sats = createSensors([
    { catalogue: "USA-SBIRS-GEO-WEST-PACIFIC" },
    { catalogue: "USA-SBIRS-GEO-CENTRAL-PACIFIC" },
  ]);
  const field = new SensorField(sats, [flight], new Rng(2));
  const pending: Detection[] = [];
  for (let t = 0; t <= 260; t++) {
    field.scanUntil(t, (d) => pending.push(d));
    for (const d of pending.splice(0)) scheduler.at(d.tReport, () => usa.ingest(d));
    scheduler.runUntil(t);
    await usa.step(t);
    await jpn.step(t);
  }
  const own = usa.drainEvents().filter((e) => e.type === "launch.detected");
  const relayed = jpn.drainEvents().filter((e) => e.type === "launch.detected");
  expect(own.length).toBeGreaterThan(0);
  expect(relayed.length).toBe(own.length);
  const first = own[0];
  if (first.type !== "launch.detected") throw new Error("unreachable");
  // Public-level space IR: the launch point within 15 km and the launch time within 20 s.
  const miss = geodesicInverse(
    first.launchPoint.lat,
    first.launchPoint.lon,
    deg2rad(39.03),
    deg2rad(125.75),
  ).distanceM;
  expect(miss).toBeLessThan(15_000);
  expect(Math.abs(first.launchTime - 30)).toBeLessThan(20);
  expect(relayed[0].type === "launch.detected" && relayed[0].source).toBe("USA");
});

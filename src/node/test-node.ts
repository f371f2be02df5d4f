/**
 * For the node's tests (not used by production code): a JPN node on an in-process bus that nobody
 * else is on, fed by hand through its fusion engine (allied reports) and stepped by hand; and the
 * MRBM of pacific-dragon.
 */

import { deg2rad } from "../core/geodesy.ts";
import { Rng } from "../core/rng.ts";
import { DEFAULT_POLICY_PATH } from "../exercise/virtual-run.ts";
import { InProcessBus } from "../sharing/inprocess-bus.ts";
import { generateSigningKey, pinnedFrom } from "../sharing/keys.ts";
import { loadPolicy } from "../sharing/policy.ts";
import { VirtualScheduler } from "../sharing/virtual-scheduler.ts";
import { type MissileFlight, planMissileFlight } from "../world/missile-flight.ts";
import { aimArea, launchSite } from "../world/sites.ts";
import { NationalNode } from "./national-node.ts";
import type { NodeEvent } from "./node-events.ts";

/** A JPN node without coasting whose events go to `events`. */
export function jpnNode(events: NodeEvent[]): NationalNode {
  const policy = loadPolicy(DEFAULT_POLICY_PATH);
  const scheduler = new VirtualScheduler(100);
  const bus = new InProcessBus({ policy, scheduler, rng: new Rng(1) });
  const jpn = generateSigningKey("JPN");
  return new NationalNode({
    nation: "JPN",
    policy,
    key: jpn,
    keys: pinnedFrom([jpn, generateSigningKey("KOR"), generateSigningKey("USA")]),
    transport: bus.connect("JPN"),
    clock: () => scheduler.now(),
    rng: new Rng(2),
    predictionSamples: 50,
    fusion: { coasting: false },
    sink: (e) => events.push(e),
  });
}

/** A report's covariance: σ position and σ velocity per axis (default 200 m, 20 m/s). */
export function reportCovariance(sp = 200, sv = 20): Float64Array {
  const P = new Float64Array(36);
  for (let i = 0; i < 6; i++) P[i * 7] = i < 3 ? sp * sp : sv * sv;
  return P;
}

/** An MRBM from Sinpo into Japan's EEZ off Aomori (as in pacific-dragon), launched at t = 0. */
export function sinpoMrbm(): MissileFlight {
  const site = launchSite("Sinpo");
  const aim = aimArea("japan-eez-off-aomori");
  return planMissileFlight({
    id: "MRBM-1",
    missileClass: "MRBM",
    launchSite: { lat: deg2rad(site.latDeg), lon: deg2rad(site.lonDeg) },
    tLaunch: 0,
    aim: { lat: deg2rad(aim.latDeg), lon: deg2rad(aim.lonDeg) },
    trajectory: "minimum-energy",
  });
}

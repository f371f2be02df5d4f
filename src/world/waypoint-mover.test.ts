import LatLonV from "geodesy/latlon-ellipsoidal-vincenty.js";
import { describe, expect, it } from "vitest";
import { deg2rad, ecefToGeodetic, rad2deg } from "../core/geodesy.ts";
import { newTruthState } from "./truth.ts";
import { WaypointMover } from "./waypoint-mover.ts";

// A drone route like those of 26 Dec 2022 (publicly reported: crossed the MDL near Gimpo/Ganghwa,
// one reached northern Seoul); coordinates are illustrative, rounded public-map points.
const route = [
  { lat: 37.95, lon: 126.55, altM: 2000 },
  { lat: 37.75, lon: 126.55, altM: 2500, speedMs: 50 },
  { lat: 37.65, lon: 126.98, altM: 2500, speedMs: 40, holdS: 120 },
  { lat: 37.95, lon: 126.7, altM: 1500, speedMs: 60 },
].map((w) => ({ ...w, lat: deg2rad(w.lat), lon: deg2rad(w.lon) }));

describe("waypoint mover", () => {
  const m = new WaypointMover({ id: "uav-1", kind: "drone", tStart: 1000, waypoints: route, rcsM2: 0.05 });

  it("takes distance/speed per leg (distances checked with Vincenty) plus holds", () => {
    let t = 0;
    for (let i = 1; i < route.length; i++) {
      const a = new LatLonV(rad2deg(route[i - 1].lat), rad2deg(route[i - 1].lon));
      const b = new LatLonV(rad2deg(route[i].lat), rad2deg(route[i].lon));
      t += a.distanceTo(b) / (route[i].speedMs as number) + ((route[i - 1] as { holdS?: number }).holdS ?? 0);
    }
    expect(m.tEnd - m.tStart).toBeCloseTo(t, 3);
  });

  it("passes through each waypoint at its altitude, with the leg's speed, phase air", () => {
    const s = newTruthState();
    expect(m.sample(999, s)).toBe(false);
    expect(m.sample(1000, s)).toBe(true);
    let g = ecefToGeodetic(s.pos[0], s.pos[1], s.pos[2]);
    expect(g.lat).toBeCloseTo(route[0].lat, 9);
    expect(g.h).toBeCloseTo(2000, 3);
    expect(s.phase).toBe("air");
    expect(s.burning).toBe(false);
    expect(m.sample(m.tEnd, s)).toBe(true);
    g = ecefToGeodetic(s.pos[0], s.pos[1], s.pos[2]);
    expect(g.lat).toBeCloseTo(route[3].lat, 9);
    expect(g.lon).toBeCloseTo(route[3].lon, 9);
    expect(g.h).toBeCloseTo(1500, 3);
    // Mid first leg: heading south at 50 m/s with a climb of 500 m over the leg.
    m.sample(1100, s);
    const speed = Math.hypot(s.vel[0], s.vel[1], s.vel[2]);
    expect(speed).toBeGreaterThan(50);
    expect(speed).toBeLessThan(50.5);
    // Velocity is the derivative of position.
    const a = newTruthState();
    const b = newTruthState();
    m.sample(1099.5, a);
    m.sample(1100.5, b);
    for (let k = 0; k < 3; k++) expect(b.pos[k] - a.pos[k]).toBeCloseTo(s.vel[k], 2);
  });

  it("rejects a route with a missing speed, naming the waypoint", () => {
    expect(
      () =>
        new WaypointMover({
          id: "x",
          kind: "drone",
          tStart: 0,
          waypoints: [route[0], { ...route[1], speedMs: undefined }],
          rcsM2: 1,
        }),
    ).toThrow(/mover x: waypoints\[1\]\.speedMs/);
  });
});

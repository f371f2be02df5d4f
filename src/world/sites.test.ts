import { describe, expect, it } from "vitest";
import { AIM_AREAS, aimArea, LAUNCH_SITES, launchSite } from "./sites.ts";

describe("public sites catalogue", () => {
  it("every entry is a plausible place in the region with a stated public basis", () => {
    for (const p of [...LAUNCH_SITES, ...AIM_AREAS]) {
      expect(p.latDeg).toBeGreaterThan(30);
      expect(p.latDeg).toBeLessThan(46);
      expect(p.lonDeg).toBeGreaterThan(123);
      expect(p.lonDeg).toBeLessThan(142);
      expect(p.comment.length).toBeGreaterThan(20);
    }
    // DPRK launch areas lie between 37.7°N and 43°N, 124°E and 130.7°E.
    for (const p of LAUNCH_SITES) {
      expect(p.latDeg).toBeGreaterThan(37.7);
      expect(p.lonDeg).toBeLessThan(130.7);
    }
    expect(new Set(LAUNCH_SITES.map((s) => s.name)).size).toBe(LAUNCH_SITES.length);
  });

  it("looks names up case-insensitively and names the field on an unknown one", () => {
    expect(launchSite("sunan").name).toBe("Sunan");
    expect(aimArea("SEA-WEST-OF-OKUSHIRI").lonDeg).toBeCloseTo(137.0, 6);
    expect(() => launchSite("Atlantis", "launches[2].site")).toThrow(
      /launches\[2\]\.site: unknown launch site "Atlantis"/,
    );
  });
});

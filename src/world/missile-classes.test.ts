import { describe, expect, it } from "vitest";
import {
  idealDeltaVMs,
  launchMassKg,
  MISSILE_CLASS_NAMES,
  MISSILE_CLASSES,
  missileClass,
} from "./missile-classes.ts";

describe("missile classes", () => {
  it("have ideal Δv ordered by class and sized by the textbook burnout-speed/range relation", () => {
    const dv = MISSILE_CLASS_NAMES.map((n) => idealDeltaVMs(MISSILE_CLASSES[n]));
    for (let i = 1; i < dv.length; i++) expect(dv[i]).toBeGreaterThan(dv[i - 1]);
    // Minimum-energy burnout speed for range R (flat-Earth limit v² = gR is low by ~10% at 1,000 km):
    // ideal Δv must exceed it (gravity and drag losses come on top).
    for (const n of MISSILE_CLASS_NAMES) {
      const R = MISSILE_CLASSES[n].nominalRangeM;
      const psi = R / (2 * 6371e3);
      const nu = (2 * Math.sin(psi)) / (1 + Math.sin(psi));
      const vBurnout = Math.sqrt((nu * 3.986e14) / 6471e3);
      expect(idealDeltaVMs(MISSILE_CLASSES[n])).toBeGreaterThan(vBurnout);
      expect(idealDeltaVMs(MISSILE_CLASSES[n])).toBeLessThan(vBurnout + 2600);
    }
    expect(launchMassKg(MISSILE_CLASSES.SRBM)).toBeCloseTo(5900, -2);
  });

  it("rejects an unknown class naming the field", () => {
    expect(missileClass("ICBM").name).toBe("ICBM");
    expect(() => missileClass("Hwasong", "launches[0].class")).toThrow(
      /launches\[0\]\.class: unknown missile class/,
    );
  });
});

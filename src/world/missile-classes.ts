import { UserError } from "../core/errors.ts";

/**
 * Generic, public-level ballistic-missile classes. These are NOT models of any real missile: they are
 * textbook-style vehicles sized so that their burnout speeds give the nominal ranges of the classes
 * as used in open literature (SRBM < 1,000 km, MRBM 1,000–3,000 km, IRBM 3,000–5,500 km,
 * ICBM > 5,500 km). Basis: the burnout-speed / range relation of a ballistic missile on a
 * minimum-energy trajectory (e.g. v ≈ 1.7 km/s → 300 km, 3 km/s → 1,000 km, 5 km/s → 3,000 km,
 * 7.2 km/s → 10,000 km; see Wright, Postol et al., "Technical Appendix" style open analyses, and
 * Sutton, "Rocket Propulsion Elements" for specific impulses of 220–300 s). The SRBM and MRBM are
 * single-stage liquid-fuel vehicles of Scud/Nodong-like public size; the IRBM and ICBM are multi-stage.
 * Reentry-vehicle ballistic coefficients (β = m / (Cd·A)) follow the public range of 3–15 t/m²
 * (older, blunt warheads at the low end; slender modern RVs at the high end). RCS values are
 * typical open-literature figures for X-band head-on aspects.
 */
export type MissileClassName = "SRBM" | "MRBM" | "IRBM" | "ICBM";
export const MISSILE_CLASS_NAMES: readonly MissileClassName[] = ["SRBM", "MRBM", "IRBM", "ICBM"];

export interface StageSpec {
  /** Burn duration, s. */
  readonly burnTimeS: number;
  /** Thrust (constant over the burn; a vacuum/sea-level average), N. */
  readonly thrustN: number;
  /** Propellant mass burnt at a constant rate over the burn, kg. */
  readonly propellantKg: number;
  /** Mass of the empty stage, dropped at its burnout, kg. */
  readonly dryMassKg: number;
  /** Ballistic coefficient of the spent stage falling as debris, kg/m². */
  readonly spentBallisticCoefKgM2: number;
  /** Radar cross-section of the spent stage, m². */
  readonly spentRcsM2: number;
}

export interface MissileClassSpec {
  readonly name: MissileClassName;
  readonly description: string;
  /** Nominal (reference) range of the class, m. */
  readonly nominalRangeM: number;
  /** Stages, first to last. */
  readonly stages: readonly StageSpec[];
  /** Reentry vehicle (plus any bus left with it), kg — separates from the last stage at cutoff. */
  readonly payloadKg: number;
  /** Body diameter of the first stage, m — with `boostDragCoef` gives the drag area in boost. */
  readonly diameterM: number;
  /** Drag coefficient of the stack in boost (subsonic–supersonic average). */
  readonly boostDragCoef: number;
  /** Reentry-vehicle ballistic coefficient β = m/(Cd·A), kg/m². */
  readonly rvBallisticCoefKgM2: number;
  /** Radar cross-section of the whole missile in boost, m². */
  readonly boostRcsM2: number;
  /** Radar cross-section of the reentry vehicle, m². */
  readonly rvRcsM2: number;
  /** Vertical rise before the pitch programme starts, s. */
  readonly verticalRiseS: number;
}

const G0 = 9.80665;

/** Thrust that gives a specific impulse `ispS` for a stage burning `propellantKg` in `burnTimeS`. */
function thrustFor(ispS: number, propellantKg: number, burnTimeS: number): number {
  return (ispS * G0 * propellantKg) / burnTimeS;
}

export const MISSILE_CLASSES: Readonly<Record<MissileClassName, MissileClassSpec>> = {
  SRBM: {
    name: "SRBM",
    description: "generic single-stage liquid short-range ballistic missile, ~300 km (Scud-B-like size)",
    nominalRangeM: 300e3,
    // ≈5.9 t at launch, Isp ≈ 225 s, 62 s burn, 1 t warhead: public Scud-B-class figures.
    stages: [
      {
        burnTimeS: 62,
        thrustN: thrustFor(230, 3900, 62),
        propellantKg: 3900,
        dryMassKg: 1000,
        spentBallisticCoefKgM2: 1500,
        spentRcsM2: 1.0,
      },
    ],
    payloadKg: 1000,
    diameterM: 0.88,
    boostDragCoef: 0.3,
    rvBallisticCoefKgM2: 3000,
    boostRcsM2: 1.0,
    rvRcsM2: 0.1,
    verticalRiseS: 6,
  },
  MRBM: {
    name: "MRBM",
    description: "generic single-stage liquid medium-range ballistic missile, ~1,000 km (Nodong-like size)",
    nominalRangeM: 1000e3,
    // ≈16 t at launch, Isp ≈ 245 s, 110 s burn, ~0.9 t RV.
    stages: [
      {
        burnTimeS: 110,
        thrustN: thrustFor(250, 12900, 110),
        propellantKg: 12900,
        dryMassKg: 2200,
        spentBallisticCoefKgM2: 1500,
        spentRcsM2: 2.0,
      },
    ],
    payloadKg: 900,
    diameterM: 1.3,
    boostDragCoef: 0.3,
    rvBallisticCoefKgM2: 5000,
    boostRcsM2: 2.0,
    rvRcsM2: 0.08,
    verticalRiseS: 8,
  },
  IRBM: {
    name: "IRBM",
    description: "generic two-stage intermediate-range ballistic missile, ~3,000 km",
    nominalRangeM: 3000e3,
    stages: [
      {
        burnTimeS: 100,
        thrustN: thrustFor(260, 15000, 100),
        propellantKg: 15000,
        dryMassKg: 2000,
        spentBallisticCoefKgM2: 1500,
        spentRcsM2: 3.0,
      },
      {
        burnTimeS: 70,
        thrustN: thrustFor(285, 3200, 70),
        propellantKg: 3200,
        dryMassKg: 600,
        spentBallisticCoefKgM2: 1000,
        spentRcsM2: 1.5,
      },
    ],
    payloadKg: 700,
    diameterM: 1.5,
    boostDragCoef: 0.3,
    rvBallisticCoefKgM2: 8000,
    boostRcsM2: 3.0,
    rvRcsM2: 0.05,
    verticalRiseS: 10,
  },
  ICBM: {
    name: "ICBM",
    description: "generic three-stage intercontinental ballistic missile, ~10,000 km nominal",
    nominalRangeM: 10000e3,
    stages: [
      {
        burnTimeS: 90,
        thrustN: thrustFor(270, 45000, 90),
        propellantKg: 45000,
        dryMassKg: 4500,
        spentBallisticCoefKgM2: 2000,
        spentRcsM2: 5.0,
      },
      {
        burnTimeS: 80,
        thrustN: thrustFor(295, 12000, 80),
        propellantKg: 12000,
        dryMassKg: 1300,
        spentBallisticCoefKgM2: 1500,
        spentRcsM2: 3.0,
      },
      {
        burnTimeS: 60,
        thrustN: thrustFor(300, 2600, 60),
        propellantKg: 2600,
        dryMassKg: 350,
        spentBallisticCoefKgM2: 800,
        spentRcsM2: 1.0,
      },
    ],
    payloadKg: 955,
    diameterM: 2.0,
    boostDragCoef: 0.3,
    rvBallisticCoefKgM2: 10000,
    boostRcsM2: 5.0,
    rvRcsM2: 0.03,
    verticalRiseS: 12,
  },
};

export function isMissileClassName(s: unknown): s is MissileClassName {
  return typeof s === "string" && (MISSILE_CLASS_NAMES as readonly string[]).includes(s);
}

/** Looks a class up by name; a UserError names the field and the allowed values. */
export function missileClass(name: string, field = "missileClass"): MissileClassSpec {
  if (!isMissileClassName(name)) {
    throw new UserError(
      `${field}: unknown missile class "${name}" (expected one of ${MISSILE_CLASS_NAMES.join(", ")})`,
    );
  }
  return MISSILE_CLASSES[name];
}

/** Launch mass, kg. */
export function launchMassKg(spec: MissileClassSpec): number {
  let m = spec.payloadKg;
  for (const s of spec.stages) m += s.propellantKg + s.dryMassKg;
  return m;
}

/** Total burn time of all stages (no coast between stages), s. */
export function totalBurnTimeS(spec: MissileClassSpec): number {
  let t = 0;
  for (const s of spec.stages) t += s.burnTimeS;
  return t;
}

/** Ideal (rocket-equation) velocity increment of the whole stack, m/s — for documentation and tests. */
export function idealDeltaVMs(spec: MissileClassSpec): number {
  let above = spec.payloadKg;
  const massesAbove: number[] = [];
  for (let i = spec.stages.length - 1; i >= 0; i--) {
    massesAbove[i] = above;
    above += spec.stages[i].propellantKg + spec.stages[i].dryMassKg;
  }
  let dv = 0;
  for (let i = 0; i < spec.stages.length; i++) {
    const s = spec.stages[i];
    const m0 = massesAbove[i] + s.propellantKg + s.dryMassKg;
    const m1 = m0 - s.propellantKg;
    const ve = (s.thrustN * s.burnTimeS) / s.propellantKg;
    dv += ve * Math.log(m0 / m1);
  }
  return dv;
}

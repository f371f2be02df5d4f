import { UserError } from "../core/errors.ts";
import type { Rng } from "../core/rng.ts";
import type { DenseTrajectory } from "./dense-trajectory.ts";
import {
  BallisticDynamics,
  EARTH_WGS84,
  type EarthModel,
  integrateFlight,
  surfaceHeight,
} from "./flight-model.ts";
import { type MissileFlight, REENTRY_ALTITUDE_M } from "./missile-flight.ts";
import type { Mover, TruthState } from "./truth.ts";

/**
 * Objects that fall freely from a release state: spent stages, separation debris, decoy-like fragments.
 * Each is integrated once (gravity J2, Earth rotation, drag with its own ballistic coefficient) into a
 * dense trajectory and then sampled like any Mover. Debris uses a coarser step cap than missiles
 * (60 s: Hermite read-back error still well under a metre in free fall) so a thousand fragments stay
 * cheap in memory and time.
 */
export interface FragmentSpec {
  readonly id: string;
  /** "stage", "debris", … */
  readonly kind: string;
  /** Release time, s since epoch. */
  readonly tRelease: number;
  /** ECEF release state, m and m/s. */
  readonly pos: ArrayLike<number>;
  readonly vel: ArrayLike<number>;
  readonly ballisticCoefKgM2: number;
  readonly rcsM2: number;
}

const DEBRIS_INTEGRATION = { rtol: 1e-8, atol: 1e-5, hMax: 60 } as const;
/** Longest fall considered; anything still up after that (a fragment in orbit) ends there. */
const MAX_FALL_S = 3 * 3600;

export class BallisticFragment implements Mover {
  readonly id: string;
  readonly kind: string;
  readonly tStart: number;
  readonly tEnd: number;
  readonly rcsM2: number;
  readonly ballisticCoefKgM2: number;
  /** Times relative to release. */
  readonly trajectory: DenseTrajectory;
  /** True when the fragment reached the ground before MAX_FALL_S. */
  readonly impacted: boolean;
  private readonly earth: EarthModel;

  constructor(spec: FragmentSpec, earth: EarthModel = EARTH_WGS84) {
    this.earth = earth;
    if (!(spec.ballisticCoefKgM2 > 0))
      throw new UserError(`fragment ${spec.id}: ballisticCoefKgM2 must be positive`);
    if (!(spec.rcsM2 > 0)) throw new UserError(`fragment ${spec.id}: rcsM2 must be positive`);
    this.id = spec.id;
    this.kind = spec.kind;
    this.rcsM2 = spec.rcsM2;
    this.ballisticCoefKgM2 = spec.ballisticCoefKgM2;
    this.tStart = spec.tRelease;
    const y0 = [spec.pos[0], spec.pos[1], spec.pos[2], spec.vel[0], spec.vel[1], spec.vel[2]];
    const res = integrateFlight(new BallisticDynamics(earth, spec.ballisticCoefKgM2), 0, y0, {
      ...DEBRIS_INTEGRATION,
      tMax: MAX_FALL_S,
      record: true,
      // A fragment released on the ground (none should be) would end at once; arm after 1 s.
      impactArmedAfter: 1,
    });
    this.trajectory = res.trajectory as DenseTrajectory;
    this.impacted = res.impacted;
    this.tEnd = spec.tRelease + res.tEnd;
  }

  /** Where the fragment came down (ECEF, m), or null if it was still up after MAX_FALL_S. */
  fallPoint(): Float64Array | null {
    if (!this.impacted) return null;
    const pos = new Float64Array(3);
    return this.trajectory.interpolate(this.trajectory.tEnd, pos) ? pos : null;
  }

  sample(t: number, out: TruthState): boolean {
    if (!this.trajectory.interpolate(t - this.tStart, out.pos, out.vel)) return false;
    const p = out.pos;
    const v = out.vel;
    // Like the RV: "reentry" once descending below 100 km, else "midcourse".
    const descending = p[0] * v[0] + p[1] * v[1] + p[2] * v[2] < 0;
    out.phase =
      descending && surfaceHeight(this.earth, p[0], p[1], p[2]) < REENTRY_ALTITUDE_M
        ? "reentry"
        : "midcourse";
    out.burning = false;
    return true;
  }
}

export interface DebrisOptions {
  /** Fragments per spent stage, in addition to the stage body itself (default 0). */
  readonly fragmentsPerStage?: number;
  /** Fragments released at RV separation (default 0). */
  readonly fragmentsAtSeparation?: number;
  /** 1-σ separation speed per axis, m/s (default 5). */
  readonly deltaVSigmaMs?: number;
  /** Ballistic coefficients of fragments are drawn log-uniformly in this range, kg/m² (default 50–2,000). */
  readonly fragmentBetaRangeKgM2?: readonly [number, number];
  /** Fragment RCS drawn log-uniformly in this range, m² (default 0.01–0.5). */
  readonly fragmentRcsRangeM2?: readonly [number, number];
  /** Include the spent stage bodies themselves (default true). */
  readonly includeStages?: boolean;
  readonly earth?: EarthModel;
}

function logUniform(rng: Rng, lo: number, hi: number): number {
  return lo * (hi / lo) ** rng.uniform();
}

/**
 * Debris of a missile flight: each spent stage (released at its burnout with the stack's state) plus
 * fragments with small random Δv around the release states (seeded: the same Rng gives the same debris).
 * Ids are `${flight.id}.s${stage}` for stages and `${flight.id}.f${n}` for fragments.
 */
export function releaseDebris(
  flight: MissileFlight,
  rng: Rng,
  opts: DebrisOptions = {},
): BallisticFragment[] {
  const perStage = opts.fragmentsPerStage ?? 0;
  const atSep = opts.fragmentsAtSeparation ?? 0;
  const sigma = opts.deltaVSigmaMs ?? 5;
  const [bLo, bHi] = opts.fragmentBetaRangeKgM2 ?? [50, 2000];
  const [rLo, rHi] = opts.fragmentRcsRangeM2 ?? [0.01, 0.5];
  if (!(Number.isInteger(perStage) && perStage >= 0))
    throw new UserError("fragmentsPerStage: must be an integer ≥ 0");
  if (!(Number.isInteger(atSep) && atSep >= 0))
    throw new UserError("fragmentsAtSeparation: must be an integer ≥ 0");
  if (!(sigma >= 0)) throw new UserError("deltaVSigmaMs: must be ≥ 0");
  if (!(bLo > 0 && bHi >= bLo)) throw new UserError("fragmentBetaRangeKgM2: need 0 < low ≤ high");
  if (!(rLo > 0 && rHi >= rLo)) throw new UserError("fragmentRcsRangeM2: need 0 < low ≤ high");
  const earth = opts.earth ?? EARTH_WGS84;
  const out: BallisticFragment[] = [];
  let n = 0;
  const vel = new Float64Array(3);
  const addFragments = (count: number, t: number, pos: Float64Array, v0: Float64Array): void => {
    for (let k = 0; k < count; k++) {
      vel[0] = v0[0] + sigma * rng.normal();
      vel[1] = v0[1] + sigma * rng.normal();
      vel[2] = v0[2] + sigma * rng.normal();
      out.push(
        new BallisticFragment(
          {
            id: `${flight.id}.f${n++}`,
            kind: "debris",
            tRelease: t,
            pos,
            vel,
            ballisticCoefKgM2: logUniform(rng, bLo, bHi),
            rcsM2: logUniform(rng, rLo, rHi),
          },
          earth,
        ),
      );
    }
  };
  for (const rel of flight.stageReleases) {
    if (opts.includeStages ?? true) {
      out.push(
        new BallisticFragment(
          {
            id: `${flight.id}.s${rel.stageIndex + 1}`,
            kind: "stage",
            tRelease: rel.t,
            pos: rel.pos,
            vel: rel.vel,
            ballisticCoefKgM2: rel.ballisticCoefKgM2,
            rcsM2: rel.rcsM2,
          },
          earth,
        ),
      );
    }
    addFragments(perStage, rel.t, rel.pos, rel.vel);
  }
  if (atSep > 0) {
    const pos = new Float64Array(3);
    const v0 = new Float64Array(3);
    flight.trajectory.interpolate(flight.burnoutT - flight.tLaunch, pos, v0);
    addFragments(atSep, flight.burnoutT, pos, v0);
  }
  return out;
}

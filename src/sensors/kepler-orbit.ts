/**
 * A satellite on a two-body Keplerian orbit, positioned in ECEF over scenario time — enough for a
 * highly elliptical (Molniya-type) early-warning satellite over a few hours of exercise.
 *
 * Frame convention (no sidereal time needed): the inertial frame is the ECEF frame frozen at scenario
 * time t = 0, so `raanRad` is the Earth-fixed longitude of the ascending node at t = 0 and `meanAnomalyRad`
 * is the phase at t = 0. ECEF at time t is that inertial position rotated by −ω⊕·t about z. Perturbations
 * (J2 nodal drift of ~0.1°/day at Molniya inclinations, drag) are ignored: over an exercise they move
 * the satellite by far less than its sensor's footprint.
 */
import { UserError } from "../core/errors.ts";
import { WGS84 } from "../core/geodesy.ts";

export interface KeplerElements {
  /** Semi-major axis, m. */
  readonly semiMajorAxisM: number;
  /** Eccentricity, [0, 1). */
  readonly eccentricity: number;
  readonly inclinationRad: number;
  /** Earth-fixed longitude of the ascending node at t = 0. */
  readonly raanRad: number;
  readonly argPerigeeRad: number;
  /** Mean anomaly at t = 0. */
  readonly meanAnomalyRad: number;
}

export class KeplerOrbit {
  /** Mean motion, rad/s. */
  readonly meanMotion: number;
  /** Rows of the perifocal → inertial rotation: columns P (to perigee) and Q (90° ahead). */
  private readonly P = new Float64Array(3);
  private readonly Q = new Float64Array(3);
  private readonly bSemi: number;

  constructor(
    readonly elements: KeplerElements,
    field = "orbit",
  ) {
    const { semiMajorAxisM: a, eccentricity: e, inclinationRad: i, raanRad: O, argPerigeeRad: w } = elements;
    const fin = (x: number) => typeof x === "number" && Number.isFinite(x);
    if (!fin(e) || e < 0 || e >= 1) throw new UserError(`${field}.eccentricity: must be in [0, 1)`);
    if (!fin(a) || a * (1 - e) < WGS84.a + 100_000) {
      throw new UserError(`${field}.semiMajorAxisM: perigee must be more than 100 km above the Earth`);
    }
    for (const k of ["inclinationRad", "raanRad", "argPerigeeRad", "meanAnomalyRad"] as const) {
      if (!fin(elements[k])) throw new UserError(`${field}.${k}: must be a finite angle in radians`);
    }
    this.meanMotion = Math.sqrt(WGS84.GM / (a * a * a));
    this.bSemi = a * Math.sqrt(1 - e * e);
    const cO = Math.cos(O);
    const sO = Math.sin(O);
    const ci = Math.cos(i);
    const si = Math.sin(i);
    const cw = Math.cos(w);
    const sw = Math.sin(w);
    this.P[0] = cO * cw - sO * sw * ci;
    this.P[1] = sO * cw + cO * sw * ci;
    this.P[2] = sw * si;
    this.Q[0] = -cO * sw - sO * cw * ci;
    this.Q[1] = -sO * sw + cO * cw * ci;
    this.Q[2] = cw * si;
  }

  /** Orbital period, s. */
  get periodS(): number {
    return (2 * Math.PI) / this.meanMotion;
  }

  /** Eccentric anomaly for mean anomaly M (Newton's method on Kepler's equation). */
  eccentricAnomaly(M: number): number {
    const e = this.elements.eccentricity;
    M = M - 2 * Math.PI * Math.floor(M / (2 * Math.PI));
    let E = e < 0.8 ? M : Math.PI;
    for (let k = 0; k < 30; k++) {
      const f = E - e * Math.sin(E) - M;
      const dE = f / (1 - e * Math.cos(E));
      E -= dE;
      if (Math.abs(dE) < 1e-14) break;
    }
    return E;
  }

  /** ECEF position at time t (s since epoch), into `out`. */
  positionAt(t: number, out: Float64Array): Float64Array {
    const { semiMajorAxisM: a, eccentricity: e, meanAnomalyRad: M0 } = this.elements;
    const E = this.eccentricAnomaly(M0 + this.meanMotion * t);
    const xp = a * (Math.cos(E) - e);
    const yp = this.bSemi * Math.sin(E);
    const xi = xp * this.P[0] + yp * this.Q[0];
    const yi = xp * this.P[1] + yp * this.Q[1];
    const zi = xp * this.P[2] + yp * this.Q[2];
    const th = WGS84.omega * t;
    const c = Math.cos(th);
    const s = Math.sin(th);
    out[0] = c * xi + s * yi;
    out[1] = -s * xi + c * yi;
    out[2] = zi;
    return out;
  }
}

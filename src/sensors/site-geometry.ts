/**
 * Geometry that every sensor scan needs in its inner loop, written for speed: a local East-North-Up
 * frame held in Float64Arrays, line-of-sight occlusion by the WGS84 ellipsoid, and geodetic height.
 * Nothing here allocates after construction.
 */
import { ecefToGeodeticInto, enuMatrix, geodeticToEcef, WGS84 } from "../core/geodesy.ts";

/**
 * A sensor's local frame: origin in ECEF and the rows E, N, U of the rotation ECEF → ENU, defined by the
 * geodetic latitude and longitude of the origin (for a satellite: of the point below it).
 */
export class LocalFrame {
  readonly origin = new Float64Array(3);
  /** Row-major 3×3: row 0 = East, row 1 = North, row 2 = Up (unit vectors in ECEF). */
  readonly basis = new Float64Array(9);
  latRad = 0;
  lonRad = 0;
  hM = 0;

  /** Places the frame at a geodetic point (radians, metres above the ellipsoid). */
  setGeodetic(latRad: number, lonRad: number, hM: number): this {
    this.latRad = latRad;
    this.lonRad = lonRad;
    this.hM = hM;
    geodeticToEcef(latRad, lonRad, hM, this.origin);
    enuMatrix(latRad, lonRad, this.basis);
    return this;
  }

  /** Copies another frame (used to snapshot a moving ship's frame for one scan). */
  copyFrom(other: LocalFrame): this {
    this.origin.set(other.origin);
    this.basis.set(other.basis);
    this.latRad = other.latRad;
    this.lonRad = other.lonRad;
    this.hM = other.hM;
    return this;
  }
}

/**
 * True when the straight segment from the sensor at `s` to the target at `p` (both ECEF) passes below
 * the WGS84 ellipsoid. Scaling x, y by 1/a and z by 1/b maps the ellipsoid onto the unit sphere and
 * keeps straight lines straight (an affine map), so the test is the segment's closest approach to the
 * origin in the scaled space: exact on the ellipsoid, no refraction.
 *
 * Only the path counts, not the sensor's own footing: when the closest approach is at the sensor end
 * (the line of sight climbs away from the Earth) nothing blocks it, so a site given a slightly negative
 * ellipsoidal height still sees above its horizon. A target below the surface is blocked. `marginM`
 * lowers the surface by that many metres so grazing rays and objects at height 0 are not lost to
 * rounding.
 */
export function lineOfSightBlocked(
  sx: number,
  sy: number,
  sz: number,
  px: number,
  py: number,
  pz: number,
  marginM = 0.01,
): boolean {
  const ra = WGS84.a - marginM;
  const rb = WGS84.b - marginM;
  const ia2 = 1 / (ra * ra);
  const ib2 = 1 / (rb * rb);
  const dx = px - sx;
  const dy = py - sy;
  const dz = pz - sz;
  // Quadratic |s + τ d|² in the scaled metric: q(τ) = A τ² + 2 B τ + C.
  const A = (dx * dx + dy * dy) * ia2 + dz * dz * ib2;
  const B = (sx * dx + sy * dy) * ia2 + sz * dz * ib2;
  if (A === 0 || B >= 0) return false; // closest approach at the sensor: the ray climbs away
  const C = (sx * sx + sy * sy) * ia2 + sz * sz * ib2;
  const tau = -B / A;
  if (tau >= 1) return A + 2 * B + C < 1; // closest at the target: blocked only if it is underground
  return C - (B * B) / A < 1;
}

const geodeticScratch = new Float64Array(3);

/** Geodetic height above WGS84 of an ECEF point, metres (core's iteration, into a scratch: no allocation). */
export function geodeticHeight(x: number, y: number, z: number): number {
  return ecefToGeodeticInto(x, y, z, geodeticScratch)[2];
}

/** Wraps an angle to (−π, π]. */
export function wrapPi(x: number): number {
  const twoPi = 2 * Math.PI;
  x = x - twoPi * Math.floor((x + Math.PI) / twoPi);
  return x <= -Math.PI ? x + twoPi : x;
}

/** Wraps an angle to [0, 2π). */
export function wrapTwoPi(x: number): number {
  const twoPi = 2 * Math.PI;
  const y = x - twoPi * Math.floor(x / twoPi);
  return y >= twoPi ? 0 : y;
}

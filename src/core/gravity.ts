/**
 * Earth gravity for flight integration in ECEF: point mass plus the J2 oblateness term, the apparent
 * (Coriolis and centrifugal) accelerations of the rotating frame, and the gravity-gradient Jacobian
 * ∂a/∂r that extended Kalman filters need to propagate covariance.
 *
 * The J2 acceleration is the gradient of the potential
 *   U = −μ/r · [1 − J2 (a/r)² P2(z/r)],  P2(s) = (3s² − 1)/2,
 * giving (Vallado, "Fundamentals of Astrodynamics and Applications", eq. 8-30)
 *   a_x = −μx/r³ · [1 + 3/2·J2·(a/r)²·(1 − 5z²/r²)]
 *   a_y = −μy/r³ · [1 + 3/2·J2·(a/r)²·(1 − 5z²/r²)]
 *   a_z = −μz/r³ · [1 + 3/2·J2·(a/r)²·(3 − 5z²/r²)]
 * All functions write into a caller-supplied `out` and return it; `out` may alias the inputs.
 */
import { WGS84 } from "./geodesy.ts";

const MU = WGS84.GM;
const K_J2 = 1.5 * WGS84.J2 * MU * WGS84.a * WGS84.a; // 3/2·J2·μ·a²
const OMEGA = WGS84.omega;

/** Gravitational acceleration (m/s²) at ECEF position `pos` (m), point mass + J2, no rotation terms. */
export function gravityJ2(pos: Float64Array, out: Float64Array): Float64Array {
  const x = pos[0];
  const y = pos[1];
  const z = pos[2];
  const r2 = x * x + y * y + z * z;
  const r = Math.sqrt(r2);
  const r3 = r2 * r;
  const r5 = r3 * r2;
  const zz = (z * z) / r2;
  const kxy = K_J2 / r5;
  // −μ r/r³ − 3/2·J2·μ·a²/r⁵ · (…)
  const cxy = -MU / r3 - kxy * (1 - 5 * zz);
  const cz = -MU / r3 - kxy * (3 - 5 * zz);
  out[0] = cxy * x;
  out[1] = cxy * y;
  out[2] = cz * z;
  return out;
}

/**
 * Apparent acceleration in the Earth-fixed frame rotating at ω = (0, 0, Ω):
 * Coriolis −2ω×v plus centrifugal −ω×(ω×r) = (2Ω·v_y + Ω²·x, −2Ω·v_x + Ω²·y, 0).
 * Add it to `gravityJ2` (and thrust, drag) to integrate r̈ in ECEF.
 */
export function rotatingFrameAccel(pos: Float64Array, vel: Float64Array, out: Float64Array): Float64Array {
  const w2 = OMEGA * OMEGA;
  const ax = 2 * OMEGA * vel[1] + w2 * pos[0];
  const ay = -2 * OMEGA * vel[0] + w2 * pos[1];
  out[0] = ax;
  out[1] = ay;
  out[2] = 0;
  return out;
}

/**
 * Jacobian ∂a/∂r (3×3 row-major, 1/s²) of `gravityJ2` at `pos`. Symmetric, since gravity is the gradient
 * of a potential. With f = r⁻⁵ − 5z²r⁻⁷ (x, y rows) and g = 3r⁻⁵ − 5z²r⁻⁷ (z row), K = 3/2·J2·μ·a²:
 *   ∂a_i/∂r_j = −μ(δᵢⱼ/r³ − 3rᵢrⱼ/r⁵) − K(δᵢⱼ·h + rᵢ·∂h/∂r_j), h = f for i ∈ {x, y}, g for i = z,
 *   ∂f/∂r_j = (−5r⁻⁷ + 35z²r⁻⁹)·r_j − 10z·r⁻⁷·δ_jz,  ∂g/∂r_j = (−15r⁻⁷ + 35z²r⁻⁹)·r_j − 10z·r⁻⁷·δ_jz.
 * The rotating-frame terms have the constant position Jacobian diag(Ω², Ω², 0) and velocity Jacobian
 * [[0, 2Ω, 0], [−2Ω, 0, 0], [0, 0, 0]]; they are not included here.
 */
export function gravityJ2Jacobian(pos: Float64Array, out9: Float64Array): Float64Array {
  const x = pos[0];
  const y = pos[1];
  const z = pos[2];
  const r2 = x * x + y * y + z * z;
  const r = Math.sqrt(r2);
  const r3 = r2 * r;
  const r5 = r3 * r2;
  const r7 = r5 * r2;
  const r9 = r7 * r2;
  const z2 = z * z;
  const f = 1 / r5 - (5 * z2) / r7;
  const g = 3 / r5 - (5 * z2) / r7;
  const cf = -5 / r7 + (35 * z2) / r9; // coefficient of r_j in ∂f/∂r_j
  const cg = -15 / r7 + (35 * z2) / r9; // coefficient of r_j in ∂g/∂r_j
  const dz = (-10 * z) / r7; // extra term of ∂f/∂z and ∂g/∂z
  const mu3 = MU / r3;
  const mu5 = (3 * MU) / r5;
  // Rows x and y use f, row z uses g; unrolled so the kernel allocates nothing.
  out9[0] = -mu3 + mu5 * x * x - K_J2 * (f + x * (cf * x));
  out9[1] = mu5 * x * y - K_J2 * (x * (cf * y));
  out9[2] = mu5 * x * z - K_J2 * (x * (cf * z + dz));
  out9[3] = mu5 * y * x - K_J2 * (y * (cf * x));
  out9[4] = -mu3 + mu5 * y * y - K_J2 * (f + y * (cf * y));
  out9[5] = mu5 * y * z - K_J2 * (y * (cf * z + dz));
  out9[6] = mu5 * z * x - K_J2 * (z * (cg * x));
  out9[7] = mu5 * z * y - K_J2 * (z * (cg * y));
  out9[8] = -mu3 + mu5 * z * z - K_J2 * (g + z * (cg * z + dz));
  return out9;
}

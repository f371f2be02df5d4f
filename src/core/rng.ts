/**
 * Seeded pseudo-random numbers: every random draw in AllyLink comes from an `Rng` passed in, so the
 * same scenario and seed give the same bytes out.
 *
 * Generator: xoshiro128** (Blackman & Vigna, 2018): 128-bit state, period 2¹²⁸−1, passes BigCrush,
 * and runs on 32-bit integer arithmetic that JavaScript does exactly (Math.imul, >>>).
 * Seeds (numbers or strings) are turned into the 128-bit state by a 128-bit string hash followed by
 * splitmix32, so nearby seeds ("run-1", "run-2", 1, 2) give unrelated streams.
 *
 * `fork(label)` derives a child stream from the ROOT SEED and the label path, not from the parent's
 * current position: a sensor's stream stays the same when some other component starts drawing more
 * or fewer numbers. Two forks with the same label from the same parent are the same stream, by design;
 * give each consumer its own label.
 */
import { UserError } from "./errors.ts";

/** 128-bit hash of a string as four 32-bit words (murmur3-style lanes with cross-lane finalisation). */
function hash128(key: string): [number, number, number, number] {
  let h1 = 0x6a09e667;
  let h2 = 0xbb67ae85;
  let h3 = 0x3c6ef372;
  let h4 = 0xa54ff53a;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ c, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ c, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ c, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ c, 2716044179);
  }
  h1 ^= key.length;
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** splitmix32 step: a strong 32-bit mixer, used to spread the hash over the generator state. */
function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

function seedKey(seed: number | string): string {
  if (typeof seed === "number") {
    if (!Number.isFinite(seed)) throw new UserError(`seed must be a finite number or a string, got ${seed}`);
    return `n:${seed}`;
  }
  if (typeof seed === "string") return `s:${seed}`;
  throw new UserError(`seed must be a finite number or a string, got ${typeof seed}`);
}

/** ln(k!) for k < TABLE exactly summed; beyond that, Stirling's series (error < 1e-16 relative). */
const LOG_FACT_TABLE = 256;
const logFactTable = new Float64Array(LOG_FACT_TABLE);
for (let k = 1; k < LOG_FACT_TABLE; k++) logFactTable[k] = logFactTable[k - 1] + Math.log(k);
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln(k!) for integer k ≥ 0. Exported for tests and for likelihoods that need Poisson pmfs. */
export function logFactorial(k: number): number {
  if (k < LOG_FACT_TABLE) return logFactTable[k];
  const x = k + 1; // ln Γ(x)
  const x2 = x * x;
  return (
    (x - 0.5) * Math.log(x) -
    x +
    HALF_LOG_2PI +
    (1 / 12 - (1 / 360 - (1 / 1260 - 1 / (1680 * x2)) / x2) / x2) / x
  );
}

export class Rng {
  /** Hash key of this stream's seed path; forks extend it. */
  private readonly key: string;
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  /** The second value of the last polar-method pair, or NaN when there is none. */
  private spareNormal = Number.NaN;

  constructor(seed: number | string) {
    this.key = seedKey(seed);
    this.init(this.key);
  }

  private init(key: string): void {
    const h = hash128(key);
    this.s0 = splitmix32(h[0]);
    this.s1 = splitmix32(h[1] ^ this.s0);
    this.s2 = splitmix32(h[2] ^ this.s1);
    this.s3 = splitmix32(h[3] ^ this.s2);
    // The all-zero state is the one fixed point of xoshiro; astronomically unlikely, but cheap to exclude.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next raw 32-bit output of xoshiro128**, as an unsigned integer in [0, 2³²). */
  nextUint32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const s2 = this.s2;
    const s3 = this.s3;
    const r = Math.imul(s1, 5);
    const result = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    this.s1 = s1 ^ n2;
    this.s0 = s0 ^ n3;
    this.s2 = n2 ^ t;
    this.s3 = (n3 << 11) | (n3 >>> 21);
    return result;
  }

  /** Uniform double in [0, 1) with all 53 mantissa bits random (two 32-bit draws). */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal N(0, 1) by Marsaglia's polar method; the second value of each pair is cached. */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const v = this.spareNormal;
      this.spareNormal = Number.NaN;
      return v;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * m;
    return u * m;
  }

  /** Uniform integer in [0, n) for an integer 1 ≤ n ≤ 2³². Unbiased (rejection sampling). */
  uniformInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 4294967296) {
      throw new RangeError(`uniformInt: n must be an integer in [1, 2^32], got ${n}`);
    }
    // Reject the top partial block of 2³² so every residue is equally likely.
    const limit = 4294967296 - (4294967296 % n);
    let x: number;
    do x = this.nextUint32();
    while (x >= limit);
    return x % n;
  }

  /** Exponential draw with the given rate (mean 1/rate), rate > 0. */
  exponential(rate: number): number {
    if (!(rate > 0) || !Number.isFinite(rate))
      throw new RangeError(`exponential: rate must be > 0, got ${rate}`);
    // 1 − u is in (0, 1], so the log is finite.
    return -Math.log(1 - this.uniform()) / rate;
  }

  /**
   * Poisson draw with mean lambda ≥ 0. Exact in distribution for every lambda:
   * Knuth's product of uniforms for lambda < 10, Hörmann's PTRS transformed rejection
   * ("The transformed rejection method for generating Poisson random variables", 1993) above.
   */
  poisson(lambda: number): number {
    if (!(lambda >= 0) || !Number.isFinite(lambda)) {
      throw new RangeError(`poisson: lambda must be a finite number >= 0, got ${lambda}`);
    }
    if (lambda === 0) return 0;
    if (lambda < 10) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = this.uniform();
      while (p > limit) {
        k++;
        p *= this.uniform();
      }
      return k;
    }
    const slam = Math.sqrt(lambda);
    const loglam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.uniform() - 0.5;
      const v = this.uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (
        Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <=
        -lambda + k * loglam - logFactorial(k)
      ) {
        return k;
      }
    }
  }

  /** An independent deterministic stream named by `label`, derived from this stream's seed path. */
  fork(label: string): Rng {
    const child = Object.create(Rng.prototype) as Rng;
    const key = `${this.key}/${label}`;
    (child as unknown as { key: string }).key = key;
    child.spareNormal = Number.NaN;
    child.init(key);
    return child;
  }
}

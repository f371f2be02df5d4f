/**
 * Core numerics benchmark: per-call cost of the kernels other modules run in their hot loops
 * (6×6 filter algebra, Mahalanobis gating, geodetic conversions, geodesics, gravity, random draws).
 * Prints nanoseconds per call; asserts nothing about time.
 */
import { performance } from "node:perf_hooks";
import {
  ecefToAer,
  ecefToGeodeticInto,
  geodesicDirect,
  geodesicInverse,
  geodeticToEcef,
} from "../src/core/geodesy.ts";
import { gravityJ2, gravityJ2Jacobian } from "../src/core/gravity.ts";
import {
  josephUpdate,
  josephWorkSize,
  mahalanobis2,
  matMul,
  matMulABt,
  spdInverse,
} from "../src/core/matrix.ts";
import { Rng } from "../src/core/rng.ts";
import type { Benchmark, BenchRow } from "./benchmark.ts";

function time(name: string, calls: number, body: (i: number) => number): BenchRow {
  let sink = 0;
  for (let i = 0; i < Math.min(calls, 2000); i++) sink += body(i); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) sink += body(i);
  const ms = performance.now() - t0;
  return { name, calls, nsPerCall: Math.round((ms * 1e6) / calls), checksum: Number.isFinite(sink) ? 1 : 0 };
}

export const benchmarks: Benchmark[] = [
  {
    name: "core",
    async run() {
      const rng = new Rng("bench-core");
      const n = 6;
      const m = 3;
      const rand = (len: number) => Float64Array.from({ length: len }, () => rng.normal());
      const g = rand(n * n);
      const P = matMulABt(g, g, n, n, n, new Float64Array(n * n));
      for (let i = 0; i < n; i++) P[i * n + i] += 1;
      const F = rand(n * n);
      const H = rand(m * n);
      const K = rand(n * m);
      const R = Float64Array.of(4, 0, 0, 0, 4, 0, 0, 0, 4);
      const S = Float64Array.of(9, 1, 0, 1, 8, 2, 0, 2, 7);
      const d = Float64Array.of(1, -2, 0.5);
      const tmp = new Float64Array(n * n);
      const out = new Float64Array(n * n);
      const work = new Float64Array(josephWorkSize(n, m) + n * n);
      const site = geodeticToEcef(0.6, 2.2, 100);
      const pts = Array.from({ length: 256 }, (_, i) =>
        geodeticToEcef(0.5 + 0.001 * i, 2.2 + 0.002 * i, 1000 * i),
      );
      const geo = new Float64Array(3);
      const acc = new Float64Array(3);
      const jac = new Float64Array(9);
      return [
        time("matMul 6x6", 1e6, () => matMul(F, P, n, n, n, tmp)[0]),
        time("F·P·Fᵀ 6x6", 5e5, () => matMulABt(matMul(F, P, n, n, n, tmp), F, n, n, n, out)[0]),
        time("josephUpdate 6x3", 5e5, () => josephUpdate(P, K, H, R, n, m, out, work)[0]),
        time("spdInverse 6x6", 5e5, () => (spdInverse(P, n, out, work) ? out[0] : 0)),
        time("mahalanobis2 3", 2e6, () => mahalanobis2(d, S, 3, work)),
        time("geodeticToEcef", 2e6, (i) => geodeticToEcef(0.5, 2.2, i, acc)[0]),
        time("ecefToGeodeticInto", 1e6, (i) => {
          const p = pts[i & 255];
          return ecefToGeodeticInto(p[0], p[1], p[2], geo)[2];
        }),
        time("ecefToAer", 1e6, (i) => ecefToAer(pts[i & 255], site, 0.6, 2.2).range),
        time(
          "geodesicInverse",
          5e4,
          (i) => geodesicInverse(0.6, 2.2, -1.5 + 3e-3 * (i % 1000), 2.5 - 3e-3 * (i % 997)).distanceM,
        ),
        time("geodesicDirect", 1e5, (i) => geodesicDirect(0.6, 2.2, 1e-3 * i, 1e3 + i).lat),
        time("gravityJ2", 2e6, (i) => gravityJ2(pts[i & 255], acc)[0]),
        time("gravityJ2Jacobian", 2e6, (i) => gravityJ2Jacobian(pts[i & 255], jac)[0]),
        time("rng.uniform", 5e6, () => rng.uniform()),
        time("rng.normal", 5e6, () => rng.normal()),
        time("rng.poisson(3)", 1e6, () => rng.poisson(3)),
        time("rng.poisson(1e4)", 1e6, () => rng.poisson(1e4)),
      ];
    },
  },
];

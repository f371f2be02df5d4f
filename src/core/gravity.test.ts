import { describe, expect, it } from "vitest";
import { geodeticToEcef, WGS84 } from "./geodesy.ts";
import { gravityJ2, gravityJ2Jacobian, rotatingFrameAccel } from "./gravity.ts";
import { Rng } from "./rng.ts";

const { GM, J2, a, omega } = WGS84;

describe("gravityJ2 closed-form values", () => {
  it("on the equator: −μ/a²·(1 + 3/2·J2), pointing at the centre", () => {
    const g = gravityJ2(Float64Array.of(a, 0, 0), new Float64Array(3));
    // μ/a² = 9.798285 m/s²; the J2 term adds 3/2·J2 of it: 9.814197 m/s² in total.
    expect(g[0]).toBeCloseTo(-(GM / (a * a)) * (1 + 1.5 * J2), 12);
    expect(g[0]).toBeCloseTo(-9.814197, 5);
    expect(Math.abs(g[1])).toBe(0);
    expect(Math.abs(g[2])).toBe(0);
  });

  it("at the pole: −μ/b²·(1 − 3·J2·a²/b²)", () => {
    const b = WGS84.b;
    const g = gravityJ2(Float64Array.of(0, 0, b), new Float64Array(3));
    expect(Math.abs(g[0])).toBe(0);
    expect(Math.abs(g[1])).toBe(0);
    expect(g[2]).toBeCloseTo(-(GM / (b * b)) * (1 - 3 * J2 * (a / b) ** 2), 12);
  });

  it("at GEO radius J2 is a 1e-5 relative correction and the field is radial on the equator", () => {
    const r = 42164e3;
    const g = gravityJ2(Float64Array.of(0, r, 0), new Float64Array(3));
    expect(g[1] / -(GM / (r * r)) - 1).toBeCloseTo(1.5 * J2 * (a / r) ** 2, 12);
  });

  it("equals minus the gradient of the J2 potential (central differences)", () => {
    const U = (x: number, y: number, z: number) => {
      const r = Math.hypot(x, y, z);
      const s = z / r;
      return (-GM / r) * (1 - J2 * (a / r) ** 2 * (1.5 * s * s - 0.5));
    };
    const rng = new Rng("grav-potential");
    for (let i = 0; i < 50; i++) {
      const p = geodeticToEcef(
        Math.asin(2 * rng.uniform() - 1),
        2 * Math.PI * rng.uniform(),
        rng.uniform() * 2e7,
      );
      const g = gravityJ2(p, new Float64Array(3));
      const h = 1;
      const gx = -(U(p[0] + h, p[1], p[2]) - U(p[0] - h, p[1], p[2])) / (2 * h);
      const gy = -(U(p[0], p[1] + h, p[2]) - U(p[0], p[1] - h, p[2])) / (2 * h);
      const gz = -(U(p[0], p[1], p[2] + h) - U(p[0], p[1], p[2] - h)) / (2 * h);
      const mag = Math.hypot(g[0], g[1], g[2]);
      expect(Math.hypot(g[0] - gx, g[1] - gy, g[2] - gz) / mag).toBeLessThan(1e-6);
    }
  });

  it("allows out to alias pos", () => {
    const p = Float64Array.of(4e6, 3e6, 4e6);
    const expected = gravityJ2(p, new Float64Array(3));
    gravityJ2(p, p);
    expect(Array.from(p)).toEqual(Array.from(expected));
  });
});

describe("rotatingFrameAccel", () => {
  it("centrifugal Ω²·a on the equator at rest; Coriolis 2Ω·v eastward motion deflected outward", () => {
    const out = rotatingFrameAccel(Float64Array.of(a, 0, 0), Float64Array.of(0, 0, 0), new Float64Array(3));
    expect(out[0]).toBeCloseTo(omega * omega * a, 15); // 0.033916 m/s²
    expect(out[0]).toBeCloseTo(0.0339, 4);
    expect(out[1]).toBe(0);
    expect(out[2]).toBe(0);
    // At (a, 0, 0) east is +y: moving east at 1000 m/s gives −2ω×v = +2Ω·1000 along +x (up).
    const c = rotatingFrameAccel(Float64Array.of(a, 0, 0), Float64Array.of(0, 1000, 0), new Float64Array(3));
    expect(c[0] - omega * omega * a).toBeCloseTo(2 * omega * 1000, 15);
    // Moving north at the pole-ward z direction has no Coriolis term (v ∥ ω).
    const z = rotatingFrameAccel(
      Float64Array.of(0, 0, WGS84.b),
      Float64Array.of(0, 0, 500),
      new Float64Array(3),
    );
    expect(Array.from(z)).toEqual([0, 0, 0]);
  });

  it("matches −2ω×v − ω×(ω×r) computed with explicit cross products", () => {
    const cross = (u: number[], v: number[]) => [
      u[1] * v[2] - u[2] * v[1],
      u[2] * v[0] - u[0] * v[2],
      u[0] * v[1] - u[1] * v[0],
    ];
    const w = [0, 0, omega];
    const rng = new Rng("rot");
    for (let i = 0; i < 20; i++) {
      const r = [rng.normal() * 7e6, rng.normal() * 7e6, rng.normal() * 7e6];
      const v = [rng.normal() * 7e3, rng.normal() * 7e3, rng.normal() * 7e3];
      const cor = cross(w, v);
      const cen = cross(w, cross(w, r));
      const out = rotatingFrameAccel(Float64Array.from(r), Float64Array.from(v), new Float64Array(3));
      for (let k = 0; k < 3; k++) expect(out[k]).toBeCloseTo(-2 * cor[k] - cen[k], 12);
    }
  });
});

describe("gravityJ2Jacobian", () => {
  it("matches central finite differences of gravityJ2 and is symmetric", () => {
    const rng = new Rng("grav-jacobian");
    const J = new Float64Array(9);
    const gp = new Float64Array(3);
    const gm = new Float64Array(3);
    for (let i = 0; i < 100; i++) {
      const lat = i === 0 ? Math.PI / 2 : Math.asin(2 * rng.uniform() - 1);
      const p = geodeticToEcef(lat, 2 * Math.PI * rng.uniform(), rng.uniform() * 4e7);
      gravityJ2Jacobian(p, J);
      const scale = GM / Math.hypot(p[0], p[1], p[2]) ** 3;
      for (let j = 0; j < 3; j++) {
        const h = 10;
        const pp = Float64Array.from(p);
        const pm = Float64Array.from(p);
        pp[j] += h;
        pm[j] -= h;
        gravityJ2(pp, gp);
        gravityJ2(pm, gm);
        for (let k = 0; k < 3; k++) {
          const fd = (gp[k] - gm[k]) / (2 * h);
          expect(Math.abs(J[k * 3 + j] - fd) / scale).toBeLessThan(1e-6);
        }
      }
      for (let r = 0; r < 3; r++) {
        for (let c = 0; c < 3; c++) expect(Math.abs(J[r * 3 + c] - J[c * 3 + r]) / scale).toBeLessThan(1e-12);
      }
      // Trace: Laplace's equation ∇²U = 0 outside the Earth, so ∇·a = 0.
      expect(Math.abs(J[0] + J[4] + J[8]) / scale).toBeLessThan(1e-12);
    }
  });
});

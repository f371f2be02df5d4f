import proj4 from "proj4";
import { describe, expect, it } from "vitest";
import type { WireTrack } from "../../src/server/wire.ts";
import { behindEarth, project, projectEllipse, projector, toEcef } from "./globe-overlay.ts";

const RAD = Math.PI / 180;

describe("globe overlay geometry", () => {
  it("geodetic to ECEF agrees with proj4 (WGS84 geocentric)", () => {
    const out = new Float64Array(3);
    for (const [lon, lat, h] of [
      [0, 0, 0],
      [133.2, 38.1, 400_000],
      [-70, -45, 1234],
      [10, 89.9, 0],
    ]) {
      toEcef(lon, lat, h, out, 0);
      const ref = proj4("EPSG:4326", "+proj=geocent +datum=WGS84 +units=m +no_defs", [lon, lat, h]) as number[];
      for (let k = 0; k < 3; k++) expect(out[k]).toBeCloseTo(ref[k], 3);
    }
  });

  it("hides what lies beyond the limb: seen from two Earth radii, the equator is visible to 60° away", () => {
    const a = 6_378_137;
    const pr = projector(new Float64Array(16), 100, 100, { x: 2 * a, y: 0, z: 0 });
    const at = (deg: number) => behindEarth(pr, a * Math.cos(deg * RAD), a * Math.sin(deg * RAD), 0);
    expect(at(0)).toBe(false);
    expect(at(59)).toBe(false);
    expect(at(61)).toBe(true);
    expect(at(180)).toBe(true);
    // High above the far side shows again.
    expect(behindEarth(pr, -0.1 * a, 0, 3 * a)).toBe(false);
  });

  it("projects through a view-projection matrix (column-major) to CSS px with y down", () => {
    // x_clip = Y / 1e6, y_clip = Z / 1e6, w = 1: an orthographic view along the x axis.
    const m = new Float64Array(16);
    m[4] = 1e-6; // row 0, column 1
    m[9] = 1e-6; // row 1, column 2
    m[15] = 1;
    const pr = projector(m, 200, 100, { x: 1e9, y: 0, z: 0 });
    const out = new Float64Array(2);
    expect(project(pr, 7e6, 0, 0, out)).toBe(true);
    expect([...out]).toEqual([100, 50]);
    expect(project(pr, 7e6, 0, 0.5e6, out)).toBe(true);
    expect(out[0]).toBeCloseTo(100, 9);
    expect(out[1]).toBeCloseTo(25, 9);
    expect(project(pr, -7e6, 0, 0, out)).toBe(false); // behind the Earth
  });

  it("the projected ellipse is the outline of the projected 95 % ellipsoid (affine view: exact)", () => {
    const m = new Float64Array([2e-6, 0.3e-6, 0, 0, -0.5e-6, 1.5e-6, 0, 0, 0.7e-6, 0.9e-6, 0, 0, 0.1, -0.2, 0, 1]);
    const pr = projector(m, 800, 600, { x: 3e7, y: 1e7, z: 2e7 });
    const tr = { id: "T", lat: 38, lon: 133, altM: 300_000, cov: [4e8, 1e8, -5e7, 9e8, 2e8, 2.5e9] } as unknown as WireTrack;
    const c = new Float64Array(3);
    toEcef(tr.lon, tr.lat, tr.altM, c, 0);
    const e = new Float64Array(5);
    expect(projectEllipse(pr, tr, c[0], c[1], c[2], e)).toBe(true);
    // Points on the ellipsoid surface: centre + k·L·u for unit u, L·Lᵀ = Σ (Cholesky), ENU to ECEF.
    const [ee, en, eu, nn, nu, uu] = tr.cov;
    const l00 = Math.sqrt(ee);
    const l10 = en / l00;
    const l20 = eu / l00;
    const l11 = Math.sqrt(nn - l10 * l10);
    const l21 = (nu - l20 * l10) / l11;
    const l22 = Math.sqrt(uu - l20 * l20 - l21 * l21);
    const k = Math.sqrt(7.815);
    const sp = Math.sin(tr.lat * RAD);
    const cp = Math.cos(tr.lat * RAD);
    const sl = Math.sin(tr.lon * RAD);
    const cl = Math.cos(tr.lon * RAD);
    const p = new Float64Array(2);
    let maxD = 0;
    for (let i = 0; i < 2000; i++) {
      const th = Math.acos(2 * ((i * 0.618034) % 1) - 1);
      const ph = i * 2.399963;
      const u = [Math.sin(th) * Math.cos(ph), Math.sin(th) * Math.sin(ph), Math.cos(th)];
      const de = k * l00 * u[0];
      const dn = k * (l10 * u[0] + l11 * u[1]);
      const du = k * (l20 * u[0] + l21 * u[1] + l22 * u[2]);
      const x = c[0] - sl * de - sp * cl * dn + cp * cl * du;
      const y = c[1] + cl * de - sp * sl * dn + cp * sl * du;
      const z = c[2] + cp * dn + sp * du;
      expect(project(pr, x, y, z, p)).toBe(true);
      // Distance in the ellipse's own frame (1 on the outline).
      const dx = p[0] - e[0];
      const dy = p[1] - e[1];
      const a = (dx * Math.cos(e[4]) + dy * Math.sin(e[4])) / e[2];
      const b = (-dx * Math.sin(e[4]) + dy * Math.cos(e[4])) / e[3];
      maxD = Math.max(maxD, Math.hypot(a, b));
    }
    expect(maxD).toBeLessThanOrEqual(1 + 1e-9);
    expect(maxD).toBeGreaterThan(0.999); // and it touches the outline
  });
});

/**
 * The tracks layer of the globe, drawn on a 2-D canvas laid over Cesium's WebGL canvas.
 *
 * Why not Cesium primitives: re-rendering the WebGL scene costs the whole globe, every pixel, every
 * time — on a software GPU (SwiftShader) 200–400 ms a frame however few primitives change — while a
 * picture changes only the tracks. So the globe is rendered only when the camera moves, a tile loads
 * or the alerts change, and each picture redraws just this layer: every track's point, history line,
 * 95 % uncertainty ellipsoid (as the ellipse it projects to) and label, projected through the
 * camera's view-projection matrix, hidden behind the Earth's limb as Cesium's EllipsoidalOccluder
 * does. After every globe render the layer is redrawn with the same camera, so the two never drift
 * apart. One path per colour and kind, filled or stroked once. WGS84 throughout; no allocation per
 * track except label text.
 */
import type { PictureFrame, WireTrack } from "../../src/server/wire.ts";
import { HISTORY_POINTS, type TrackHistory } from "./connection.ts";

/** Only this many tracks get an ellipse and a label, and a history line (the rest are points). */
export const MAX_ELLIPSES = 25;
export const MAX_LABELS = 25;
export const MAX_HISTORIES = 150;
/** 95 % of a 3-D Gaussian lies within this many σ along each principal axis (√χ²₃(0.95)). */
const K95_3D = Math.sqrt(7.815);
const LABEL_FONT = '600 12px "Noto Sans", "Noto Sans Arabic", "DejaVu Sans", sans-serif';

const RAD = Math.PI / 180;
const WGS84_A = 6_378_137;
const WGS84_B = 6_356_752.314245179;
const WGS84_E2 = 1 - (WGS84_B * WGS84_B) / (WGS84_A * WGS84_A);

/** WGS84 geodetic (degrees, metres) to Earth-centred Earth-fixed metres, into out[i..i+2]. */
export function toEcef(lonDeg: number, latDeg: number, altM: number, out: Float64Array, i: number): void {
  const lat = latDeg * RAD;
  const lon = lonDeg * RAD;
  const sl = Math.sin(lat);
  const cl = Math.cos(lat);
  const n = WGS84_A / Math.sqrt(1 - WGS84_E2 * sl * sl);
  out[i] = (n + altM) * cl * Math.cos(lon);
  out[i + 1] = (n + altM) * cl * Math.sin(lon);
  out[i + 2] = (n * (1 - WGS84_E2) + altM) * sl;
}

/** A camera as the layer needs it: view-projection and viewport, and the limb test's terms. */
export interface Projector {
  /** View-projection, column-major 4×4 (Cesium's Matrix4 layout). */
  readonly m: ArrayLike<number>;
  /** Viewport in CSS pixels. */
  readonly width: number;
  readonly height: number;
  /** Camera position in the space where the ellipsoid is the unit sphere, and its distance² to the limb. */
  readonly cx: number;
  readonly cy: number;
  readonly cz: number;
  readonly limb2: number;
}

export function projector(m: ArrayLike<number>, width: number, height: number, camera: { x: number; y: number; z: number }): Projector {
  const cx = camera.x / WGS84_A;
  const cy = camera.y / WGS84_A;
  const cz = camera.z / WGS84_B;
  return { m, width, height, cx, cy, cz, limb2: cx * cx + cy * cy + cz * cz - 1 };
}

/** Whether the Earth hides an ECEF point from the camera (Cesium's EllipsoidalOccluder, scaled space). */
export function behindEarth(pr: Projector, x: number, y: number, z: number): boolean {
  const vx = x / WGS84_A - pr.cx;
  const vy = y / WGS84_A - pr.cy;
  const vz = z / WGS84_B - pr.cz;
  const vtDotVc = -(vx * pr.cx + vy * pr.cy + vz * pr.cz);
  if (pr.limb2 < 0) return vtDotVc > 0;
  return vtDotVc > pr.limb2 && (vtDotVc * vtDotVc) / (vx * vx + vy * vy + vz * vz) > pr.limb2;
}

/**
 * Window position (CSS px, y down) of an ECEF point into out[0], out[1]; false when it is behind the
 * camera or the Earth.
 */
export function project(pr: Projector, x: number, y: number, z: number, out: Float64Array): boolean {
  const m = pr.m;
  const w = m[3] * x + m[7] * y + m[11] * z + m[15];
  if (w <= 0 || behindEarth(pr, x, y, z)) return false;
  out[0] = ((1 + (m[0] * x + m[4] * y + m[8] * z + m[12]) / w) * pr.width) / 2;
  out[1] = ((1 - (m[1] * x + m[5] * y + m[9] * z + m[13]) / w) * pr.height) / 2;
  return true;
}

/**
 * The ellipse (CSS px) that a track's 95 % position ellipsoid projects to, linearised at its centre:
 * with J the projection's Jacobian and E the east-north-up axes in ECEF, the outline of
 * {x : xᵀΣ⁻¹x ≤ k²} maps to {y : yᵀ(JEΣEᵀJᵀ)⁻¹y ≤ k²}. Into out: [x, y, rx, ry, rotation (rad, from
 * +x towards +y)]. False when the centre is not visible.
 */
export function projectEllipse(pr: Projector, tr: WireTrack, x: number, y: number, z: number, out: Float64Array): boolean {
  if (!project(pr, x, y, z, out)) return false;
  const m = pr.m;
  const cw = m[3] * x + m[7] * y + m[11] * z + m[15];
  const cxx = m[0] * x + m[4] * y + m[8] * z + m[12];
  const cyy = m[1] * x + m[5] * y + m[9] * z + m[13];
  const hw = pr.width / 2 / (cw * cw);
  const hh = -pr.height / 2 / (cw * cw);
  // Jacobian rows: window px per ECEF metre.
  const jx0 = hw * (m[0] * cw - cxx * m[3]);
  const jx1 = hw * (m[4] * cw - cxx * m[7]);
  const jx2 = hw * (m[8] * cw - cxx * m[11]);
  const jy0 = hh * (m[1] * cw - cyy * m[3]);
  const jy1 = hh * (m[5] * cw - cyy * m[7]);
  const jy2 = hh * (m[9] * cw - cyy * m[11]);
  // East, north, up at the track (geodetic).
  const lat = tr.lat * RAD;
  const lon = tr.lon * RAD;
  const sp = Math.sin(lat);
  const cp = Math.cos(lat);
  const sl = Math.sin(lon);
  const cl = Math.cos(lon);
  // A = J·E (2×3): columns east, north, up.
  const ax0 = -sl * jx0 + cl * jx1;
  const ax1 = -sp * cl * jx0 - sp * sl * jx1 + cp * jx2;
  const ax2 = cp * cl * jx0 + cp * sl * jx1 + sp * jx2;
  const ay0 = -sl * jy0 + cl * jy1;
  const ay1 = -sp * cl * jy0 - sp * sl * jy1 + cp * jy2;
  const ay2 = cp * cl * jy0 + cp * sl * jy1 + sp * jy2;
  // Σ (ENU) from the wire's upper triangle [ee, en, eu, nn, nu, uu].
  const c = tr.cov;
  const q = (a0: number, a1: number, a2: number, b0: number, b1: number, b2: number) =>
    a0 * (c[0] * b0 + c[1] * b1 + c[2] * b2) + a1 * (c[1] * b0 + c[3] * b1 + c[4] * b2) + a2 * (c[2] * b0 + c[4] * b1 + c[5] * b2);
  const sxx = q(ax0, ax1, ax2, ax0, ax1, ax2);
  const syy = q(ay0, ay1, ay2, ay0, ay1, ay2);
  const sxy = q(ax0, ax1, ax2, ay0, ay1, ay2);
  const mean = (sxx + syy) / 2;
  const d = Math.sqrt(((sxx - syy) / 2) ** 2 + sxy * sxy);
  out[2] = K95_3D * Math.sqrt(Math.max(0, mean + d));
  out[3] = K95_3D * Math.sqrt(Math.max(0, mean - d));
  out[4] = 0.5 * Math.atan2(2 * sxy, sxx - syy);
  return true;
}

/** A track's history line in ECEF: the same ring as its TrackHistory, converted point by point as it grows. */
export class HistoryLine {
  readonly ecef = new Float64Array(HISTORY_POINTS * 3);
  private hist: TrackHistory | null = null;
  private taken = 0;
  /** The drawing generation that last used the line (older: the track ended). */
  gen = 0;

  /** Converts the points the history gained since the last call (all of them for a new history). */
  update(h: TrackHistory): void {
    if (this.hist !== h) {
      this.hist = h;
      this.taken = 0;
    }
    const xyz = h.xyz;
    for (let k = Math.max(this.taken, h.total - h.length); k < h.total; k++) {
      const i = h.index(k);
      toEcef(xyz[i], xyz[i + 1], xyz[i + 2], this.ecef, i);
    }
    this.taken = h.total;
  }

  get history(): TrackHistory | null {
    return this.hist;
  }
}

/** Everything the layer draws for one picture, kept to redraw it when the camera moves. */
export class TrackLayer {
  /** ECEF of own tracks, then system tracks, then truth objects. */
  private pos = new Float64Array(0);
  /** History line per own-then-system track (null: none drawn). */
  private readonly lines: (HistoryLine | null)[] = [];
  private readonly ownLines = new Map<string, HistoryLine>();
  private readonly systemLines = new Map<string, HistoryLine>();
  private gen = 0;
  private picture: PictureFrame | null = null;
  private readonly xy = new Float64Array(5);

  /** Takes a new picture: positions to ECEF, history lines moved on by their new points. */
  set(p: PictureFrame, history: ReadonlyMap<string, TrackHistory>): void {
    this.picture = p;
    const n = p.tracks.length + p.systemTracks.length + p.truth.length;
    if (this.pos.length < 3 * n) this.pos = new Float64Array(3 * Math.max(n, 64) * 2);
    let i = 0;
    for (const tr of p.tracks) toEcef(tr.lon, tr.lat, tr.altM, this.pos, 3 * i++);
    for (const tr of p.systemTracks) toEcef(tr.lon, tr.lat, tr.altM, this.pos, 3 * i++);
    for (const o of p.truth) toEcef(o.lon, o.lat, o.altM, this.pos, 3 * i++);
    this.gen++;
    this.lines.length = 0;
    let left = MAX_HISTORIES;
    const take = (list: readonly WireTrack[], lines: Map<string, HistoryLine>) => {
      for (const tr of list) {
        const h = history.get(tr.id);
        if (!h || h.length < 2 || left <= 0) {
          this.lines.push(null);
          continue;
        }
        left--;
        let line = lines.get(tr.id);
        if (!line) lines.set(tr.id, (line = new HistoryLine()));
        line.update(h);
        line.gen = this.gen;
        this.lines.push(line);
      }
      for (const [id, line] of lines) if (line.gen !== this.gen) lines.delete(id);
    };
    take(p.tracks, this.ownLines);
    take(p.systemTracks, this.systemLines);
  }

  /** Draws the picture through the camera `pr` on a canvas already cleared and scaled to CSS px. */
  draw(g: CanvasRenderingContext2D, pr: Projector, ownColor: string, systemColor: string, truthColor: string): void {
    const p = this.picture;
    if (!p) return;
    const nOwn = p.tracks.length;
    const nSys = p.systemTracks.length;
    g.lineJoin = "round";
    g.lineCap = "round";
    this.drawLines(g, pr, 0, nOwn, ownColor);
    this.drawLines(g, pr, nOwn, nOwn + nSys, systemColor);
    // Ellipses of the first system tracks, or own tracks when there is no fusion yet.
    if (nSys) this.drawEllipses(g, pr, nOwn, p.systemTracks, systemColor);
    else this.drawEllipses(g, pr, 0, p.tracks, ownColor);
    this.drawPoints(g, pr, 0, nOwn, ownColor, 3.5, true);
    this.drawPoints(g, pr, nOwn, nOwn + nSys, systemColor, 3.5, true);
    this.drawPoints(g, pr, nOwn + nSys, nOwn + nSys + p.truth.length, truthColor, 2.5, false);
    this.drawLabels(g, pr, nOwn, p.systemTracks, systemColor);
  }

  private drawLines(g: CanvasRenderingContext2D, pr: Projector, from: number, to: number, color: string): void {
    const xy = this.xy;
    g.beginPath();
    for (let t = from; t < to; t++) {
      const line = this.lines[t];
      const h = line?.history;
      if (!line || !h) continue;
      let pen = false;
      for (let k = h.total - h.length; k < h.total; k++) {
        const i = h.index(k);
        if (!project(pr, line.ecef[i], line.ecef[i + 1], line.ecef[i + 2], xy)) {
          pen = false; // hidden: lift the pen, go on where it shows again
          continue;
        }
        if (pen) g.lineTo(xy[0], xy[1]);
        else g.moveTo(xy[0], xy[1]);
        pen = true;
      }
    }
    g.globalAlpha = 0.8;
    g.lineWidth = 2;
    g.strokeStyle = color;
    g.stroke();
    g.globalAlpha = 1;
  }

  private drawEllipses(g: CanvasRenderingContext2D, pr: Projector, from: number, list: readonly WireTrack[], color: string): void {
    const e = this.xy;
    g.beginPath();
    for (let j = 0; j < list.length && j < MAX_ELLIPSES; j++) {
      const i = 3 * (from + j);
      if (!projectEllipse(pr, list[j], this.pos[i], this.pos[i + 1], this.pos[i + 2], e)) continue;
      const rx = Math.max(0.5, e[2]);
      const ry = Math.max(0.5, e[3]);
      g.moveTo(e[0] + rx * Math.cos(e[4]), e[1] + rx * Math.sin(e[4]));
      g.ellipse(e[0], e[1], rx, ry, e[4], 0, 2 * Math.PI);
    }
    g.fillStyle = color;
    g.globalAlpha = 0.25;
    g.fill();
    g.globalAlpha = 0.6;
    g.lineWidth = 1;
    g.strokeStyle = color;
    g.stroke();
    g.globalAlpha = 1;
  }

  private drawPoints(g: CanvasRenderingContext2D, pr: Projector, from: number, to: number, color: string, r: number, outline: boolean): void {
    if (to <= from) return;
    // An outline is a black disc under each dot: all discs, then all dots, so dots that overlap
    // merge under one outline instead of being crossed by each other's.
    if (outline) this.discs(g, pr, from, to, r + 1, "#000");
    this.discs(g, pr, from, to, r, color);
  }

  private discs(g: CanvasRenderingContext2D, pr: Projector, from: number, to: number, r: number, color: string): void {
    const xy = this.xy;
    g.beginPath();
    for (let t = from; t < to; t++) {
      if (!project(pr, this.pos[3 * t], this.pos[3 * t + 1], this.pos[3 * t + 2], xy)) continue;
      g.moveTo(xy[0] + r, xy[1]);
      g.arc(xy[0], xy[1], r, 0, 2 * Math.PI);
    }
    g.fillStyle = color;
    g.fill();
  }

  private drawLabels(g: CanvasRenderingContext2D, pr: Projector, from: number, list: readonly WireTrack[], color: string): void {
    const xy = this.xy;
    g.font = LABEL_FONT;
    g.textBaseline = "middle";
    g.textAlign = "left";
    g.direction = "ltr";
    g.lineWidth = 3;
    g.strokeStyle = "rgba(0,0,0,0.85)";
    g.fillStyle = color;
    for (let j = 0; j < list.length && j < MAX_LABELS; j++) {
      const i = 3 * (from + j);
      if (!project(pr, this.pos[i], this.pos[i + 1], this.pos[i + 2], xy)) continue;
      g.strokeText(list[j].id, xy[0] + 10, xy[1]);
      g.fillText(list[j].id, xy[0] + 10, xy[1]);
    }
  }
}

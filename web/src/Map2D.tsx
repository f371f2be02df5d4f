/**
 * The 2-D map for browsers without WebGL: an equirectangular map of north-east Asia. What changes
 * rarely — world-atlas coastlines (served locally), sensors and their coverage, warning areas — is an
 * SVG that React renders when the setup changes. What changes with every picture — tracks with 95 %
 * horizontal ellipses and history, impact ellipses, launch points, truth — is drawn on a canvas over
 * it in one pass per picture (one path per colour and kind), outside React, as soon as the connection
 * has the newest picture. Text is drawn by the browser (SVG text, canvas fillText), which shapes it.
 */
import { feature } from "topojson-client";
import { memo, useEffect, useRef, useState } from "react";
import type { PictureFrame, SetupFrame, WireTrack } from "../../src/server/wire.ts";
import { ALERT_COLOR, AREA_COLOR, NATION_COLOR, SYSTEM_COLOR, TRUTH_COLOR } from "./colors.ts";
import type { Connection } from "./connection.ts";
import { coverageRing, horizontalEllipse } from "./geo.ts";
import type { Key } from "./i18n.ts";
import { perf, pictureShown } from "./perf.ts";

const LON0 = 112;
const LON1 = 160;
const LAT0 = 22;
const LAT1 = 52;
const KX = Math.cos((37 * Math.PI) / 180);
const X = (lon: number) => (lon - LON0) * KX * 20;
const Y = (lat: number) => (LAT1 - lat) * 20;
const W = X(LON1);
const H = Y(LAT0);
/** 95 % of a 2-D Gaussian lies within this many σ (√χ²₂(0.95)). */
const K95_2D = Math.sqrt(5.991);

let landCache: Promise<string> | null = null;
function landPath(): Promise<string> {
  landCache ??= fetch("/atlas/land-50m.json")
    .then((r) => r.json())
    .then((topo) => {
      const fc = feature(topo, topo.objects.land) as unknown as { features: { geometry: { type: string; coordinates: number[][][][] | number[][][] } }[] };
      const parts: string[] = [];
      for (const f of fc.features) {
        const polys = f.geometry.type === "Polygon" ? [f.geometry.coordinates as number[][][]] : (f.geometry.coordinates as number[][][][]);
        for (const poly of polys)
          for (const ring of poly) {
            if (!ring.some(([lo, la]) => lo > LON0 - 10 && lo < LON1 + 10 && la > LAT0 - 10 && la < LAT1 + 10)) continue;
            parts.push(`M${ring.map(([lo, la]) => `${X(lo).toFixed(1)},${Y(la).toFixed(1)}`).join("L")}Z`);
          }
      }
      return parts.join("");
    });
  return landCache;
}

const ring = (pts: readonly (readonly [number, number])[]) => pts.map(([la, lo]) => `${X(lo).toFixed(1)},${Y(la).toFixed(1)}`).join(" ");

/** Tracks (own and system, in that order) up to these indices get a history line, an ellipse, a label. */
const MAX_HISTORIES = 300;
const MAX_ELLIPSES = 100;
const MAX_LABELS = 30;
const KM_PER_UNIT = 111.2 / 20;
const LABEL_FONT = '11px "Noto Sans", "Noto Sans Arabic", "DejaVu Sans", sans-serif';

export const Map2D = memo(function Map2D(props: { conn: Connection; setup: SetupFrame | null; t: (k: Key) => string }) {
  const { conn, setup, t } = props;
  const [land, setLand] = useState("");
  const canvasRef = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    void landPath().then(setLand, () => setLand(""));
  }, []);
  useEffect(() => {
    const canvas = canvasRef.current;
    const g = canvas?.getContext("2d");
    if (!canvas || !g) return;
    let drawnSeq = -1;
    const draw = () => {
      const p = conn.picture;
      if (!p) return;
      drawnSeq = conn.pictureSeq;
      const t0 = performance.now();
      drawPicture(canvas, g, p, conn, t);
      perf.drawMs += performance.now() - t0;
      pictureShown(p.clock.t);
    };
    // The connection tells its listeners from the animation frame in which it parsed the newest picture.
    const unsubscribe = conn.subscribe(() => {
      if (conn.pictureSeq !== drawnSeq) draw();
    });
    const resized = new ResizeObserver(draw);
    resized.observe(canvas);
    draw();
    return () => {
      unsubscribe();
      resized.disconnect();
    };
  }, [conn, t]);
  return (
    <div className="map2d" data-testid="map2d" role="img" aria-label={t("map2d")}>
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="xMidYMid meet" aria-hidden="true">
        <rect x={0} y={0} width={W} height={H} fill="#0b2239" />
        <path d={land} fill="#2e3b2c" stroke="#7a8f74" strokeWidth={0.8} />
        {setup?.sensors.map((s) => (
          <g key={s.id}>
            {s.coverage && (
              <polygon
                points={ring(coverageRing(s.lat, s.lon, s.coverage.rangeM, s.coverage.boresightDeg, s.coverage.halfWidthDeg))}
                fill={NATION_COLOR[s.nation]}
                fillOpacity={0.06}
                stroke={NATION_COLOR[s.nation]}
                strokeOpacity={0.5}
              />
            )}
            <circle cx={X(s.lon)} cy={Y(s.lat)} r={4} fill={NATION_COLOR[s.nation]} stroke="#000" />
            <text x={X(s.lon) + 6} y={Y(s.lat) - 6} className="maplabel" fill={NATION_COLOR[s.nation]}>
              {s.id}
            </text>
          </g>
        ))}
        {setup?.areas.map((a) => (
          <g key={a.id}>
            <polygon points={ring(a.ring)} fill="none" stroke={AREA_COLOR} strokeWidth={2} />
            <text x={X(a.ring[0][1])} y={Y(a.ring[0][0]) - 4} className="maplabel" fill={AREA_COLOR}>
              {a.name}
            </text>
          </g>
        ))}
      </svg>
      <canvas ref={canvasRef} />
    </div>
  );
});

/** Sizes the canvas to its box and maps map units onto it as the SVG's viewBox does ("meet", centred). */
function fit(canvas: HTMLCanvasElement, g: CanvasRenderingContext2D): void {
  const dpr = window.devicePixelRatio || 1;
  const cw = canvas.clientWidth;
  const ch = canvas.clientHeight;
  const pw = Math.max(1, Math.round(cw * dpr));
  const ph = Math.max(1, Math.round(ch * dpr));
  if (canvas.width !== pw || canvas.height !== ph) {
    canvas.width = pw;
    canvas.height = ph;
  }
  g.setTransform(1, 0, 0, 1, 0, 0);
  g.clearRect(0, 0, pw, ph);
  const k = Math.min(cw / W, ch / H);
  g.setTransform(k * dpr, 0, 0, k * dpr, ((cw - W * k) / 2) * dpr, ((ch - H * k) / 2) * dpr);
}

function label(g: CanvasRenderingContext2D, text: string, x: number, y: number, color: string): void {
  g.strokeText(text, x, y);
  g.fillStyle = color;
  g.fillText(text, x, y);
}

/** Draws one picture: each kind of shape in each colour is one path, filled or stroked once. */
function drawPicture(canvas: HTMLCanvasElement, g: CanvasRenderingContext2D, p: PictureFrame, conn: Connection, t: (k: Key) => string): void {
  fit(canvas, g);
  g.lineJoin = "round";
  g.font = LABEL_FONT;
  g.textBaseline = "alphabetic";
  g.textAlign = "start";
  // Impact ellipses (one per threat: every area's alert of a threat carries the same prediction).
  const perThreat = new Map(p.alerts.map((a) => [a.threatId, a]));
  if (perThreat.size) {
    g.beginPath();
    for (const a of perThreat.values()) {
      a.ellipse.forEach(([la, lo], i) => (i === 0 ? g.moveTo(X(lo), Y(la)) : g.lineTo(X(lo), Y(la))));
      g.closePath();
    }
    g.globalAlpha = 0.3;
    g.fillStyle = ALERT_COLOR;
    g.fill();
    g.globalAlpha = 1;
    g.lineWidth = 2;
    g.strokeStyle = ALERT_COLOR;
    g.stroke();
  }
  // Launch points: triangles.
  if (p.launchPoints.length) {
    g.beginPath();
    for (const l of p.launchPoints) {
      const x = X(l.lon);
      const y = Y(l.lat);
      g.moveTo(x, y - 8);
      g.lineTo(x - 7, y + 5);
      g.lineTo(x + 7, y + 5);
      g.closePath();
    }
    g.fillStyle = "#ff5252";
    g.fill();
    g.lineWidth = 1;
    g.strokeStyle = "#fff";
    g.stroke();
  }
  // Tracks: own then system, as one numbering for the caps.
  const own = NATION_COLOR[p.view] ?? "#fff";
  drawTracks(g, p.tracks, 0, own, conn);
  drawTracks(g, p.systemTracks, p.tracks.length, SYSTEM_COLOR, conn);
  if (p.truth.length) {
    g.beginPath();
    for (const o of p.truth) {
      g.moveTo(X(o.lon) + 2.5, Y(o.lat));
      g.arc(X(o.lon), Y(o.lat), 2.5, 0, 2 * Math.PI);
    }
    g.fillStyle = TRUTH_COLOR;
    g.fill();
  }
  // Labels last, above every shape; a dark halo keeps them readable.
  g.lineWidth = 3;
  g.strokeStyle = "#000";
  for (const a of perThreat.values()) label(g, `${t("impactArea")} ${a.threatId}`, X(a.impact.lon), Y(a.impact.lat) + 18, ALERT_COLOR);
  for (const l of p.launchPoints) label(g, `${t("launchPoint")} ${l.id}`, X(l.lon) + 9, Y(l.lat), "#ff5252");
  for (let i = 0; i < p.tracks.length && i < MAX_LABELS; i++) label(g, p.tracks[i].id, X(p.tracks[i].lon) + 5, Y(p.tracks[i].lat) + 12, own);
  for (let i = 0; i + p.tracks.length < MAX_LABELS && i < p.systemTracks.length; i++) {
    const tr = p.systemTracks[i];
    label(g, tr.id, X(tr.lon) + 5, Y(tr.lat) + 12, SYSTEM_COLOR);
  }
}

/** History lines, 95 % ellipses and dots of one list of tracks, numbered from `first`. */
function drawTracks(g: CanvasRenderingContext2D, list: readonly WireTrack[], first: number, color: string, conn: Connection): void {
  if (list.length === 0) return;
  g.strokeStyle = color;
  g.fillStyle = color;
  g.beginPath();
  for (let i = 0; i < list.length && first + i < MAX_HISTORIES; i++) {
    const h = conn.history.get(list[i].id);
    if (!h || h.length < 2) continue;
    const xyz = h.xyz;
    for (let k = h.total - h.length; k < h.total; k++) {
      const j = h.index(k);
      if (k === h.total - h.length) g.moveTo(X(xyz[j]), Y(xyz[j + 1]));
      else g.lineTo(X(xyz[j]), Y(xyz[j + 1]));
    }
  }
  g.globalAlpha = 0.7;
  g.lineWidth = 1;
  g.stroke();
  g.beginPath();
  for (let i = 0; i < list.length && first + i < MAX_ELLIPSES; i++) {
    const tr = list[i];
    const e = horizontalEllipse(tr.cov);
    const rx = Math.max(1, (K95_2D * e.a) / 1000 / KM_PER_UNIT);
    const ry = Math.max(1, (K95_2D * e.b) / 1000 / KM_PER_UNIT);
    const rot = ((e.azDeg - 90) * Math.PI) / 180;
    const x = X(tr.lon);
    const y = Y(tr.lat);
    g.moveTo(x + rx * Math.cos(rot), y + rx * Math.sin(rot));
    g.ellipse(x, y, rx, ry, rot, 0, 2 * Math.PI);
  }
  g.globalAlpha = 0.15;
  g.fill();
  g.globalAlpha = 0.6;
  g.stroke();
  g.globalAlpha = 1;
  // Dots over black discs (all discs first): overlapping dots merge under one outline.
  discs(g, list, 3.5, "#000");
  discs(g, list, 3, color);
}

function discs(g: CanvasRenderingContext2D, list: readonly WireTrack[], r: number, color: string): void {
  g.beginPath();
  for (let i = 0; i < list.length; i++) {
    const x = X(list[i].lon);
    const y = Y(list[i].lat);
    g.moveTo(x + r, y);
    g.arc(x, y, r, 0, 2 * Math.PI);
  }
  g.fillStyle = color;
  g.fill();
}

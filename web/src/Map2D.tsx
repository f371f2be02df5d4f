/**
 * The 2-D map for browsers without WebGL: an equirectangular SVG of north-east Asia with world-atlas
 * coastlines (served locally), sensors and coverage, tracks with 95 % horizontal ellipses and history,
 * impact ellipses, warning areas and launch points. Text is plain SVG text, which the browser shapes.
 */
import { feature } from "topojson-client";
import { useEffect, useState } from "react";
import type { PictureFrame, SetupFrame } from "../../src/server/wire.ts";
import { ALERT_COLOR, AREA_COLOR, NATION_COLOR, SYSTEM_COLOR, TRUTH_COLOR } from "./colors.ts";
import type { Connection } from "./connection.ts";
import { coverageRing, horizontalEllipse } from "./geo.ts";
import type { Key } from "./i18n.ts";
import { pictureShown } from "./perf.ts";

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

export function Map2D(props: { conn: Connection; setup: SetupFrame | null; picture: PictureFrame | null; t: (k: Key) => string }) {
  const { conn, setup, picture, t } = props;
  const [land, setLand] = useState("");
  useEffect(() => {
    void landPath().then(setLand, () => setLand(""));
  }, []);
  useEffect(() => {
    if (picture) pictureShown(picture.clock.t);
  }, [picture]);
  const tracks = picture ? [...picture.tracks.map((tr) => ({ tr, color: NATION_COLOR[picture.view] ?? "#fff" })), ...picture.systemTracks.map((tr) => ({ tr, color: SYSTEM_COLOR }))] : [];
  return (
    <svg className="map2d" data-testid="map2d" viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="xMidYMid meet" role="img" aria-label={t("map2d")}>
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
      {[...new Map((picture?.alerts ?? []).map((a) => [a.threatId, a])).values()].map((a) => (
        <g key={a.id}>
          <polygon points={ring(a.ellipse)} fill={ALERT_COLOR} fillOpacity={0.3} stroke={ALERT_COLOR} strokeWidth={2} />
          <text x={X(a.impact.lon)} y={Y(a.impact.lat) + 18} className="maplabel" fill={ALERT_COLOR}>
            {t("impactArea")} {a.threatId}
          </text>
        </g>
      ))}
      {picture?.launchPoints.map((l) => (
        <g key={l.id}>
          <polygon points={`${X(l.lon)},${Y(l.lat) - 8} ${X(l.lon) - 7},${Y(l.lat) + 5} ${X(l.lon) + 7},${Y(l.lat) + 5}`} fill="#ff5252" stroke="#fff" />
          <text x={X(l.lon) + 9} y={Y(l.lat)} className="maplabel" fill="#ff5252">
            {t("launchPoint")} {l.id}
          </text>
        </g>
      ))}
      {tracks.map(({ tr, color }, i) => {
        const h = conn.history.get(tr.id);
        const e = horizontalEllipse(tr.cov);
        const kmPerUnit = 111.2 / 20;
        return (
          <g key={tr.id}>
            {h && h.length > 1 && i < 300 && <polyline points={h.map(([lo, la]) => `${X(lo).toFixed(1)},${Y(la).toFixed(1)}`).join(" ")} fill="none" stroke={color} strokeOpacity={0.7} />}
            {i < 100 && (
              <ellipse
                cx={X(tr.lon)}
                cy={Y(tr.lat)}
                rx={Math.max(1, (K95_2D * e.a) / 1000 / kmPerUnit)}
                ry={Math.max(1, (K95_2D * e.b) / 1000 / kmPerUnit)}
                transform={`rotate(${e.azDeg - 90} ${X(tr.lon)} ${Y(tr.lat)})`}
                fill={color}
                fillOpacity={0.15}
                stroke={color}
                strokeOpacity={0.6}
              />
            )}
            <circle cx={X(tr.lon)} cy={Y(tr.lat)} r={3} fill={color} stroke="#000" strokeWidth={0.5} />
            {i < 30 && (
              <text x={X(tr.lon) + 5} y={Y(tr.lat) + 12} className="maplabel" fill={color}>
                {tr.id}
              </text>
            )}
          </g>
        );
      })}
      {picture?.truth.map((o) => <circle key={o.id} cx={X(o.lon)} cy={Y(o.lat)} r={2.5} fill={TRUTH_COLOR} />)}
    </svg>
  );
}

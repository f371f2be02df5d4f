/**
 * An offline map in SVG: land from Natural Earth 1:50m as shipped by the `world-atlas` package
 * (TopoJSON → GeoJSON by topojson-client, as in ../warning/maritime-zones.ts), drawn in an
 * equirectangular projection scaled by cos(mid-latitude) so shapes near Korea and Japan look right.
 * The view is the bounding box of what is drawn, padded.
 */
import { createRequire } from "node:module";
import { feature } from "topojson-client";
import { esc, NATION_COLOR } from "./svg.ts";

export interface MapLayer {
  readonly lines: readonly { id: string; coords: readonly [number, number][]; color: string }[];
  readonly polygons: readonly {
    id: string;
    coords: readonly [number, number][];
    color: string;
    fillOpacity: number;
    dash?: boolean;
    title: string;
  }[];
  readonly points: readonly {
    id: string;
    lon: number;
    lat: number;
    color: string;
    shape: "circle" | "cross" | "triangle";
    title: string;
  }[];
}

let land: number[][][] | null = null;

/** Land rings, [lon, lat] degrees. */
function landRings(): number[][][] {
  if (land) return land;
  const require = createRequire(import.meta.url);
  // biome-ignore lint/suspicious/noExplicitAny: TopoJSON topology as shipped by world-atlas.
  const topo = require("world-atlas/land-50m.json") as any;
  const fc = feature(topo, topo.objects.land) as unknown as {
    features: { geometry: { type: string; coordinates: number[][][] | number[][][][] } }[];
  };
  const rings: number[][][] = [];
  for (const f of fc.features) {
    const polys = (
      f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates
    ) as number[][][][];
    for (const p of polys) for (const r of p) rings.push(r);
  }
  land = rings;
  return rings;
}

export function mapSvg(
  layer: MapLayer,
  legend: readonly { label: string; swatch: string }[],
  width = 720,
): string {
  const lons: number[] = [];
  const lats: number[] = [];
  for (const l of layer.lines) for (const [lon, lat] of l.coords) lons.push(lon), lats.push(lat);
  for (const p of layer.polygons) for (const [lon, lat] of p.coords) lons.push(lon), lats.push(lat);
  for (const p of layer.points) lons.push(p.lon), lats.push(p.lat);
  if (lons.length === 0) return "";
  let [w, e, s, n] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
  const pad = Math.max(1, 0.12 * Math.max(e - w, n - s));
  w -= pad;
  e += pad;
  s -= pad;
  n += pad;
  const k = Math.cos((((s + n) / 2) * Math.PI) / 180);
  const spanX = (e - w) * k;
  const spanY = n - s;
  const height = Math.round(Math.min(620, Math.max(240, (width * spanY) / spanX)));
  const scale = Math.min(width / spanX, height / spanY);
  const ox = (width - spanX * scale) / 2;
  const oy = (height - spanY * scale) / 2;
  const px = (lon: number) => ox + (lon - w) * k * scale;
  const py = (lat: number) => oy + (n - lat) * scale;
  const path = (coords: readonly (readonly number[])[], close: boolean) =>
    coords.map(([lon, lat], i) => `${i ? "L" : "M"}${px(lon).toFixed(1)},${py(lat).toFixed(1)}`).join("") +
    (close ? "Z" : "");
  const parts: string[] = [`<rect width="${width}" height="${height}" fill="#dbe9f4"/>`];
  const landD: string[] = [];
  for (const r of landRings()) {
    let inView = false;
    for (const [lon, lat] of r)
      if (lon >= w - 5 && lon <= e + 5 && lat >= s - 5 && lat <= n + 5) {
        inView = true;
        break;
      }
    if (inView) landD.push(path(r, true));
  }
  parts.push(`<path d="${landD.join("")}" fill="#f2efe6" stroke="#8a8a8a" stroke-width="0.6"/>`);
  // Graticule every 1, 2 or 5 degrees.
  const step = e - w > 30 ? 5 : e - w > 12 ? 2 : 1;
  for (let lon = Math.ceil(w / step) * step; lon <= e; lon += step)
    parts.push(
      `<line x1="${px(lon)}" x2="${px(lon)}" y1="0" y2="${height}" class="grat"/><text x="${px(lon) + 2}" y="${height - 4}" class="gl">${lon}°E</text>`,
    );
  for (let lat = Math.ceil(s / step) * step; lat <= n; lat += step)
    parts.push(
      `<line x1="0" x2="${width}" y1="${py(lat)}" y2="${py(lat)}" class="grat"/><text x="3" y="${py(lat) - 2}" class="gl">${lat}°N</text>`,
    );
  for (const p of layer.polygons)
    parts.push(
      `<path d="${path(p.coords, true)}" fill="${p.color}" fill-opacity="${p.fillOpacity}" stroke="${p.color}" stroke-width="1.2"${p.dash ? ' stroke-dasharray="4 3"' : ""}><title>${esc(p.title)}</title></path>`,
    );
  for (const l of layer.lines)
    parts.push(
      `<path d="${path(l.coords, false)}" fill="none" stroke="${l.color}" stroke-width="1.8"><title>${esc(l.id)}</title></path>`,
    );
  for (const p of layer.points) {
    const x = px(p.lon);
    const y = py(p.lat);
    const t = `<title>${esc(p.title)}</title>`;
    if (p.shape === "circle")
      parts.push(
        `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3.5" fill="${p.color}" stroke="#fff">${t}</circle>`,
      );
    else if (p.shape === "triangle")
      parts.push(
        `<path d="M${x},${y - 6}L${x + 5},${y + 4}L${x - 5},${y + 4}Z" fill="${p.color}" stroke="#fff">${t}</path>`,
      );
    else
      parts.push(
        `<path d="M${x - 5},${y - 5}L${x + 5},${y + 5}M${x - 5},${y + 5}L${x + 5},${y - 5}" stroke="${p.color}" stroke-width="2.5">${t}</path>`,
      );
  }
  if (legend.length > 0)
    parts.push(
      `<rect x="4" y="4" width="${16 + 8 * Math.max(...legend.map((l) => l.label.length))}" height="${10 + 18 * legend.length}" fill="#fff" fill-opacity="0.85"/>`,
    );
  legend.forEach((l, i) => {
    parts.push(
      `<rect x="10" y="${10 + i * 18}" width="12" height="12" fill="${l.swatch}" stroke="#333" stroke-width="0.5"/><text x="28" y="${20 + i * 18}">${esc(l.label)}</text>`,
    );
  });
  return `<svg dir="ltr" class="map" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">${parts.join("")}</svg>`;
}

export { NATION_COLOR };

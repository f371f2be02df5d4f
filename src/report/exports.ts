/**
 * Exports of a run from its event log:
 *   - NDJSON: every stored event, one JSON object a line (seq, t, time, kind, source, payload, hash).
 *   - CSV: the same, payload as a JSON string in the last column (RFC 4180 quoting).
 *   - GeoJSON (RFC 7946): true trajectories (LineString, [lon, lat, h]), true impact points, each alert
 *     version's impact ellipse (Polygon, with the warned area's name), protected areas, sensors.
 *   - CZML for Cesium: a document packet with the clock, one packet per object with time-tagged
 *     cartographic positions, impact ellipses as polygons available from their alert to the next version.
 * Angles leave in degrees (the edge); times as ISO 8601 UTC from the scenario epoch.
 */
import { isoAt } from "../core/time.ts";
import type { EventLog } from "../store/event-log.ts";
import type { RunData } from "./run-data.ts";

export const EXPORT_FORMATS = ["ndjson", "csv", "geojson", "czml"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const deg = (r: number) => (r * 180) / Math.PI;
const r6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** Streams NDJSON or CSV lines of every event of a run to `write`. Returns the number of events. */
export async function exportEvents(
  log: EventLog,
  runId: string,
  epochMs: number,
  format: "ndjson" | "csv",
  write: (chunk: string) => void,
): Promise<number> {
  let n = 0;
  if (format === "csv") write("seq,t,time,kind,source,hash,payload\r\n");
  for await (const e of log.events(runId)) {
    n++;
    if (format === "ndjson")
      write(
        `${JSON.stringify({ seq: e.seq, t: e.t, time: isoAt(epochMs, e.t), kind: e.kind, source: e.source, payload: e.payload, hash: e.hash })}\n`,
      );
    else
      write(
        `${[e.seq, e.t, isoAt(epochMs, e.t), e.kind, e.source, e.hash, JSON.stringify(e.payload)].map(csvCell).join(",")}\r\n`,
      );
  }
  return n;
}

export function csvCell(v: unknown): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

interface Feature {
  type: "Feature";
  id: string;
  geometry: { type: string; coordinates: unknown };
  properties: Record<string, unknown>;
}

export function toGeoJson(run: RunData): { type: "FeatureCollection"; features: Feature[] } {
  const epoch = run.start.scenario.epochMs;
  const features: Feature[] = [];
  for (const tr of run.truth) {
    if (tr.samples.length < 2) continue;
    features.push({
      type: "Feature",
      id: `trajectory:${tr.id}`,
      geometry: { type: "LineString", coordinates: tr.samples.map(([, lat, lon, h]) => [lon, lat, h]) },
      properties: {
        kind: "trajectory",
        object: tr.id,
        start: isoAt(epoch, tr.samples[0][0]),
        end: isoAt(epoch, tr.samples[tr.samples.length - 1][0]),
      },
    });
  }
  for (const th of run.start.threats.concat(extraThreats(run))) {
    features.push({
      type: "Feature",
      id: `impact:${th.id}`,
      geometry: { type: "Point", coordinates: [r6(deg(th.impact.lon)), r6(deg(th.impact.lat))] },
      properties: {
        kind: "true-impact",
        threat: th.id,
        time: isoAt(epoch, th.tImpact),
        zone: th.impactFix.zone,
        nation: th.impactFix.nation ?? null,
      },
    });
  }
  for (const a of run.alerts) {
    features.push({
      type: "Feature",
      id: `alert:${a.id}:v${a.version}`,
      geometry: {
        type: "Polygon",
        coordinates: [closeRing(a.ellipsePolygon.map((p) => [r6(deg(p.lon)), r6(deg(p.lat))]))],
      },
      properties: {
        kind: "impact-ellipse",
        issuer: a.issuer,
        threat: a.threatId,
        state: a.state,
        version: a.version,
        time: isoAt(epoch, a.t),
        timeOfImpact: isoAt(epoch, a.tImpact),
        probabilityInArea: a.probability,
        ellipseProbability: a.ellipse.probability,
        warningArea: a.area.name,
        warningAreaKind: a.area.kind,
        warningAreaNation: a.area.nation,
      },
    });
  }
  for (const p of run.start.protectedAreas)
    features.push({
      type: "Feature",
      id: `area:${p.id}`,
      geometry: { type: "Polygon", coordinates: [closeRing(p.polygon.map(([lat, lon]) => [lon, lat]))] },
      properties: { kind: "protected-area", name: p.name, nation: p.nation },
    });
  for (const s of run.start.sensors)
    features.push({
      type: "Feature",
      id: `sensor:${s.id}`,
      geometry: { type: "Point", coordinates: [r6(s.lon), r6(s.lat)] },
      properties: { kind: "sensor", sensorKind: s.kind, nation: s.nation, sensor: s.id },
    });
  return { type: "FeatureCollection", features };
}

function extraThreats(run: RunData) {
  return run.injects
    .filter((i) => i.kind === "threat.added")
    .map((i) => i.payload as unknown as RunData["start"]["threats"][number]);
}

/** GeoJSON rings close on their first position (RFC 7946 §3.1.6) and run counter-clockwise. */
function closeRing(ring: number[][]): number[][] {
  const out = ring.slice();
  const [f, l] = [out[0], out[out.length - 1]];
  if (f[0] !== l[0] || f[1] !== l[1]) out.push([...f]);
  let area2 = 0;
  for (let i = 0; i + 1 < out.length; i++) area2 += out[i][0] * out[i + 1][1] - out[i + 1][0] * out[i][1];
  return area2 < 0 ? out.reverse() : out;
}

const NATION_RGBA: Record<string, [number, number, number, number]> = {
  KOR: [0, 71, 160, 255],
  USA: [178, 34, 52, 255],
  JPN: [188, 0, 45, 255],
};

export function toCzml(run: RunData): object[] {
  const epochMs = run.start.scenario.epochMs;
  const endS = run.end.simulatedS;
  const interval = `${isoAt(epochMs, 0)}/${isoAt(epochMs, endS)}`;
  const packets: object[] = [
    {
      id: "document",
      name: `${run.start.scenario.name} (${run.start.sharing}, seed ${run.start.seed})`,
      version: "1.0",
      clock: {
        interval,
        currentTime: isoAt(epochMs, 0),
        multiplier: 10,
        range: "LOOP_STOP",
        step: "SYSTEM_CLOCK_MULTIPLIER",
      },
    },
  ];
  for (const tr of run.truth) {
    if (tr.samples.length === 0) continue;
    const t0 = tr.samples[0][0];
    const t1 = tr.samples[tr.samples.length - 1][0];
    packets.push({
      id: `object/${tr.id}`,
      name: tr.id,
      availability: `${isoAt(epochMs, t0)}/${isoAt(epochMs, Math.max(t1, t0 + 1))}`,
      position: {
        epoch: isoAt(epochMs, t0),
        cartographicDegrees: tr.samples.flatMap(([t, lat, lon, h]) => [t - t0, lon, lat, h]),
      },
      point: { pixelSize: 6, color: { rgba: [255, 200, 0, 255] } },
      path: {
        width: 2,
        leadTime: 0,
        trailTime: 3600,
        material: { solidColor: { color: { rgba: [255, 200, 0, 200] } } },
      },
      label: { text: tr.id, font: "12px sans-serif", pixelOffset: { cartesian2: [8, -8] } },
    });
  }
  // Each alert version shows until the next version of the same alert (or its impact).
  const byId = new Map<string, RunData["alerts"]>();
  for (const a of run.alerts) byId.set(a.id, [...(byId.get(a.id) ?? []), a]);
  for (const versions of byId.values())
    versions.forEach((a, k) => {
      if (a.state === "cancelled") return;
      const until = k + 1 < versions.length ? versions[k + 1].t : Math.max(a.tImpact, a.t + 1);
      const rgba = NATION_RGBA[a.issuer] ?? [128, 128, 128, 255];
      packets.push({
        id: `alert/${a.id}/v${a.version}`,
        name: `${a.issuer} warning: ${a.area.name} (v${a.version})`,
        description: `P(impact in area) = ${a.probability.toFixed(2)}; ${Math.round(a.ellipse.probability * 100)}% ellipse ${Math.round(a.ellipse.semiMajorM / 1000)} × ${Math.round(a.ellipse.semiMinorM / 1000)} km; impact ${isoAt(epochMs, a.tImpact)}`,
        availability: `${isoAt(epochMs, a.t)}/${isoAt(epochMs, until)}`,
        polygon: {
          positions: {
            cartographicDegrees: a.ellipsePolygon
              .slice(0, -1)
              .flatMap((p) => [r6(deg(p.lon)), r6(deg(p.lat)), 0]),
          },
          material: { solidColor: { color: { rgba: [rgba[0], rgba[1], rgba[2], 80] } } },
          outline: true,
          outlineColor: { rgba },
        },
      });
    });
  for (const p of run.start.protectedAreas)
    packets.push({
      id: `area/${p.id}`,
      name: p.name,
      polygon: {
        positions: { cartographicDegrees: p.polygon.flatMap(([lat, lon]) => [lon, lat, 0]) },
        material: { solidColor: { color: { rgba: [0, 160, 0, 60] } } },
        outline: true,
        outlineColor: { rgba: [0, 120, 0, 255] },
      },
    });
  for (const s of run.start.sensors)
    packets.push({
      id: `sensor/${s.id}`,
      name: s.id,
      position: { cartographicDegrees: [s.lon, s.lat, 0] },
      point: { pixelSize: 5, color: { rgba: NATION_RGBA[s.nation] ?? [128, 128, 128, 255] } },
    });
  return packets;
}

/**
 * Builds what one participant may see, on the server, from one nation's node only.
 *
 * Releasability is enforced by construction: a nation's frame is made from its own node's picture —
 * its own tracks, the system tracks it fused from what allies were allowed to send it, its own alerts —
 * and its own sensors. Nothing from another node is read for it. Control alone gets the truth and may
 * look at any nation's view. `LeakGuard` then checks every serialised frame a second time.
 */
import { ecefToGeodetic, enuMatrix } from "../core/geodesy.ts";
import type { NodeEvent } from "../node/node-events.ts";
import { Radar } from "../sensors/radar.ts";
import type { Sensor } from "../sensors/sensor.ts";
import { reportedCovariance } from "../tracking/track-filter.ts";
import type { Alert } from "../warning/alert.ts";
import type { ProtectedArea } from "../warning/threat-areas.ts";
import type { Mover } from "../world/truth.ts";
import { newTruthState } from "../world/truth.ts";
import type { NodePicture } from "./stepping-run.ts";
import type {
  WireAlert,
  WireArea,
  WireLaunchPoint,
  WireLogEntry,
  WireSensor,
  WireTrack,
  WireTruthObject,
} from "./wire.ts";

const DEG = 180 / Math.PI;
const r5 = (x: number) => Math.round(x * 1e5) / 1e5;
const r1 = (x: number) => Math.round(x * 10) / 10;

/** Position, speeds and ENU position covariance of an ECEF state with a dim × dim covariance. */
export function wireTrack(
  id: string,
  t: number,
  x: ArrayLike<number>,
  P: ArrayLike<number>,
  dim: number,
  sources: readonly string[],
  phase: string,
): WireTrack {
  const g = ecefToGeodetic(x[0], x[1], x[2]);
  const R = enuMatrix(g.lat, g.lon);
  // C = R · P_pos · Rᵀ, the 3×3 position block rotated into east-north-up.
  const RP = new Float64Array(9);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += R[i * 3 + k] * P[k * dim + j];
      RP[i * 3 + j] = s;
    }
  const cov: number[] = [];
  for (let i = 0; i < 3; i++)
    for (let j = i; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += RP[i * 3 + k] * R[j * 3 + k];
      cov.push(Math.round(s));
    }
  const up = R[6] * x[3] + R[7] * x[4] + R[8] * x[5];
  return {
    id,
    t: r1(t),
    lat: r5(g.lat * DEG),
    lon: r5(g.lon * DEG),
    altM: Math.round(g.h),
    speedMps: Math.round(Math.hypot(x[3], x[4], x[5])),
    climbMps: Math.round(up),
    cov,
    sources,
    phase,
  };
}

export function ownTracks(nation: string, pic: NodePicture): WireTrack[] {
  return pic.tracks.map((tr) =>
    wireTrack(
      `${nation}-${tr.id}`,
      tr.filter.t,
      tr.filter.x,
      reportedCovariance(tr.filter),
      tr.filter.dim,
      [nation],
      pic.trackPhases.get(tr.id)?.phase ?? "unknown",
    ),
  );
}

export function systemTracks(pic: NodePicture): WireTrack[] {
  return pic.systemTracks.map((st) =>
    wireTrack(
      `S${st.stn}`,
      st.t,
      st.x,
      st.P,
      6,
      [...new Set(st.contributors.map((c) => c.source))],
      st.phase,
    ),
  );
}

/** A nation's launch-point estimates: where it first held each threat it warned about. */
export function estimatedLaunchPoints(
  alerts: readonly Alert[],
  firstSeen: ReadonlyMap<number, { x: Float64Array; t: number }> | undefined,
): WireLaunchPoint[] {
  const out: WireLaunchPoint[] = [];
  const done = new Set<string>();
  for (const a of alerts) {
    if (done.has(a.threatId)) continue;
    done.add(a.threatId);
    const f = firstSeen?.get(Number(a.threatId.slice(1)));
    if (!f) continue;
    const g = ecefToGeodetic(f.x[0], f.x[1], f.x[2]);
    out.push({ id: a.threatId, lat: r5(g.lat * DEG), lon: r5(g.lon * DEG), t: r1(f.t), estimated: true });
  }
  return out;
}

export function wireAlert(a: Alert): WireAlert {
  return {
    id: a.id,
    version: a.version,
    state: a.state,
    issuer: a.issuer,
    threatId: a.threatId,
    areaName: a.area.name,
    areaKind: a.area.kind,
    t: r1(a.t),
    tImpact: r1(a.tImpact),
    probability: Math.round(a.probability * 1000) / 1000,
    impact: { lat: r5(a.ellipse.center.lat * DEG), lon: r5(a.ellipse.center.lon * DEG) },
    semiMajorM: Math.round(a.ellipse.semiMajorM),
    semiMinorM: Math.round(a.ellipse.semiMinorM),
    orientationDeg: r1(a.ellipse.orientation * DEG),
    ellipse: a.ellipsePolygon.map((p) => [r5(p.lat * DEG), r5(p.lon * DEG)] as const),
    ...(a.reason ? { reason: a.reason } : {}),
  };
}

export function wireSensor(s: Sensor, t: number): WireSensor {
  const p = s.positionAt(t, new Float64Array(3));
  const g = ecefToGeodetic(p[0], p[1], p[2]);
  const coverage =
    s instanceof Radar
      ? {
          rangeM: s.params.rangeMaxM,
          boresightDeg: r1(s.params.boresightAzRad * DEG),
          halfWidthDeg: r1(Math.min(Math.PI, s.params.halfWidthAzRad) * DEG),
        }
      : null;
  return {
    id: s.id,
    nation: s.nation,
    kind: s.kind,
    lat: r5(g.lat * DEG),
    lon: r5(g.lon * DEG),
    altM: Math.round(g.h),
    coverage,
  };
}

export function wireArea(p: ProtectedArea): WireArea {
  return {
    id: p.id,
    name: p.name,
    nation: p.owner,
    ring: p.polygon.map((v) => [r5(v.lat * DEG), r5(v.lon * DEG)] as const),
  };
}

export function truthObjects(movers: readonly Mover[], t: number, max = 2000): WireTruthObject[] {
  const s = newTruthState();
  const out: WireTruthObject[] = [];
  for (const m of movers) {
    if (out.length >= max) break;
    if (m.tStart > t || m.tEnd < t || !m.sample(t, s)) continue;
    const g = ecefToGeodetic(s.pos[0], s.pos[1], s.pos[2]);
    out.push({ id: m.id, kind: m.kind, lat: r5(g.lat * DEG), lon: r5(g.lon * DEG), altM: Math.round(g.h) });
  }
  return out;
}

/** True launch points (control): each missile's position at its start. */
export function trueLaunchPoints(
  movers: readonly Mover[],
  launchIds: ReadonlySet<string>,
  t: number,
): WireLaunchPoint[] {
  const s = newTruthState();
  const out: WireLaunchPoint[] = [];
  for (const m of movers) {
    if (!launchIds.has(m.id) || m.tStart > t || !m.sample(m.tStart, s)) continue;
    const g = ecefToGeodetic(s.pos[0], s.pos[1], s.pos[2]);
    out.push({ id: m.id, lat: r5(g.lat * DEG), lon: r5(g.lon * DEG), t: r1(m.tStart), estimated: false });
  }
  return out;
}

/** One line of the message and rejection log, in English (the app translates the type). */
export function logEntry(seq: number, e: NodeEvent): WireLogEntry | null {
  const base = { seq, t: r1(e.t), nation: e.nation, type: e.type };
  switch (e.type) {
    case "message.sent":
      return { ...base, text: `${e.kind} → ${e.destination}`, rejected: false };
    case "message.received":
      return {
        ...base,
        text: `${e.kind} ← ${e.origin}${e.trackNumber ? ` (${e.trackNumber})` : ""}`,
        rejected: false,
      };
    case "message.rejected":
      return { ...base, text: `${e.reason}: ${e.detail}`.slice(0, 300), rejected: true };
    case "message.refused":
      return {
        ...base,
        text: `${e.kind} → ${e.destination} refused: ${e.detail}`.slice(0, 300),
        rejected: true,
      };
    case "track.confirmed":
      return { ...base, text: e.trackNumber, rejected: false };
    case "track.deleted":
      return { ...base, text: `${e.trackNumber} (${e.reason})`, rejected: false };
    case "system-track.new":
      return { ...base, text: `S${e.stn} [${e.sources.join(", ")}]`, rejected: false };
    case "alert":
      return {
        ...base,
        text: `${e.alert.state} ${e.alert.area.name} (T${e.alert.threatId.slice(1)})`,
        rejected: false,
      };
    case "impact.outcome":
      return { ...base, text: "impact", rejected: false };
    case "prediction":
      return null; // every few seconds per threat: too chatty for the log; shown on the globe instead
    default:
      return { ...base, text: "", rejected: false };
  }
}

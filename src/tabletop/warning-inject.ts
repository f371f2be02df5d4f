/**
 * The seam between the warning simulation and the tabletop: a launch the warning side has detected
 * becomes an inject that carries its track, its impact prediction and its time to impact.
 *
 * `WarningEventInject` is the input type the warning side feeds (its own types: radians, metres,
 * seconds since the shared epoch, `ImpactEllipse` from src/warning/alert.ts). The tabletop renders
 * it as text in every language and keeps the numbers for the after-action measures (detection to
 * ally notification starts at `tDetect`).
 */
import { UserError } from "../core/errors.ts";
import { rad2deg } from "../core/geodesy.ts";
import type { GeoPoint, ImpactEllipse } from "../warning/alert.ts";
import { isAllyCode } from "../world/nation.ts";
import { type CellId, type Inject, isNationalCell, type LocalizedText, type NationalCell } from "./model.ts";

/** One point of the reported flight path (radians, metres, exercise seconds). */
export interface WarningTrackPoint {
  readonly t: number;
  readonly lat: number;
  readonly lon: number;
  readonly altM: number;
}

export interface WarningEventInject {
  readonly threatId: string;
  /** Generic class name ("ICBM", "IRBM", "SRBM", ...). */
  readonly missileClass: string;
  readonly launchPoint: GeoPoint;
  readonly impactPoint: GeoPoint;
  readonly ellipse: ImpactEllipse;
  readonly tLaunch: number;
  /** First detection by the detecting nation: the start of "detection to ally notification". */
  readonly tDetect: number;
  readonly tImpact: number;
  readonly detectingNation: NationalCell;
  /** The flight path as tracked so far (may be empty). */
  readonly track: readonly WarningTrackPoint[];
  /** Cells the warning reached through the sharing mechanism (default: the detecting nation alone). */
  readonly recipients?: readonly NationalCell[];
}

function num(o: Record<string, unknown>, k: string, field: string, min = -Infinity, max = Infinity): number {
  const v = o[k];
  if (typeof v !== "number" || !Number.isFinite(v))
    throw new UserError(`${field}.${k}: expected a finite number, got ${JSON.stringify(v)}`);
  if (v < min || v > max) throw new UserError(`${field}.${k}: ${v} is outside [${min}, ${max}]`);
  return v;
}

function obj(v: unknown, field: string): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v))
    throw new UserError(
      `${field}: expected an object, got ${Array.isArray(v) ? "a list" : JSON.stringify(v)}`,
    );
  return v as Record<string, unknown>;
}

function geo(v: unknown, field: string): GeoPoint {
  const o = obj(v, field);
  return {
    lat: num(o, "lat", field, -Math.PI / 2, Math.PI / 2),
    lon: num(o, "lon", field, -Math.PI, Math.PI),
  };
}

/**
 * Checks a warning event that arrives from outside (the warning side, a message off the wire):
 * every field present, finite and in range, times in order. Throws UserError naming the field.
 */
export function parseWarningEventInject(v: unknown, field = "warning"): WarningEventInject {
  const o = obj(v, field);
  const threatId = o.threatId;
  if (typeof threatId !== "string" || !/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/.test(threatId))
    throw new UserError(
      `${field}.threatId: expected an identifier (letters, digits, _ . : -), got ${JSON.stringify(threatId)}`,
    );
  if (typeof o.missileClass !== "string" || o.missileClass.length === 0)
    throw new UserError(
      `${field}.missileClass: expected a class name, got ${JSON.stringify(o.missileClass)}`,
    );
  if (!isAllyCode(o.detectingNation))
    throw new UserError(
      `${field}.detectingNation: expected KOR, USA or JPN, got ${JSON.stringify(o.detectingNation)}`,
    );
  const e = obj(o.ellipse, `${field}.ellipse`);
  const ellipse: ImpactEllipse = {
    center: geo(e.center, `${field}.ellipse.center`),
    semiMajorM: num(e, "semiMajorM", `${field}.ellipse`, 0),
    semiMinorM: num(e, "semiMinorM", `${field}.ellipse`, 0),
    orientation: num(e, "orientation", `${field}.ellipse`, -2 * Math.PI, 2 * Math.PI),
    probability: num(e, "probability", `${field}.ellipse`, 0, 1),
  };
  if (ellipse.semiMinorM > ellipse.semiMajorM)
    throw new UserError(
      `${field}.ellipse.semiMinorM: ${ellipse.semiMinorM} exceeds semiMajorM ${ellipse.semiMajorM}`,
    );
  const tLaunch = num(o, "tLaunch", field);
  const tDetect = num(o, "tDetect", field);
  const tImpact = num(o, "tImpact", field);
  if (tDetect < tLaunch) throw new UserError(`${field}.tDetect: ${tDetect} is before tLaunch ${tLaunch}`);
  if (tImpact <= tLaunch) throw new UserError(`${field}.tImpact: ${tImpact} is not after tLaunch ${tLaunch}`);
  const trackRaw = o.track ?? [];
  if (!Array.isArray(trackRaw)) throw new UserError(`${field}.track: expected a list of points`);
  const track = trackRaw.map((p, i) => {
    const f = `${field}.track[${i}]`;
    const g = geo(p, f);
    const po = p as Record<string, unknown>;
    return { t: num(po, "t", f), lat: g.lat, lon: g.lon, altM: num(po, "altM", f, -1000, 5e6) };
  });
  let recipients: NationalCell[] | undefined;
  if (o.recipients !== undefined) {
    if (!Array.isArray(o.recipients) || !o.recipients.every(isNationalCell))
      throw new UserError(`${field}.recipients: expected a list of KOR, USA, JPN`);
    recipients = [...new Set(o.recipients as NationalCell[])];
  }
  const known = new Set([
    "threatId",
    "missileClass",
    "launchPoint",
    "impactPoint",
    "ellipse",
    "tLaunch",
    "tDetect",
    "tImpact",
    "detectingNation",
    "track",
    "recipients",
  ]);
  for (const k of Object.keys(o)) if (!known.has(k)) throw new UserError(`${field}.${k}: unknown field`);
  return {
    threatId,
    missileClass: o.missileClass,
    launchPoint: geo(o.launchPoint, `${field}.launchPoint`),
    impactPoint: geo(o.impactPoint, `${field}.impactPoint`),
    ellipse,
    tLaunch,
    tDetect,
    tImpact,
    detectingNation: o.detectingNation as NationalCell,
    track,
    ...(recipients ? { recipients } : {}),
  };
}

function latLonText(p: GeoPoint): string {
  const la = rad2deg(p.lat);
  const lo = rad2deg(p.lon);
  return `${Math.abs(la).toFixed(2)}${la >= 0 ? "N" : "S"} ${Math.abs(lo).toFixed(2)}${lo >= 0 ? "E" : "W"}`;
}

/** The text of a warning inject, in English and Arabic, with the time to impact at `atS`. */
export function warningText(w: WarningEventInject, atS: number): LocalizedText {
  const tti = Math.max(0, Math.round(w.tImpact - atS));
  const major = (w.ellipse.semiMajorM / 1000).toFixed(0);
  const minor = (w.ellipse.semiMinorM / 1000).toFixed(0);
  const p = Math.round(w.ellipse.probability * 100);
  const lp = latLonText(w.launchPoint);
  const ip = latLonText(w.impactPoint);
  return {
    en:
      `MISSILE WARNING (${w.detectingNation}): ${w.missileClass}-class launch ${w.threatId} from ${lp}; ` +
      `predicted impact ${ip} (${p}% ellipse ${major} x ${minor} km); time to impact ${tti} s; ` +
      `${w.track.length} track points.`,
    ar:
      `إنذار صاروخي (${w.detectingNation}): إطلاق من فئة ${w.missileClass} (${w.threatId}) من ${lp}؛ ` +
      `نقطة السقوط المتوقعة ${ip} (قطع ناقص باحتمال ${p}%: ${major} × ${minor} كم)؛ ` +
      `الزمن المتبقي حتى السقوط ${tti} ثانية؛ ${w.track.length} نقطة مسار.`,
  };
}

/** The inject a warning event becomes, delivered at `deliveryS` to its recipients. */
export function warningToInject(
  w: WarningEventInject,
  at: {
    id: string;
    seq: number;
    move: string;
    deliveryS: number;
    scenarioTime: string;
    objectives?: string[];
  },
): Inject {
  const to: CellId[] = [...(w.recipients ?? [w.detectingNation])];
  return {
    id: at.id,
    seq: at.seq,
    move: at.move,
    kind: "on-demand",
    scenarioTime: at.scenarioTime,
    deliveryS: at.deliveryS,
    from: `${w.detectingNation} warning system`,
    to,
    channel: "warning-system",
    text: warningText(w, at.deliveryS),
    expectedAction: "Notify allies and open consultation",
    objectives: at.objectives ?? [],
    warning: w,
  };
}

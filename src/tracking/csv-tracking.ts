/**
 * Tracking users' own data (`allylink track`): reads detections and optional truth from CSV files,
 * runs the GNN tracker over them, scores the result against the truth, writes the tracks.
 *
 * Detections CSV: a header row naming the columns, then one detection per row. Required columns
 * t (s), x, y, z (m, a local Cartesian frame or ECEF); optional `sensor` (default "csv": one sensor)
 * and `truth` (id of the true object, kept for reference only: the tracker never reads it). Other
 * columns are ignored. Truth CSV: t, id, x, y, z, optional vx, vy, vz (all three or none).
 * Any bad cell stops the run with one UserError naming the file, line and column.
 *
 * Truth is compared with the tracks after every processed time: each truth object is linearly
 * interpolated to that time between its two nearest samples (not extrapolated outside its samples).
 */
import { readFileSync } from "node:fs";
import { UserError } from "../core/errors.ts";
import type { Detection } from "../sensors/detection.ts";
import { type EvaluationSummary, TrackEvaluator, type TruthPoint } from "./evaluation.ts";
import { CaKalmanFilter } from "./filters/ca-kalman.ts";
import { CvKalmanFilter } from "./filters/cv-kalman.ts";
import { type Track, TrackManager } from "./track-manager.ts";

export interface CsvTable {
  file: string;
  header: string[];
  /** Data rows with their 1-based line numbers in the file. */
  rows: { line: number; cells: string[] }[];
}

/** Splits one CSV line (RFC 4180 quoting: "a,b" and "" inside quotes). */
function splitCsvLine(line: string, file: string, lineNo: number): string[] {
  const out: string[] = [];
  let cur = "";
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (inQuotes) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else inQuotes = false;
      } else cur += ch;
    } else if (ch === '"' && cur.trim() === "") {
      inQuotes = true;
      cur = "";
    } else if (ch === ",") {
      out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  if (inQuotes) throw new UserError(`${file}: line ${lineNo}: unterminated quoted field`);
  out.push(cur.trim());
  return out;
}

export function parseCsv(text: string, file: string): CsvTable {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  let h = 0;
  while (h < lines.length && lines[h].trim() === "") h++;
  if (h >= lines.length) throw new UserError(`${file}: the file is empty (a header row is required)`);
  const header = splitCsvLine(lines[h], file, h + 1).map((c) => c.toLowerCase());
  const seen = new Set<string>();
  for (const name of header) {
    if (name === "") throw new UserError(`${file}: line ${h + 1}: empty column name in the header`);
    if (seen.has(name))
      throw new UserError(`${file}: line ${h + 1}: column "${name}" appears twice in the header`);
    seen.add(name);
  }
  const rows: CsvTable["rows"] = [];
  for (let i = h + 1; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    const cells = splitCsvLine(lines[i], file, i + 1);
    if (cells.length !== header.length) {
      throw new UserError(
        `${file}: line ${i + 1}: ${cells.length} fields, but the header has ${header.length} (${header.join(",")})`,
      );
    }
    rows.push({ line: i + 1, cells });
  }
  return { file, header, rows };
}

function requireColumns(table: CsvTable, names: string[]): number[] {
  return names.map((n) => {
    const k = table.header.indexOf(n);
    if (k < 0) {
      throw new UserError(
        `${table.file}: line 1: missing required column "${n}" (header: ${table.header.join(",")})`,
      );
    }
    return k;
  });
}

function numberCell(table: CsvTable, row: CsvTable["rows"][number], col: number): number {
  const s = row.cells[col];
  const v = s === "" ? Number.NaN : Number(s);
  if (!Number.isFinite(v)) {
    throw new UserError(
      `${table.file}: line ${row.line}, column "${table.header[col]}": "${s}" is not a finite number`,
    );
  }
  return v;
}

function readTable(path: string): CsvTable {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UserError(
      `${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  return parseCsv(text, path);
}

export type Frame = "local" | "ecef";

/** Checks that a position is plausible in the declared frame (catches a local file passed as ECEF). */
function checkFrame(
  table: CsvTable,
  row: CsvTable["rows"][number],
  frame: Frame,
  x: number,
  y: number,
  z: number,
) {
  if (frame !== "ecef") return;
  const r = Math.hypot(x, y, z);
  if (r < 6.0e6 || r > 5.0e7) {
    throw new UserError(
      `${table.file}: line ${row.line}: position is ${(r / 1000).toFixed(0)} km from the Earth's centre, not an ECEF point near the Earth (use --frame local for a local frame)`,
    );
  }
}

export interface DetectionRecord {
  det: Detection;
  truthId: string | null;
}

export function readDetectionsCsv(path: string, frame: Frame, R: Float64Array): DetectionRecord[] {
  const table = readTable(path);
  const [ct, cx, cy, cz] = requireColumns(table, ["t", "x", "y", "z"]);
  const cs = table.header.indexOf("sensor");
  const cTruth = table.header.indexOf("truth");
  if (table.rows.length === 0) throw new UserError(`${path}: no detections (only a header)`);
  const site = new Float64Array(3);
  return table.rows.map((row, k) => {
    const t = numberCell(table, row, ct);
    const x = numberCell(table, row, cx);
    const y = numberCell(table, row, cy);
    const z = numberCell(table, row, cz);
    checkFrame(table, row, frame, x, y, z);
    const sensorId = cs >= 0 ? row.cells[cs] : "csv";
    if (sensorId === "") throw new UserError(`${path}: line ${row.line}, column "sensor": empty sensor name`);
    const truthId = cTruth >= 0 && row.cells[cTruth] !== "" ? row.cells[cTruth] : null;
    const det: Detection = {
      id: `${sensorId}:${k}`,
      t,
      tReport: t,
      sensorId,
      nation: "USA",
      kind: "position",
      siteEcef: site,
      z: Float64Array.from([x, y, z]),
      R,
    };
    return { det, truthId };
  });
}

/** Truth samples per object id, sorted by time; state is [x, y, z] or [x, y, z, vx, vy, vz]. */
export type TruthTable = Map<string, { t: number; state: Float64Array }[]>;

export function readTruthCsv(path: string, frame: Frame): TruthTable {
  const table = readTable(path);
  const [ct, cid, cx, cy, cz] = requireColumns(table, ["t", "id", "x", "y", "z"]);
  const cv = ["vx", "vy", "vz"].map((n) => table.header.indexOf(n));
  const nv = cv.filter((c) => c >= 0).length;
  if (nv !== 0 && nv !== 3) {
    throw new UserError(
      `${path}: line 1: give all of vx, vy, vz or none (header: ${table.header.join(",")})`,
    );
  }
  const out: TruthTable = new Map();
  for (const row of table.rows) {
    const id = row.cells[cid];
    if (id === "") throw new UserError(`${path}: line ${row.line}, column "id": empty object id`);
    const t = numberCell(table, row, ct);
    const p = [numberCell(table, row, cx), numberCell(table, row, cy), numberCell(table, row, cz)];
    checkFrame(table, row, frame, p[0], p[1], p[2]);
    if (nv === 3) for (const c of cv) p.push(numberCell(table, row, c));
    let list = out.get(id);
    if (!list) {
      list = [];
      out.set(id, list);
    }
    list.push({ t, state: Float64Array.from(p) });
  }
  for (const [id, list] of out) {
    list.sort((a, b) => a.t - b.t);
    for (let i = 1; i < list.length; i++) {
      if (list[i].t === list[i - 1].t)
        throw new UserError(`${path}: object "${id}" has two rows at t=${list[i].t}`);
    }
  }
  return out;
}

/** Truth objects interpolated to time t (objects without samples around t are absent). */
export function truthAt(truth: TruthTable, t: number): TruthPoint[] {
  const pts: TruthPoint[] = [];
  for (const [id, list] of truth) {
    if (list.length === 0 || t < list[0].t || t > list[list.length - 1].t) continue;
    let lo = 0;
    let hi = list.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (list[mid].t <= t) lo = mid;
      else hi = mid;
    }
    const a = list[lo];
    const b = list[hi];
    const w = b.t === a.t ? 0 : (t - a.t) / (b.t - a.t);
    const s = new Float64Array(a.state.length);
    for (let i = 0; i < s.length; i++) s[i] = a.state[i] + w * (b.state[i] - a.state[i]);
    pts.push({ id, state: s });
  }
  return pts;
}

export interface TrackRunOptions {
  model: "cv" | "ca";
  /** Process noise PSD: m²/s³ (cv, white acceleration) or m²/s⁵ (ca, white jerk). */
  q: number;
  /** Measurement σ per axis, m. */
  sigma: [number, number, number];
  velocitySigma: number;
  accelerationSigma: number;
  confirmM: number;
  confirmN: number;
  maxMisses: number;
  gateProbability: number;
  matchDistance: number;
  /** Wall clock for msPerScan, ms (the CLI passes performance.now; the library never reads clocks). */
  clock?: () => number;
}

export interface TrackStateRow {
  trackId: number;
  t: number;
  status: "tentative" | "confirmed";
  x: number[];
  sigma: number[];
}

export interface TrackRunResult {
  /** Every track created during the run. */
  tracks: number;
  confirmedTracks: number;
  spuriousTracks: number | null;
  msPerScan: number | null;
  rmseM: number | null;
  meanNees: number | null;
  gospa: number | null;
  purity: number | null;
  trackBreaks: number | null;
  targetsHeld: number | null;
  frames: number;
  detections: number;
  rows: TrackStateRow[];
  evaluation: EvaluationSummary | null;
}

/** Runs the tracker over detection records (any order) and scores it against truth when given. */
export function runTracker(
  records: DetectionRecord[],
  truth: TruthTable | null,
  o: TrackRunOptions,
): TrackRunResult {
  const dets = records.map((r) => r.det);
  // Stable sort: (t, sensor), arrival order inside a frame.
  dets.sort((a, b) => a.t - b.t || (a.sensorId < b.sensorId ? -1 : a.sensorId > b.sensorId ? 1 : 0));
  const rows: TrackStateRow[] = [];
  const confirmedIds = new Set<number>();
  const record = (tr: Track) => {
    const P = tr.filter.P;
    const n = tr.filter.dim;
    rows.push({
      trackId: tr.id,
      t: tr.filter.t,
      status: tr.status,
      x: Array.from(tr.filter.x.subarray(0, 6)),
      sigma: [0, 1, 2, 3, 4, 5].map((i) => Math.sqrt(P[i * n + i])),
    });
  };
  const manager = new TrackManager({
    filterFactory: (det) =>
      o.model === "cv"
        ? CvKalmanFilter.fromPosition(det, o.q, o.velocitySigma)
        : CaKalmanFilter.fromPosition(det, o.q, o.velocitySigma, o.accelerationSigma),
    confirmM: o.confirmM,
    confirmN: o.confirmN,
    maxMisses: o.maxMisses,
    gateProbability: o.gateProbability,
    onUpdate: (tr) => record(tr),
    onConfirm: (tr) => confirmedIds.add(tr.id),
  });
  const evaluator = truth ? new TrackEvaluator(o.matchDistance) : null;
  let elapsed = 0;
  let frames = 0;
  let i = 0;
  while (i < dets.length) {
    let j = i + 1;
    while (j < dets.length && dets[j].t === dets[i].t && dets[j].sensorId === dets[i].sensorId) j++;
    const t0 = o.clock ? o.clock() : 0;
    manager.processFrame(dets, i, j);
    if (o.clock) elapsed += o.clock() - t0;
    frames++;
    // Score once per time, after the last sensor's frame at that time.
    if (evaluator && truth && (j >= dets.length || dets[j].t !== dets[i].t)) {
      evaluator.evaluate(dets[i].t, truthAt(truth, dets[i].t), manager.tracks);
    }
    i = j;
  }
  const ev = evaluator ? evaluator.summary() : null;
  // Spurious: confirmed at some point but never matched to a truth. The evaluator only sees tracks
  // alive at evaluation times, and every confirmation happens inside a frame that is evaluated.
  return {
    tracks: manager.stats.tracksCreated,
    confirmedTracks: confirmedIds.size,
    spuriousTracks: ev ? ev.spuriousTracks : null,
    msPerScan: o.clock && frames > 0 ? elapsed / frames : null,
    rmseM: ev ? ev.rmseM : null,
    meanNees: ev ? ev.meanNees : null,
    gospa: ev ? ev.gospa : null,
    purity: ev ? ev.purity : null,
    trackBreaks: ev ? ev.trackBreaks : null,
    targetsHeld: ev ? ev.targetsHeld : null,
    frames,
    detections: dets.length,
    rows,
    evaluation: ev,
  };
}

/** Tracks as CSV: one row per track update (and per track start). */
export function tracksToCsv(rows: TrackStateRow[]): string {
  const lines = ["track,t,status,x,y,z,vx,vy,vz,sx,sy,sz,svx,svy,svz"];
  for (const r of rows) lines.push([r.trackId, r.t, r.status, ...r.x, ...r.sigma].join(","));
  return `${lines.join("\n")}\n`;
}

/** Tracks as JSON: one object per track with its states over time. */
export function tracksToJson(rows: TrackStateRow[]): string {
  const byId = new Map<
    number,
    { id: number; confirmed: boolean; states: Omit<TrackStateRow, "trackId">[] }
  >();
  for (const r of rows) {
    let tr = byId.get(r.trackId);
    if (!tr) {
      tr = { id: r.trackId, confirmed: false, states: [] };
      byId.set(r.trackId, tr);
    }
    if (r.status === "confirmed") tr.confirmed = true;
    tr.states.push({ t: r.t, status: r.status, x: r.x, sigma: r.sigma });
  }
  return `${JSON.stringify({ tracks: [...byId.values()] })}\n`;
}

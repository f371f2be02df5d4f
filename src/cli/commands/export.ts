/**
 * `allylink export LOG --format ndjson|csv|geojson|czml --out FILE [--run ID]`: a run of an event log
 * as NDJSON or CSV (every event), GeoJSON (trajectories, impact ellipses, warning and protected areas)
 * or CZML for Cesium. Default run: the latest in the log.
 */
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { UserError } from "../../core/errors.ts";
import type { RunStartPayload } from "../../exercise/log-kinds.ts";
import { pickRun } from "../../exercise/replay.ts";
import { EXPORT_FORMATS, type ExportFormat, exportEvents, toCzml, toGeoJson } from "../../report/exports.ts";
import { readRun } from "../../report/run-data.ts";
import { EventLog } from "../../store/event-log.ts";

export function register(program: Command): void {
  program
    .command("export")
    .description("export a run of an event log as NDJSON, CSV, GeoJSON or CZML")
    .argument("<log>", "SQLite event log file, or a postgres:// URL")
    .requiredOption("--format <format>", `one of ${EXPORT_FORMATS.join(", ")}`)
    .requiredOption("--out <file>", "file to write")
    .option("--run <id>", "run id (default: the latest run in the log)")
    .action(async (target: string, opts: { format: string; out: string; run?: string }) => {
      const r = await exportCommand(target, opts);
      process.stdout.write(
        `${r.out}: ${r.format}, run ${r.runId}, ${r.items} ${r.format === "ndjson" || r.format === "csv" ? "events" : "features/packets"}\n`,
      );
    });
}

export async function exportCommand(target: string, opts: { format: string; out: string; run?: string }) {
  if (!(EXPORT_FORMATS as readonly string[]).includes(opts.format))
    throw new UserError(`--format: unknown format "${opts.format}" (expected ${EXPORT_FORMATS.join(", ")})`);
  const format = opts.format as ExportFormat;
  const isUrl = /^postgres(ql)?:\/\//.test(target);
  if (!isUrl && !existsSync(target)) throw new UserError(`event log ${target} does not exist`);
  const log = await EventLog.open(target, { readonly: !isUrl });
  try {
    const run = await pickRun(log, opts.run);
    const out = resolve(opts.out);
    mkdirSync(dirname(out), { recursive: true });
    let items: number;
    if (format === "ndjson" || format === "csv") {
      let start: RunStartPayload | null = null;
      for await (const e of log.events(run.runId, { kinds: ["run.start"] })) {
        start = e.payload as RunStartPayload;
        break;
      }
      if (!start)
        throw new UserError(`run ${run.runId}: no run.start event — not a run of the exercise runner`);
      const stream = createWriteStream(out);
      items = await exportEvents(log, run.runId, start.scenario.epochMs, format, (c) => stream.write(c));
      await new Promise<void>((res, rej) => stream.end((err?: Error | null) => (err ? rej(err) : res())));
    } else {
      const data = await readRun(log, run.runId);
      if (format === "geojson") {
        const gj = toGeoJson(data);
        items = gj.features.length;
        writeFileSync(out, `${JSON.stringify(gj)}\n`);
      } else {
        const czml = toCzml(data);
        items = czml.length;
        writeFileSync(out, `${JSON.stringify(czml)}\n`);
      }
    }
    return { out, format, runId: run.runId, items };
  } finally {
    await log.close();
  }
}

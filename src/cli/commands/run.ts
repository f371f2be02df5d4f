/**
 * `allylink run SCENARIO`: plays a scenario in virtual time on the embedded defaults (in-process bus,
 * SQLite event log) and prints, per nation and threat, when it detected, tracked, received allied
 * tracks and warned, with the warning lead time and the impact-point error of the first warning.
 * With --report it writes the after-action report (HTML) from the log it just wrote. The run is then
 * checked against its own log: the metrics replayed from the log must equal those printed, or the
 * command fails (exit 1).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import type { Command } from "commander";
import { UserError } from "../../core/errors.ts";
import { runVirtual, type VirtualRunResult } from "../../exercise/virtual-run.ts";
import { isSharingMode, SHARING_MODES } from "../../node/sharing-mode.ts";
import { renderReport } from "../../report/after-action.ts";
import { LANGS, type Lang } from "../../report/i18n.ts";
import { readRun } from "../../report/run-data.ts";
import { loadScenarioFile } from "../../scenario/load.ts";
import { EventLog } from "../../store/event-log.ts";

export interface RunCliOptions {
  sharing?: string;
  seed?: string;
  json?: boolean;
  log?: string;
  progress?: boolean;
  report?: string;
  lang?: string;
}

export type RunCliResult = VirtualRunResult & { logPath: string; runId: string; reportPath: string | null };

export function register(program: Command): void {
  program
    .command("run")
    .description("play a scenario in virtual time and print warning metrics per nation and threat")
    .argument("<scenario>", "scenario YAML file")
    .option("--sharing <mode>", `sharing mode: ${SHARING_MODES.join(", ")} (default: the scenario's)`)
    .option("--seed <seed>", "random seed (default: the scenario's)")
    .option("--log <path>", "SQLite event log to write (default: out/<scenario>.sqlite)")
    .option("--report <file.html>", "write the after-action report (one self-contained HTML file)")
    .option("--lang <lang>", `report language: ${LANGS.join(", ")} (default en)`)
    .option("--json", "print one JSON object")
    .option("--no-progress", "no progress bar on a terminal")
    .action(async (file: string, opts: RunCliOptions) => {
      const result = await runCommand(file, opts);
      if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else printTable(result);
    });
}

export function parseSeed(s: string | undefined): number | string | undefined {
  if (s === undefined) return undefined;
  if (s.trim() === "") throw new UserError("--seed: give a number or a non-empty string");
  return /^-?\d+$/.test(s) ? Number(s) : s;
}

export function parseLang(s: string | undefined): Lang {
  if (s === undefined) return "en";
  if (!(LANGS as readonly string[]).includes(s))
    throw new UserError(`--lang: unknown language "${s}" (expected ${LANGS.join(", ")})`);
  return s as Lang;
}

export async function runCommand(file: string, opts: RunCliOptions): Promise<RunCliResult> {
  if (opts.sharing !== undefined && !isSharingMode(opts.sharing))
    throw new UserError(`--sharing: unknown mode "${opts.sharing}" (expected ${SHARING_MODES.join(", ")})`);
  const lang = parseLang(opts.lang);
  if (opts.report !== undefined && !/\.html?$/i.test(opts.report))
    throw new UserError(`--report: "${opts.report}" should be an .html file`);
  const scenario = loadScenarioFile(file);
  const seed = parseSeed(opts.seed);
  const logPath = resolve(opts.log ?? `out/${basename(file).replace(/\.ya?ml$/i, "")}.sqlite`);
  mkdirSync(dirname(logPath), { recursive: true });
  const log = await EventLog.open(logPath);
  const runId = `${scenario.name}.${opts.sharing ?? scenario.sharing}.${seed ?? scenario.seed}.${(await log.runs()).length + 1}`;
  await log.createRun(runId, {
    scenario: scenario.name,
    file,
    sharing: opts.sharing ?? scenario.sharing,
    seed: seed ?? scenario.seed,
  });
  const tty = process.stderr.isTTY && opts.progress !== false && !opts.json;
  let lastPct = -1;
  try {
    const result = await runVirtual(scenario, {
      sharing: opts.sharing as never,
      seed,
      log: { log, runId },
      onProgress: (t, end) => {
        if (!tty) return;
        const pct = Math.floor((100 * t) / Math.max(end, 1));
        if (pct === lastPct) return;
        lastPct = pct;
        const bar = "#".repeat(Math.round(pct / 2.5)).padEnd(40, ".");
        process.stderr.write(`\r[${bar}] ${String(pct).padStart(3)}%  T+${Math.round(t)} s`);
      },
    });
    if (tty) process.stderr.write("\n");
    // Self-check: the log must give back what the run computed.
    const data = await readRun(log, runId);
    if (JSON.stringify(data.result.metrics) !== JSON.stringify(result.metrics)) {
      process.exitCode = 1;
      process.stderr.write(
        `allylink: the metrics replayed from ${logPath} (run ${runId}) differ from the run's own\n`,
      );
    }
    let reportPath: string | null = null;
    if (opts.report !== undefined) {
      reportPath = resolve(opts.report);
      mkdirSync(dirname(reportPath), { recursive: true });
      writeFileSync(reportPath, renderReport(data, lang));
    }
    return { ...result, logPath, runId, reportPath };
  } finally {
    await log.close();
  }
}

export function printTable(r: RunCliResult): void {
  const cols = [
    "nation",
    "threat",
    "firstDetectionS",
    "firstTrackS",
    "firstAlliedTrackS",
    "firstWarningS",
    "leadTimeS",
    "impactErrorAtWarningKm",
    "falseWarnings",
  ] as const;
  const rows = r.metrics.map((m) => cols.map((c) => (m[c] === null ? "-" : String(m[c]))));
  const head = ["nation", "threat", "detect", "track", "allied", "warn", "lead s", "err km", "false"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join("  ");
  process.stdout.write(
    `${r.scenario} — sharing ${r.sharing}, seed ${r.seed}, ${Math.round(r.simulatedS)} s simulated (times: s after launch)\n`,
  );
  process.stdout.write(`${line(head)}\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
  process.stdout.write(
    `messages: ${r.messages.sent} sent, ${r.messages.received} received, ${r.messages.rejected} rejected; ${r.detections} detections\n`,
  );
  process.stdout.write(`event log: ${r.logPath} (run ${r.runId}, ${r.eventsLogged} events)\n`);
  if (r.reportPath) process.stdout.write(`report: ${r.reportPath}\n`);
}

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { UserError } from "../../core/errors.ts";
import { runAuto } from "../../tabletop/auto-play.ts";
import { computeMeasures } from "../../tabletop/measures.ts";
import { exportMselCsv, importMselCsv, withMsel } from "../../tabletop/msel-csv.ts";
import { improvementPlanCsv, measuresCsv, ratingsCsv, timelineCsv } from "../../tabletop/report-csv.ts";
import { renderAarHtml } from "../../tabletop/report-html.ts";
import { loadTtxFile } from "../../tabletop/ttx-load.ts";

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(
      `${path}: cannot read ${what}: ${code === "ENOENT" ? "no such file" : (err as Error).message}`,
    );
  }
}

function write(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (err) {
    throw new UserError(`${path}: cannot write: ${(err as Error).message}`);
  }
}

/**
 * `allylink ttx ...`: tabletop exercises.
 *   ttx validate FILE...                 check exercise files (FILE:LINE: PATH: reason)
 *   ttx run FILE --auto [--report aar.html] [--csv DIR] [--msel msel.csv] [--json]
 *                                        play with the scripted cells in virtual time; print the summary
 *   ttx msel export FILE [-o msel.csv]   the MSEL as RFC 4180 CSV
 *   ttx msel import MSEL.csv --exercise FILE [--json]   check a CSV MSEL against an exercise
 */
export function register(program: Command): void {
  const ttx = program
    .command("ttx")
    .description("tabletop exercises: consultation on deterrence and response options");

  ttx
    .command("validate")
    .description("check tabletop exercise files; one line per problem: FILE:LINE: PATH: reason")
    .argument("<files...>", "exercise files (YAML or JSON)")
    .action((files: string[]) => {
      let invalid = 0;
      for (const file of files) {
        try {
          loadTtxFile(file);
          process.stdout.write(`${file}: ok\n`);
        } catch (err) {
          if (!(err instanceof UserError) || err.details.length === 0) throw err;
          invalid++;
          for (const line of err.details) process.stdout.write(`${line}\n`);
        }
      }
      if (invalid > 0) process.exitCode = 1;
    });

  ttx
    .command("run")
    .description("play an exercise; with --auto every cell follows the file's script in virtual time")
    .argument("<file>", "exercise file")
    .option("--auto", "scripted cells, virtual time (the only mode without a server)")
    .option(
      "--report <html>",
      "write the after-action report and improvement plan (HTML, English and Arabic)",
    )
    .option(
      "--csv <dir>",
      "write timeline.csv, measures.csv, ratings.csv, improvement-plan.csv into this folder",
    )
    .option("--msel <csv>", "replace the exercise's MSEL with this CSV")
    .option("--events <json>", "write the run's full event list (JSON) for replay")
    .option("--json", "print the summary as JSON")
    .action(
      (
        file: string,
        opts: {
          auto?: boolean;
          report?: string;
          csv?: string;
          msel?: string;
          events?: string;
          json?: boolean;
        },
      ) => {
        if (!opts.auto)
          throw new UserError(
            "ttx run: live play needs the server (allylink serve); use --auto for scripted cells in virtual time",
          );
        let def = loadTtxFile(file);
        if (opts.msel)
          def = withMsel(def, importMselCsv(readText(opts.msel, "MSEL"), opts.msel, def), opts.msel);
        const { session } = runAuto(def);
        const m = computeMeasures(session.state);
        if (opts.report) write(opts.report, renderAarHtml(session.state, session.events, m));
        if (opts.csv) {
          try {
            mkdirSync(opts.csv, { recursive: true });
          } catch (err) {
            throw new UserError(`${opts.csv}: cannot create folder: ${(err as Error).message}`);
          }
          write(join(opts.csv, "timeline.csv"), timelineCsv(session.events, session.state));
          write(join(opts.csv, "measures.csv"), measuresCsv(m));
          write(join(opts.csv, "ratings.csv"), ratingsCsv(session.state));
          write(join(opts.csv, "improvement-plan.csv"), improvementPlanCsv(session.state));
        }
        if (opts.events) write(opts.events, `${JSON.stringify(session.events)}\n`);
        const summary = {
          injectsDelivered: m.injectsDelivered,
          consultations: m.consultations,
          decisions: m.decisions,
          timeToFirstConsultationS: m.timeToFirstConsultationS,
          timeToDecisionS: m.timeToDecisionS,
          ratings: m.ratings,
          detectionToAllyNotificationS: m.detectionToAllyNotificationS,
          timeToClearedStatementS: m.timeToClearedStatementS,
          consensus: m.consensus,
          escalationRungReached: m.escalationRungReached,
          events: session.events.length,
        };
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(summary)}\n`);
          return;
        }
        const f = (v: number | null) => (v === null ? "—" : Number.isInteger(v) ? String(v) : v.toFixed(1));
        process.stdout.write(
          [
            `${def.exercise.name}: ${session.events.length} events, ENDEX at ${session.state.t} s`,
            `injects delivered ${m.injectsDelivered}, consultations ${m.consultations}, decisions ${m.decisions}/${m.proposals}`,
            `detection to ally notification ${f(m.detectionToAllyNotificationS)} s, first consultation ${f(m.timeToFirstConsultationS)} s, decision ${f(m.timeToDecisionS)} s, cleared statement ${f(m.timeToClearedStatementS)} s`,
            `escalation rung ${m.escalationRungReached}; ratings ${
              Object.entries(m.ratings)
                .map(([k, v]) => `${k} ${v}`)
                .join(", ") || "none"
            }`,
            ...(opts.report ? [`report: ${opts.report}`] : []),
          ].join("\n") + "\n",
        );
      },
    );

  const msel = ttx.command("msel").description("the master scenario events list as CSV");
  msel
    .command("export")
    .description("write the exercise's MSEL as RFC 4180 CSV")
    .argument("<file>", "exercise file")
    .option("-o, --out <csv>", "output file (default: standard output)")
    .action((file: string, opts: { out?: string }) => {
      const csv = exportMselCsv(loadTtxFile(file).injects);
      if (opts.out) write(opts.out, csv);
      else process.stdout.write(csv);
    });
  msel
    .command("import")
    .description("check a CSV MSEL against an exercise (use it with: ttx run --msel)")
    .argument("<csv>", "MSEL CSV file")
    .requiredOption("--exercise <file>", "the exercise it belongs to")
    .option("--json", "print the injects as JSON")
    .action((csvFile: string, opts: { exercise: string; json?: boolean }) => {
      const def = loadTtxFile(opts.exercise);
      const injects = importMselCsv(readText(csvFile, "MSEL"), csvFile, def);
      withMsel(def, injects, csvFile);
      if (opts.json) process.stdout.write(`${JSON.stringify(injects, null, 2)}\n`);
      else
        process.stdout.write(
          `${csvFile}: ok, ${injects.length} injects (${injects.filter((i) => i.kind === "scheduled").length} scheduled) for ${opts.exercise}\n`,
        );
    });
}

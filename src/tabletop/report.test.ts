import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runAuto } from "./auto-play.ts";
import { VirtualClockSource } from "./clock.ts";
import { parseCsv } from "./csv.ts";
import { TtxEngine } from "./engine.ts";
import { computeMeasures } from "./measures.ts";
import { improvementPlanCsv, measuresCsv, ratingsCsv, timelineCsv } from "./report-csv.ts";
import { escapeHtml, renderAarHtml } from "./report-html.ts";
import { stateDigest } from "./state.ts";
import { loadTtxFile } from "./ttx-load.ts";

const def = loadTtxFile(fileURLToPath(new URL("../../scenarios/ttx-deterrence.yaml", import.meta.url)));
const run = runAuto(def);
const st = run.session.state;
const m = computeMeasures(st);

describe("after-action report and improvement plan", () => {
  const html = renderAarHtml(st, run.session.events, m);

  it("is self-contained: no scripts, no external resources", () => {
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/(src|href)\s*=/i);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it("has an English section and an Arabic right-to-left section, each marked with the handling caveat", () => {
    expect(html).toContain('<section lang="en" dir="ltr">');
    expect(html).toContain('<section lang="ar" dir="rtl">');
    expect(html.split("UNCLASSIFIED // FOR EXERCISE USE ONLY").length - 1).toBe(4);
    expect(html).toContain("تقرير ما بعد التمرين / خطة التحسين");
    expect(html).toContain("M — performed with major challenges");
    expect(html).toContain("M — نُفِّذ مع صعوبات كبيرة");
    // Improvement plan rows and measures.
    expect(html).toContain("USFJ / USFK J5");
    expect(html).toContain("2025-06-30");
    expect(html).toContain(
      "<td><bdi>Time to decision (s, mean over decision points)</bdi></td><td><bdi>883.3</bdi></td>",
    );
    // Story time on the local clocks for the ICBM inject (07:11 KST = 18:11 EDT the day before).
    expect(html).toContain("KST 2024-10-31 07:11 · JST 2024-10-31 07:11 · EDT 2024-10-30 18:11");
  });

  it("escapes what players typed", () => {
    expect(escapeHtml(`<b onclick="x">&'`)).toBe("&lt;b onclick=&quot;x&quot;&gt;&amp;&#39;");
  });

  it("CSV exports parse back and carry the same numbers", () => {
    const rows = parseCsv(measuresCsv(m));
    const get = (name: string, scope = "exercise") => rows.find((r) => r[0] === name && r[1] === scope)?.[2];
    expect(get("injects_delivered")).toBe("13");
    expect(get("time_to_first_consultation_s")).toBe("240");
    expect(get("time_to_decision_s", "DP-2")).toBe("1620");
    expect(get("detection_to_ally_notification_s", "I-101")).toBe("150");
    expect(get("consultation_deadline_met", "M2/trilateral-call")).toBe("false");
    const tl = parseCsv(timelineCsv(run.session.events, st));
    expect(tl.length).toBe(run.session.events.length + 1);
    expect(tl[0]).toEqual(["seq", "t_s", "time", "type", "actor", "audience", "story_time", "summary"]);
    const tlAr = parseCsv(timelineCsv(run.session.events, st, "ar"));
    expect(tlAr.at(-1)![7]).toBe("نهاية التمرين");
    expect(
      parseCsv(ratingsCsv(st))
        .slice(1)
        .map((r) => r[1]),
    ).toEqual(["P", "M", "S", "P"]);
    expect(
      parseCsv(improvementPlanCsv(st))
        .slice(1)
        .map((r) => r[0]),
    ).toEqual(["IP-1", "IP-2"]);
  });
});

describe("engine (what a server mounts)", () => {
  it("routes commands to runs, forks by command (controllers only), restores from events", () => {
    const clocks = new Map<string, VirtualClockSource>();
    const engine = new TtxEngine((id) => {
      const c = new VirtualClockSource(0);
      clocks.set(id, c);
      return c;
    });
    engine.createRun("r1", def);
    for (const p of def.participants) engine.handle("r1", p.id, { type: "join" });
    engine.handle("r1", "ctrl-lead", { type: "resume" });
    clocks.get("r1")!.set(200_000);
    engine.tickAll();
    expect(engine.run("r1").state.injects.get("I-101")!.deliveredAt).toBe(60);
    expect(() => engine.handle("r1", "kor-lead", { type: "fork", atS: 100, newRunId: "r2" })).toThrow(
      /only controllers may fork/,
    );
    expect(() => engine.handle("r1", "ctrl-lead", { type: "fork", atS: 100, newRunId: "r1" })).toThrow(
      /run "r1" already exists/,
    );
    expect(() => engine.handle("r1", "ctrl-lead", { type: "fork", atS: 900, newRunId: "r2" })).toThrow(
      /in this run's future/,
    );
    const forked = engine.handle("r1", "ctrl-lead", { type: "fork", atS: 100, newRunId: "r2" });
    expect(engine.runIds()).toEqual(["r1", "r2"]);
    expect(forked.at(-1)!.type).toBe("clock.paused");
    expect(engine.run("r2").state.injects.get("I-102")!.deliveredAt).toBeNull(); // due at 180 s, after the fork
    const restored = engine.restoreRun("r3", def, engine.run("r1").events);
    expect(stateDigest(restored.state)).toBe(stateDigest(engine.run("r1").state));
    expect(() => engine.run("r9")).toThrow(/unknown run "r9"/);
  });
});

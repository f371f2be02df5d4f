import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shortScenario } from "../exercise/test-scenario.ts";
import { runVirtual } from "../exercise/virtual-run.ts";
import { EventLog } from "../store/event-log.ts";
import { renderReport } from "./after-action.ts";
import { exportEvents, toCzml, toGeoJson } from "./exports.ts";
import { type RunData, readRun } from "./run-data.ts";

const dir = mkdtempSync(join(tmpdir(), "allylink-report-"));
let log: EventLog;
let run: RunData;

beforeAll(async () => {
  log = await EventLog.open(join(dir, "r.sqlite"));
  await log.createRun("r1", {});
  const faults = "  - {time: 0, type: link-outage, link: KOR>USA, durationS: 60}";
  await runVirtual(shortScenario(faults, 110), { log: { log, runId: "r1" }, predictionSamples: 30 });
  run = await readRun(log, "r1");
}, 60_000);
afterAll(async () => {
  await log?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("after-action report", () => {
  it("is one self-contained HTML file in English, left to right", () => {
    const html = renderReport(run, "en");
    expect(html).toMatch(/^<!doctype html>\n<html lang="en" dir="ltr">/);
    expect(html).toContain("After-action report: short-srbm");
    for (const section of ["Per-nation timeline", "GOSPA", "Map:", "Message statistics", "Fault injects"])
      expect(html).toContain(section);
    expect(html).toContain("link KOR&gt;USA down from T+0 s to T+60 s");
    // No external resources: no src=, no stylesheet links, no http(s) URL other than the SVG namespace.
    expect(html).not.toMatch(/\ssrc=|<link|<script/);
    expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, "")).not.toMatch(/https?:\/\//);
    expect(html.match(/<svg /g)!.length).toBeGreaterThanOrEqual(4);
  });

  it("is written right to left in Arabic", () => {
    const html = renderReport(run, "ar");
    expect(html).toMatch(/<html lang="ar" dir="rtl">/);
    expect(html).toContain("تقرير ما بعد العمل");
    expect(html).toContain("الخط الزمني لكل دولة");
    // Charts keep time running left to right.
    expect(html).toContain('<svg dir="ltr"');
  });
});

describe("exports", () => {
  it("NDJSON and CSV hold every event", async () => {
    const lines: string[] = [];
    const n = await exportEvents(log, "r1", run.start.scenario.epochMs, "ndjson", (c) => lines.push(c));
    expect(n).toBe(run.events);
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed[0]).toMatchObject({ seq: 1, kind: "run.start", time: "2022-06-05T00:00:00.000Z" });
    expect(parsed.map((p) => p.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    let csv = "";
    await exportEvents(log, "r1", run.start.scenario.epochMs, "csv", (c) => (csv += c));
    const rows = csv.split("\r\n").filter(Boolean);
    expect(rows[0]).toBe("seq,t,time,kind,source,hash,payload");
    expect(rows.length).toBe(n + 1);
    // The payload column is one quoted JSON cell: undo RFC 4180 quoting and parse it.
    const last = rows[1].slice(rows[1].indexOf(',"') + 2, -1).replace(/""/g, '"');
    expect(JSON.parse(last).scenario.name).toBe("short-srbm");
  });

  it("GeoJSON is a valid FeatureCollection (RFC 7946 shapes, closed counter-clockwise rings)", () => {
    const gj = JSON.parse(JSON.stringify(toGeoJson(run)));
    expect(gj.type).toBe("FeatureCollection");
    const kinds = new Set<string>();
    for (const f of gj.features) {
      expect(f.type).toBe("Feature");
      kinds.add(f.properties.kind);
      const g = f.geometry;
      const pos = (p: number[]) => {
        expect(p.length).toBeGreaterThanOrEqual(2);
        expect(p[0]).toBeGreaterThanOrEqual(-180);
        expect(p[0]).toBeLessThanOrEqual(180);
        expect(Math.abs(p[1])).toBeLessThanOrEqual(90);
      };
      if (g.type === "Point") pos(g.coordinates);
      else if (g.type === "LineString") {
        expect(g.coordinates.length).toBeGreaterThanOrEqual(2);
        g.coordinates.forEach(pos);
      } else {
        expect(g.type).toBe("Polygon");
        const ring = g.coordinates[0];
        expect(ring.length).toBeGreaterThanOrEqual(4);
        expect(ring[0]).toEqual(ring[ring.length - 1]);
        ring.forEach(pos);
        let a = 0;
        for (let i = 0; i + 1 < ring.length; i++)
          a += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
        expect(a).toBeGreaterThan(0);
      }
    }
    expect([...kinds]).toEqual(expect.arrayContaining(["trajectory", "true-impact", "sensor"]));
  });

  it("CZML starts with the document packet and gives every packet a unique id", () => {
    const czml = JSON.parse(JSON.stringify(toCzml(run))) as {
      id: string;
      version?: string;
      position?: { cartographicDegrees: number[] };
    }[];
    expect(czml[0]).toMatchObject({ id: "document", version: "1.0" });
    const ids = czml.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const m1 = czml.find((p) => p.id === "object/M1")!;
    expect(m1.position!.cartographicDegrees.length % 4).toBe(0);
    expect(m1.position!.cartographicDegrees.length / 4).toBeGreaterThan(50);
  });
});

/**
 * The after-action report of one run: ONE self-contained HTML file (inline CSS and SVG, no scripts,
 * no fonts or images fetched), printable on A4, in English or Arabic (right to left). Everything in
 * it comes from the event log (run-data.ts), so a report can be made again from any kept log.
 */
import { geodesicInverse } from "../core/geodesy.ts";
import { isoAt } from "../core/time.ts";
import type { ThreatMetrics } from "../exercise/threat-metrics.ts";
import type { EventLog } from "../store/event-log.ts";
import { dict, type Lang } from "./i18n.ts";
import { type MapLayer, mapSvg } from "./map-svg.ts";
import { type RunData, readRun } from "./run-data.ts";
import { barChart, esc, lineChart, NATION_COLOR, PALETTE, type Series, timeline } from "./svg.ts";

const deg = (r: number) => (r * 180) / Math.PI;

export async function buildReportFromLog(log: EventLog, runId: string, lang: Lang = "en"): Promise<string> {
  return renderReport(await readRun(log, runId), lang);
}

export function renderReport(run: RunData, lang: Lang = "en"): string {
  const T = dict(lang);
  const s = run.start;
  const epoch = s.scenario.epochMs;
  const threats = [
    ...s.threats,
    ...run.injects
      .filter((i) => i.kind === "threat.added")
      .map((i) => i.payload as unknown as (typeof s.threats)[number]),
  ];
  const nations = s.scenario.nations;
  const color = (n: string, i = 0) => NATION_COLOR[n] ?? PALETTE[i % PALETTE.length];
  const num = (x: number | null, d = 1) => (x === null ? "–" : String(Math.round(x * 10 ** d) / 10 ** d));
  const sections: string[] = [];

  // 1. Summary
  sections.push(`<section><h2>${T.summary}</h2>
<table class="kv">
<tr><th>${T.scenario}</th><td><b>${esc(s.scenario.name)}</b> — ${esc(s.scenario.description)}</td></tr>
<tr><th>${T.sharing}</th><td>${esc(s.sharing)}</td></tr>
<tr><th>${T.seed}</th><td>${esc(s.seed)}</td></tr>
<tr><th>${T.epoch}</th><td><bdi>${esc(isoAt(epoch, 0))}</bdi></td></tr>
<tr><th>${T.simulated}</th><td>${Math.round(run.end.simulatedS)} ${T.seconds}</td></tr>
<tr><th>${T.run}</th><td><bdi><code>${esc(run.runId)}</code></bdi></td></tr>
<tr><th>${T.events}</th><td>${run.events}</td></tr>
</table>
<h3>${T.threats}</h3>
<table><tr><th>${T.threat}</th><th>${T.missileClass}</th><th>${T.launch}</th><th>${T.impact}</th><th>${T.fellIn}</th></tr>
${threats
  .map(
    (th) =>
      `<tr><td>${esc(th.id)}</td><td>${esc(th.missileClass)}</td><td><bdi>${esc(isoAt(epoch, th.tLaunch))}</bdi></td><td><bdi>${esc(isoAt(epoch, th.tImpact))}</bdi> (${deg(th.impact.lat).toFixed(2)}°, ${deg(th.impact.lon).toFixed(2)}°)</td><td>${esc(th.impactFix.zone)}${th.impactFix.nation ? ` ${esc(th.impactFix.nation)}` : ""}</td></tr>`,
  )
  .join("\n")}
</table></section>`);

  // 2. Metrics table
  const m = run.result.metrics;
  sections.push(`<section><h2>${T.metrics}</h2>
<table><tr><th>${T.nation}</th><th>${T.threat}</th><th>${T.detect}</th><th>${T.track}</th><th>${T.allied}</th><th>${T.warn}</th><th>${T.lead}</th><th>${T.errKm}</th><th>${T.falseW}</th><th>${T.missed}</th></tr>
${m
  .map(
    (r) =>
      `<tr><td>${r.nation}</td><td>${esc(r.threat)}</td><td>${num(r.firstDetectionS)}</td><td>${num(r.firstTrackS)}</td><td>${num(r.firstAlliedTrackS)}</td><td>${num(r.firstWarningS)}</td><td>${num(r.leadTimeS)}</td><td>${num(r.impactErrorAtWarningKm)}</td><td>${r.falseWarnings}</td><td>${r.missedWarning ? T.yes : T.no}</td></tr>`,
  )
  .join("\n")}
</table></section>`);

  // 3. Timeline per threat
  const tl = threats
    .slice(0, 12)
    .map((th) => {
      const rows = nations.map((n, i) => {
        const r = m.find((x) => x.nation === n && x.threat === th.id) as ThreatMetrics | undefined;
        return {
          label: n,
          color: color(n, i),
          marks: [
            { name: T.detect, t: r?.firstDetectionS ?? null, shape: "circle" as const },
            { name: T.track, t: r?.firstTrackS ?? null, shape: "square" as const },
            { name: T.allied, t: r?.firstAlliedTrackS ?? null, shape: "diamond" as const },
            { name: T.warn, t: r?.firstWarningS ?? null, shape: "triangle" as const },
            { name: T.impact, t: th.tImpact - th.tLaunch, shape: "bar" as const },
          ],
        };
      });
      return `<h3>${esc(th.id)}</h3>${timeline(rows, th.tImpact - th.tLaunch, { xLabel: `${T.launch} + ${T.seconds}` })}`;
    })
    .join("\n");
  const legend = `<p class="legend">● ${T.detect} &nbsp; ■ ${T.track} &nbsp; ◇ ${T.allied} &nbsp; ▲ ${T.warn} &nbsp; | ${T.impact}</p>`;
  sections.push(
    `<section><h2>${T.timeline}</h2>${legend}${tl}${threats.length > 12 ? `<p>… ${threats.length - 12} ${T.threats}</p>` : ""}</section>`,
  );

  // 4. Lead time bars and impact error over time
  const bars = m
    .slice(0, 60)
    .map((r) => ({ label: `${r.nation} ${r.threat}`, value: r.leadTimeS, color: color(r.nation) }));
  const errSeries: Series[] = nations.map((n, i) => ({
    name: n,
    color: color(n, i),
    points: run.predictions
      .filter((p) => p.nation === n)
      .map((p) => {
        // Nearest true impact among missiles in flight when the prediction was made.
        let best = Number.POSITIVE_INFINITY;
        for (const th of threats)
          if (p.t >= th.tLaunch && p.t <= th.tImpact)
            best = Math.min(
              best,
              geodesicInverse(p.impact.lat, p.impact.lon, th.impact.lat, th.impact.lon).distanceM / 1000,
            );
        return [p.t, best] as [number, number];
      })
      .filter((p) => Number.isFinite(p[1])),
  }));
  sections.push(`<section><h2>${T.leadPlot}</h2>${barChart(bars, { unit: T.seconds, none: T.none })}
<h2>${T.errPlot}</h2><p class="note">${T.errNote}</p>${lineChart(errSeries, { xLabel: `${T.time} (${T.seconds})`, yLabel: "km" }) || `<p>${T.noData}</p>`}</section>`);

  // 5. GOSPA
  const cutoff = 20;
  const gSeries: Series[] = nations.map((n, i) => ({
    name: n,
    color: color(n, i),
    points: run.gospa.filter((g) => g.values[n]).map((g) => [g.t, g.values[n].gospaKm] as [number, number]),
  }));
  sections.push(
    `<section><h2>${T.gospa}</h2><p class="note">${T.gospaNote} (c = ${cutoff} km, p = 2)</p>${lineChart(gSeries, { xLabel: `${T.time} (${T.seconds})`, yLabel: "GOSPA (km)" }) || `<p>${T.noData}</p>`}</section>`,
  );

  // 6. Map
  const layer: MapLayer = {
    lines: run.truth.map((tr) => ({
      id: tr.id,
      coords: tr.samples.map(([, lat, lon]) => [lon, lat] as [number, number]),
      color: "#d4a017",
    })),
    polygons: [
      ...s.protectedAreas.map((p) => ({
        id: p.id,
        coords: p.polygon.map(([lat, lon]) => [lon, lat] as [number, number]),
        color: "#2a9d8f",
        fillOpacity: 0.25,
        title: p.name,
      })),
      ...firstAndLastAlerts(run).map((a) => ({
        id: a.id,
        coords: a.ellipsePolygon.map((p) => [deg(p.lon), deg(p.lat)] as [number, number]),
        color: color(a.issuer),
        fillOpacity: 0.12,
        dash: a.version > 1,
        title: `${a.issuer} ${a.area.name} v${a.version} (${isoAt(epoch, a.t)})`,
      })),
    ],
    points: [
      ...s.sensors
        .filter((x) => Math.abs(x.lat) < 80)
        .map((x) => ({
          id: x.id,
          lon: x.lon,
          lat: x.lat,
          color: color(x.nation),
          shape: "triangle" as const,
          title: x.id,
        })),
      ...threats.map((th) => ({
        id: th.id,
        lon: deg(th.impact.lon),
        lat: deg(th.impact.lat),
        color: "#000",
        shape: "cross" as const,
        title: `${th.id} ${T.impact}`,
      })),
    ],
  };
  // Geostationary satellites are far from the theatre: keep them off the map's extent.
  const mapLegend = [
    { label: T.legendTruth, swatch: "#d4a017" },
    { label: T.legendEllipse, swatch: "#bc002d" },
    { label: T.legendArea, swatch: "#2a9d8f" },
    { label: T.legendSensor, swatch: "#0047a0" },
    { label: T.legendImpact, swatch: "#000" },
  ];
  const mapPoints = layer.points.filter((p) => !s.sensors.some((x) => x.id === p.id && x.kind === "ir"));
  sections.push(
    `<section class="break"><h2>${T.map}</h2><p class="note">${T.mapNote}</p>${mapSvg({ ...layer, points: mapPoints }, mapLegend)}</section>`,
  );

  // 7. Messages
  const perNation = nations.map((n) => {
    const ev = run.nodeEvents.filter((e) => e.nation === n);
    return {
      n,
      sent: ev.filter((e) => e.type === "message.sent").length,
      received: ev.filter((e) => e.type === "message.received").length,
      rejected: ev.filter((e) => e.type === "message.rejected").length,
      refused: ev.filter((e) => e.type === "message.refused").length,
    };
  });
  const reasons = new Map<string, number>();
  for (const e of run.nodeEvents)
    if (e.type === "message.rejected")
      reasons.set(`${e.nation}: ${e.reason}`, (reasons.get(`${e.nation}: ${e.reason}`) ?? 0) + 1);
  const links = Object.entries(run.end.bus.links).sort();
  sections.push(`<section><h2>${T.messages}</h2>
<table><tr><th>${T.nation}</th><th>${T.sent}</th><th>${T.received}</th><th>${T.rejected}</th><th>${T.refused}</th></tr>
${perNation.map((p) => `<tr><td>${p.n}</td><td>${p.sent}</td><td>${p.received}</td><td>${p.rejected}</td><td>${p.refused}</td></tr>`).join("\n")}
</table>
<h3>${T.rejections}</h3>
${reasons.size === 0 ? `<p>${T.none}</p>` : `<table><tr><th>${T.reason}</th><th>${T.count}</th></tr>${[...reasons].map(([r, c]) => `<tr><td>${esc(r)}</td><td>${c}</td></tr>`).join("")}</table>`}
<h3>${T.links}</h3>
<table><tr><th>${T.link}</th><th>${T.crossings}</th><th>${T.lost}</th><th>${T.delayed}</th></tr>
${links.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${v.sent}</td><td>${v.lost}</td><td>${v.delayedByOutage}</td></tr>`).join("\n")}
</table></section>`);

  // 8. Faults
  const faults = run.injects.filter((i) => i.kind === "inject");
  const rows = faults.map((f) => {
    const p = f.payload as { type: string; description: string; index: number };
    const effect = faultEffect(run, p.type, f.t, T, p.description);
    return `<tr><td>T+${Math.round(f.t)} ${T.seconds}</td><td>${esc(p.description)}</td><td>${esc(effect)}</td></tr>`;
  });
  sections.push(
    `<section><h2>${T.faults}</h2>${faults.length === 0 ? `<p>${T.noFaults}</p>` : `<table><tr><th>${T.time}</th><th>${T.what}</th><th>${T.effect}</th></tr>${rows.join("\n")}</table>`}</section>`,
  );

  const dir = lang === "ar" ? "rtl" : "ltr";
  return `<!doctype html>
<html lang="${lang}" dir="${dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${T.title} — ${esc(s.scenario.name)}</title>
<style>
body{font-family:"DejaVu Sans","Noto Sans","Noto Sans Arabic",Arial,sans-serif;margin:24px auto;max-width:780px;color:#222;font-size:13px;line-height:1.45}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;border-bottom:2px solid #0047a0;padding-bottom:2px;margin-top:28px}h3{font-size:14px;margin:14px 0 4px}
table{border-collapse:collapse;margin:6px 0;width:100%}th,td{border:1px solid #ccc;padding:3px 6px;text-align:start;vertical-align:top}th{background:#eef2f7}
table.kv th{width:28%}code{font-size:12px}.note,.legend{color:#555;font-size:12px;margin:2px 0 6px}
svg{max-width:100%;height:auto;font-size:11px;font-family:inherit;direction:ltr;unicode-bidi:isolate}svg text{direction:ltr;unicode-bidi:plaintext}svg .grid{stroke:#e3e3e3}svg .grat{stroke:#fff;stroke-width:0.6}svg .gl{font-size:9px;fill:#557}
.banner{background:#fff3cd;border:1px solid #e0c060;padding:4px 8px;font-size:12px}
@media print{body{margin:0;max-width:none}section.break{page-break-before:always}h2{page-break-after:avoid}svg,table{page-break-inside:avoid}}
</style>
</head>
<body>
<p class="banner"><span dir="ltr" lang="en">EXERCISE — simulated, public-level data only</span> · <span dir="rtl" lang="ar">تمرين — بيانات محاكاة عامة المستوى فقط</span></p>
<h1>${T.title}: ${esc(s.scenario.name)}</h1>
<p class="note">${T.generated} · <bdi>${esc(isoAt(epoch, 0))}</bdi></p>
${sections.join("\n")}
</body>
</html>
`;
}

/** The first and the last version of each alert (the map would drown in every update). */
function firstAndLastAlerts(run: RunData) {
  const byId = new Map<string, RunData["alerts"]>();
  for (const a of run.alerts) if (a.state !== "cancelled") byId.set(a.id, [...(byId.get(a.id) ?? []), a]);
  const out: RunData["alerts"] = [];
  for (const v of byId.values()) {
    out.push(v[0]);
    if (v.length > 1) out.push(v[v.length - 1]);
  }
  return out.slice(0, 80);
}

function faultEffect(
  run: RunData,
  type: string,
  t: number,
  T: ReturnType<typeof dict>,
  description: string,
): string {
  if (type === "link-outage" || type === "link-degradation") {
    const held = Object.entries(run.end.bus.links)
      .filter(([k]) => description.includes(k))
      .reduce((a, [, v]) => a + v.delayedByOutage, 0);
    const rejected = run.nodeEvents.filter((e) => e.type === "message.rejected" && e.t >= t).length;
    return T.effectLink(held, rejected);
  }
  if (type === "sensor-outage") return T.effectSensor(run.end.detections);
  if (type === "node-crash") {
    const r = run.injects.find((i) => i.kind === "inject.restart" && i.t >= t);
    return T.effectCrash(r ? Number((r.payload as { backlog: number }).backlog) : null);
  }
  return T.effectLaunch;
}

/**
 * Small inline-SVG charts for the report: line charts, horizontal bar charts and a timeline. No
 * scripts, no external resources; text is escaped. Charts are drawn left to right in both languages
 * (time runs that way on every axis) and marked dir="ltr" so an Arabic page does not mirror them.
 */
export function esc(s: unknown): string {
  return String(s).replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

export const PALETTE = [
  "#0047a0",
  "#b22234",
  "#bc002d",
  "#2a9d8f",
  "#e9c46a",
  "#6d597a",
  "#f4a261",
  "#264653",
];
export const NATION_COLOR: Record<string, string> = { KOR: "#0047a0", USA: "#6d597a", JPN: "#bc002d" };

export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly [number, number][];
}

function niceMax(x: number): number {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

function ticks(max: number, n = 5): number[] {
  return Array.from({ length: n + 1 }, (_, i) => (max * i) / n);
}

function fmt(x: number): string {
  return Math.abs(x) >= 100 ? String(Math.round(x)) : String(Math.round(x * 10) / 10);
}

export function lineChart(
  series: readonly Series[],
  opts: { xLabel: string; yLabel: string; width?: number; height?: number; logY?: boolean },
): string {
  const W = opts.width ?? 720;
  const H = opts.height ?? 260;
  const m = { l: 60, r: 120, t: 12, b: 40 };
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return "";
  const xMin = Math.min(...all.map((p) => p[0]));
  const xMax = Math.max(...all.map((p) => p[0]), xMin + 1);
  const yMax = niceMax(Math.max(...all.map((p) => p[1])));
  const px = (x: number) => m.l + ((x - xMin) / (xMax - xMin)) * (W - m.l - m.r);
  const py = (y: number) => H - m.b - (y / yMax) * (H - m.t - m.b);
  const parts: string[] = [];
  for (const v of ticks(yMax))
    parts.push(
      `<line x1="${m.l}" x2="${W - m.r}" y1="${py(v)}" y2="${py(v)}" class="grid"/><text x="${m.l - 6}" y="${py(v) + 4}" text-anchor="end">${fmt(v)}</text>`,
    );
  for (const v of ticks(xMax - xMin))
    parts.push(`<text x="${px(xMin + v)}" y="${H - m.b + 16}" text-anchor="middle">${fmt(xMin + v)}</text>`);
  parts.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 6}" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  parts.push(
    `<text x="14" y="${(H - m.b) / 2}" text-anchor="middle" transform="rotate(-90 14 ${(H - m.b) / 2})">${esc(opts.yLabel)}</text>`,
  );
  series.forEach((s, i) => {
    if (s.points.length === 0) return;
    const d = s.points
      .map((p, k) => `${k ? "L" : "M"}${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`)
      .join("");
    parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.6"/>`);
    if (s.points.length < 40)
      for (const p of s.points)
        parts.push(
          `<circle cx="${px(p[0]).toFixed(1)}" cy="${py(p[1]).toFixed(1)}" r="2.5" fill="${s.color}"/>`,
        );
    parts.push(
      `<rect x="${W - m.r + 10}" y="${m.t + i * 18}" width="12" height="3" fill="${s.color}"/><text x="${W - m.r + 28}" y="${m.t + i * 18 + 5}">${esc(s.name)}</text>`,
    );
  });
  return `<svg dir="ltr" class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">${parts.join("")}</svg>`;
}

export function barChart(
  bars: readonly { label: string; value: number | null; color: string }[],
  opts: { unit: string; none: string; width?: number },
): string {
  const W = opts.width ?? 720;
  const row = 22;
  const m = { l: 150, r: 70, t: 6, b: 6 };
  const H = m.t + m.b + row * bars.length;
  const max = niceMax(Math.max(1, ...bars.map((b) => b.value ?? 0)));
  const parts = bars.map((b, i) => {
    const y = m.t + i * row;
    const w = b.value === null ? 0 : (b.value / max) * (W - m.l - m.r);
    const text = b.value === null ? esc(opts.none) : `${fmt(b.value)} ${esc(opts.unit)}`;
    return `<text x="${m.l - 6}" y="${y + 15}" text-anchor="end">${esc(b.label)}</text><rect x="${m.l}" y="${y + 4}" width="${w.toFixed(1)}" height="${row - 8}" fill="${b.color}"/><text x="${m.l + w + 6}" y="${y + 15}">${text}</text>`;
  });
  return `<svg dir="ltr" class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">${parts.join("")}</svg>`;
}

export interface TimelineRow {
  readonly label: string;
  readonly color: string;
  /** Marks at seconds after launch; null marks are skipped. */
  readonly marks: readonly {
    readonly name: string;
    readonly t: number | null;
    readonly shape: "circle" | "square" | "diamond" | "triangle" | "bar";
  }[];
}

export function timeline(
  rows: readonly TimelineRow[],
  tEnd: number,
  opts: { xLabel: string; width?: number },
): string {
  const W = opts.width ?? 720;
  const row = 30;
  const m = { l: 60, r: 20, t: 10, b: 34 };
  const H = m.t + m.b + row * rows.length;
  const max = niceMax(tEnd);
  const px = (t: number) => m.l + (Math.max(0, t) / max) * (W - m.l - m.r);
  const parts: string[] = [];
  for (const v of ticks(max))
    parts.push(
      `<line x1="${px(v)}" x2="${px(v)}" y1="${m.t}" y2="${H - m.b}" class="grid"/><text x="${px(v)}" y="${H - m.b + 14}" text-anchor="middle">${fmt(v)}</text>`,
    );
  parts.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 4}" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  rows.forEach((r, i) => {
    const y = m.t + i * row + row / 2;
    parts.push(
      `<text x="${m.l - 6}" y="${y + 4}" text-anchor="end">${esc(r.label)}</text><line x1="${m.l}" x2="${W - m.r}" y1="${y}" y2="${y}" stroke="#ccc"/>`,
    );
    for (const mk of r.marks) {
      if (mk.t === null) continue;
      const x = px(mk.t);
      const title = `<title>${esc(mk.name)}: ${fmt(mk.t)} s</title>`;
      if (mk.shape === "circle")
        parts.push(`<circle cx="${x}" cy="${y}" r="5" fill="${r.color}">${title}</circle>`);
      else if (mk.shape === "square")
        parts.push(
          `<rect x="${x - 5}" y="${y - 5}" width="10" height="10" fill="${r.color}">${title}</rect>`,
        );
      else if (mk.shape === "diamond")
        parts.push(
          `<path d="M${x},${y - 7}L${x + 7},${y}L${x},${y + 7}L${x - 7},${y}Z" fill="#fff" stroke="${r.color}" stroke-width="2">${title}</path>`,
        );
      else if (mk.shape === "triangle")
        parts.push(
          `<path d="M${x},${y - 8}L${x + 7},${y + 6}L${x - 7},${y + 6}Z" fill="#e76f51">${title}</path>`,
        );
      else
        parts.push(
          `<line x1="${x}" x2="${x}" y1="${y - 11}" y2="${y + 11}" stroke="#000" stroke-width="2">${title}</line>`,
        );
    }
  });
  return `<svg dir="ltr" class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">${parts.join("")}</svg>`;
}

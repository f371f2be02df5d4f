/**
 * Web picture under load: 1,000 live tracks updated at 10 Hz, pushed by the real server over the
 * WebSocket to the real app in headless Chromium (SwiftShader WebGL). The load comes from a generator
 * feed (tracks on great circles), because the benchmark measures the browser and the wire, not the
 * tracker. For the 3-D globe (camera still, then dragged by the mouse all the time) and the 2-D map
 * it prints:
 *
 * - frame time from requestAnimationFrame deltas in the page (p50, p95, max) and frames per second;
 * - pictures received per second (WebSocket frames) and WebSocket KB/s, as the browser sees them;
 * - display lag — "falling behind" measured directly: at every animation frame, the wall-clock age of
 *   the picture on screen since the server made it (p50, p99), its value at the moment each picture
 *   was drawn, and whether it grows over the run (p50 of the first and last third, least-squares
 *   slope in ms per s). A page that keeps up has a bounded lag (about one picture interval plus one
 *   frame) and a slope near zero; a page that queues pictures has a lag that climbs all run long;
 * - pictures drawn and skipped per second (the page draws only the latest picture), and the page's
 *   main-thread ms per picture for parsing, applying and drawing, and ms per second in long tasks
 *   (over 50 ms), and how often the WebGL globe itself re-rendered (web/src/perf.ts counters);
 * - CPU ms per second used by all of Chromium's processes (page, GPU/SwiftShader, browser).
 *
 * The page and the server share this machine's cores. Asserts nothing.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { buildServer } from "../src/server/app.ts";
import { ARTIFACTS, buildWeb, guardedContext, launchChromium } from "../src/server/browser-support.ts";
import { ExerciseClock } from "../src/server/exercise-clock.ts";
import type { ExerciseFeed } from "../src/server/feed.ts";
import { TokenStore } from "../src/server/tokens.ts";
import type { PictureFrame, ViewName, WireTrack } from "../src/server/wire.ts";
import type { Benchmark, BenchRow } from "./benchmark.ts";

export const TRACKS = 1000;
const HZ = 10;
const MEASURE_MS = 10_000;
const WARMUP_MS = 2000;

/** 1,000 tracks flying over the Sea of Japan, a new picture every tick. */
export function loadFeed(): ExerciseFeed & { tick(): void; madeAt: Map<number, number> } {
  const clock = new ExerciseClock(3600, Date.now, { speed: 1 });
  const listeners = new Set<() => void>();
  let frame: PictureFrame | null = null;
  /** Date.now() when the picture of each scenario time was made (to measure display lag). */
  const madeAt = new Map<number, number>();
  const make = (): PictureFrame => {
    const t = clock.t();
    madeAt.set(t, Date.now());
    const systemTracks: WireTrack[] = [];
    for (let i = 0; i < TRACKS; i++) {
      const a = (i * 2.399963) % (2 * Math.PI); // golden-angle spread of headings
      const r = 0.02 * (t + i);
      systemTracks.push({
        id: `S${i + 1}`,
        t,
        lat: Math.round((38 + 6 * Math.sin(i) + r * Math.cos(a) * 0.1) * 1e5) / 1e5,
        lon: Math.round((133 + 8 * Math.cos(i * 0.7) + r * Math.sin(a) * 0.1) * 1e5) / 1e5,
        altM: 50_000 + ((i * 997) % 400_000),
        speedMps: 2000,
        climbMps: -100,
        cov: [250000, 1000, 0, 360000, 0, 490000],
        sources: ["KOR", "USA"],
        phase: "midcourse",
      });
    }
    return {
      type: "picture",
      view: "JPN",
      clock: { t, speed: 1, paused: false, catchingUp: false, durationS: 3600, epochMs: 0 },
      tracks: [],
      systemTracks,
      alerts: [],
      launchPoints: [],
      truth: [],
    };
  };
  return {
    id: "web-load",
    madeAt,
    name: "web-load",
    description: "1,000 synthetic tracks at 10 Hz",
    views: ["JPN"],
    clock: () => (frame ?? make()).clock,
    sensors: () => [],
    areas: () => [],
    picture: (_v: ViewName) => {
      frame ??= make();
      return frame;
    },
    log: () => [],
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    pause: () => undefined,
    resume: () => undefined,
    live: () => undefined,
    setSpeed: () => undefined,
    seek: () => undefined,
    forbiddenFor: () => ["KOR-GREENPINE"],
    close: async () => undefined,
    tick() {
      frame = make();
      for (const l of listeners) l();
    },
  };
}

/**
 * CPU ms (user + system) used so far by this process's descendants — Chromium's browser, renderer
 * and GPU (SwiftShader) processes — from Linux /proc; NaN elsewhere. On a shared machine it shows
 * what the page costs better than wall-clock times do.
 */
function childrenCpuMs(): number {
  const parent = new Map<number, number>();
  const cpu = new Map<number, number>();
  try {
    for (const d of readdirSync("/proc")) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const st = readFileSync(`/proc/${d}/stat`, "utf8");
        const f = st.slice(st.lastIndexOf(")") + 2).split(" ");
        parent.set(Number(d), Number(f[1]));
        cpu.set(Number(d), ((Number(f[11]) + Number(f[12])) * 1000) / 100); // clock ticks at USER_HZ 100
      } catch {
        // the process ended meanwhile
      }
    }
  } catch {
    return Number.NaN;
  }
  let total = 0;
  for (const [pid, ms] of cpu) {
    let p = parent.get(pid);
    while (p !== undefined && p !== process.pid) p = parent.get(p);
    if (p === process.pid) total += ms;
  }
  return total;
}

/** Linear least-squares slope of y over x. */
function slope(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  if (n < 2) return Number.NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] / n;
    my += y[i] / n;
  }
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : Number.NaN;
}

/** The p-quantile of sorted values, rounded to 0.1. */
function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] * 10) / 10;
}
const sortedCopy = (a: readonly number[]) => [...a].sort((x, y) => x - y);

/** The page's own counters (web/src/perf.ts), read as window.allylinkPerf. */
interface PagePerf {
  shownT: number;
  shownAtMs: number;
  received: number;
  drawn: number;
  skipped: number;
  chars: number;
  parseMs: number;
  applyMs: number;
  drawMs: number;
  longTaskMs: number;
  globeRenders: number;
}

/** One sample per animation frame: performance.now(), Date.now(), and the picture on screen. */
interface Sample {
  perfMs: number;
  wallMs: number;
  shownT: number;
  shownAtMs: number;
}

/**
 * "3d": the globe, camera still; "3d-pan": the globe while the mouse drags it all the time (every
 * frame re-renders the WebGL globe: the worst case); "2d": the 2-D map.
 */
async function measure(mode: "3d" | "3d-pan" | "2d"): Promise<BenchRow> {
  const feed = loadFeed();
  const tokens = new TokenStore();
  const token = tokens.issue(feed.id, "JPN", "observer").token;
  const app = await buildServer({ feed, tokens });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const addr = app.server.address() as { port: number };
  const timer = setInterval(() => feed.tick(), 1000 / HZ);
  const browser = await launchChromium();
  try {
    const { context, outside } = await guardedContext(browser);
    const page = await context.newPage();
    let bytes = 0;
    let frames = 0;
    let counting = false;
    page.on("websocket", (ws) =>
      ws.on("framereceived", (f) => {
        if (!counting) return;
        frames++;
        bytes += typeof f.payload === "string" ? Buffer.byteLength(f.payload) : f.payload.length;
      }),
    );
    await page.goto(`http://127.0.0.1:${addr.port}/?lang=en${mode === "2d" ? "&map=2d" : ""}#token=${token}`);
    await page.getByTestId("track-row").first().waitFor({ timeout: 60_000 });
    // Steady state: the globe has loaded its tiles (no render for 1.5 s, or 30 s passed).
    const settled = Date.now() + 30_000;
    for (let last = -1; Date.now() < settled; ) {
      const n = await page.evaluate<number>("window.allylinkPerf.globeRenders");
      if (n === last) break;
      last = n;
      await page.waitForTimeout(1500);
    }
    await page.waitForTimeout(WARMUP_MS);
    const profile = process.env.WEB_BENCH_PROFILE ? await startProfile(page) : null;
    const perf0 = await page.evaluate<PagePerf>("({ ...window.allylinkPerf })");
    const cpu0 = childrenCpuMs();
    counting = true;
    const panning = mode === "3d-pan" ? pan(page, Date.now() + MEASURE_MS) : null;
    const samples = await page.evaluate<Sample[]>(`new Promise((resolve) => {
      const out = []; const end = performance.now() + ${MEASURE_MS};
      const step = (now) => {
        const p = window.allylinkPerf;
        out.push({ perfMs: now, wallMs: Date.now(), shownT: p.shownT, shownAtMs: p.shownAtMs });
        if (now < end) requestAnimationFrame(step); else resolve(out);
      };
      requestAnimationFrame(step);
    })`);
    counting = false;
    await panning;
    const cpuMs = childrenCpuMs() - cpu0;
    const perf1 = await page.evaluate<PagePerf>("({ ...window.allylinkPerf })");
    if (profile) await profile.stop(mode);
    await page.screenshot({ path: join(ARTIFACTS, `web-bench-${mode}.png`) });
    const s = MEASURE_MS / 1000;
    const deltas = sortedCopy(samples.slice(1).map((x, i) => x.perfMs - samples[i].perfMs));
    // Display lag: at every frame, the wall-clock age of the picture on screen (since the server made it).
    const lagT: number[] = [];
    const lag: number[] = [];
    const lagAtDraw: number[] = [];
    let lastShownAt = -1;
    for (const x of samples) {
      const made = feed.madeAt.get(x.shownT);
      if (made === undefined) continue;
      lagT.push((x.wallMs - samples[0].wallMs) / 1000);
      lag.push(x.wallMs - made);
      if (x.shownAtMs !== lastShownAt) {
        lastShownAt = x.shownAtMs;
        lagAtDraw.push(x.shownAtMs - made);
      }
    }
    const third = Math.floor(lag.length / 3);
    const lagSorted = sortedCopy(lag);
    const d = (k: keyof PagePerf) => perf1[k] - perf0[k];
    const per = (k: keyof PagePerf, n: number) => (n > 0 ? Math.round((d(k) / n) * 10) / 10 : Number.NaN);
    return {
      name: `web-${mode}`,
      tracks: TRACKS,
      updateHz: HZ,
      frameMsP50: quantile(deltas, 0.5),
      frameMsP95: quantile(deltas, 0.95),
      frameMsMax: quantile(deltas, 1),
      fps: Math.round((deltas.length / s) * 10) / 10,
      picturesPerS: Math.round((frames / s) * 10) / 10,
      drawnPerS: Math.round((d("drawn") / s) * 10) / 10,
      skippedPerS: Math.round((d("skipped") / s) * 10) / 10,
      lagMsP50: quantile(lagSorted, 0.5),
      lagMsP99: quantile(lagSorted, 0.99),
      lagAtDrawMsP50: quantile(sortedCopy(lagAtDraw), 0.5),
      lagFirstThirdMsP50: quantile(sortedCopy(lag.slice(0, third)), 0.5),
      lagLastThirdMsP50: quantile(sortedCopy(lag.slice(lag.length - third)), 0.5),
      lagGrowthMsPerS: Math.round(slope(lagT, lag) * 10) / 10,
      // Per picture parsed (the page parses only the pictures it draws) and per picture drawn.
      parseMsPerPicture: per("parseMs", d("received") - d("skipped")),
      applyMsPerPicture: per("applyMs", d("received") - d("skipped")),
      drawMsPerPicture: per("drawMs", d("drawn")),
      longTaskMsPerS: Math.round(d("longTaskMs") / s),
      globeRendersPerS: Math.round((d("globeRenders") / s) * 10) / 10,
      browserCpuMsPerS: Math.round(cpuMs / s),
      wsKBps: Math.round(bytes / s / 1024),
      requestsOffMachine: outside.length,
    };
  } finally {
    clearInterval(timer);
    await browser.close();
    await app.close();
  }
}

/** Drags the globe back and forth with the mouse until `until` (Date.now() ms). */
async function pan(page: Page, until: number): Promise<void> {
  await page.mouse.move(480, 430);
  await page.mouse.down();
  for (let i = 0; Date.now() < until; i++)
    await page.mouse.move(480 + 120 * Math.sin(i / 8), 430 + 60 * Math.cos(i / 11), { steps: 1 });
  await page.mouse.up();
}

/**
 * WEB_BENCH_PROFILE=1: a V8 CPU profile of the page over the measured window, saved as
 * artifacts/web-bench-MODE.cpuprofile (open in Chromium DevTools), with the top functions by self
 * time printed to stderr. The profiler slows the page: figures from a profiled run are not comparable.
 */
async function startProfile(page: Page): Promise<{ stop(mode: string): Promise<void> }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 500 });
  await cdp.send("Profiler.start");
  return {
    async stop(mode) {
      const { profile } = await cdp.send("Profiler.stop");
      mkdirSync(ARTIFACTS, { recursive: true });
      writeFileSync(join(ARTIFACTS, `web-bench-${mode}.cpuprofile`), JSON.stringify(profile));
      const self = new Map<string, number>();
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      const dt = profile.timeDeltas ?? [];
      (profile.samples ?? []).forEach((id, i) => {
        const n = byId.get(id);
        if (!n) return;
        const f = n.callFrame;
        const key = `${f.functionName || "(anonymous)"} ${f.url.split("/").pop()}:${f.lineNumber + 1}`;
        self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
      });
      const total = [...self.values()].reduce((a, b) => a + b, 0);
      process.stderr.write(`# web-${mode} CPU profile: top self time (ms of ${Math.round(total)})\n`);
      for (const [k, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30))
        process.stderr.write(`${ms.toFixed(0).padStart(7)}  ${k}\n`);
    },
  };
}

export const benchmarks: Benchmark[] = [
  {
    name: "web",
    async run() {
      buildWeb();
      return [await measure("3d"), await measure("3d-pan"), await measure("2d")];
    },
  },
];

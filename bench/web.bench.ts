/**
 * Web picture under load: 1,000 live tracks updated at 10 Hz, pushed by the real server over the
 * WebSocket to the real app in headless Chromium (SwiftShader WebGL). The load comes from a generator
 * feed (tracks on great circles), because the benchmark measures the browser and the wire, not the
 * tracker. Prints frame time from requestAnimationFrame deltas in the page, pictures received per
 * second and WebSocket bytes per second, for the 3-D globe and the 2-D map. Asserts nothing.
 */
import { buildServer } from "../src/server/app.ts";
import { buildWeb, guardedContext, launchChromium } from "../src/server/browser-support.ts";
import { ExerciseClock } from "../src/server/exercise-clock.ts";
import type { ExerciseFeed } from "../src/server/feed.ts";
import { TokenStore } from "../src/server/tokens.ts";
import type { PictureFrame, ViewName, WireTrack } from "../src/server/wire.ts";
import type { Benchmark, BenchRow } from "./benchmark.ts";

const TRACKS = 1000;
const HZ = 10;
const MEASURE_MS = 10_000;

/** 1,000 tracks flying over the Sea of Japan, a new picture every tick. */
function loadFeed(): ExerciseFeed & { tick(): void } {
  const clock = new ExerciseClock(3600, Date.now, { speed: 1 });
  const listeners = new Set<() => void>();
  let frame: PictureFrame | null = null;
  const make = (): PictureFrame => {
    const t = clock.t();
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

async function measure(mode: "3d" | "2d"): Promise<BenchRow> {
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
    await page.waitForTimeout(2000); // warm-up
    counting = true;
    const deltas = await page.evaluate<number[]>(`new Promise((resolve) => {
      const out = []; let last = performance.now(); const end = last + ${MEASURE_MS};
      const step = (now) => { out.push(now - last); last = now; if (now < end) requestAnimationFrame(step); else resolve(out); };
      requestAnimationFrame(step);
    })`);
    counting = false;
    deltas.sort((a, b) => a - b);
    const q = (p: number) =>
      Math.round(deltas[Math.min(deltas.length - 1, Math.floor(p * deltas.length))] * 10) / 10;
    const s = MEASURE_MS / 1000;
    return {
      name: `web-${mode}`,
      tracks: TRACKS,
      updateHz: HZ,
      frameMsP50: q(0.5),
      frameMsP95: q(0.95),
      frameMsMax: q(1),
      fps: Math.round((deltas.length / s) * 10) / 10,
      picturesPerS: Math.round((frames / s) * 10) / 10,
      wsKBps: Math.round(bytes / s / 1024),
      requestsOffMachine: outside.length,
    };
  } finally {
    clearInterval(timer);
    await browser.close();
    await app.close();
  }
}

export const benchmarks: Benchmark[] = [
  {
    name: "web",
    async run() {
      buildWeb();
      return [await measure("3d"), await measure("2d")];
    },
  },
];

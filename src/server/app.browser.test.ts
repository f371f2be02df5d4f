/**
 * The app in a real browser (Debian's Chromium, headless, SwiftShader WebGL) against a real server
 * playing the ICBM of 31 Oct 2024 live: JPN signs in, the launch appears, the warning shows with its
 * countdown; nothing of Korea's national-only data reaches the JPN page or any WebSocket frame it
 * receives (and the same check on the KOR page finds it, so the check can fail); Arabic is laid out
 * right-to-left; control gets the clock, the view switch and the reports. No request leaves the
 * machine. Screenshots go to artifacts/.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadScenarioFile } from "../scenario/load.ts";
import { ARTIFACTS, buildWeb, guardedContext, launchChromium } from "./browser-support.ts";
import { type RunningServer, startServer } from "./serve.ts";

let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let outside: string[];
let reportsDir: string;
/** Pages still open: closed after each test, pass or fail (each Cesium page costs a CPU). */
const openPages: Page[] = [];
const token = (who: string) =>
  server
    .links()
    .find((l) => l.who === who)!
    .url.split("#token=")[1];

/** Opens the app signed in as `who`, recording every WebSocket frame the page receives. */
async function openAs(who: string, query = ""): Promise<{ page: Page; frames: string[] }> {
  const page = await context.newPage();
  openPages.push(page);
  const frames: string[] = [];
  page.on("websocket", (ws) =>
    ws.on("framereceived", (f) =>
      frames.push(typeof f.payload === "string" ? f.payload : f.payload.toString("utf8")),
    ),
  );
  await page.goto(`${server.url}${query}#token=${token(who)}`);
  return { page, frames };
}

beforeAll(async () => {
  buildWeb();
  mkdirSync(ARTIFACTS, { recursive: true });
  reportsDir = mkdtempSync(join(tmpdir(), "allylink-reports-"));
  writeFileSync(
    join(reportsDir, "icbm-aar.html"),
    "<!doctype html><title>AAR</title><h1>After-action report: icbm-2024-10-31</h1>",
  );
  const scenario = loadScenarioFile("scenarios/icbm-2024-10-31.yaml");
  // Launch at 60 s; JPN holds a fused track from about 170 s and first warns about 297 s: start at
  // 120 s, at ×10.
  server = await startServer({
    scenario,
    port: 0,
    speed: 10,
    startT: 120,
    reportsDir,
    buildWeb: false,
    tickMs: 200,
  });
  browser = await launchChromium();
  ({ context, outside } = await guardedContext(browser));
});

afterEach(async () => {
  for (const p of openPages.splice(0)) await p.close().catch(() => undefined);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (reportsDir) rmSync(reportsDir, { recursive: true, force: true });
});

describe("common operational picture in the browser", () => {
  it("JPN: the launch appears, the warning shows with its countdown, and no KOR national-only item reaches the page", async () => {
    const { page, frames } = await openAs("JPN operator", "?lang=en");
    await page.getByTestId("participant").waitFor();
    expect(await page.getByTestId("participant").innerText()).toContain("JPN");
    // The launch: a fused system track in the table (fed by allied and own tracks).
    await page.getByTestId("track-row").first().waitFor({ timeout: 60_000 });
    // The warning with its countdown.
    const alert = page.getByTestId("alert-item").first();
    await alert.waitFor({ timeout: 90_000 });
    const countdown = alert.getByTestId("countdown");
    expect(await countdown.innerText()).toMatch(/T−(\d+:)?\d{2}:\d{2}/);
    const s1 = Number(await countdown.getAttribute("data-seconds"));
    const ti1 = Number(await alert.getAttribute("data-timpact"));
    expect(s1).toBeGreaterThan(0);
    // It counts down: the time it implies (impact − seconds left) moves on with the clock, even when
    // an update moved the predicted impact time meanwhile. Polled, so a slow machine only waits longer.
    const impliedNow = async () =>
      Number(await alert.getAttribute("data-timpact")) - Number(await countdown.getAttribute("data-seconds"));
    await expect.poll(impliedNow).toBeGreaterThan(ti1 - s1 + 5);
    await page.waitForTimeout(1500); // let the globe draw the impact ellipse
    await page.screenshot({ path: join(ARTIFACTS, "jpn-en.png") });

    // Releasability: no other nation's sensor identity anywhere in the page or the frames.
    const forbidden = server.exercise.forbiddenFor("JPN");
    expect(forbidden).toContain("KOR-GREENPINE-BUSAN");
    const html = await page.content();
    const text = await page.evaluate<string>("document.body.innerText");
    expect(frames.length).toBeGreaterThan(3);
    for (const f of forbidden) {
      expect(html.includes(f), `page HTML holds ${f}`).toBe(false);
      expect(text.includes(f), `page text holds ${f}`).toBe(false);
      expect(
        frames.some((fr) => fr.includes(f)),
        `a WebSocket frame holds ${f}`,
      ).toBe(false);
    }
    // Korea's own warnings go only to the US (bilateral): none may reach Japan.
    expect(frames.some((fr) => fr.includes('"issuer":"KOR"'))).toBe(false);
    expect(frames.some((fr) => fr.includes('"issuer":"JPN"'))).toBe(true);
    // Japan's own sensors are its own to see.
    expect(frames.some((fr) => fr.includes("JPN-FPS5-SADO"))).toBe(true);
    await page.close();
  });

  it("the same check on the KOR page finds KOR's sensors (the check can fail)", async () => {
    const { page, frames } = await openAs("KOR observer");
    await page.getByTestId("participant").waitFor();
    await page.waitForTimeout(500);
    expect(frames.some((f) => f.includes("KOR-GREENPINE-BUSAN"))).toBe(true);
    expect(frames.some((f) => f.includes("JPN-FPS5-SADO"))).toBe(false);
    await page.close();
  });

  it("Arabic is laid out right-to-left, with the side panel on the left", async () => {
    const { page } = await openAs("JPN observer", "?lang=ar");
    await page.getByTestId("alert-panel").waitFor();
    expect(await page.evaluate<string>("document.documentElement.dir")).toBe("rtl");
    expect(await page.evaluate<string>("document.documentElement.lang")).toBe("ar");
    expect(await page.getByTestId("alert-panel").innerText()).toContain("الإنذارات");
    const side = await page.locator("aside.side").boundingBox();
    const map = await page.locator("section.mapbox").boundingBox();
    expect(side!.x).toBeLessThan(map!.x);
    expect(
      await page.evaluate<string>("getComputedStyle(document.querySelector('aside.side')).direction"),
    ).toBe("rtl");
    await page.getByTestId("alert-item").first().waitFor({ timeout: 60_000 });
    await page.waitForTimeout(1500);
    await page.screenshot({ path: join(ARTIFACTS, "jpn-ar.png") });
    await page.close();
  });

  it("control: clock, view switch, truth, reports; the 2-D map", async () => {
    const { page, frames } = await openAs("CONTROL", "?map=2d&lang=en");
    await page.getByTestId("timeline").waitFor();
    await page.getByTestId("map2d").waitFor();
    await page.getByTestId("view-select").selectOption("TRUTH");
    await expect.poll(() => page.getByTestId("app").getAttribute("data-view")).toBe("TRUTH");
    await expect.poll(() => frames.some((f) => f.includes('"truth":[{'))).toBe(true);
    await page.getByTestId("clock-pause").click();
    await expect.poll(() => server.exercise.clock().paused).toBe(true);
    await expect.poll(() => page.getByTestId("clock-pause").innerText()).toBe("Resume");
    await page.getByTestId("clock-pause").click();
    await expect.poll(() => server.exercise.clock().paused).toBe(false);
    await page.getByTestId("view-select").selectOption("KOR");
    await expect.poll(() => page.getByTestId("app").getAttribute("data-view")).toBe("KOR");
    // After-action reports open from the app (fetched with the token, shown as a page).
    const popup = page.waitForEvent("popup");
    await page.getByTestId("reports").getByRole("button").first().click();
    const report = await popup;
    await report.waitForLoadState();
    expect(await report.locator("h1").innerText()).toContain("After-action report");
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(ARTIFACTS, "control-2d.png") });
    await report.close();
    await page.close();
  });

  it("no request left the machine", () => {
    expect(outside).toEqual([]);
  });
});

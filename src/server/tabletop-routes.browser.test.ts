/**
 * The tabletop screens in a real browser (Debian's Chromium, headless, as app.browser.test.ts) against
 * the real server; the exercise runs on a virtual clock the test moves, so nothing waits on wall time.
 *
 * Control starts the exercise from its console; a JPN player signs in, sees its first inject and a
 * missile warning from the coupled simulation with its time to impact, opens the trilateral
 * consultation and sends a message, which arrives labelled; the Arabic layout is right-to-left.
 * Screenshots go to artifacts/. No request leaves the machine.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadScenarioFile } from "../scenario/load.ts";
import { VirtualClockSource, wallTimeFor } from "../tabletop/clock.ts";
import { TtxEngine } from "../tabletop/engine.ts";
import { clockPhases } from "../tabletop/state.ts";
import { loadTtxFile } from "../tabletop/ttx-load.ts";
import { buildServer, type ServerOptions } from "./app.ts";
import { ARTIFACTS, buildWeb, guardedContext, launchChromium } from "./browser-support.ts";
import { LiveExercise } from "./live-exercise.ts";
import { SHIPPED_TTX, SHIPPED_TTX_RUN, type TabletopOptions } from "./tabletop-routes.ts";
import { TokenStore } from "./tokens.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const clock = new VirtualClockSource(0);
const engine = new TtxEngine(() => clock);
const tokens = new TokenStore();
let app: FastifyInstance;
let feed: LiveExercise;
let base: string;
let browser: Browser;
let context: BrowserContext;
let outside: string[];
let control: string;
let jpn: string;

const run = () => engine.run(SHIPPED_TTX_RUN);
/** Moves the exercise to time `t` (s) and delivers what fell due, as the server's timer would. */
function goTo(t: number): void {
  const s = run();
  clock.set(Math.max(clock.nowMs(), wallTimeFor(s.state.clock, clockPhases(s.state), t)));
  engine.tickAll();
}

async function openAs(token: string, query = ""): Promise<{ page: Page; frames: string[] }> {
  const page = await context.newPage();
  const frames: string[] = [];
  page.on("websocket", (ws) =>
    ws.on("framereceived", (f) =>
      frames.push(typeof f.payload === "string" ? f.payload : f.payload.toString("utf8")),
    ),
  );
  await page.goto(`${base}?app=ttx${query}#token=${token}`);
  await page.getByTestId("ttx-participant").waitFor();
  return { page, frames };
}

beforeAll(async () => {
  buildWeb();
  mkdirSync(ARTIFACTS, { recursive: true });
  engine.createRun(SHIPPED_TTX_RUN, loadTtxFile(SHIPPED_TTX));
  feed = await LiveExercise.start(loadScenarioFile(`${ROOT}scenarios/icbm-2024-10-31.yaml`), {
    paused: true,
  });
  control = tokens.issue(feed.id, null, "control").token;
  jpn = tokens.issue(feed.id, "JPN", "operator").token;
  const tabletop: TabletopOptions = { engine, tickMs: 200, clockEveryMs: 1000 };
  const opts: ServerOptions & { tabletop: TabletopOptions } = { feed, tokens, tabletop };
  app = await buildServer(opts);
  await app.listen({ port: 0, host: "127.0.0.1" });
  const addr = app.server.address();
  base = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}/`;
  browser = await launchChromium();
  ({ context, outside } = await guardedContext(browser));
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await feed?.close();
});

describe("the tabletop exercise in the browser", () => {
  let ctrl: Page;

  it("control starts the exercise from its console", async () => {
    ({ page: ctrl } = await openAs(control));
    expect(await ctrl.getByTestId("ttx-participant").innerText()).toContain("CONTROL");
    await ctrl.getByTestId("control-panel").waitFor();
    expect(await ctrl.getByTestId("msel").locator("tr").count()).toBe(run().def.injects.length);
    await ctrl.getByTestId("ttx-pause").click(); // STARTEX
    await expect.poll(() => run().state.started).toBe(true);
  });

  it("JPN: the first inject and a missile warning with its time to impact; opens the trilateral call and sends a message", async () => {
    const { page, frames } = await openAs(jpn);
    expect(await page.getByTestId("ttx-participant").innerText()).toContain("JPN");
    // I-101 (at 60 s) is Korea's alone; Japan's first inject is the news flash I-102 at 180 s.
    goTo(200);
    const first = page.locator('[data-testid="inject"][data-inject="I-102"]');
    await first.waitFor();
    expect(await first.innerText()).toContain("Flash");
    expect(await page.locator('[data-inject="I-101"]').count()).toBe(0);
    // A launch from the coupled warning simulation, for Japan and the US: impact 800 s from now.
    const deg = Math.PI / 180;
    run().ingestWarning({
      threatId: "T-77",
      missileClass: "IRBM",
      launchPoint: { lat: 40 * deg, lon: 127 * deg },
      impactPoint: { lat: 38 * deg, lon: 140 * deg },
      ellipse: {
        center: { lat: 38 * deg, lon: 140 * deg },
        semiMajorM: 30_000,
        semiMinorM: 10_000,
        orientation: 1.2,
        probability: 0.95,
      },
      tLaunch: 150,
      tDetect: 170,
      tImpact: 1000,
      detectingNation: "JPN",
      recipients: ["JPN", "USA"],
      track: [{ t: 170, lat: 40.1 * deg, lon: 127.3 * deg, altM: 30_000 }],
    });
    const countdown = page.locator('[data-inject="W-T-77"]').getByTestId("time-to-impact");
    await countdown.waitFor();
    // 1000 − 200 s; the page runs its clock on between the server's clock frames (once a second here,
    // while this test's virtual clock stands still), so allow a few seconds.
    const left = Number(await countdown.getAttribute("data-seconds"));
    expect(left).toBeGreaterThan(795);
    expect(left).toBeLessThanOrEqual(800);
    expect(await countdown.innerText()).toMatch(/Time to impact: T−13:[12]\d/);
    // Local clocks: story time 07:13:20 KST on 31 Oct 2024 (move 1 epoch 07:10 + 200 s).
    const clocks = await page.getByTestId("local-clocks").innerText();
    expect(clocks).toMatch(/31 Oct, 07:13:2\d KST/);
    expect(clocks).toMatch(/31 Oct, 07:13:2\d JST/);
    expect(clocks).toMatch(/Washington 30 Oct, 18:13:2\d EDT/);

    // The trilateral call: open it, write, send.
    const tri = page.locator('[data-testid="channel"][data-channel="trilateral-call"]');
    await tri.getByTestId("open-consultation").click();
    const room = page.locator('[data-testid="consultation-room"][data-channel="trilateral-call"]');
    await room.getByTestId("composer").waitFor();
    await expect
      .poll(() =>
        room.getByTestId("presence").locator('[data-participant="jpn-lead"]').getAttribute("data-present"),
      )
      .toBe("true");
    await room
      .getByTestId("message-input")
      .fill("JSDF confirms the track; requesting a trilateral assessment.");
    await room.getByTestId("send-message").click();
    const msg = room.getByTestId("message").first();
    await msg.waitFor();
    expect(await msg.getByTestId("label").innerText()).toBe("UNCLASSIFIED // REL TO KOR, USA, JPN");
    const sent = run().events.filter((e) => e.type === "message.sent");
    expect(sent.length).toBe(1);
    expect(sent[0].type === "message.sent" && [sent[0].from, sent[0].text]).toEqual([
      "jpn-lead",
      "JSDF confirms the track; requesting a trilateral assessment.",
    ]);
    // The US joins the call and reads the message (through the engine, as its cell's client would):
    // presence and the read receipt show on Japan's screen.
    const consultation = [...run().state.consultations.values()].find(
      (c) => c.channel === "trilateral-call",
    )!;
    engine.handle(SHIPPED_TTX_RUN, "usa-lead", { type: "join" });
    engine.handle(SHIPPED_TTX_RUN, "usa-lead", {
      type: "join-consultation",
      consultationId: consultation.id,
    });
    engine.handle(SHIPPED_TTX_RUN, "usa-lead", {
      type: "read",
      messageId: (sent[0] as { message: string }).message,
    });
    await expect
      .poll(() =>
        room.getByTestId("presence").locator('[data-participant="usa-lead"]').getAttribute("data-present"),
      )
      .toBe("true");
    await expect.poll(() => msg.getByTestId("read-receipts").innerText()).toContain("usa-lead");
    // Decision point DP-1 opens with I-103 (the US's); Japan may lead options in it, so it sees it.
    goTo(950);
    await page.locator('[data-testid="decision-point"][data-dp="DP-1"]').waitFor();
    expect(
      await page
        .locator('[data-dp="DP-1"] [data-option="strategic-bomber-flyover"] [data-testid="rung"]')
        .innerText(),
    ).toBe("5");
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(ARTIFACTS, "ttx-jpn-en.png") });
    // Nothing Korea's alone reached this page.
    expect(frames.some((f) => f.includes('"I-101"'))).toBe(false);
    expect(frames.some((f) => f.includes('"I-103"'))).toBe(false);
    await page.close();
  });

  it("Arabic is laid out right-to-left", async () => {
    const { page } = await openAs(jpn, "&lang=ar");
    await page.locator('[data-inject="W-T-77"]').waitFor();
    expect(await page.evaluate("document.documentElement.dir")).toBe("rtl");
    expect(await page.evaluate("document.documentElement.lang")).toBe("ar");
    expect(await page.getByTestId("ttx-app").getAttribute("dir")).toBe("rtl");
    expect(await page.getByTestId("inbox").innerText()).toContain("صندوق المدخلات");
    expect(await page.getByTestId("inbox").innerText()).toContain("عاجل"); // I-102 in Arabic
    // The inbox column comes first in reading order, so it sits on the right.
    const inbox = await page.getByTestId("inbox").boundingBox();
    const consult = await page.getByTestId("consultations").boundingBox();
    expect(inbox!.x).toBeGreaterThan(consult!.x);
    await page.locator('[data-testid="channel"][data-channel="trilateral-call"] button').first().click();
    await page.locator('[data-testid="consultation-room"]').getByTestId("message").first().waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(ARTIFACTS, "ttx-jpn-ar.png") });
    await page.close();
  });

  it("control sees the whole run: MSEL delivered, consultation, and the report opens", async () => {
    await ctrl.locator('[data-testid="msel"] tr[data-inject="I-103"]').getByText("delivered").waitFor();
    const popup = ctrl.waitForEvent("popup");
    await ctrl.getByTestId("open-report").click();
    const report = await popup;
    await report.waitForLoadState();
    expect(await report.locator("h1").first().innerText()).toContain(run().def.exercise.name);
    await report.close();
    await ctrl.screenshot({ path: join(ARTIFACTS, "ttx-control-en.png") });
    await ctrl.close();
  });

  it("no request left the machine", () => {
    expect(outside).toEqual([]);
  });
});

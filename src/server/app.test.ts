/**
 * The server over HTTP (fastify inject) with a real live exercise (the ICBM of 31 Oct 2024, driven
 * to 300 s, when Japan warns): sign-in, per-nation filtering, control-only actions, limits and clear
 * JSON errors, and the leak guard withholding a frame that carries another nation's sensor id.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadScenarioFile } from "../scenario/load.ts";
import { buildServer } from "./app.ts";
import { ExerciseClock } from "./exercise-clock.ts";
import type { ExerciseFeed } from "./feed.ts";
import { LiveExercise } from "./live-exercise.ts";
import { RateLimiter } from "./rate-limit.ts";
import { TokenStore } from "./tokens.ts";
import type { PictureFrame, ViewName } from "./wire.ts";

let ex: LiveExercise;
const tokens = new TokenStore();
let app: Awaited<ReturnType<typeof buildServer>>;
let control: string;
let jpn: string;
let kor: string;

beforeAll(async () => {
  ex = await LiveExercise.start(loadScenarioFile("scenarios/icbm-2024-10-31.yaml"), {
    paused: true,
    startT: 320,
    tickMs: 50,
  });
  await ex.settle();
  control = tokens.issue(ex.id, null, "control").token;
  jpn = tokens.issue(ex.id, "JPN", "operator").token;
  kor = tokens.issue(ex.id, "KOR", "observer").token;
  app = await buildServer({ feed: ex, tokens, httpRatePerS: 1000 });
});
afterAll(async () => {
  await app?.close();
  await ex?.close();
});

const get = (url: string, token?: string) =>
  app.inject({ method: "GET", url, headers: token ? { authorization: `Bearer ${token}` } : {} });
const post = (url: string, body: unknown, token?: string) =>
  app.inject({
    method: "POST",
    url,
    payload: body as object,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

describe("server", () => {
  it("signs in with a token and refuses a bad one with a clear error", async () => {
    const ok = await post("/api/session", { token: jpn });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().participant).toMatchObject({ nation: "JPN", role: "operator" });
    const bad = await post("/api/session", { token: "x".repeat(43) });
    expect(bad.statusCode).toBe(401);
    expect(bad.json()).toEqual({ error: "token: unknown or revoked" });
    expect((await post("/api/session", { token: 5 })).json()).toEqual({
      error: "token: a string is required",
    });
    expect((await get("/api/picture")).statusCode).toBe(401);
  });

  it("gives JPN its own picture — with its warning — and nothing national of other nations", async () => {
    const r = await get("/api/picture", jpn);
    expect(r.statusCode).toBe(200);
    const pic = r.json() as PictureFrame;
    expect(pic.view).toBe("JPN");
    expect(pic.alerts.length).toBeGreaterThan(0);
    expect(pic.alerts.every((a) => a.issuer === "JPN")).toBe(true);
    expect(pic.truth).toEqual([]);
    // Its own tracks carry the flight phase its node judged: 30 s after burnout, "unknown" — JPN's
    // radars last saw the missile 2 s before burnout, and its track's boost filter still has thrust.
    expect(pic.tracks.length).toBeGreaterThan(0);
    expect(pic.tracks.map((t) => t.phase)).toEqual(["unknown"]);
    const setup = (await get("/api/setup", jpn)).json();
    expect(setup.sensors.length).toBeGreaterThan(0);
    expect(setup.sensors.every((s: { nation: string }) => s.nation === "JPN")).toBe(true);
    expect(setup.reports).toEqual([]);
    const all = r.body + JSON.stringify(setup) + (await get("/api/log", jpn)).body;
    for (const f of ex.forbiddenFor("JPN")) expect(all.includes(f), f).toBe(false);
    // The same strings do reach Korea for its own sensors: the check can fail.
    expect((await get("/api/setup", kor)).body).toContain("KOR-GREENPINE-BUSAN");
  });

  it("lets only control see the truth, other views and the clock", async () => {
    const r = await get("/api/picture?view=KOR", jpn);
    expect(r.statusCode).toBe(403);
    expect(r.json().error).toBe("view: a JPN participant sees only JPN");
    expect((await get("/api/picture?view=MARS", control)).json().error).toMatch(/^view: must be one of/);
    const truth = (await get("/api/picture?view=TRUTH", control)).json() as PictureFrame;
    expect(truth.truth.some((o) => o.id === "ICBM-1")).toBe(true);
    expect((await post("/api/clock", { action: "pause" }, jpn)).statusCode).toBe(403);
    const badSpeed = await post("/api/clock", { action: "speed", speed: -1 }, control);
    expect(badSpeed.statusCode).toBe(400);
    expect(badSpeed.json()).toEqual({ error: "speed: must be a number in (0, 1000]" });
    expect((await post("/api/clock", { action: "speed", speed: 4 }, control)).json().clock.speed).toBe(4);
    expect((await post("/api/admin/tokens", { nation: "JPN", role: "observer" }, jpn)).statusCode).toBe(403);
    const issued = await post("/api/admin/tokens", { nation: "USA", role: "observer" }, control);
    expect(issued.json().participant).toMatchObject({ nation: "USA", role: "observer" });
    expect(
      (await post("/api/admin/tokens", { nation: "PRK", role: "operator" }, control)).json().error,
    ).toMatch(/^nation: must be KOR, USA or JPN/);
  });

  it("answers limits and unknown routes with JSON, never a stack", async () => {
    const big = await app.inject({
      method: "POST",
      url: "/api/session",
      payload: JSON.stringify({ token: "a".repeat(20_000) }),
      headers: { "content-type": "application/json" },
    });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toEqual({ error: "body: larger than 16 KiB" });
    const junk = await app.inject({
      method: "POST",
      url: "/api/session",
      payload: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect(junk.statusCode).toBe(400);
    expect(junk.body).not.toMatch(/at .*\.(js|ts):\d+/);
    expect((await get("/api/nothing")).json()).toEqual({ error: "not found: GET /api/nothing" });
    expect((await get("/cesium/../../package.json")).statusCode).toBe(404);
  });

  it("withholds a frame that carries another nation's sensor id", async () => {
    const leaky: ExerciseFeed = Object.assign(Object.create(ex) as ExerciseFeed, {
      picture: (view: ViewName) => ({
        ...ex.picture(view),
        launchPoints: [{ id: "KOR-GREENPINE-BUSAN", lat: 0, lon: 0, t: 0, estimated: true }],
      }),
    });
    const leakyApp = await buildServer({ feed: leaky, tokens });
    const r = await leakyApp.inject({
      method: "GET",
      url: "/api/picture",
      headers: { authorization: `Bearer ${jpn}` },
    });
    expect(r.statusCode).toBe(500);
    expect(r.json()).toEqual({ error: "internal error" });
    expect(r.body).not.toContain("KOR-GREENPINE");
    expect(leakyApp.leakGuard.blocked).toBe(1);
    await leakyApp.close();
  });
});

describe("rate limiter and clock", () => {
  it("allows a burst, then the sustained rate", () => {
    let now = 0;
    const rl = new RateLimiter(2, 3, () => now);
    expect([rl.take("a"), rl.take("a"), rl.take("a"), rl.take("a")]).toEqual([true, true, true, false]);
    now = 500; // half a second at 2/s: one more
    expect([rl.take("a"), rl.take("a")]).toEqual([true, false]);
    expect(rl.take("b")).toBe(true);
  });

  it("runs scenario time at wall × speed, pauses, seeks and stays inside the scenario", () => {
    let now = 1000;
    const c = new ExerciseClock(100, () => now, { speed: 10 });
    now += 2000;
    expect(c.t()).toBe(20);
    c.pause();
    now += 5000;
    expect(c.t()).toBe(20);
    c.resume();
    c.setSpeed(2);
    now += 1000;
    expect(c.t()).toBe(22);
    c.seek(5);
    expect(c.t()).toBe(5);
    now += 1e6;
    expect(c.t()).toBe(100);
  });
});

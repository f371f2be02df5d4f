/**
 * The AllyLink HTTP + WebSocket server (fastify 5, @fastify/websocket 11).
 *
 * Participants sign in with a token issued for one exercise, nation and role. Every answer and every
 * stream is cut on the server to the participant's nation (views.ts builds it from that nation's node
 * alone; LeakGuard checks the serialised text again): a nation never receives another nation's
 * national-only data, control sees the truth and may switch views and drive the clock.
 *
 * Limits: request bodies ≤ 16 KiB, WebSocket messages ≤ 4 KiB; token buckets per address (HTTP),
 * tighter for sign-in, and per connection (WebSocket commands); a slow client skips pictures rather
 * than queueing them. Errors are one JSON object {error}; internal errors never show a stack.
 */
import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import websocket from "@fastify/websocket";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { ExerciseFeed } from "./feed.ts";
import { LeakGuard } from "./leak-guard.ts";
import { RateLimiter } from "./rate-limit.ts";
import { SocketCommandGate } from "./socket-commands.ts";
import { fileStream, findFile } from "./static-files.ts";
import type { TokenStore } from "./tokens.ts";
import type { ClientCommand, Participant, PictureFrame, ServerFrame, SetupFrame, ViewName } from "./wire.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const WEB_DIST = join(ROOT, "web", "dist");
export const CESIUM_BUILD = join(ROOT, "node_modules", "cesium", "Build", "Cesium");
export const WORLD_ATLAS = join(ROOT, "node_modules", "world-atlas");

export interface ServerOptions {
  readonly feed: ExerciseFeed;
  readonly tokens: TokenStore;
  /** Folder of after-action report HTML files (control may open them). */
  readonly reportsDir?: string;
  readonly webDist?: string;
  /** HTTP requests per second per address (default 50, burst 2×). */
  readonly httpRatePerS?: number;
  /** Sign-in attempts per second per address (default 2, burst 10). */
  readonly signInRatePerS?: number;
  /** WebSocket commands per second per connection (default 10, burst 20). */
  readonly wsRatePerS?: number;
  /** Minimum ms between pictures on one connection (default 0: every tick). */
  readonly minPictureIntervalMs?: number;
  readonly logger?: boolean;
}

/** The part of a ws WebSocket the stream uses (ws ships no types here). */
interface Socket {
  readonly readyState: number;
  readonly OPEN: number;
  readonly bufferedAmount: number;
  send(text: string): void;
  close(code?: number, reason?: string): void;
  on(event: "close" | "error", fn: () => void): void;
  on(event: "message", fn: (raw: Buffer, isBinary: boolean) => void): void;
}

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

const CSP = [
  "default-src 'self'",
  // Cesium compiles WebAssembly and starts its workers from blob: URLs; nothing else is allowed.
  "script-src 'self' 'wasm-unsafe-eval' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "frame-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
].join("; ");

export async function buildServer(opts: ServerOptions): Promise<FastifyInstance & { leakGuard: LeakGuard }> {
  const { feed, tokens } = opts;
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 16 * 1024,
    // Fastify 5 takes router settings here (top-level ones print FSTDEP022).
    routerOptions: { maxParamLength: 200 },
  }) as unknown as FastifyInstance & {
    leakGuard: LeakGuard;
  };
  const guard = new LeakGuard();
  app.leakGuard = guard;
  const httpLimiter = new RateLimiter(opts.httpRatePerS ?? 50, 2 * (opts.httpRatePerS ?? 50));
  const signInLimiter = new RateLimiter(opts.signInRatePerS ?? 2, 10);
  const webDist = opts.webDist ?? WEB_DIST;

  app.setErrorHandler(
    (err: Error & { statusCode?: number; validation?: unknown; code?: string }, req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      if (status === 500) req.log.error(err);
      const message =
        status === 500
          ? "internal error"
          : err.code === "FST_ERR_CTP_BODY_TOO_LARGE"
            ? "body: larger than 16 KiB"
            : err.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE"
              ? "content-type: must be application/json"
              : err.message;
      void reply.code(status).type("application/json").send({ error: message });
    },
  );
  app.setNotFoundHandler((req, reply) => {
    void reply
      .code(404)
      .type("application/json")
      .send({ error: `not found: ${req.method} ${req.url.split("?")[0]}` });
  });

  app.addHook("onRequest", async (req, reply) => {
    void reply.header("Content-Security-Policy", CSP);
    void reply.header("X-Content-Type-Options", "nosniff");
    void reply.header("Referrer-Policy", "no-referrer");
    if (!req.url.startsWith("/api/")) return;
    if (!httpLimiter.take(req.ip)) throw new HttpError(429, "rate limit: too many requests, slow down");
  });

  await app.register(websocket, { options: { maxPayload: 4096 } });

  const auth = (req: FastifyRequest): Participant => {
    const h = req.headers.authorization;
    const token = typeof h === "string" && h.startsWith("Bearer ") ? h.slice(7) : undefined;
    if (!token) throw new HttpError(401, "authorization: send 'Authorization: Bearer TOKEN'");
    const p = tokens.verify(token);
    if (!p) throw new HttpError(401, "token: unknown or revoked");
    return p;
  };
  const viewFor = (p: Participant, asked: unknown): ViewName => {
    if (asked === undefined || asked === "") return p.nation ?? "TRUTH";
    if (typeof asked !== "string" || !feed.views.includes(asked as ViewName))
      throw new HttpError(400, `view: must be one of ${feed.views.join(", ")}`);
    if (p.role !== "control" && asked !== p.nation)
      throw new HttpError(403, `view: a ${p.nation} participant sees only ${p.nation}`);
    return asked as ViewName;
  };
  /** Serialises a frame for a view, withholding it if it carries anything the view may not see. */
  const serialised = new WeakMap<object, string>();
  const encode = (frame: ServerFrame, view: ViewName): string | null => {
    let text = serialised.get(frame);
    if (text === undefined) {
      text = JSON.stringify(frame);
      const leak = guard.check(text, feed.forbiddenFor(view));
      if (leak !== null) {
        guard.blocked++;
        app.log.error(`releasability: withheld a ${frame.type} frame for ${view} carrying ${leak}`);
        text = "";
      }
      serialised.set(frame, text);
    }
    return text === "" ? null : text;
  };
  const sendJson = (reply: FastifyReply, frame: ServerFrame, view: ViewName) => {
    const text = encode(frame, view);
    if (text === null) throw new HttpError(500, "internal error");
    return reply.type("application/json").send(text);
  };
  const setupFrame = (p: Participant, view: ViewName): SetupFrame => ({
    type: "setup",
    participant: p,
    scenario: { name: feed.name, description: feed.description },
    views: p.role === "control" ? feed.views : [view],
    view,
    sensors: feed.sensors(view),
    areas: feed.areas(view),
    reports: p.role === "control" ? listReports(opts.reportsDir) : [],
  });

  app.get("/api/health", async () => ({ ok: true, exercise: feed.id }));
  await (await import("./tabletop-routes.ts")).registerTabletopRoutes(app, { ...opts, exercise: feed.id });

  app.post("/api/session", async (req) => {
    if (!signInLimiter.take(req.ip))
      throw new HttpError(429, "rate limit: too many sign-in attempts, wait a few seconds");
    const body = req.body as { token?: unknown } | undefined;
    if (!body || typeof body !== "object" || typeof body.token !== "string")
      throw new HttpError(400, "token: a string is required");
    const p = tokens.verify(body.token);
    if (!p) throw new HttpError(401, "token: unknown or revoked");
    return { participant: p, exercise: { id: feed.id, name: feed.name } };
  });

  app.get("/api/setup", async (req, reply) => {
    const p = auth(req);
    const view = viewFor(p, (req.query as Record<string, unknown>).view);
    return sendJson(reply, setupFrame(p, view), view);
  });

  app.get("/api/picture", async (req, reply) => {
    const p = auth(req);
    const view = viewFor(p, (req.query as Record<string, unknown>).view);
    return sendJson(reply, feed.picture(view), view);
  });

  app.get("/api/log", async (req, reply) => {
    const p = auth(req);
    const q = req.query as Record<string, unknown>;
    const view = viewFor(p, q.view);
    const after = q.after === undefined ? 0 : Number(q.after);
    if (!Number.isInteger(after) || after < 0)
      throw new HttpError(400, "after: must be a non-negative integer");
    return sendJson(reply, { type: "log", entries: feed.log(view, after) }, view);
  });

  app.post("/api/clock", async (req) => {
    const p = auth(req);
    if (p.role !== "control") throw new HttpError(403, "clock: only control drives the clock");
    applyClock(feed, req.body);
    return { clock: feed.clock() };
  });

  app.post("/api/admin/tokens", async (req) => {
    const p = auth(req);
    if (p.role !== "control") throw new HttpError(403, "tokens: only control issues tokens");
    const b = (req.body ?? {}) as { nation?: unknown; role?: unknown; name?: unknown };
    if (typeof b !== "object") throw new HttpError(400, "body: must be a JSON object");
    if (b.name !== undefined && typeof b.name !== "string")
      throw new HttpError(400, "name: must be a string");
    try {
      const issued = tokens.issue(
        feed.id,
        (b.nation ?? null) as string | null,
        String(b.role ?? ""),
        b.name as string | undefined,
      );
      return issued;
    } catch (err) {
      throw new HttpError(400, (err as Error).message);
    }
  });

  app.get("/api/reports", async (req) => {
    const p = auth(req);
    if (p.role !== "control")
      throw new HttpError(403, "reports: after-action reports cover every nation; control only");
    return { reports: listReports(opts.reportsDir) };
  });

  app.get("/api/reports/:name", async (req, reply) => {
    const p = auth(req);
    if (p.role !== "control")
      throw new HttpError(403, "reports: after-action reports cover every nation; control only");
    const name = (req.params as { name: string }).name;
    if (!opts.reportsDir || !/^[\w.-]+\.html$/.test(name))
      throw new HttpError(404, `report: no report named ${name}`);
    const f = findFile(opts.reportsDir, name);
    if (!f) throw new HttpError(404, `report: no report named ${name}`);
    return reply.type("text/html; charset=utf-8").send(fileStream(f));
  });

  app.get("/api/stream", { websocket: true }, (socket: Socket, req) => {
    const q = req.query as Record<string, unknown>;
    const p = tokens.verify(q.token);
    if (!p) {
      socket.send(JSON.stringify({ type: "error", error: "token: unknown or revoked" }));
      socket.close(4401, "unauthorised");
      return;
    }
    let view: ViewName;
    try {
      view = viewFor(p, q.view);
    } catch (err) {
      socket.send(JSON.stringify({ type: "error", error: (err as Error).message }));
      socket.close(4403, "forbidden view");
      return;
    }
    const gate = new SocketCommandGate(opts.wsRatePerS);
    let lastSeq = 0;
    let lastPictureAt = 0;
    const send = (frame: ServerFrame) => {
      const text = encode(frame, view);
      if (text === null)
        socket.send(
          JSON.stringify({ type: "error", error: "a frame was withheld by the releasability check" }),
        );
      else socket.send(text);
    };
    const push = () => {
      if (socket.readyState !== socket.OPEN) return;
      // A slow reader skips pictures instead of growing an unbounded queue.
      if (socket.bufferedAmount > 4 * 1024 * 1024) return;
      const now = Date.now();
      if (opts.minPictureIntervalMs && now - lastPictureAt < opts.minPictureIntervalMs) return;
      lastPictureAt = now;
      const pic: PictureFrame = feed.picture(view);
      send(pic);
      const entries = feed.log(view, lastSeq);
      if (entries.length) {
        lastSeq = entries[entries.length - 1].seq;
        send({ type: "log", entries });
      }
    };
    send(setupFrame(p, view));
    push();
    const unsubscribe = feed.subscribe(push);
    socket.on("close", unsubscribe);
    socket.on("error", unsubscribe);
    socket.on("message", (raw: Buffer, isBinary: boolean) => {
      const reply = (error: string) => socket.send(JSON.stringify({ type: "error", error }));
      const msg = gate.admit(socket, raw, isBinary, reply);
      if (!msg) return;
      const cmd = msg.value as ClientCommand;
      try {
        if (cmd === null || typeof cmd !== "object")
          throw new HttpError(400, "message: must be a JSON object");
        if (cmd.type === "view") {
          view = viewFor(p, cmd.view);
          lastSeq = 0;
          send(setupFrame(p, view));
          push();
        } else if (cmd.type === "clock") {
          if (p.role !== "control") throw new HttpError(403, "clock: only control drives the clock");
          applyClock(feed, cmd);
        } else
          throw new HttpError(
            400,
            `type: unknown message type ${JSON.stringify((cmd as { type?: unknown }).type)}`,
          );
      } catch (err) {
        reply(err instanceof HttpError ? err.message : "internal error");
      }
    });
  });

  // The web app and the files it needs, all from this machine.
  app.get("/cesium/*", async (req, reply) =>
    serveFrom(CESIUM_BUILD, (req.params as { "*": string })["*"], reply, true),
  );
  app.get("/atlas/:file", async (req, reply) => {
    const file = (req.params as { file: string }).file;
    if (file !== "land-110m.json" && file !== "countries-110m.json" && file !== "land-50m.json")
      throw new HttpError(404, `not found: ${file}`);
    return serveFrom(WORLD_ATLAS, file, reply, true);
  });
  app.get("/*", async (req, reply) => {
    const rel = (req.params as { "*": string })["*"];
    if (rel.startsWith("api/")) throw new HttpError(404, `not found: ${req.method} /${rel.split("?")[0]}`);
    if (rel === "" || rel === "index.html") return serveIndex(webDist, reply);
    return serveFrom(webDist, rel, reply, rel.startsWith("assets/"));
  });
  return app;
}

function serveIndex(webDist: string, reply: FastifyReply) {
  const f = findFile(webDist, "index.html");
  if (!f) throw new HttpError(503, "web app not built: run `npm run build:web`");
  return reply.type(f.type).header("Cache-Control", "no-cache").send(fileStream(f));
}

function serveFrom(root: string, rel: string, reply: FastifyReply, immutable: boolean) {
  const f = findFile(root, rel);
  if (!f) throw new HttpError(404, `not found: /${rel}`);
  if (immutable) void reply.header("Cache-Control", "public, max-age=86400");
  return reply.type(f.type).header("Content-Length", f.size).send(fileStream(f));
}

function applyClock(feed: ExerciseFeed, body: unknown): void {
  const b = (body ?? {}) as { action?: unknown; speed?: unknown; t?: unknown };
  if (typeof b !== "object") throw new HttpError(400, "body: must be a JSON object");
  switch (b.action) {
    case "pause":
      feed.pause();
      return;
    case "resume":
      feed.resume();
      return;
    case "live":
      feed.live();
      return;
    case "speed":
      if (typeof b.speed !== "number" || !Number.isFinite(b.speed) || b.speed <= 0 || b.speed > 1000)
        throw new HttpError(400, "speed: must be a number in (0, 1000]");
      feed.setSpeed(b.speed);
      return;
    case "seek": {
      const d = feed.clock().durationS;
      if (typeof b.t !== "number" || !Number.isFinite(b.t) || b.t < 0 || b.t > d)
        throw new HttpError(400, `t: must be a number of seconds in [0, ${d}]`);
      feed.seek(b.t);
      return;
    }
    default:
      throw new HttpError(
        400,
        `action: must be one of pause, resume, live, speed, seek; got ${JSON.stringify(b.action)}`,
      );
  }
}

export function listReports(dir: string | undefined): { name: string; url: string }[] {
  if (!dir) return [];
  try {
    return readdirSync(resolve(dir))
      .filter((n) => /^[\w.-]+\.html$/.test(n) && statSync(join(dir, n)).isFile())
      .sort()
      .map((name) => ({ name, url: `/api/reports/${encodeURIComponent(name)}` }));
  } catch {
    return [];
  }
}

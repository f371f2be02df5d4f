/**
 * Starts a live exercise and the server for it, issues the sign-in tokens (one control token and an
 * operator and an observer token per nation), and makes sure the web app is built. Used by
 * `allylink serve` and by anything else that wants the picture in a browser (the demo).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../core/errors.ts";
import type { SharingMode } from "../node/sharing-mode.ts";
import type { Scenario } from "../scenario/scenario.ts";
import { buildServer, WEB_DIST } from "./app.ts";
import { LiveExercise } from "./live-exercise.ts";
import { type IssuedToken, TokenStore } from "./tokens.ts";

export interface StartServerOptions {
  readonly scenario: Scenario;
  readonly port?: number;
  readonly host?: string;
  readonly speed?: number;
  readonly startT?: number;
  readonly paused?: boolean;
  readonly sharing?: SharingMode;
  readonly seed?: number | string;
  readonly reportsDir?: string;
  readonly tickMs?: number;
  /** Build web/dist when it is missing (default true). */
  readonly buildWeb?: boolean;
}

export interface RunningServer {
  readonly url: string;
  readonly tokens: readonly IssuedToken[];
  readonly exercise: LiveExercise;
  /** A sign-in link per token (the token rides in the URL fragment, which browsers never send). */
  links(): { who: string; url: string }[];
  close(): Promise<void>;
}

export async function startServer(opts: StartServerOptions): Promise<RunningServer> {
  if (opts.buildWeb !== false) ensureWebBuilt();
  const exercise = await LiveExercise.start(opts.scenario, {
    speed: opts.speed,
    startT: opts.startT,
    paused: opts.paused,
    sharing: opts.sharing,
    seed: opts.seed,
    tickMs: opts.tickMs,
  });
  const store = new TokenStore();
  const issued: IssuedToken[] = [store.issue(exercise.id, null, "control")];
  for (const n of opts.scenario.nations) {
    issued.push(store.issue(exercise.id, n, "operator"));
    issued.push(store.issue(exercise.id, n, "observer"));
  }
  const app = await buildServer({ feed: exercise, tokens: store, reportsDir: opts.reportsDir });
  const host = opts.host ?? "127.0.0.1";
  try {
    await app.listen({ port: opts.port ?? 8080, host });
  } catch (err) {
    await exercise.close();
    const e = err as NodeJS.ErrnoException;
    if (e.code === "EADDRINUSE") throw new UserError(`--port: ${opts.port} is already in use on ${host}`);
    if (e.code === "EADDRNOTAVAIL") throw new UserError(`--host: ${host} is not an address of this machine`);
    throw err;
  }
  const addr = app.server.address();
  const port = typeof addr === "object" && addr ? addr.port : opts.port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}/`;
  return {
    url,
    tokens: issued,
    exercise,
    links: () =>
      issued.map((t) => ({
        who: t.participant.role === "control" ? "CONTROL" : `${t.participant.nation} ${t.participant.role}`,
        url: `${url}#token=${t.token}`,
      })),
    close: async () => {
      await app.close();
      await exercise.close();
    },
  };
}

/** Builds the web app with Vite when web/dist is missing (a few seconds; Cesium is not bundled). */
export function ensureWebBuilt(): void {
  if (existsSync(join(WEB_DIST, "index.html"))) return;
  const root = join(WEB_DIST, "..", "..");
  const r = spawnSync(
    process.execPath,
    [
      join(root, "node_modules", "vite", "bin", "vite.js"),
      "build",
      "--config",
      "web/vite.config.ts",
      "--logLevel",
      "error",
    ],
    {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  if (r.status !== 0)
    throw new Error(`building the web app failed (vite exit ${r.status}); run npm run build:web to see why`);
}

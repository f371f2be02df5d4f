/**
 * Shared by the browser test and the web benchmark: builds the web app, launches Debian's Chromium
 * headless through playwright-core (SwiftShader for WebGL), and counts — and blocks — every request
 * that would leave the machine.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium } from "playwright-core";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const CHROMIUM = "/usr/bin/chromium";
export const ARTIFACTS = join(ROOT, "artifacts");

export function buildWeb(): void {
  const r = spawnSync(
    process.execPath,
    [
      join(ROOT, "node_modules", "vite", "bin", "vite.js"),
      "build",
      "--config",
      "web/vite.config.ts",
      "--logLevel",
      "error",
    ],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  );
  if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run npm run setup (installs Debian's chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--use-gl=swiftshader",
      "--use-angle=swiftshader",
      "--enable-unsafe-swiftshader",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
      "--disable-quic",
      "--disable-dev-shm-usage",
    ],
  });
}

/** True for loopback hosts (the only ones the app may talk to). */
export function isLoopback(url: string): boolean {
  let host: string;
  try {
    const u = new URL(url);
    if (u.protocol === "data:" || u.protocol === "blob:" || u.protocol === "about:") return true;
    host = u.hostname;
  } catch {
    return false;
  }
  return host === "127.0.0.1" || host === "localhost" || host === "[::1]" || host === "::1";
}

/** A context that aborts and records every request to a non-loopback host. */
export async function guardedContext(
  browser: Browser,
  viewport = { width: 1400, height: 860 },
): Promise<{ context: BrowserContext; outside: string[] }> {
  const context = await browser.newContext({ viewport, serviceWorkers: "block" });
  const outside: string[] = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (isLoopback(url)) return route.continue();
    outside.push(url);
    return route.abort("blockedbyclient");
  });
  return { context, outside };
}

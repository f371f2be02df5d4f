/**
 * The browser's link to the server: signs in with the token, keeps one WebSocket open (reconnecting
 * with back-off), and holds the latest setup, picture, track histories and log. Views subscribe to it;
 * the globe reads it on every picture without going through React.
 */
import type { ClientCommand, PictureFrame, ServerFrame, SetupFrame, ViewName, WireLogEntry } from "../../src/server/wire.ts";
import { perf } from "./perf.ts";

export type Status = "connecting" | "open" | "closed" | "refused";

const HISTORY_POINTS = 90;
/** Wall seconds the clock runs on past the latest picture before it waits for the next one. */
const MAX_RUN_ON_S = 1;

export class Connection {
  status: Status = "connecting";
  setup: SetupFrame | null = null;
  picture: PictureFrame | null = null;
  /** performance.now() when the latest picture arrived (to run the clock between pictures). */
  receivedAt = 0;
  log: WireLogEntry[] = [];
  /** The latest time now() returned: the floor for the next, until a seek back resets it. */
  private shownT = 0;
  lastError: string | null = null;
  /** Per track id, its recent positions [lon, lat, altM]. */
  readonly history = new Map<string, number[][]>();
  /** Frames and bytes received, for the benchmark. */
  frames = 0;
  bytes = 0;
  version = 0;
  private ws: WebSocket | null = null;
  private readonly listeners = new Set<() => void>();
  private retryMs = 500;
  private stopped = false;

  constructor(readonly token: string) {}

  start(): void {
    this.stopped = false;
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${proto}//${location.host}/api/stream?token=${encodeURIComponent(this.token)}`);
    this.ws = ws;
    ws.onopen = () => {
      this.status = "open";
      this.retryMs = 500;
      this.changed();
    };
    ws.onmessage = (ev) => {
      const text = typeof ev.data === "string" ? ev.data : "";
      this.frames++;
      this.bytes += text.length;
      perf.chars += text.length;
      let frame: ServerFrame;
      const t0 = performance.now();
      try {
        frame = JSON.parse(text);
      } catch {
        return;
      }
      if (frame.type === "picture") {
        perf.received++;
        perf.parseMs += performance.now() - t0;
      }
      this.onFrame(frame);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      if (ev.code === 4401) {
        this.status = "refused";
        this.changed();
        return;
      }
      this.status = "closed";
      this.changed();
      if (!this.stopped) setTimeout(() => this.start(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 8000);
    };
  }

  stop(): void {
    this.stopped = true;
    this.ws?.close();
    this.ws = null;
  }

  send(cmd: ClientCommand): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(cmd));
  }

  setView(view: ViewName): void {
    this.send({ type: "view", view });
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * Scenario time now, run on between pictures at the clock's speed. A server that falls behind its
   * clock (a loaded machine) sends pictures later than the clock implies; run on at most
   * MAX_RUN_ON_S of wall time past the latest picture, and never show time going backwards except
   * after a seek back, so countdowns do not jump up when the next picture lands.
   */
  now(): number {
    const p = this.picture;
    if (!p) return 0;
    const c = p.clock;
    if (c.paused || c.catchingUp) return (this.shownT = c.t);
    const ranOnS = Math.min((performance.now() - this.receivedAt) / 1000, MAX_RUN_ON_S);
    const t = Math.min(c.durationS, c.t + ranOnS * c.speed);
    this.shownT = Math.max(t, this.shownT);
    return this.shownT;
  }

  private onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case "setup":
        if (this.setup && this.setup.view !== frame.view) {
          this.history.clear();
          this.log = [];
        }
        this.setup = frame;
        break;
      case "picture": {
        const prev = this.picture;
        if (prev && frame.clock.t < prev.clock.t - 1e-6) {
          this.history.clear(); // seek back: old history is stale
          this.shownT = frame.clock.t;
        }
        this.picture = frame;
        this.receivedAt = performance.now();
        const live = new Set<string>();
        for (const tr of [...frame.tracks, ...frame.systemTracks]) {
          live.add(tr.id);
          let h = this.history.get(tr.id);
          if (!h) this.history.set(tr.id, (h = []));
          const last = h[h.length - 1];
          if (!last || last[0] !== tr.lon || last[1] !== tr.lat) h.push([tr.lon, tr.lat, tr.altM]);
          if (h.length > HISTORY_POINTS) h.splice(0, h.length - HISTORY_POINTS);
        }
        for (const id of this.history.keys()) if (!live.has(id)) this.history.delete(id);
        break;
      }
      case "log":
        this.log = [...this.log, ...frame.entries].slice(-1000);
        break;
      case "error":
        this.lastError = frame.error;
        break;
    }
    this.changed();
  }

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }
}

export async function signIn(token: string): Promise<{ ok: true } | { ok: false; error: string }> {
  const r = await fetch("/api/session", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token }) });
  if (r.ok) return { ok: true };
  const body = (await r.json().catch(() => ({}))) as { error?: string };
  return { ok: false, error: body.error ?? `HTTP ${r.status}` };
}

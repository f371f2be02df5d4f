/**
 * The browser's link to the server: signs in with the token, keeps one WebSocket open (reconnecting
 * with back-off), and holds the latest setup, picture, track histories and log. Views subscribe to it;
 * the globe and the 2-D map read it on every picture without going through React.
 *
 * Pictures are coalesced, never queued. The socket is read by a worker (stream-worker.ts), which
 * keeps only the newest picture and hands one over when the page asks; so a page that draws slower
 * than pictures arrive — its main thread busy for a whole frame — does not leave them to back up in
 * the socket. A picture handed over is kept as text and parsed only when the page is about to draw
 * (the next animation frame, or a view's own frame loop calling flush()); then the page asks for the
 * next. Other frames (setup, log, errors) are applied at once, in order. Without workers the socket is
 * read here, with the same coalescing from the text on.
 */
import type { ClientCommand, PictureFrame, ServerFrame, SetupFrame, ViewName, WireLogEntry } from "../../src/server/wire.ts";
import { perf } from "./perf.ts";

export type Status = "connecting" | "open" | "closed" | "refused";

/** Positions kept per track for its history line. */
export const HISTORY_POINTS = 90;
/** Wall seconds the clock runs on past the latest picture before it waits for the next one. */
const MAX_RUN_ON_S = 1;
/** How a picture frame's text begins (JSON.stringify keeps the server's key order: type first). */
const PICTURE_PREFIX = '{"type":"picture"';
/** Parse a waiting picture after this long even without an animation frame (a hidden tab). */
const FLUSH_FALLBACK_MS = 1000;

/** What the page tells the stream worker: open the socket, send a command, close, or "ready for a picture". */
export type ToStreamWorker = { type: "open"; url: string } | { type: "send"; text: string } | { type: "close" } | { type: "want" };
/** What the stream worker tells the page; `frame` carries one frame's text and the worker's counts since its last message. */
export type FromStreamWorker =
  | { type: "open" }
  | { type: "close"; code: number }
  | { type: "frame"; text: string; received: number; skipped: number; chars: number };

/**
 * The recent positions of one track: a ring of the last HISTORY_POINTS [lon, lat, altM], no
 * allocation per point. `total` counts every point ever added, so a view that has drawn the first n
 * draws only the points after them.
 */
export class TrackHistory {
  private readonly ring = new Float64Array(HISTORY_POINTS * 3);
  /** Points ever added; the ring holds the last min(total, HISTORY_POINTS) of them. */
  total = 0;
  /** The picture sequence number that last carried the track (to drop tracks that ended). */
  seenIn = 0;

  get length(): number {
    return Math.min(this.total, HISTORY_POINTS);
  }

  /** Adds a point unless it repeats the last one; true when added. */
  push(lon: number, lat: number, altM: number): boolean {
    if (this.total > 0) {
      const j = ((this.total - 1) % HISTORY_POINTS) * 3;
      if (this.ring[j] === lon && this.ring[j + 1] === lat) return false;
    }
    const i = (this.total % HISTORY_POINTS) * 3;
    this.ring[i] = lon;
    this.ring[i + 1] = lat;
    this.ring[i + 2] = altM;
    this.total++;
    return true;
  }

  /** Offset in `xyz` of point k (0 ≤ total − HISTORY_POINTS ≤ k < total, counted since the track began). */
  index(k: number): number {
    return (k % HISTORY_POINTS) * 3;
  }

  /** The ring itself: point k is at index(k) as lon, lat, altM. */
  get xyz(): Float64Array {
    return this.ring;
  }

  /** The kept points, oldest first, as [lon, lat, altM] (allocates: for tests and rare use). */
  points(): number[][] {
    const out: number[][] = [];
    for (let k = this.total - this.length; k < this.total; k++) {
      const i = this.index(k);
      out.push([this.ring[i], this.ring[i + 1], this.ring[i + 2]]);
    }
    return out;
  }
}

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
  /** Per track id, its recent positions. */
  readonly history = new Map<string, TrackHistory>();
  /** Pictures applied so far (a view compares it to know whether there is a new one). */
  pictureSeq = 0;
  /** Frames and bytes received, for the benchmark. */
  frames = 0;
  bytes = 0;
  version = 0;
  private ws: WebSocket | null = null;
  private readonly listeners = new Set<() => void>();
  private retryMs = 500;
  private stopped = false;
  /** The latest picture frame's text, not parsed yet. */
  private pendingPicture: string | null = null;
  private flushRaf = 0;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** The stream worker, when the browser runs it; null: the socket is read on this thread. */
  private worker: Worker | null = null;
  private workerFailed = false;
  private wantTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(readonly token: string) {}

  start(): void {
    this.stopped = false;
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    const url = `${proto}//${location.host}/api/stream?token=${encodeURIComponent(this.token)}`;
    if (this.startWorker(url)) return;
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws === ws) this.opened();
    };
    ws.onmessage = (ev) => {
      if (this.ws === ws) this.receive(typeof ev.data === "string" ? ev.data : "");
    };
    ws.onclose = (ev) => {
      if (this.ws === ws) this.closed(ev.code);
    };
  }

  private opened(): void {
    this.status = "open";
    this.retryMs = 500;
    this.changed();
  }

  private closed(code: number): void {
    if (code === 4401) {
      this.status = "refused";
      this.changed();
      return;
    }
    this.status = "closed";
    this.changed();
    if (!this.stopped) setTimeout(() => this.start(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, 8000);
  }

  /** Opens the socket in the stream worker (made once); false when there can be no worker. */
  private startWorker(url: string): boolean {
    if (this.workerFailed || typeof Worker === "undefined") return false;
    let w = this.worker;
    if (!w) {
      try {
        w = new Worker(new URL("./stream-worker.ts", import.meta.url), { type: "module" });
      } catch {
        this.workerFailed = true;
        return false;
      }
      const worker = w;
      this.worker = worker;
      worker.onmessage = (ev: MessageEvent<FromStreamWorker>) => {
        if (this.worker !== worker) return;
        const m = ev.data;
        if (m.type === "open") this.opened();
        else if (m.type === "close") this.closed(m.code);
        else {
          perf.received += m.received;
          perf.skipped += m.skipped;
          perf.chars += m.chars;
          this.receive(m.text, true);
        }
      };
      // The worker did not load (blocked, missing): read the socket on this thread instead.
      worker.onerror = () => {
        worker.terminate();
        if (this.worker !== worker) return;
        this.worker = null;
        this.workerFailed = true;
        if (!this.stopped) this.start();
      };
    }
    this.post({ type: "open", url });
    return true;
  }

  private post(m: ToStreamWorker): void {
    this.worker?.postMessage(m);
  }

  stop(): void {
    this.stopped = true;
    this.ws?.close();
    this.ws = null;
    this.post({ type: "close" });
    this.worker?.terminate();
    this.worker = null;
    if (this.wantTimer !== null) clearTimeout(this.wantTimer);
    this.wantTimer = null;
    this.pendingPicture = null;
    if (this.flushRaf) cancelAnimationFrame(this.flushRaf);
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushRaf = 0;
    this.flushTimer = null;
  }

  /**
   * One frame's text off the WebSocket: a picture waits to be drawn; anything else applies now. A
   * picture still waiting when a setup arrives belongs to the view before it and is dropped.
   * `counted`: the stream worker has counted it already.
   */
  receive(text: string, counted = false): void {
    this.frames++;
    this.bytes += text.length;
    if (!counted) perf.chars += text.length;
    if (text.startsWith(PICTURE_PREFIX)) {
      if (!counted) perf.received++;
      if (this.pendingPicture !== null) perf.skipped++;
      this.pendingPicture = text;
      this.scheduleFlush();
      return;
    }
    const frame = parse(text);
    if (!frame) return;
    if (frame.type === "setup" && this.pendingPicture !== null) {
      perf.skipped++;
      this.pendingPicture = null;
      // The worker handed that picture over and waits to be asked again: ask, or no picture ever comes.
      this.askForNext();
    }
    this.onFrame(frame);
  }

  /**
   * Parses and applies the waiting picture, if any; true when there was one. Views that draw in their
   * own animation-frame loop call it first, so the picture they draw is the newest there is.
   */
  flush(): boolean {
    const text = this.pendingPicture;
    if (text === null) return false;
    this.pendingPicture = null;
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.askForNext();
    const t0 = performance.now();
    const frame = parse(text);
    const t1 = performance.now();
    perf.parseMs += t1 - t0;
    if (!frame) return false;
    const drawn = perf.drawMs; // views that draw from their listener count it as drawing
    this.onFrame(frame);
    perf.applyMs += performance.now() - t1 - (perf.drawMs - drawn);
    return true;
  }

  /**
   * Asks the stream worker for the next picture once the current task — the frame drawing the one
   * just taken — is over: what it hands over then is the newest it has.
   */
  private askForNext(): void {
    if (!this.worker || this.wantTimer !== null) return;
    this.wantTimer = setTimeout(() => {
      this.wantTimer = null;
      this.post({ type: "want" });
    }, 0);
  }

  private scheduleFlush(): void {
    if (!this.flushRaf && typeof requestAnimationFrame === "function")
      this.flushRaf = requestAnimationFrame(() => {
        this.flushRaf = 0;
        this.flush();
      });
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = null;
      this.flush();
    }, FLUSH_FALLBACK_MS);
  }

  send(cmd: ClientCommand): void {
    if (this.worker) {
      if (this.status === "open") this.post({ type: "send", text: JSON.stringify(cmd) });
    } else if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(cmd));
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
        const seq = ++this.pictureSeq;
        this.addHistory(frame.tracks, seq);
        this.addHistory(frame.systemTracks, seq);
        for (const [id, h] of this.history) if (h.seenIn !== seq) this.history.delete(id);
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

  private addHistory(tracks: PictureFrame["tracks"], seq: number): void {
    for (let i = 0; i < tracks.length; i++) {
      const tr = tracks[i];
      let h = this.history.get(tr.id);
      if (!h) this.history.set(tr.id, (h = new TrackHistory()));
      h.seenIn = seq;
      h.push(tr.lon, tr.lat, tr.altM);
    }
  }

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }
}

function parse(text: string): ServerFrame | null {
  try {
    return JSON.parse(text) as ServerFrame;
  } catch {
    return null;
  }
}

export async function signIn(token: string): Promise<{ ok: true } | { ok: false; error: string }> {
  const r = await fetch("/api/session", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token }) });
  if (r.ok) return { ok: true };
  const body = (await r.json().catch(() => ({}))) as { error?: string };
  return { ok: false, error: body.error ?? `HTTP ${r.status}` };
}

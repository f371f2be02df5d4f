/**
 * What the page measures about itself, for the web benchmark (read as window.allylinkPerf): which
 * picture is on screen and when it got there, how many pictures arrived and how many were drawn or
 * skipped (coalesced: only the latest is ever drawn), and the main-thread milliseconds spent parsing,
 * applying and drawing them. Counters only; nothing is allocated per picture.
 */
export interface PagePerf {
  /** Scenario time (clock.t) of the picture on screen; NaN before the first draw. */
  shownT: number;
  /** Date.now() when that picture was drawn. */
  shownAtMs: number;
  /** Pictures received, drawn, and dropped unparsed because a newer one arrived first. */
  received: number;
  drawn: number;
  skipped: number;
  /** Characters of WebSocket text received (bytes for ASCII JSON). */
  chars: number;
  /** Main-thread ms: JSON.parse of pictures, applying them (histories), updating the map's drawing. */
  parseMs: number;
  applyMs: number;
  drawMs: number;
  /** Main-thread ms in tasks longer than 50 ms (Long Tasks API), whatever they did. */
  longTaskMs: number;
  /** Renders of the WebGL globe (camera moves, tiles, alerts), as opposed to redraws of the tracks. */
  globeRenders: number;
}

export const perf: PagePerf = {
  shownT: Number.NaN,
  shownAtMs: 0,
  received: 0,
  drawn: 0,
  skipped: 0,
  chars: 0,
  parseMs: 0,
  applyMs: 0,
  drawMs: 0,
  longTaskMs: 0,
  globeRenders: 0,
};

(globalThis as { allylinkPerf?: PagePerf }).allylinkPerf = perf;
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) perf.longTaskMs += e.duration;
  }).observe({ type: "longtask", buffered: false });
} catch {
  // no Long Tasks API (or not a browser): the counter stays 0
}

/** Records that the picture of scenario time `t` is now on screen. */
export function pictureShown(t: number): void {
  perf.shownT = t;
  perf.shownAtMs = Date.now();
  perf.drawn++;
}

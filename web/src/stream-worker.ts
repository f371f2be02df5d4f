/**
 * The picture stream's WebSocket, read off the main thread. A page busy drawing (a software GPU can
 * take hundreds of milliseconds a frame) reads its socket only between frames; the server's pictures
 * then back up in the socket buffers and what the page shows grows older and older. Here the socket
 * is read at once, whatever the page is doing, and only the newest picture is kept: the page asks for
 * one ("want") when it is ready to draw again and gets the newest there is; older ones are dropped
 * unparsed. Every other frame (setup, log, error) is handed over at once, in order.
 */
import type { FromStreamWorker, ToStreamWorker } from "./connection.ts";

const PICTURE_PREFIX = '{"type":"picture"';
const SETUP_PREFIX = '{"type":"setup"';

interface WorkerScope {
  onmessage: ((ev: MessageEvent<ToStreamWorker>) => void) | null;
  postMessage(message: FromStreamWorker): void;
}
const scope = self as unknown as WorkerScope;

let ws: WebSocket | null = null;
/** The newest picture not handed over yet. */
let picture: string | null = null;
/** Whether the page is waiting for a picture. */
let wanted = true;
let received = 0;
let skipped = 0;
let chars = 0;

function handOver(text: string): void {
  scope.postMessage({ type: "frame", text, received, skipped, chars });
  received = 0;
  skipped = 0;
  chars = 0;
}

function open(url: string): void {
  ws?.close();
  const sock = new WebSocket(url);
  ws = sock;
  picture = null;
  wanted = true;
  sock.onopen = () => {
    if (ws === sock) scope.postMessage({ type: "open" });
  };
  sock.onmessage = (ev) => {
    if (ws !== sock) return;
    const text = typeof ev.data === "string" ? ev.data : "";
    chars += text.length;
    if (text.startsWith(PICTURE_PREFIX)) {
      received++;
      if (wanted) {
        wanted = false;
        handOver(text);
      } else {
        if (picture !== null) skipped++;
        picture = text;
      }
      return;
    }
    // A picture older than a setup belongs to the view before it.
    if (text.startsWith(SETUP_PREFIX) && picture !== null) {
      skipped++;
      picture = null;
    }
    handOver(text);
  };
  sock.onclose = (ev) => {
    if (ws !== sock) return;
    ws = null;
    picture = null;
    scope.postMessage({ type: "close", code: ev.code });
  };
}

scope.onmessage = (ev) => {
  const m = ev.data;
  switch (m.type) {
    case "open":
      open(m.url);
      break;
    case "send":
      if (ws?.readyState === WebSocket.OPEN) ws.send(m.text);
      break;
    case "close":
      ws?.close();
      ws = null;
      picture = null;
      break;
    case "want":
      if (picture !== null) {
        const p = picture;
        picture = null;
        handOver(p);
      } else wanted = true;
      break;
  }
};

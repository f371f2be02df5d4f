/**
 * The first checks on every command a browser sends over a WebSocket, the same for the picture stream
 * and the tabletop: a per-socket rate limit (a socket that keeps flooding is closed) and JSON text.
 */
import { RateLimiter } from "./rate-limit.ts";

/** Refusals for rate before the socket is closed. */
const MAX_STRIKES = 50;

export class SocketCommandGate {
  private readonly limiter: RateLimiter;
  private strikes = 0;

  constructor(ratePerS = 10) {
    this.limiter = new RateLimiter(ratePerS, 2 * ratePerS);
  }

  /**
   * The frame's parsed JSON, or null after replying with the reason it was refused (or closing the
   * socket of a client that keeps flooding).
   */
  admit(
    socket: { close(code: number, reason: string): void },
    raw: Buffer,
    isBinary: boolean,
    reply: (error: string) => void,
  ): { value: unknown } | null {
    if (!this.limiter.take("c")) {
      if (++this.strikes > MAX_STRIKES) socket.close(1008, "rate limit");
      else reply("rate limit: too many commands, slow down");
      return null;
    }
    if (isBinary) {
      reply("message: must be JSON text");
      return null;
    }
    try {
      return { value: JSON.parse(raw.toString("utf8")) };
    } catch {
      reply("message: not valid JSON");
      return null;
    }
  }
}

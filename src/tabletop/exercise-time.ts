/**
 * Exercise time at the edges: seconds, or "hh:mm:ss" since STARTEX (what an MSEL shows). Inside,
 * always seconds.
 */
import { UserError } from "../core/errors.ts";

/** Seconds from a number of seconds or "hh:mm:ss" text. */
export function parseExerciseTime(v: number | string, field = "time"): number {
  if (typeof v === "number") {
    if (!Number.isFinite(v) || v < 0) throw new UserError(`${field}: expected seconds >= 0, got ${v}`);
    return v;
  }
  const m = /^(\d{1,3}):([0-5]\d):([0-5]\d)$/.exec(v.trim());
  if (!m) throw new UserError(`${field}: expected seconds or hh:mm:ss, got ${JSON.stringify(v)}`);
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

/** "hh:mm:ss" of a time in seconds (rounded to the second; negative times get a minus sign). */
export function formatExerciseTime(s: number): string {
  const sign = s < 0 ? "-" : "";
  const whole = Math.round(Math.abs(s));
  const p2 = (n: number) => String(n).padStart(2, "0");
  return `${sign}${p2(Math.floor(whole / 3600))}:${p2(Math.floor((whole % 3600) / 60))}:${p2(whole % 60)}`;
}

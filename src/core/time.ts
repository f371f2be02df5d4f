/**
 * Scenario time. A scenario has one epoch, an instant in UTC written in ISO 8601 at the edges; inside,
 * every time is seconds since that epoch (a plain number). The epoch itself is kept as milliseconds since
 * the Unix epoch (what `Date` uses), so converting back to text never needs a time zone.
 *
 * Leap seconds: like POSIX and `Date`, UTC here has no leap seconds (":60" is rejected). Over a
 * scenario of hours this is exact unless the scenario spans the end of a June or December with a leap
 * second, which has not happened since 2016.
 */
import { UserError } from "./errors.ts";

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Parses an ISO 8601 date-time with an explicit zone ("2024-10-31T07:11:00Z",
 * "2024-10-31T16:11:00+09:00", fractional seconds allowed) into milliseconds since the Unix epoch, UTC.
 * A time without a zone is refused rather than guessed. Throws UserError naming the problem.
 * `field` names the input in the error message (for example "epoch" or "launches[2].time").
 */
export function parseEpoch(iso: string, field = "epoch"): number {
  if (typeof iso !== "string")
    throw new UserError(`${field}: expected an ISO 8601 UTC time string, got ${typeof iso}`);
  const m = ISO_RE.exec(iso.trim());
  if (!m) {
    throw new UserError(
      `${field}: "${iso}" is not an ISO 8601 time with a zone (expected e.g. 2024-10-31T07:11:00Z or 2024-10-31T16:11:00+09:00)`,
    );
  }
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  const fraction = m[7] ? Number(`0.${m[7]}`) : 0;
  if (month < 1 || month > 12) throw new UserError(`${field}: "${iso}" has month ${month}, outside 01–12`);
  if (day < 1 || day > daysInMonth(year, month)) {
    throw new UserError(
      `${field}: "${iso}" has day ${day}, but ${m[1]}-${m[2]} has ${daysInMonth(year, month)} days`,
    );
  }
  if (hour > 23) throw new UserError(`${field}: "${iso}" has hour ${hour}, outside 00–23`);
  if (minute > 59) throw new UserError(`${field}: "${iso}" has minute ${minute}, outside 00–59`);
  if (second > 59)
    throw new UserError(`${field}: "${iso}" has second ${second}; leap seconds are not supported`);
  let offsetMin = 0;
  if (m[8] !== "Z") {
    const sign = m[8][0] === "-" ? -1 : 1;
    const oh = Number(m[8].slice(1, 3));
    const om = Number(m[8].slice(4, 6));
    if (oh > 23 || om > 59) throw new UserError(`${field}: "${iso}" has an invalid zone offset ${m[8]}`);
    offsetMin = sign * (oh * 60 + om);
  }
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear avoids that trap.
  const d = new Date(Date.UTC(2000, 0, 1, hour, minute, second));
  d.setUTCFullYear(year, month - 1, day);
  return d.getTime() + fraction * 1000 - offsetMin * 60_000;
}

/** Seconds since the scenario epoch of an ISO 8601 time (for launch times written as absolute times). */
export function secondsSinceEpoch(epochMs: number, iso: string, field = "time"): number {
  return (parseEpoch(iso, field) - epochMs) / 1000;
}

/**
 * ISO 8601 UTC text of the instant `tS` seconds after the epoch, to the millisecond
 * ("2024-10-31T07:11:00.000Z"). Rounds to the nearest millisecond.
 */
export function isoAt(epochMs: number, tS: number): string {
  return new Date(Math.round(epochMs + tS * 1000)).toISOString();
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * Mission clock text "T+hh:mm:ss" for tS seconds after the epoch, "T-hh:mm:ss" before it.
 * Counts like a real mission clock: after the epoch it shows whole seconds elapsed (floor), before it
 * whole seconds still to go (ceiling of the magnitude), so T-00:00:01 is shown until the epoch itself.
 * Hours are not wrapped (T+100:00:00 after 100 h). Non-finite input gives "T+--:--:--".
 */
export function formatClock(tS: number): string {
  if (!Number.isFinite(tS)) return "T+--:--:--";
  const negative = tS < 0;
  const whole = negative ? Math.ceil(-tS - 1e-9) : Math.floor(tS + 1e-9);
  const h = Math.floor(whole / 3600);
  const mnt = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  return `T${negative && whole > 0 ? "-" : "+"}${pad2(h)}:${pad2(mnt)}:${pad2(s)}`;
}

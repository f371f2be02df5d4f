/**
 * The local clocks on the wall of an exercise room: Seoul, Tokyo and Washington. Offsets come from
 * the IANA time zone database through Intl, so Washington's daylight saving time (second Sunday of
 * March to first Sunday of November) is right for any date without a table of our own.
 */
export const LOCAL_ZONES = [
  { id: "KST", zone: "Asia/Seoul", label: "Seoul" },
  { id: "JST", zone: "Asia/Tokyo", label: "Tokyo" },
  { id: "WASHINGTON", zone: "America/New_York", label: "Washington" },
] as const;

export interface LocalClock {
  readonly id: string;
  readonly label: string;
  /** "2024-10-31 07:11:00" local wall time. */
  readonly local: string;
  /** Offset from UTC in minutes at that instant (EDT = −240, EST = −300, KST = JST = +540). */
  readonly offsetMin: number;
  /** Zone abbreviation shown on the clock: KST, JST, EDT or EST. */
  readonly abbreviation: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Local wall-clock fields of an instant in a zone, and the zone's offset then. */
export function localTime(epochMs: number, zone: string): { local: string; offsetMin: number } {
  const parts: Record<string, string> = {};
  for (const p of formatter(zone).formatToParts(new Date(epochMs))) parts[p.type] = p.value;
  const y = Number(parts.year);
  const mo = Number(parts.month);
  const d = Number(parts.day);
  const h = Number(parts.hour);
  const mi = Number(parts.minute);
  const s = Number(parts.second);
  // The offset is the local fields read as if they were UTC, minus the instant itself.
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  const offsetMin = Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 60000);
  const p2 = (n: number) => String(n).padStart(2, "0");
  return { local: `${y}-${p2(mo)}-${p2(d)} ${p2(h)}:${p2(mi)}:${p2(s)}`, offsetMin };
}

function abbreviation(id: string, offsetMin: number): string {
  if (id !== "WASHINGTON") return id;
  return offsetMin === -240 ? "EDT" : offsetMin === -300 ? "EST" : `UTC${offsetMin / 60}`;
}

/** The three exercise clocks at a story instant (ms since the Unix epoch). */
export function localClocks(epochMs: number): LocalClock[] {
  return LOCAL_ZONES.map((z) => {
    const { local, offsetMin } = localTime(epochMs, z.zone);
    return { id: z.id, label: z.label, local, offsetMin, abbreviation: abbreviation(z.id, offsetMin) };
  });
}

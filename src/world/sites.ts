import { UserError } from "../core/errors.ts";

/**
 * Approximate PUBLIC locations of launch areas and named aim areas, in degrees (edge data: converted to
 * radians by whoever uses them). Every entry is rounded to about 0.01–0.1° and comes from open press
 * or open satellite-imagery reporting; none is more precise than what newspapers print. Sensor sites
 * belong to src/sensors.
 */
export interface NamedPlace {
  readonly name: string;
  readonly latDeg: number;
  readonly lonDeg: number;
  /** Where the location comes from (public basis). */
  readonly comment: string;
}

export const LAUNCH_SITES: readonly NamedPlace[] = [
  {
    name: "Sunan",
    latDeg: 39.22,
    lonDeg: 125.67,
    comment:
      "Pyongyang Sunan International Airport area; widely reported launch area in open press (2017–2024)",
  },
  {
    name: "Pyongyang",
    latDeg: 39.03,
    lonDeg: 125.75,
    comment: "'Pyongyang area', e.g. the 31 Oct 2024 ICBM launch as announced by the ROK JCS (open press)",
  },
  {
    name: "Tongchang-ri",
    latDeg: 39.66,
    lonDeg: 124.71,
    comment: "Sohae Satellite Launching Station, Cholsan county; open satellite-imagery analyses (38 North)",
  },
  {
    name: "Sinpo",
    latDeg: 40.03,
    lonDeg: 128.18,
    comment: "Sinpo shipyard, SLBM test area; widely reported in open press",
  },
  {
    name: "Wonsan-Kalma",
    latDeg: 39.17,
    lonDeg: 127.48,
    comment: "Kalma peninsula / Wonsan airfield area; widely reported launch area in open press",
  },
  {
    name: "Hamhung",
    latDeg: 39.92,
    lonDeg: 127.54,
    comment: "Hamhung area, South Hamgyong; widely reported launch area in open press",
  },
  {
    name: "Jangyon",
    latDeg: 38.25,
    lonDeg: 125.11,
    comment: "Jangyon county, South Hwanghae; ROK JCS announcements reported in open press (2022)",
  },
  {
    name: "Sukchon",
    latDeg: 39.41,
    lonDeg: 125.63,
    comment: "Sukchon county, South Pyongan; ROK JCS announcements reported in open press (2022–2023)",
  },
  {
    name: "Kusong",
    latDeg: 39.98,
    lonDeg: 125.24,
    comment: "Kusong, North Pyongan; widely reported launch area in open press (2017)",
  },
];

export const AIM_AREAS: readonly NamedPlace[] = [
  {
    name: "sea-west-of-okushiri",
    latDeg: 41.9,
    lonDeg: 137.0,
    comment:
      "31 Oct 2024 ICBM impact: Japan MOD reported ~200 km west of Okushiri Island (42.15N 139.45E), outside Japan's EEZ",
  },
  {
    name: "sea-west-of-hokkaido",
    latDeg: 41.9,
    lonDeg: 139.2,
    comment: "sea just west of Okushiri / Oshima peninsula, Hokkaido (approximate, open press maps)",
  },
  {
    name: "east-sea-central",
    latDeg: 40.0,
    lonDeg: 133.0,
    comment: "central East Sea / Sea of Japan, typical impact area of MRBM/IRBM tests in open press maps",
  },
  {
    name: "east-sea-off-wonsan",
    latDeg: 39.6,
    lonDeg: 129.5,
    comment: "East Sea ~200 km east of Wonsan, typical SRBM impact area in open press maps",
  },
  {
    name: "japan-eez-off-aomori",
    latDeg: 40.9,
    lonDeg: 138.8,
    comment:
      "Sea of Japan inside Japan's EEZ west of Aomori/Oshima, approximate, open press maps (2017, 2023)",
  },
];

function find(list: readonly NamedPlace[], name: string, field: string, what: string): NamedPlace {
  const p = list.find((s) => s.name.toLowerCase() === name.toLowerCase());
  if (!p)
    throw new UserError(`${field}: unknown ${what} "${name}" (known: ${list.map((s) => s.name).join(", ")})`);
  return p;
}

export function launchSite(name: string, field = "site"): NamedPlace {
  return find(LAUNCH_SITES, name, field, "launch site");
}

export function aimArea(name: string, field = "aim"): NamedPlace {
  return find(AIM_AREAS, name, field, "aim area");
}

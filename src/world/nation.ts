/** ISO 3166-1 alpha-3 codes of the nations AllyLink knows. */
export const NATIONS = ["KOR", "USA", "JPN", "PRK", "RUS", "CHN"] as const;
export type NationCode = (typeof NATIONS)[number];

/** The allied nations that run nodes. */
export const ALLIES = ["KOR", "USA", "JPN"] as const satisfies readonly NationCode[];
export type AllyCode = (typeof ALLIES)[number];

export function isNationCode(s: unknown): s is NationCode {
  return typeof s === "string" && (NATIONS as readonly string[]).includes(s);
}

export function isAllyCode(s: unknown): s is AllyCode {
  return typeof s === "string" && (ALLIES as readonly string[]).includes(s);
}

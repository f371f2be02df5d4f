/** One colour per nation and object, shared by the globe and the 2-D map. */
export const NATION_COLOR: Record<string, string> = { KOR: "#4fc3f7", USA: "#9ccc65", JPN: "#ff8a65", TRUTH: "#e0e0e0" };
export const ALERT_COLOR = "#ff1744";
export const AREA_COLOR = "#ffb300";
export const SYSTEM_COLOR = "#ffee58";
export const TRUTH_COLOR = "#ce93d8";

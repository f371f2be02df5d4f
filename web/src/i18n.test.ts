import { describe, expect, it } from "vitest";
import { LANGS, phaseName } from "./i18n.ts";

describe("phaseName", () => {
  it("names each flight phase the picture sends in every language, and shows anything else as sent", () => {
    for (const lang of Object.keys(LANGS) as (keyof typeof LANGS)[])
      for (const phase of ["boost", "midcourse", "reentry", "unknown"]) {
        const name = phaseName(lang, phase);
        expect(name.length, `${lang} ${phase}`).toBeGreaterThan(0);
        if (lang !== "en") expect(name, `${lang} ${phase}`).not.toBe(phase);
      }
    expect(phaseName("ar", "boost")).toBe("الدفع");
    expect(phaseName("ja", "terminal")).toBe("terminal");
  });
});

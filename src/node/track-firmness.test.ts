import { describe, expect, it } from "vitest";
import type { Track } from "../tracking/track-manager.ts";
import { FIRM_MIN_HITS, isFirm } from "./track-firmness.ts";

function track(status: Track["status"], hits: number, consecutiveMisses = 0): Track {
  return { status, hits, consecutiveMisses } as Track;
}

describe("track firmness", () => {
  it("needs a confirmed track that has used enough detections, however many it has missed since", () => {
    expect(isFirm(track("confirmed", FIRM_MIN_HITS))).toBe(true);
    expect(isFirm(track("confirmed", FIRM_MIN_HITS, 4))).toBe(true);
    expect(isFirm(track("confirmed", FIRM_MIN_HITS - 1))).toBe(false);
    expect(isFirm(track("tentative", FIRM_MIN_HITS))).toBe(false);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runVirtual } from "../exercise/virtual-run.ts";
import { loadScenarioFile } from "../scenario/load.ts";

// Only a Korean radar sees the early flight of an MRBM from the west coast of the DPRK toward the
// Noto peninsula; Japan's own radar (Shimokoshiki, far to the south-west) picks it up much later.
const SCENARIO = `
name: mrbm-toward-japan
description: value of sharing when only ROK radars see the early flight
epoch: 2026-01-01T00:00:00Z
durationS: 1200
seed: 7
nations: [KOR, USA, JPN]
sharing: trilateral
sensors:
  - catalog: KOR-GREENPINE-NORTH-CHUNGCHEONG
  - catalog: JPN-FPS5-SHIMOKOSHIKI
launches:
  - id: M1
    time: 60
    site: Sukchon
    class: MRBM
    aim: { lat: 37.3, lon: 136.9 }
    trajectory: minimum-energy
`;

const dir = mkdtempSync(join(tmpdir(), "allylink-node-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the value of sharing", () => {
  it("JPN warns from relayed Korean tracks earlier than from its own radar alone", async () => {
    const file = join(dir, "mrbm.yaml");
    writeFileSync(file, SCENARIO);
    const scenario = loadScenarioFile(file);
    const alone = await runVirtual(scenario, { sharing: "none" });
    const shared = await runVirtual(scenario, { sharing: "trilateral" });
    const jpn = (r: typeof alone) => r.metrics.find((m) => m.nation === "JPN" && m.threat === "M1")!;
    const kor = (r: typeof alone) => r.metrics.find((m) => m.nation === "KOR" && m.threat === "M1")!;

    // Korea sees it first in both runs; Japan's own radar only much later.
    expect(kor(alone).firstDetectionS!).toBeLessThan(jpn(alone).firstDetectionS! - 30);
    // Without sharing Japan has no allied track; with it, Japan holds one before its own radar sees anything.
    expect(jpn(alone).firstAlliedTrackS).toBeNull();
    expect(jpn(shared).firstAlliedTrackS!).toBeLessThan(jpn(shared).firstDetectionS!);
    // Both warn (the missile comes down on Japanese land), and the shared picture warns earlier.
    expect(jpn(alone).firstWarningS).not.toBeNull();
    expect(jpn(shared).firstWarningS!).toBeLessThan(jpn(alone).firstWarningS! - 5);
    expect(jpn(shared).leadTimeS!).toBeGreaterThan(jpn(alone).leadTimeS!);
    expect(jpn(shared).missedWarning).toBe(false);
    // Nothing offered to the receivers was refused for a bad signature or releasability.
    expect(shared.messages.rejected).toBe(0);
    expect(shared.messages.received).toBeGreaterThan(0);
  });
});

import { describe, expect, it } from "vitest";
import { UserError } from "../core/errors.ts";
import { deg2rad, geodeticToEcef, rad2deg } from "../core/geodesy.ts";
import { Rng } from "../core/rng.ts";
import {
  catalogueEntry,
  catalogueSensorNames,
  createSensor,
  createSensors,
  type InlineRadarSpec,
  SENSOR_CATALOGUE,
} from "./catalogue.ts";
import type { Detection, DetectionTruth } from "./detection.ts";
import { Radar } from "./radar.ts";
import { SpaceInfrared } from "./space-infrared.ts";
import { TruthSnapshot } from "./truth-snapshot.ts";

const overSunan = (hM: number) => geodeticToEcef(deg2rad(39.2), deg2rad(125.67), hM);

describe("sensor catalogue", () => {
  it("holds the publicly reported allied sensors, each with a public basis", () => {
    const names = catalogueSensorNames();
    for (const required of [
      "KOR-GREENPINE-NORTH-CHUNGCHEONG",
      "KOR-GREENPINE-BUSAN",
      "KOR-AEGIS-EAST-SEA-1",
      "USA-TPY2-SEONGJU",
      "USA-TPY2-SHARIKI",
      "USA-TPY2-KYOGAMISAKI",
      "JPN-FPS5-SADO",
      "JPN-FPS5-SHIMOKOSHIKI",
      "JPN-FPS5-OMINATO",
      "JPN-AEGIS-SEA-OF-JAPAN-NORTH",
      "USA-SBIRS-GEO-WEST-PACIFIC",
    ]) {
      expect(names).toContain(required);
    }
    for (const name of names) {
      const e = catalogueEntry(name)!;
      expect(e.basis.length, name).toBeGreaterThan(20);
      expect(name.startsWith(e.nation), name).toBe(true);
    }
    expect(catalogueEntry("toString")).toBeUndefined();
  });

  it("every entry builds, with the catalogue name as default id and the entry's nation", () => {
    for (const name of catalogueSensorNames()) {
      const s = createSensor({ catalogue: name });
      expect(s.id).toBe(name);
      expect(s.nation).toBe(SENSOR_CATALOGUE[name].nation);
      expect(s.kind).toBe(SENSOR_CATALOGUE[name].type === "radar" ? "radar" : "ir");
    }
  });

  it("sector radars face the DPRK launch area", () => {
    // Seongju → Pyongyang is to the north-west; Shariki → west; Kyogamisaki → west-north-west.
    const az = (name: string) => rad2deg((createSensor({ catalogue: name }) as Radar).params.boresightAzRad);
    expect(az("USA-TPY2-SEONGJU")).toBeGreaterThan(300);
    expect(az("USA-TPY2-SEONGJU")).toBeLessThan(330);
    expect(az("USA-TPY2-SHARIKI")).toBeGreaterThan(255);
    expect(az("USA-TPY2-SHARIKI")).toBeLessThan(290);
    expect(az("USA-TPY2-KYOGAMISAKI")).toBeGreaterThan(280);
    expect(az("USA-TPY2-KYOGAMISAKI")).toBeLessThan(310);
  });

  it("every radar can see a large target 300 km above Sunan; every SBIRS sees a burning booster there", () => {
    const snap = new TruthSnapshot().reset(0);
    snap.push("high", overSunan(300_000), [0, 0, 0], false, 2);
    snap.push("booster", overSunan(40_000), [0, 0, 0], true, 2);
    for (const name of catalogueSensorNames()) {
      const s = createSensor({ catalogue: name, overrides: { falseAlarmsPerScan: 0 } });
      const rng = new Rng(name);
      const dets: Detection[] = [];
      const truth: DetectionTruth[] = [];
      for (let i = 0; i < 100; i++) s.scanSnapshot(snap, rng, dets, truth);
      const seen = new Set(truth.map((x) => x.objectId));
      if (s instanceof SpaceInfrared) {
        expect([...seen], name).toEqual(["booster"]);
      } else {
        expect(seen.has("high"), name).toBe(true);
      }
    }
  });

  it("applies overrides and a new id", () => {
    const s = createSensor({
      catalogue: "USA-TPY2-SEONGJU",
      id: "thaad-1",
      overrides: { revisitS: 0.5, sigmaRangeRateMps: null },
    }) as Radar;
    expect(s.id).toBe("thaad-1");
    expect(s.revisitS).toBe(0.5);
    expect(s.measuresRangeRate).toBe(false);
    expect(s.params.refRangeM).toBe(1_500_000); // untouched fields keep the catalogue's value
    const ship = createSensor({
      catalogue: "KOR-AEGIS-EAST-SEA-1",
      overrides: {
        site: {
          hM: 20,
          waypoints: [
            { tS: 0, latRad: deg2rad(37.6), lonRad: deg2rad(129.6) },
            { tS: 7200, latRad: deg2rad(38.0), lonRad: deg2rad(129.4) },
          ],
        },
      },
    });
    const a = ship.positionAt(0, new Float64Array(3));
    const b = ship.positionAt(3600, new Float64Array(3));
    expect(Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2])).toBeGreaterThan(20_000);
  });

  it("builds inline sensors of both types", () => {
    const radar: InlineRadarSpec = {
      ...(SENSOR_CATALOGUE["JPN-FPS5-SADO"].params as Omit<InlineRadarSpec, "id" | "nation" | "type">),
      type: "radar",
      id: "my-radar",
      nation: "JPN",
    };
    expect(createSensor(radar)).toBeInstanceOf(Radar);
    const ir = createSensor({
      type: "space-ir",
      id: "my-ir",
      nation: "USA",
      orbit: { type: "fixed", latRad: deg2rad(63), lonRad: deg2rad(140), altitudeM: 39_000_000 },
      minAltitudeM: 10_000,
      pd: 0.9,
      sigmaLosRad: 60e-6,
      revisitS: 5,
      latencyS: 30,
      scanOffsetS: 0,
      falseAlarmsPerScan: 0,
    });
    expect(ir).toBeInstanceOf(SpaceInfrared);
    expect(ir.kind).toBe("ir");
  });

  it("refuses bad specs with one clear message naming the field", () => {
    const msg = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        return (e as Error).message;
      }
      throw new Error("expected a UserError");
    };
    expect(msg(() => createSensor({ catalogue: "NO-SUCH-RADAR" }))).toMatch(
      /unknown sensor "NO-SUCH-RADAR"; known: /,
    );
    expect(
      msg(() => createSensor({ catalogue: "USA-TPY2-SEONGJU", overrides: { colour: 3 } as never })),
    ).toMatch(/sensor USA-TPY2-SEONGJU: overrides.colour: not a field of a radar sensor/);
    expect(msg(() => createSensor({ catalogue: "USA-TPY2-SEONGJU", overrides: { revisitS: -1 } }))).toBe(
      "sensor USA-TPY2-SEONGJU: revisitS: must be > 0 seconds",
    );
    expect(
      msg(() => createSensor({ catalogue: "USA-SBIRS-GEO-WEST-PACIFIC", overrides: { pd: 2 } })),
    ).toMatch(/pd:/);
    expect(msg(() => createSensor({ type: "sonar", id: "x" } as never))).toMatch(/sensor x: type: must be/);
    expect(
      msg(() =>
        createSensors([
          { catalogue: "JPN-FPS5-SADO" },
          { catalogue: "JPN-FPS5-OMINATO", id: "JPN-FPS5-SADO" },
        ]),
      ),
    ).toMatch(/JPN-FPS5-SADO: id: used by more than one sensor/);
  });
});

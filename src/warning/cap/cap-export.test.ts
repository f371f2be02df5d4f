import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateXML } from "xmllint-wasm";
import { deg2rad } from "../../core/geodesy.ts";
import type { Alert } from "../alert.ts";
import { ellipsePolygon } from "../ellipse-polygon.ts";
import { alertToCap, capDateTime } from "./cap-export.ts";

const xsd = readFileSync(join(import.meta.dirname, "cap-1.2.xsd"), "utf8");
const validate = async (xml: string) =>
  validateXML({ xml: [{ fileName: "alert.xml", contents: xml }], schema: [xsd] });

const epochMs = Date.UTC(2024, 9, 30, 22, 11, 0);
const ellipse = {
  center: { lat: deg2rad(41.9), lon: deg2rad(138.9) },
  semiMajorM: 30_000,
  semiMinorM: 9_000,
  orientation: deg2rad(100),
  probability: 0.95,
};
const issued: Alert = {
  id: "JPN-L1-JPN-eez",
  version: 1,
  state: "issued",
  issuer: "JPN",
  threatId: "L1",
  area: { id: "JPN-eez", name: 'Japan EEZ <Sea of Japan> & "north"', nation: "JPN", kind: "eez" },
  t: 600,
  tImpact: 5160,
  probability: 0.82,
  ellipse,
  ellipsePolygon: ellipsePolygon(ellipse),
  launchPoint: { lat: deg2rad(39.03), lon: deg2rad(125.75) },
  missileClass: "ICBM",
  exercise: true,
};

describe("CAP 1.2 export", () => {
  it("formats CAP date-times with an explicit offset, never Z", () => {
    expect(capDateTime(epochMs, 0)).toBe("2024-10-30T22:11:00+00:00");
    expect(capDateTime(epochMs, 3600.4)).toBe("2024-10-30T23:11:00+00:00");
  });

  it("issue, update and cancel messages validate against the CAP 1.2 schema", async () => {
    const updated: Alert = { ...issued, version: 2, state: "updated", t: 900, probability: 0.97 };
    const cancelled: Alert = {
      ...issued,
      version: 3,
      state: "cancelled",
      t: 5200,
      reason: "fell in the sea outside any EEZ",
    };
    for (const [a, history] of [
      [issued, []],
      [updated, [issued]],
      [cancelled, [issued, updated]],
    ] as const) {
      const xml = alertToCap(a, { epochMs }, history);
      const r = await validate(xml);
      expect(r.errors, xml).toEqual([]);
      expect(r.valid).toBe(true);
    }
    const xml = alertToCap(cancelled, { epochMs }, [issued, updated]);
    expect(xml).toContain("<msgType>Cancel</msgType>");
    expect(xml).toContain(
      "<references>urn:allylink:node:JPN,allylink.JPN.JPN-L1-JPN-eez.v1,2024-10-30T22:21:00+00:00 ",
    );
    expect(xml).toContain("&lt;Sea of Japan&gt; &amp; &quot;north&quot;");
  });

  it("the schema check can fail: a message with a wrong status value is rejected", async () => {
    const xml = alertToCap(issued, { epochMs }).replace("<status>Exercise</status>", "<status>Live</status>");
    const r = await validate(xml);
    expect(r.valid).toBe(false);
  });

  it("the polygon is closed, has the CAP lat,lon form and surrounds the centre at the stated size", () => {
    const xml = alertToCap(issued, { epochMs });
    const poly = /<polygon>([^<]+)<\/polygon>/.exec(xml)?.[1] ?? "";
    const pts = poly.split(" ");
    expect(pts.length).toBe(37);
    expect(pts[0]).toBe(pts[36]);
    const [lat0, lon0] = pts[0].split(",").map(Number);
    // θ = 0 lies on the major axis, 30 km from the centre at azimuth 100°: mostly east, a little south.
    expect(lat0).toBeLessThan(41.9);
    expect(lon0).toBeGreaterThan(138.9 + 0.3);
  });
});

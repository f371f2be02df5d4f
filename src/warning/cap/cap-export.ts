/**
 * Exports an alert as OASIS Common Alerting Protocol 1.2 XML, so that any CAP consumer (public alert
 * systems, sirens, phones) can take AllyLink's warnings. Every version of an alert is its own CAP
 * message; updates and cancels reference the earlier versions, as CAP requires.
 */
import type { Alert, GeoPoint } from "../alert.ts";

export interface CapOptions {
  /** Scenario epoch, ms since the Unix epoch (UTC). */
  readonly epochMs: number;
  /** CAP language tag of the info block. */
  readonly language?: string;
}

const RAD = 180 / Math.PI;
const MSG_TYPE = { issued: "Alert", updated: "Update", cancelled: "Cancel" } as const;

export function capSender(a: Pick<Alert, "issuer">): string {
  return `urn:allylink:node:${a.issuer}`;
}

export function capIdentifier(a: Pick<Alert, "issuer" | "id" | "version">): string {
  return `allylink.${a.issuer}.${a.id}.v${a.version}`;
}

/** CAP 1.2 date-time: explicit numeric offset, never "Z" (section 3.3.2). */
export function capDateTime(epochMs: number, tS: number): string {
  const iso = new Date(Math.round(epochMs + tS * 1000)).toISOString();
  return `${iso.slice(0, 19)}+00:00`;
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function latLon(p: GeoPoint): string {
  return `${(p.lat * RAD).toFixed(4)},${(p.lon * RAD).toFixed(4)}`;
}

function el(name: string, value: string | number): string {
  return `<${name}>${esc(String(value))}</${name}>`;
}

/**
 * One CAP message for one version of an alert. `history` holds the earlier versions (oldest first)
 * so that updates and cancels can name them in `references`.
 */
export function alertToCap(alert: Alert, options: CapOptions, history: readonly Alert[] = []): string {
  const { epochMs } = options;
  const sent = capDateTime(epochMs, alert.t);
  const refs = history
    .map((h) => `${capSender(h)},${capIdentifier(h)},${capDateTime(epochMs, h.t)}`)
    .join(" ");
  const ttiS = Math.max(0, Math.round(alert.tImpact - alert.t));
  const where = alert.area.name;
  const headline =
    alert.state === "cancelled"
      ? `Missile warning cancelled for ${where}`
      : `Ballistic missile: possible impact in ${where} in ${ttiS} s`;
  const description =
    alert.state === "cancelled"
      ? `The missile no longer threatens ${where}${alert.reason ? `: ${alert.reason}` : ""}.`
      : [
          `A ballistic missile${alert.missileClass ? ` (${alert.missileClass})` : ""} was launched`,
          alert.launchPoint ? ` from about ${latLon(alert.launchPoint)}` : "",
          `. Predicted impact near ${latLon(alert.ellipse.center)} at ${capDateTime(epochMs, alert.tImpact)}`,
          `; probability of impact in ${where}: ${(alert.probability * 100).toFixed(0)}%.`,
        ].join("");
  const poly = alert.ellipsePolygon.map(latLon).join(" ");
  const parts = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">',
    el("identifier", capIdentifier(alert)),
    el("sender", capSender(alert)),
    el("sent", sent),
    el("status", alert.exercise ? "Exercise" : "Actual"),
    el("msgType", MSG_TYPE[alert.state]),
    el("source", "AllyLink missile warning simulation"),
    el("scope", "Public"),
    alert.exercise ? el("note", "EXERCISE EXERCISE EXERCISE: simulated warning, public-level data only") : "",
    refs ? el("references", refs) : "",
    el("incidents", alert.threatId),
    "<info>",
    el("language", options.language ?? "en-US"),
    el("category", "Safety"),
    el("category", "Security"),
    el("event", "Ballistic missile"),
    el("responseType", alert.state === "cancelled" ? "AllClear" : "Shelter"),
    el("urgency", alert.state === "cancelled" ? "Past" : "Immediate"),
    el(
      "severity",
      alert.state === "cancelled"
        ? "Minor"
        : alert.area.kind === "land" || alert.area.kind === "protected"
          ? "Extreme"
          : "Severe",
    ),
    el(
      "certainty",
      alert.state === "cancelled" ? "Observed" : alert.probability >= 0.5 ? "Likely" : "Possible",
    ),
    el("effective", sent),
    alert.state === "cancelled" ? "" : el("onset", capDateTime(epochMs, alert.tImpact)),
    el("expires", capDateTime(epochMs, Math.max(alert.t, alert.tImpact) + 600)),
    el("senderName", `AllyLink node ${alert.issuer}`),
    el("headline", headline),
    el("description", description),
    alert.state === "cancelled"
      ? ""
      : el(
          "instruction",
          "Take shelter at once in a sturdy building or underground; stay away from windows.",
        ),
    "<parameter>",
    el("valueName", "impactProbability"),
    el("value", alert.probability.toFixed(3)),
    "</parameter>",
    "<parameter>",
    el("valueName", "timeToImpactS"),
    el("value", ttiS),
    "</parameter>",
    "<parameter>",
    el("valueName", "impactEllipse"),
    el(
      "value",
      `${latLon(alert.ellipse.center)} a=${Math.round(alert.ellipse.semiMajorM)}m b=${Math.round(alert.ellipse.semiMinorM)}m az=${(alert.ellipse.orientation * RAD).toFixed(1)}deg p=${alert.ellipse.probability}`,
    ),
    "</parameter>",
    "<area>",
    el(
      "areaDesc",
      `${where} (predicted impact area, ${Math.round(alert.ellipse.probability * 100)}% ellipse)`,
    ),
    alert.ellipsePolygon.length >= 4 ? el("polygon", poly) : "",
    "</area>",
    "</info>",
    "</alert>",
  ];
  return `${parts.filter(Boolean).join("\n")}\n`;
}

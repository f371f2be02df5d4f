/**
 * The exercise timeline for the after-action report: one line per event, in English or Arabic, with
 * exercise time and — for injects — the story time on the Seoul, Tokyo and Washington clocks.
 * Shared by the HTML and CSV reports so both say the same thing.
 */
import type { TtxEvent } from "./events.ts";
import { formatExerciseTime } from "./exercise-time.ts";
import { localClocks } from "./local-clocks.ts";
import type { TtxDefinition } from "./model.ts";
import type { Audience } from "./releasability.ts";

export type ReportLang = "en" | "ar";

export interface TimelineRow {
  readonly seq: number;
  readonly t: number;
  readonly clock: string;
  readonly type: string;
  readonly actor: string;
  /** "ALL", "STAFF" or the national cells, e.g. "KOR USA". */
  readonly audience: string;
  readonly summary: string;
  /** Story time on the local clocks, for injects ("" otherwise). */
  readonly story: string;
}

function audienceText(a: Audience): string {
  if (a.all) return "ALL";
  return a.cells.length === 0 ? "STAFF" : a.cells.join(" ");
}

const W: Record<string, { en: string; ar: string }> = {
  joined: { en: "joined", ar: "انضم" },
  left: { en: "left", ar: "غادر" },
  resumed: { en: "Clock running", ar: "الساعة تعمل" },
  paused: { en: "Clock paused", ar: "الساعة متوقفة" },
  inject: { en: "Inject", ar: "حقنة سيناريو" },
  dpOpen: { en: "Decision point open", ar: "فتح نقطة القرار" },
  dpClose: { en: "Decision point closed", ar: "إغلاق نقطة القرار" },
  fired: { en: "Trigger fired", ar: "تفعيل المحفز" },
  satisfied: { en: "Trigger satisfied (not fired)", ar: "تحقق شرط المحفز (دون تفعيل)" },
  opened: { en: "Consultation opened", ar: "فتح مشاورة" },
  cjoined: { en: "joined consultation", ar: "انضم إلى المشاورة" },
  convened: { en: "Consultation convened", ar: "انعقاد المشاورة" },
  closed: { en: "Consultation closed", ar: "إغلاق المشاورة" },
  deadlineMet: { en: "Consultation deadline met", ar: "احترام مهلة المشاورة" },
  deadlineMissed: { en: "Consultation deadline MISSED", ar: "تجاوز مهلة المشاورة" },
  message: { en: "Message", ar: "رسالة" },
  read: { en: "read", ar: "قرأ" },
  proposal: { en: "Proposal", ar: "اقتراح" },
  concur: { en: "concurs with", ar: "يوافق على" },
  nonconcur: { en: "does not concur with", ar: "لا يوافق على" },
  decision: { en: "Decision", ar: "قرار" },
  executed: { en: "Option carried out", ar: "تنفيذ الخيار" },
  drafted: { en: "Statement drafted", ar: "صياغة بيان" },
  cleared: { en: "Statement cleared by", ar: "إجازة البيان من" },
  released: { en: "Joint statement released", ar: "إصدار البيان المشترك" },
  adjudication: { en: "Adjudication", ar: "تحكيم" },
  shifted: { en: "Timeline shifted", ar: "إزاحة الجدول الزمني" },
  rated: { en: "Objective rated", ar: "تقييم الهدف" },
  improvement: { en: "Improvement item", ar: "بند تحسين" },
  ended: { en: "ENDEX", ar: "نهاية التمرين" },
  rung: { en: "rung", ar: "درجة" },
  version: { en: "version", ar: "النسخة" },
};

function w(k: keyof typeof W, lang: ReportLang): string {
  return W[k][lang];
}

function summary(e: TtxEvent, def: TtxDefinition, lang: ReportLang): string {
  switch (e.type) {
    case "participant.joined":
      return `${e.participant} (${e.cell}, ${e.role}) ${w("joined", lang)}`;
    case "participant.left":
      return `${e.participant} ${w("left", lang)}`;
    case "clock.resumed":
      return w("resumed", lang);
    case "clock.paused":
      return w("paused", lang);
    case "inject.delivered":
      return `${w("inject", lang)} ${e.inject.id} (${e.reason}${e.trigger ? ` ${e.trigger}` : ""}) → ${e.inject.to.join(", ")}: ${e.inject.text[lang]}`;
    case "decision-point.opened":
      return `${w("dpOpen", lang)} ${e.decisionPoint}: ${def.decisionPoints.find((d) => d.id === e.decisionPoint)?.prompt[lang] ?? ""}`;
    case "decision-point.closed":
      return `${w("dpClose", lang)} ${e.decisionPoint}`;
    case "trigger.fired":
      return `${w("fired", lang)} ${e.trigger} → ${e.inject}`;
    case "trigger.satisfied":
      return `${w("satisfied", lang)} ${e.trigger}`;
    case "consultation.opened":
      return `${w("opened", lang)} ${e.consultation} (${def.channels.find((c) => c.id === e.channel)?.name[lang] ?? e.channel}) — ${e.cell}`;
    case "consultation.joined":
      return `${e.participant} (${e.cell}) ${w("cjoined", lang)} ${e.consultation}`;
    case "consultation.convened":
      return `${w("convened", lang)} ${e.consultation}`;
    case "consultation.closed":
      return `${w("closed", lang)} ${e.consultation}`;
    case "consultation.deadline":
      return `${w(e.met ? "deadlineMet" : "deadlineMissed", lang)}: ${e.move} ${e.channel}`;
    case "message.sent":
      return `${w("message", lang)} ${e.message} ${e.from} → ${e.releasableTo.join(", ")} [REL TO ${e.releasableTo.join(", ")}]: ${e.text}`;
    case "message.read":
      return `${e.participant} ${w("read", lang)} ${e.message}`;
    case "proposal.made":
      return `${w("proposal", lang)} ${e.proposal} (${e.cell}): ${def.options.find((o) => o.id === e.option)?.name[lang] ?? e.option} @ ${e.decisionPoint}`;
    case "proposal.answered":
      return `${e.cell} ${w(e.concur ? "concur" : "nonconcur", lang)} ${e.proposal}${e.reason ? ` — ${e.reason}` : ""}`;
    case "decision.made":
      return `${w("decision", lang)} ${e.proposal} (${e.cell}): ${def.options.find((o) => o.id === e.option)?.name[lang] ?? e.option} (${w("rung", lang)} ${e.rung})`;
    case "option.executed":
      return `${w("executed", lang)}: ${def.options.find((o) => o.id === e.option)?.name[lang] ?? e.option} (${e.proposal})`;
    case "statement.drafted":
      return `${w("drafted", lang)} ${e.statement} ${w("version", lang)} ${e.version} (${e.parties.join(", ")}): ${e.text[lang]}`;
    case "statement.cleared":
      return `${w("cleared", lang)} ${e.cell}: ${e.statement} ${w("version", lang)} ${e.version}`;
    case "statement.released":
      return `${w("released", lang)} ${e.statement} (${e.parties.join(", ")}): ${e.text[lang]}`;
    case "adjudication.made":
      return `${w("adjudication", lang)} ${e.proposal}: ${e.ruling}${e.inject ? ` → ${e.inject}` : ""}`;
    case "timeline.shifted":
      return `${w("shifted", lang)} ${e.deltaS > 0 ? "+" : ""}${e.deltaS} s: ${e.injects.join(", ")}`;
    case "objective.rated":
      return `${w("rated", lang)} ${e.objective}: ${e.rating}${e.note ? ` — ${e.note}` : ""}`;
    case "improvement.added":
      return `${w("improvement", lang)} ${e.item.id} (${e.item.objective}): ${e.item.issue}`;
    case "exercise.ended":
      return w("ended", lang);
  }
}

/** Story time of an inject on the three local clocks, e.g. "KST 2024-10-31 07:11 · JST … · EDT 2024-10-30 18:11". */
export function storyClocks(iso: string): string {
  const ms = Date.parse(iso);
  if (!iso || Number.isNaN(ms)) return "";
  return localClocks(ms)
    .map((c) => `${c.abbreviation} ${c.local.slice(0, 16)}`)
    .join(" · ");
}

export function timelineRows(
  events: readonly TtxEvent[],
  def: TtxDefinition,
  lang: ReportLang,
): TimelineRow[] {
  return events.map((e) => ({
    seq: e.seq,
    t: e.t,
    clock: formatExerciseTime(e.t),
    type: e.type,
    actor: e.actor ?? "",
    audience: audienceText(e.audience),
    summary: summary(e, def, lang),
    story: e.type === "inject.delivered" ? storyClocks(e.inject.scenarioTime) : "",
  }));
}

/**
 * The after-action report and improvement plan (HSEEP AAR/IP) as one self-contained HTML file:
 * inline CSS only, no scripts, fonts, images or links to anything outside, so it opens offline and
 * prints cleanly (each language starts on a new page; the handling marking heads and foots every
 * section). English first, then Arabic with `dir="rtl"`.
 */
import type { TtxEvent } from "./events.ts";
import { formatExerciseTime } from "./exercise-time.ts";
import type { Measures } from "./measures.ts";
import type { Rating } from "./model.ts";
import type { TtxState } from "./state.ts";
import { type ReportLang, timelineRows } from "./timeline.ts";

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const L = {
  en: {
    aar: "After-Action Report / Improvement Plan",
    overview: "Exercise overview",
    dates: "Dates",
    scope: "Scope",
    organisations: "Participating organisations",
    capabilities: "Core capabilities",
    objectives: "Objectives and evaluator ratings",
    objective: "Objective",
    capability: "Capability",
    rating: "Rating",
    notes: "Evaluator notes",
    measures: "Measures",
    measure: "Measure",
    value: "Value",
    perMove: "Measures by move",
    move: "Move",
    decisionPoints: "Decision points",
    timeline: "Timeline",
    time: "Time",
    event: "Event",
    to: "Audience",
    story: "Story time",
    plan: "Improvement plan",
    issue: "Issue / area for improvement",
    action: "Corrective action",
    owner: "Owner",
    due: "Due date",
    none: "—",
    notRated: "not rated",
    ratingsText: {
      P: "P — performed without challenges",
      S: "S — performed with some challenges",
      M: "M — performed with major challenges",
      U: "U — unable to be performed",
    },
    m: {
      injectsDelivered: "Injects delivered",
      consultations: "Consultations opened",
      consultationsConvened: "Consultations convened",
      detection: "Detection to ally notification (s)",
      firstConsultation: "Time to first consultation (s, mean over moves)",
      decision: "Time to decision (s, mean over decision points)",
      statement: "Time to a cleared joint statement (s, mean over moves)",
      proposals: "Proposals",
      decisions: "Decisions",
      nonConcurrences: "Non-concurrences",
      consensus: "Consensus (decided / proposed)",
      statementsReleased: "Joint statements released",
      rung: "Escalation rung reached",
      messages: "Messages",
      readShare: "Read receipts (share of eligible readers)",
      trigger: "Trigger inject at",
      deadlines: "Consultation deadlines",
      met: "met",
      missed: "missed",
      opened: "Opened at",
      decided: "Options decided",
    },
  },
  ar: {
    aar: "تقرير ما بعد التمرين / خطة التحسين",
    overview: "نظرة عامة على التمرين",
    dates: "التواريخ",
    scope: "النطاق",
    organisations: "الجهات المشاركة",
    capabilities: "القدرات الأساسية",
    objectives: "الأهداف وتقييمات المقيّمين",
    objective: "الهدف",
    capability: "القدرة",
    rating: "التقييم",
    notes: "ملاحظات المقيّم",
    measures: "المقاييس",
    measure: "المقياس",
    value: "القيمة",
    perMove: "المقاييس حسب الحركة",
    move: "الحركة",
    decisionPoints: "نقاط القرار",
    timeline: "التسلسل الزمني",
    time: "الوقت",
    event: "الحدث",
    to: "الجمهور",
    story: "وقت السيناريو",
    plan: "خطة التحسين",
    issue: "المشكلة / مجال التحسين",
    action: "الإجراء التصحيحي",
    owner: "الجهة المسؤولة",
    due: "تاريخ الاستحقاق",
    none: "—",
    notRated: "لم يُقيَّم",
    ratingsText: {
      P: "P — نُفِّذ دون صعوبات",
      S: "S — نُفِّذ مع بعض الصعوبات",
      M: "M — نُفِّذ مع صعوبات كبيرة",
      U: "U — تعذّر تنفيذه",
    },
    m: {
      injectsDelivered: "الحقن المسلَّمة",
      consultations: "المشاورات المفتوحة",
      consultationsConvened: "المشاورات المنعقدة",
      detection: "من الرصد إلى إبلاغ الحلفاء (ثانية)",
      firstConsultation: "الزمن حتى أول مشاورة (ثانية، متوسط الحركات)",
      decision: "الزمن حتى القرار (ثانية، متوسط نقاط القرار)",
      statement: "الزمن حتى بيان مشترك مُجاز (ثانية، متوسط الحركات)",
      proposals: "الاقتراحات",
      decisions: "القرارات",
      nonConcurrences: "حالات عدم الموافقة",
      consensus: "التوافق (المقرَّر / المقترَح)",
      statementsReleased: "البيانات المشتركة الصادرة",
      rung: "أعلى درجة تصعيد",
      messages: "الرسائل",
      readShare: "إشعارات القراءة (نسبة القراء المؤهلين)",
      trigger: "حقنة البدء عند",
      deadlines: "مهل المشاورات",
      met: "احتُرمت",
      missed: "تُجووزت",
      opened: "فُتحت عند",
      decided: "الخيارات المقررة",
    },
  },
} as const;

function num(v: number | null, digits = 0): string {
  if (v === null) return "—";
  return Number.isInteger(v) ? String(v) : v.toFixed(digits === 0 ? 1 : digits);
}

function table(headers: readonly string[], rows: readonly (readonly string[])[], cls = ""): string {
  const th = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join("");
  const body = rows
    .map((r) => `<tr>${r.map((c) => `<td><bdi>${escapeHtml(c)}</bdi></td>`).join("")}</tr>`)
    .join("\n");
  return `<table${cls ? ` class="${cls}"` : ""}><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function section(s: TtxState, events: readonly TtxEvent[], m: Measures, lang: ReportLang): string {
  const t = L[lang];
  const ex = s.def.exercise;
  const ratingText = (r: Rating | undefined) => (r ? t.ratingsText[r] : t.notRated);
  const notes = (id: string) =>
    s.ratings
      .filter((r) => r.objective === id && r.note)
      .map((r) => `${r.evaluator}: ${r.note}`)
      .join(" | ");
  const measureRows: [string, string][] = [
    [t.m.injectsDelivered, String(m.injectsDelivered)],
    [t.m.consultations, String(m.consultations)],
    [t.m.consultationsConvened, String(m.consultationsConvened)],
    [t.m.detection, num(m.detectionToAllyNotificationS)],
    [t.m.firstConsultation, num(m.timeToFirstConsultationS)],
    [t.m.decision, num(m.timeToDecisionS)],
    [t.m.statement, num(m.timeToClearedStatementS)],
    [t.m.proposals, String(m.proposals)],
    [t.m.decisions, String(m.decisions)],
    [t.m.nonConcurrences, String(m.nonConcurrences)],
    [t.m.consensus, m.consensus === null ? "—" : `${(m.consensus * 100).toFixed(0)}%`],
    [t.m.statementsReleased, String(m.statementsReleased)],
    [t.m.rung, String(m.escalationRungReached)],
    [t.m.messages, String(m.messages)],
    [t.m.readShare, m.readShare === null ? "—" : `${(m.readShare * 100).toFixed(0)}%`],
  ];
  const moveRows = m.moves.map((x) => {
    const mv = s.def.moves.find((y) => y.id === x.move)!;
    return [
      `${x.move} — ${mv.title[lang]}`,
      x.triggerAt === null ? "—" : formatExerciseTime(x.triggerAt),
      num(x.timeToFirstConsultationS),
      num(x.timeToClearedStatementS),
      x.deadlines
        .map((d) => `${d.channel}: ${d.met === null ? "—" : d.met ? t.m.met : t.m.missed}`)
        .join("; "),
    ];
  });
  const dpRows = m.decisionPoints.map((d) => [
    `${d.decisionPoint} — ${s.def.decisionPoints.find((x) => x.id === d.decisionPoint)!.prompt[lang]}`,
    d.openedAt === null ? "—" : formatExerciseTime(d.openedAt),
    d.decidedOptions.map((o) => s.def.options.find((x) => x.id === o)?.name[lang] ?? o).join("; ") || "—",
    num(d.timeToDecisionS),
  ]);
  const tl = timelineRows(events, s.def, lang)
    .filter((r) => r.type !== "participant.joined")
    .map((r) => [r.clock, r.story, r.audience, r.summary]);
  const planRows = s.improvements.map((i) => [
    `${i.objective}: ${i.issue}`,
    i.correctiveAction,
    i.capability,
    i.owner,
    i.dueDate,
  ]);
  return `<section lang="${lang}" dir="${lang === "ar" ? "rtl" : "ltr"}">
<p class="marking">${escapeHtml(ex.handling)}</p>
<h1>${escapeHtml(ex.name)}</h1>
<h2 class="sub">${escapeHtml(t.aar)}</h2>
<h2>${escapeHtml(t.overview)}</h2>
<dl>
<dt>${escapeHtml(t.dates)}</dt><dd>${escapeHtml(ex.startDate === ex.endDate ? ex.startDate : `${ex.startDate} – ${ex.endDate}`)}</dd>
<dt>${escapeHtml(t.scope)}</dt><dd>${escapeHtml(ex.scope[lang])}</dd>
<dt>${escapeHtml(t.organisations)}</dt><dd>${escapeHtml(ex.organisations.join("; "))}</dd>
<dt>${escapeHtml(t.capabilities)}</dt><dd>${escapeHtml(ex.coreCapabilities.join("; "))}</dd>
</dl>
<h2>${escapeHtml(t.objectives)}</h2>
${table(
  [t.objective, t.capability, t.rating, t.notes],
  ex.objectives.map((o) => [
    `${o.id}: ${o.text[lang]}`,
    o.capability,
    ratingText(m.ratings[o.id]),
    notes(o.id),
  ]),
)}
<h2>${escapeHtml(t.measures)}</h2>
${table([t.measure, t.value], measureRows)}
<h2>${escapeHtml(t.perMove)}</h2>
${table([t.move, t.m.trigger, t.m.firstConsultation, t.m.statement, t.m.deadlines], moveRows)}
<h2>${escapeHtml(t.decisionPoints)}</h2>
${table([t.decisionPoints, t.m.opened, t.m.decided, t.m.decision], dpRows)}
<h2>${escapeHtml(t.plan)}</h2>
${table([t.issue, t.action, t.capability, t.owner, t.due], planRows.length ? planRows : [[t.none, t.none, t.none, t.none, t.none]])}
<h2>${escapeHtml(t.timeline)}</h2>
${table([t.time, t.story, t.to, t.event], tl, "timeline")}
<p class="marking">${escapeHtml(ex.handling)}</p>
</section>`;
}

const CSS = `
body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; margin: 2em; color: #111; }
section + section { page-break-before: always; break-before: page; margin-top: 3em; }
.marking { text-align: center; font-weight: bold; letter-spacing: 0.05em; border: 1px solid #444; padding: 0.2em; }
h1 { font-size: 1.6em; margin-bottom: 0; } h2.sub { margin-top: 0.2em; font-weight: normal; }
h2 { font-size: 1.2em; border-bottom: 1px solid #888; margin-top: 1.5em; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
th, td { border: 1px solid #999; padding: 0.25em 0.4em; vertical-align: top; text-align: start; }
th { background: #eee; }
table.timeline td:first-child { white-space: nowrap; font-family: monospace; }
dt { font-weight: bold; } dd { margin: 0 0 0.5em 0; margin-inline-start: 1.5em; }
@media print { body { margin: 1cm; } thead { display: table-header-group; } tr { page-break-inside: avoid; } }
`;

/** The whole report: English section, then Arabic (right to left). */
export function renderAarHtml(s: TtxState, events: readonly TtxEvent[], m: Measures): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(s.def.exercise.name)} — AAR/IP</title>
<style>${CSS}</style>
</head>
<body>
${section(s, events, m, "en")}
${section(s, events, m, "ar")}
</body>
</html>
`;
}

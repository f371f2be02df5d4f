/**
 * The default catalogue of deterrence and response options, drawn from what the seeds report allies
 * doing after provocations: joint statements and condemnation (seeds 002, 003), exposing DPRK–Russia
 * cooperation (003), independent sanctions designations (000, 003), missile-defence and warning
 * posture (002), expanded combined exercises (002, 004), strategic bomber and carrier presence
 * (000, 002: "coordinated, timely deployment of US strategic assets").
 *
 * Defensive and signalling options only: each is a name, a rung on an escalation ladder (1 = words,
 * higher = more visible military signalling), a lead time and who must agree. Nothing here plans
 * targeting or the use of force. A scenario may replace the catalogue with its own.
 */
import type { ResponseOption } from "./model.ts";

const H = 3600;
const D = 86_400;

export const DEFAULT_OPTIONS: readonly ResponseOption[] = [
  {
    id: "joint-statement",
    category: "diplomatic",
    name: { en: "Joint statement condemning the provocation", ar: "بيان مشترك يدين الاستفزاز" },
    rung: 1,
    leadTimeS: 0,
    leads: ["KOR", "USA", "JPN"],
    concurrences: [],
    preconditions: [],
  },
  {
    id: "unsc-meeting",
    category: "diplomatic",
    name: {
      en: "Request an emergency UN Security Council meeting",
      ar: "طلب اجتماع طارئ لمجلس الأمن الدولي",
    },
    rung: 2,
    leadTimeS: 6 * H,
    leads: ["USA", "JPN", "KOR"],
    concurrences: [],
    preconditions: [],
  },
  {
    id: "public-exposure",
    category: "informational",
    name: {
      en: "Publicly expose DPRK–Russia military cooperation",
      ar: "الكشف العلني عن التعاون العسكري بين كوريا الشمالية وروسيا",
    },
    rung: 2,
    leadTimeS: 2 * H,
    leads: ["USA", "KOR"],
    concurrences: [],
    preconditions: [],
  },
  {
    id: "sanctions-designation",
    category: "economic",
    name: { en: "Coordinated independent sanctions designations", ar: "تصنيفات عقوبات مستقلة منسقة" },
    rung: 3,
    leadTimeS: 1 * D,
    leads: ["USA", "KOR", "JPN"],
    concurrences: [],
    preconditions: [],
  },
  {
    id: "missile-defence-posture",
    category: "military",
    name: {
      en: "Raise missile-defence and missile-warning posture",
      ar: "رفع جاهزية الدفاع الصاروخي والإنذار الصاروخي",
    },
    rung: 3,
    leadTimeS: 30 * 60,
    leads: ["KOR", "USA", "JPN"],
    concurrences: [],
    preconditions: [],
  },
  {
    id: "trilateral-warning-exercise",
    category: "military",
    name: {
      en: "Trilateral missile-warning and tracking exercise",
      ar: "تمرين ثلاثي للإنذار الصاروخي والتتبع",
    },
    rung: 4,
    leadTimeS: 3 * D,
    leads: ["USA"],
    concurrences: ["KOR", "JPN"],
    preconditions: [{ kind: "consulted", channel: "trilateral-call" }],
  },
  {
    id: "expanded-combined-exercise",
    category: "military",
    name: { en: "Expand the scale of the next combined exercise", ar: "توسيع نطاق التمرين المشترك القادم" },
    rung: 4,
    leadTimeS: 7 * D,
    leads: ["KOR", "USA"],
    concurrences: ["KOR", "USA"],
    preconditions: [],
  },
  {
    id: "strategic-bomber-flyover",
    category: "military",
    name: {
      en: "Combined air drill with a US strategic bomber",
      ar: "مناورة جوية مشتركة بقاذفة استراتيجية أمريكية",
    },
    rung: 5,
    leadTimeS: 2 * D,
    leads: ["USA"],
    concurrences: ["KOR"],
    preconditions: [{ kind: "consulted", channel: "rok-us-hotline" }],
  },
  {
    id: "carrier-visit",
    category: "military",
    name: { en: "US aircraft carrier port visit to Busan", ar: "زيارة حاملة طائرات أمريكية لميناء بوسان" },
    rung: 5,
    leadTimeS: 5 * D,
    leads: ["USA"],
    concurrences: ["KOR"],
    preconditions: [{ kind: "consulted", channel: "ncg" }],
  },
];

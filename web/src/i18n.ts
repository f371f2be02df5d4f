/**
 * The app's words in English, Arabic (right-to-left), Korean and Japanese. Every key exists in every
 * language (checked by the type: each dictionary is a Record over the English keys).
 */
const en = {
  title: "AllyLink — common operational picture",
  signIn: "Sign in",
  signOut: "Sign out",
  token: "Access token",
  tokenHelp: "Paste the token you were given for this exercise, or open the sign-in link.",
  badToken: "The token was refused",
  connecting: "Connecting…",
  disconnected: "Disconnected — reconnecting",
  view: "View",
  truth: "Truth (control)",
  language: "Language",
  alerts: "Warnings",
  noAlerts: "No active warnings",
  timeToImpact: "Time to impact",
  impacted: "Impact time passed",
  probability: "Probability",
  area: "Area",
  issued: "issued",
  updated: "updated",
  cancelled: "cancelled",
  tracks: "Tracks",
  ownTracks: "Own tracks",
  systemTracks: "Fused system tracks",
  noTracks: "No tracks",
  id: "Id",
  altitude: "Alt km",
  speed: "Speed m/s",
  climb: "Climb m/s",
  sources: "Sources",
  phase: "Phase",
  phaseBoost: "boost",
  phaseMidcourse: "midcourse",
  phaseReentry: "reentry",
  phaseUnknown: "unknown",
  sigma: "σ km",
  log: "Messages and rejections",
  rejectionsOnly: "Rejections only",
  noLog: "Nothing yet",
  clock: "Clock",
  live: "Live",
  pause: "Pause",
  resume: "Resume",
  speedX: "Speed",
  seek: "Seek",
  catchingUp: "catching up",
  paused: "paused",
  reports: "After-action reports",
  noReports: "No reports yet",
  open: "Open",
  map2d: "2-D map",
  globe3d: "3-D globe",
  noWebgl: "WebGL is not available: showing the 2-D map",
  sensors: "Sensors",
  launchPoint: "Launch point",
  impactArea: "Impact area",
  role_control: "control",
  role_operator: "operator",
  role_observer: "observer",
  exercise: "EXERCISE",
  launchDetected: "Launch detected",
  scenario: "Scenario",
} as const;

export type Key = keyof typeof en;
type Dict = Record<Key, string>;

const ar: Dict = {
  title: "ألاي لينك — الصورة العملياتية المشتركة",
  signIn: "تسجيل الدخول",
  signOut: "تسجيل الخروج",
  token: "رمز الدخول",
  tokenHelp: "الصق الرمز الذي أُعطي لك لهذا التمرين، أو افتح رابط الدخول.",
  badToken: "رُفض الرمز",
  connecting: "جارٍ الاتصال…",
  disconnected: "انقطع الاتصال — جارٍ إعادة الاتصال",
  view: "العرض",
  truth: "الحقيقة (التحكم)",
  language: "اللغة",
  alerts: "الإنذارات",
  noAlerts: "لا إنذارات نشطة",
  timeToImpact: "الوقت حتى السقوط",
  impacted: "انقضى وقت السقوط",
  probability: "الاحتمال",
  area: "المنطقة",
  issued: "صادر",
  updated: "محدَّث",
  cancelled: "ملغى",
  tracks: "المسارات",
  ownTracks: "المسارات الذاتية",
  systemTracks: "مسارات النظام المدمجة",
  noTracks: "لا مسارات",
  id: "المعرّف",
  altitude: "الارتفاع كم",
  speed: "السرعة م/ث",
  climb: "الصعود م/ث",
  sources: "المصادر",
  phase: "المرحلة",
  phaseBoost: "الدفع",
  phaseMidcourse: "منتصف المسار",
  phaseReentry: "العودة إلى الغلاف الجوي",
  phaseUnknown: "غير معروفة",
  sigma: "σ كم",
  log: "الرسائل والرفض",
  rejectionsOnly: "المرفوض فقط",
  noLog: "لا شيء بعد",
  clock: "الساعة",
  live: "مباشر",
  pause: "إيقاف مؤقت",
  resume: "استئناف",
  speedX: "السرعة",
  seek: "انتقال",
  catchingUp: "جارٍ اللحاق",
  paused: "متوقف",
  reports: "تقارير ما بعد التمرين",
  noReports: "لا تقارير بعد",
  open: "فتح",
  map2d: "خريطة ثنائية الأبعاد",
  globe3d: "كرة ثلاثية الأبعاد",
  noWebgl: "WebGL غير متاح: تُعرض الخريطة ثنائية الأبعاد",
  sensors: "المستشعرات",
  launchPoint: "نقطة الإطلاق",
  impactArea: "منطقة السقوط",
  role_control: "التحكم",
  role_operator: "مشغّل",
  role_observer: "مراقب",
  exercise: "تمرين",
  launchDetected: "رُصد إطلاق",
  scenario: "السيناريو",
};

const ko: Dict = {
  title: "AllyLink — 공통작전상황도",
  signIn: "로그인",
  signOut: "로그아웃",
  token: "접속 토큰",
  tokenHelp: "이 훈련용으로 받은 토큰을 붙여 넣거나 로그인 링크를 여십시오.",
  badToken: "토큰이 거부되었습니다",
  connecting: "연결 중…",
  disconnected: "연결 끊김 — 재연결 중",
  view: "보기",
  truth: "실제 상황 (통제)",
  language: "언어",
  alerts: "경보",
  noAlerts: "활성 경보 없음",
  timeToImpact: "탄착까지 시간",
  impacted: "탄착 시각 경과",
  probability: "확률",
  area: "지역",
  issued: "발령",
  updated: "갱신",
  cancelled: "해제",
  tracks: "항적",
  ownTracks: "자국 항적",
  systemTracks: "융합 시스템 항적",
  noTracks: "항적 없음",
  id: "식별",
  altitude: "고도 km",
  speed: "속도 m/s",
  climb: "상승 m/s",
  sources: "출처",
  phase: "단계",
  phaseBoost: "추진",
  phaseMidcourse: "중간 비행",
  phaseReentry: "재진입",
  phaseUnknown: "미상",
  sigma: "σ km",
  log: "메시지 및 거부",
  rejectionsOnly: "거부만",
  noLog: "아직 없음",
  clock: "시계",
  live: "실시간",
  pause: "일시정지",
  resume: "재개",
  speedX: "배속",
  seek: "이동",
  catchingUp: "따라잡는 중",
  paused: "일시정지됨",
  reports: "사후검토 보고서",
  noReports: "보고서 없음",
  open: "열기",
  map2d: "2D 지도",
  globe3d: "3D 지구본",
  noWebgl: "WebGL을 사용할 수 없어 2D 지도를 표시합니다",
  sensors: "센서",
  launchPoint: "발사 지점",
  impactArea: "탄착 지역",
  role_control: "통제",
  role_operator: "운용자",
  role_observer: "참관자",
  exercise: "훈련",
  launchDetected: "발사 탐지",
  scenario: "시나리오",
};

const ja: Dict = {
  title: "AllyLink — 共通作戦状況図",
  signIn: "サインイン",
  signOut: "サインアウト",
  token: "アクセストークン",
  tokenHelp: "この演習用に配布されたトークンを貼り付けるか、サインインリンクを開いてください。",
  badToken: "トークンが拒否されました",
  connecting: "接続中…",
  disconnected: "切断 — 再接続中",
  view: "表示",
  truth: "真値(統制)",
  language: "言語",
  alerts: "警報",
  noAlerts: "有効な警報なし",
  timeToImpact: "落下まで",
  impacted: "落下時刻経過",
  probability: "確率",
  area: "区域",
  issued: "発令",
  updated: "更新",
  cancelled: "解除",
  tracks: "航跡",
  ownTracks: "自国航跡",
  systemTracks: "融合システム航跡",
  noTracks: "航跡なし",
  id: "識別",
  altitude: "高度 km",
  speed: "速度 m/s",
  climb: "上昇 m/s",
  sources: "情報源",
  phase: "段階",
  phaseBoost: "ブースト",
  phaseMidcourse: "ミッドコース",
  phaseReentry: "再突入",
  phaseUnknown: "不明",
  sigma: "σ km",
  log: "メッセージと拒否",
  rejectionsOnly: "拒否のみ",
  noLog: "まだありません",
  clock: "時計",
  live: "ライブ",
  pause: "一時停止",
  resume: "再開",
  speedX: "速度",
  seek: "移動",
  catchingUp: "追従中",
  paused: "一時停止中",
  reports: "事後検討報告書",
  noReports: "報告書なし",
  open: "開く",
  map2d: "2D 地図",
  globe3d: "3D 地球儀",
  noWebgl: "WebGL が使えないため 2D 地図を表示します",
  sensors: "センサー",
  launchPoint: "発射地点",
  impactArea: "落下区域",
  role_control: "統制",
  role_operator: "運用者",
  role_observer: "オブザーバー",
  exercise: "演習",
  launchDetected: "発射探知",
  scenario: "シナリオ",
};

export const LANGS = { en, ar, ko, ja } as const satisfies Record<string, Dict>;
export type Lang = keyof typeof LANGS;
export const LANG_NAMES: Record<Lang, string> = { en: "English", ar: "العربية", ko: "한국어", ja: "日本語" };

export function isRtl(lang: Lang): boolean {
  return lang === "ar";
}

const PHASE_KEYS: Readonly<Record<string, Key>> = {
  boost: "phaseBoost",
  midcourse: "phaseMidcourse",
  reentry: "phaseReentry",
  unknown: "phaseUnknown",
};

/** A flight phase as the picture sends it, in the language (an unexpected value is shown as sent). */
export function phaseName(lang: Lang, phase: string): string {
  const key = PHASE_KEYS[phase];
  return key ? LANGS[lang][key] : phase;
}

export function translator(lang: Lang): (k: Key) => string {
  const d: Dict = LANGS[lang];
  return (k) => d[k];
}

/** Numbers in the language's own digits where that is the custom (Arabic-Indic for Arabic). */
const numberFormats = new Map<string, Intl.NumberFormat>();

export function formatNumber(lang: Lang, n: number, digits = 0): string {
  // Making a NumberFormat costs far more than using one: one per language and digit count.
  const key = `${lang}|${digits}`;
  let f = numberFormats.get(key);
  if (!f) numberFormats.set(key, (f = new Intl.NumberFormat(lang === "ar" ? "ar-EG" : lang, { maximumFractionDigits: digits, minimumFractionDigits: digits })));
  return f.format(n);
}

/** T−mm:ss (or h:mm:ss) for a duration in seconds. */
export function formatCountdown(lang: Lang, s: number): string {
  const neg = s < 0;
  const a = Math.floor(Math.abs(s));
  const h = Math.floor(a / 3600);
  const m = Math.floor((a % 3600) / 60);
  const sec = a % 60;
  const pad = (x: number) => formatNumber(lang, x).padStart(2, formatNumber(lang, 0));
  const body = h > 0 ? `${formatNumber(lang, h)}:${pad(m)}:${pad(sec)}` : `${pad(m)}:${pad(sec)}`;
  return `${neg ? "T+" : "T−"}${body}`;
}

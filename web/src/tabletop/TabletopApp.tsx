/**
 * The tabletop exercise in the browser, for a national cell or for exercise control: inject inbox
 * (missile warnings with their time to impact), consultation channels (open, join, presence, messages
 * with their releasability label, read receipts), decision points with the options catalogue, joint
 * statements drafted and cleared by each party, and — for control — the MSEL, the clock, timeline
 * shifts, adjudication, objective ratings, forks and the after-action report. Local clocks show Seoul,
 * Tokyo and Washington story time.
 *
 * Everything shown comes from what the server sent this seat; the screens never guess at more.
 */
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useLiveSource, useTicker } from "../live-hooks.ts";
import { formatNumber, isRtl, type Lang } from "../i18n.ts";
import { pick, type TtxKey, ttxTranslator } from "./i18n.ts";
import type { Channel, DecisionPointView, NationalCell, Precondition, Rating, ResponseOption } from "./protocol.ts";
import { type ConsultationView, type MessageView, type ProposalView, type StatementView, TtxConnection } from "./store.ts";
import "./tabletop.css";

type T = (k: TtxKey) => string;
const NATIONS: readonly NationalCell[] = ["KOR", "USA", "JPN"];
const RATINGS: readonly Rating[] = ["P", "S", "M", "U"];
const DEFAULT_RUN = "ttx-deterrence";

/** True when the address asks for the tabletop (`?app=ttx`). */
export function tabletopRoute(): boolean {
  return new URLSearchParams(location.search).get("app") === "ttx";
}

/** The address of the tabletop (or, with `on = false`, of the picture), keeping the other parameters. */
function appHref(on: boolean): string {
  const q = new URLSearchParams(location.search);
  if (on) q.set("app", "ttx");
  else q.delete("app");
  const s = q.toString();
  return s ? `?${s}` : location.pathname;
}

/** A tab link from the picture to the tabletop. */
export function TabletopLink(props: { lang: Lang }) {
  return (
    <a className="ttx-tab" data-testid="tab-ttx" href={appHref(true)}>
      {ttxTranslator(props.lang)("tabletop")}
    </a>
  );
}

/** 1:02:03 or 02:03 for a duration in seconds (digits in the reader's script). */
function hms(lang: Lang, s: number): string {
  const a = Math.floor(Math.abs(s));
  const h = Math.floor(a / 3600);
  const m = Math.floor((a % 3600) / 60);
  const sec = a % 60;
  const p2 = (x: number) => formatNumber(lang, x).padStart(2, formatNumber(lang, 0));
  return `${s < 0 ? "−" : ""}${h > 0 ? `${formatNumber(lang, h)}:` : ""}${p2(m)}:${p2(sec)}`;
}

/** "T+01:02:03" kept left to right inside any paragraph (a bidi isolate), for Arabic text around it. */
function et(lang: Lang, s: number): string {
  return `\u2066T+${hms(lang, s)}\u2069`;
}

function duration(lang: Lang, t: T, s: number): string {
  if (s >= 3600 * 24) return `${formatNumber(lang, s / 3600, 0)} ${t("hours")}`;
  if (s >= 3600) return `${formatNumber(lang, s / 3600, 1)} ${t("hours")}`;
  if (s >= 60) return `${formatNumber(lang, s / 60, 0)} ${t("minutes")}`;
  return `${formatNumber(lang, s)} ${t("seconds")}`;
}

const ZONES = [
  { key: "kst" as const, zone: "Asia/Seoul", abbr: "KST" },
  { key: "jst" as const, zone: "Asia/Tokyo", abbr: "JST" },
  { key: "washington" as const, zone: "America/New_York", abbr: null },
];

/** "31 Oct, 07:13:20 KST": Seoul and Tokyo keep one offset; Washington's EDT or EST comes from the zone database. */
function localClock(ms: number, zone: string, abbr: string | null): string {
  const d = new Date(ms);
  const text = new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    hourCycle: "h23",
    month: "short",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).format(d);
  const name =
    abbr ??
    new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "short" }).formatToParts(d).find((p) => p.type === "timeZoneName")?.value ??
    "";
  return `${text} ${name}`;
}

function deg(rad: number): number {
  return (rad * 180) / Math.PI;
}

export function TabletopApp(props: { token: string; lang: Lang; langSelect: ReactNode; onSignOut: () => void }) {
  const { lang } = props;
  const t = useMemo(() => ttxTranslator(lang), [lang]);
  const q = new URLSearchParams(location.search);
  const [run, setRun] = useState(q.get("run") ?? DEFAULT_RUN);
  const [seatId, setSeatId] = useState<string | null>(q.get("participant"));
  const conn = useLiveSource(() => new TtxConnection(props.token, run, seatId), [props.token, run, seatId]);
  useTicker(500);
  useEffect(() => {
    document.title = t("title");
  }, [t]);
  const [error, setError] = useState<string | null>(null);
  const act = useCallback(
    async (cmd: Record<string, unknown>): Promise<string | undefined> => {
      setError(null);
      try {
        return await conn.command(cmd);
      } catch (e) {
        setError(String(e));
        return undefined;
      }
    },
    [conn],
  );

  const setup = conn.setup;
  if (conn.status === "refused" || (!setup && conn.refusal)) {
    return (
      <div className="signin" data-testid="ttx-refused">
        <p className="error">
          {t("refused")}: {conn.refusal}
        </p>
        <a href={appHref(false)}>{t("picture")}</a>{" "}
        <button type="button" onClick={props.onSignOut}>
          {t("signOut")}
        </button>
      </div>
    );
  }
  const me = setup?.participant;
  const staff = me?.cell === "CONTROL" || me?.cell === "SIMCELL";
  const player = me?.role === "player";
  const myCell = me && !staff ? (me.cell as NationalCell) : null;
  const rtl = isRtl(lang);
  return (
    <div className="ttx" data-testid="ttx-app" data-cell={me?.cell ?? ""} dir={rtl ? "rtl" : "ltr"}>
      <header className="topbar ttx-top">
        <strong className="brand">AllyLink</strong>
        <span className="exercise-mark">{t("exercise")}</span>
        <a className="ttx-tab" href={appHref(false)} data-testid="tab-picture">
          {t("picture")}
        </a>
        <span className="ttx-tab active">{t("tabletop")}</span>
        {setup && (
          <span className="ttx-name" title={pick(setup.exercise.scope, lang)}>
            {setup.exercise.name}
          </span>
        )}
        {me && (
          <span data-testid="ttx-participant">
            {me.cell} · {t(`role_${me.role}` as TtxKey)} · <bdi>{me.name}</bdi>
          </span>
        )}
        {setup && setup.seats.length > 1 && (
          <label className="field">
            {t("seat")}{" "}
            <select data-testid="seat-select" value={me?.id} onChange={(e) => setSeatId(e.target.value)}>
              {setup.seats.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.id}
                </option>
              ))}
            </select>
          </label>
        )}
        {setup && setup.runs.length > 1 && (
          <label className="field">
            {t("run")}{" "}
            <select data-testid="run-select" value={run} onChange={(e) => setRun(e.target.value)}>
              {setup.runs.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </label>
        )}
        {props.langSelect}
        <button type="button" onClick={props.onSignOut}>
          {t("signOut")}
        </button>
        {conn.status !== "open" && (
          <span className="status">{conn.status === "connecting" ? t("connecting") : t("disconnected")}</span>
        )}
      </header>
      {setup && <div className="ttx-handling">{setup.exercise.handling}</div>}
      <ClockBar conn={conn} lang={lang} t={t} />
      {error && (
        <div className="ttx-error" data-testid="ttx-error" role="alert">
          {t("error")}: <bdi>{error}</bdi>
        </div>
      )}
      {setup && (
        <main className="ttx-main">
          <section className="ttx-col">
            {staff && <ControlPanel conn={conn} lang={lang} t={t} act={act} token={props.token} onRun={setRun} />}
            <Inbox conn={conn} lang={lang} t={t} />
            {!staff && (
              <section className="panel">
                <h2>{t("report")}</h2>
                <p className="muted">{t("reportControlOnly")}</p>
              </section>
            )}
          </section>
          <section className="ttx-col">
            <Consultations conn={conn} lang={lang} t={t} act={act} myCell={player ? myCell : null} />
          </section>
          <section className="ttx-col">
            <Decisions conn={conn} lang={lang} t={t} act={act} myCell={player ? myCell : null} />
            <Statements conn={conn} lang={lang} t={t} act={act} myCell={player ? myCell : null} />
          </section>
        </main>
      )}
    </div>
  );
}

function ClockBar(props: { conn: TtxConnection; lang: Lang; t: T }) {
  const { conn, lang, t } = props;
  const c = conn.clock;
  if (!c) return null;
  const story = conn.storyMs();
  const state = c.ended ? t("endex") : !c.started ? t("beforeStartex") : c.running ? t("running") : t("paused");
  return (
    <div className="ttx-clockbar" data-testid="ttx-clock">
      <span>
        {t("exerciseTime")}:{" "}
        <b dir="ltr" data-testid="ttx-time" data-seconds={Math.floor(conn.now())}>
          {et(lang, conn.now())}
        </b>{" "}
        · {state} · {t("rate")} ×{formatNumber(lang, c.rate)}
      </span>
      {c.move && (
        <span data-testid="ttx-move">
          {t("move")}: <bdi>{pick(c.move.title, lang)}</bdi>
        </span>
      )}
      {story !== null && (
        <span className="ttx-clocks" data-testid="local-clocks">
          {ZONES.map((z) => (
            <span key={z.key} className="ttx-localclock" data-zone={z.key}>
              {t(z.key)} <b dir="ltr">{localClock(story, z.zone, z.abbr)}</b>
            </span>
          ))}
        </span>
      )}
    </div>
  );
}

function Inbox(props: { conn: TtxConnection; lang: Lang; t: T }) {
  const { conn, lang, t } = props;
  const now = conn.now();
  const items = [...conn.injects].reverse();
  return (
    <section className="panel ttx-inbox" data-testid="inbox">
      <h2>
        {t("inbox")} ({formatNumber(lang, items.length)})
      </h2>
      {items.length === 0 && <p className="muted">{t("noInjects")}</p>}
      {items.map(({ inject: i, t: at }) => {
        const w = i.warning;
        const left = w ? w.tImpact - now : 0;
        return (
          <article key={i.id} className={`ttx-inject${w ? " warning" : ""}`} data-testid="inject" data-inject={i.id}>
            <div className="ttx-inject-head">
              <b dir="ltr">{i.id}</b> · <span dir="ltr">T+{hms(lang, at)}</span> · {t("from")} <bdi>{i.from}</bdi> ·{" "}
              {t("via")} <bdi>{i.channel}</bdi>
            </div>
            {w && (
              <div className="ttx-countdown" data-testid="time-to-impact" data-seconds={Math.round(left)}>
                {t("warning")} — {left > 0 ? t("timeToImpact") : t("impactPassed")}:{" "}
                <span dir="ltr">T−{hms(lang, Math.max(0, left))}</span>
              </div>
            )}
            <p>{pick(i.text, lang)}</p>
            {w && (
              <div className="muted">
                <bdi>{w.missileClass}</bdi> · {t("launchPoint")}{" "}
                <bdi dir="ltr">
                  {deg(w.launchPoint.lat).toFixed(2)}N {deg(w.launchPoint.lon).toFixed(2)}E
                </bdi>{" "}
                · {t("impactPoint")}{" "}
                <bdi dir="ltr">
                  {deg(w.impactPoint.lat).toFixed(2)}N {deg(w.impactPoint.lon).toFixed(2)}E
                </bdi>
              </div>
            )}
            {i.expectedAction && (
              <div className="muted">
                {t("expectedAction")}: <bdi>{i.expectedAction}</bdi>
              </div>
            )}
          </article>
        );
      })}
    </section>
  );
}

type Act = (cmd: Record<string, unknown>) => Promise<string | undefined>;

function currentConsultation(conn: TtxConnection, channel: string): ConsultationView | undefined {
  const all = [...conn.consultations.values()].filter((c) => c.channel === channel);
  return all.find((c) => c.closedAt === null) ?? all.at(-1);
}

function Consultations(props: { conn: TtxConnection; lang: Lang; t: T; act: Act; myCell: NationalCell | null }) {
  const { conn, lang, t, act, myCell } = props;
  const channels = conn.setup?.channels ?? [];
  const [selected, setSelected] = useState<string | null>(null);
  const sel = channels.find((c) => c.id === selected) ?? null;
  return (
    <section className="panel ttx-consult" data-testid="consultations">
      <h2>{t("consultations")}</h2>
      <ul className="ttx-channels">
        {channels.map((ch) => {
          const c = currentConsultation(conn, ch.id);
          const live = c && c.closedAt === null;
          const mePresent = live && conn.setup && c.present.has(conn.setup.participant.id);
          return (
            <li key={ch.id} className={selected === ch.id ? "selected" : ""} data-testid="channel" data-channel={ch.id}>
              <button type="button" className="linkish" onClick={() => setSelected(ch.id)}>
                <bdi>{pick(ch.name, lang)}</bdi>
              </button>{" "}
              <span className="muted" dir="ltr">
                {ch.members.join("·")}
              </span>{" "}
              {live ? (
                <span className={c.convenedAt !== null ? "ok" : "warn"}>{c.convenedAt !== null ? t("convened") : t("notConvened")}</span>
              ) : null}
              {myCell && !live && (
                <button
                  type="button"
                  data-testid="open-consultation"
                  onClick={async () => {
                    setSelected(ch.id);
                    await act({ type: "open-consultation", consultationId: conn.newId("c"), channel: ch.id });
                  }}
                >
                  {t("open")}
                </button>
              )}
              {myCell && live && !mePresent && (
                <button
                  type="button"
                  data-testid="join-consultation"
                  onClick={async () => {
                    setSelected(ch.id);
                    await act({ type: "join-consultation", consultationId: c.id });
                  }}
                >
                  {t("join")}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {sel && <ConsultationRoom key={sel.id} conn={conn} channel={sel} lang={lang} t={t} act={act} myCell={myCell} />}
      <DirectMessages conn={conn} lang={lang} t={t} act={act} myCell={myCell} />
    </section>
  );
}

/**
 * Messages shown to a player count as read: one receipt per message, asked for once (the screen
 * re-renders twice a second; the receipt event arrives a moment later).
 */
function useAutoRead(conn: TtxConnection, messages: readonly MessageView[], myCell: NationalCell | null) {
  const me = conn.setup?.participant.id;
  const asked = useRef(new Set<string>());
  useEffect(() => {
    if (!myCell || !me) return;
    for (const m of messages) {
      if (m.fromCell === myCell || m.readBy.has(me) || asked.current.has(m.id)) continue;
      asked.current.add(m.id);
      conn.command({ type: "read", messageId: m.id }).catch(() => asked.current.delete(m.id));
    }
  });
}

function MessageList(props: { conn: TtxConnection; messages: readonly MessageView[]; lang: Lang; t: T }) {
  const { conn, messages, lang, t } = props;
  const name = (id: string) => conn.setup?.roster.find((r) => r.id === id)?.name ?? id;
  if (messages.length === 0) return <p className="muted">{t("noMessages")}</p>;
  return (
    <ul className="ttx-messages">
      {messages.map((m) => (
        <li key={m.id} data-testid="message" data-message={m.id}>
          <div className="ttx-label" data-testid="label" dir="ltr">
            {m.marking}
          </div>
          <div>
            <b>
              <bdi>{name(m.from)}</bdi>
            </b>{" "}
            <span className="muted">
              ({m.fromCell}) <span dir="ltr">T+{hms(lang, m.t)}</span>
            </span>
          </div>
          <p dir="auto">{m.text}</p>
          <div className="muted" data-testid="read-receipts">
            {m.readBy.size > 0 ? (
              <>
                ✓ {t("readBy")}: <bdi>{[...m.readBy.keys()].join(", ")}</bdi>
              </>
            ) : (
              t("unread")
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}

function Composer(props: {
  members: readonly NationalCell[];
  t: T;
  lang: Lang;
  onSend: (text: string, rel: NationalCell[]) => Promise<unknown>;
  testid: string;
  /** Let the writer narrow who may read (a consultation message); a direct message's reader is its addressee. */
  chooseReleasability: boolean;
}) {
  const { members, t } = props;
  const [text, setText] = useState("");
  const [rel, setRel] = useState<NationalCell[]>([...members]);
  return (
    <form
      className="ttx-composer"
      data-testid={props.testid}
      onSubmit={async (e) => {
        e.preventDefault();
        if (!text.trim()) return;
        const ok = await props.onSend(text, rel);
        if (ok !== false) setText("");
      }}
    >
      <textarea
        data-testid="message-input"
        value={text}
        dir="auto"
        placeholder={t("messagePlaceholder")}
        onChange={(e) => setText(e.target.value)}
        rows={2}
      />
      <div>
        {props.chooseReleasability ? `${t("releasableTo")}: ` : ""}
        {props.chooseReleasability && members.map((c) => (
          <label key={c} className="field">
            <input
              type="checkbox"
              data-testid={`rel-${c}`}
              checked={rel.includes(c)}
              onChange={(e) => setRel(e.target.checked ? NATIONS.filter((x) => x === c || rel.includes(x)) : rel.filter((x) => x !== c))}
            />
            {c}
          </label>
        ))}{" "}
        <button type="submit" data-testid="send-message">
          {t("send")}
        </button>
      </div>
    </form>
  );
}

function ConsultationRoom(props: { conn: TtxConnection; channel: Channel; lang: Lang; t: T; act: Act; myCell: NationalCell | null }) {
  const { conn, channel, lang, t, act, myCell } = props;
  const c = currentConsultation(conn, channel.id);
  const messages = c ? [...conn.messages.values()].filter((m) => m.consultation === c.id) : [];
  useAutoRead(conn, messages, myCell);
  const me = conn.setup?.participant.id ?? "";
  const roster = conn.setup?.roster ?? [];
  return (
    <div className="ttx-room" data-testid="consultation-room" data-channel={channel.id} data-consultation={c?.id ?? ""}>
      <h3>
        <bdi>{pick(channel.name, lang)}</bdi>
      </h3>
      <div className="muted">
        {t("members")}: <span dir="ltr">{channel.members.join(", ")}</span> · {t("required")}:{" "}
        <span dir="ltr">{channel.required.join(", ")}</span>
      </div>
      {!c && <p className="muted">{t("noConsultation")}</p>}
      {c && (
        <>
          <div data-testid="presence" className="ttx-presence">
            {t("presence")}:{" "}
            {roster
              .filter((r) => (channel.members as readonly string[]).includes(r.cell) && r.role === "player")
              .map((r) => {
                const here = c.present.has(r.id);
                const on = conn.online.get(r.id) === true;
                return (
                  <span key={r.id} className={`ttx-person ${here ? "here" : ""} ${on ? "on" : "off"}`} data-participant={r.id} data-present={here}>
                    <span className="dot" /> <bdi>{r.id}</bdi> ({r.cell}
                    {here ? `, ${t("joined")}` : ""}, {on ? t("online") : t("offline")})
                  </span>
                );
              })}
          </div>
          <div className="muted">
            {c.closedAt !== null ? t("closed") : c.convenedAt !== null ? t("convened") : t("notConvened")}
            {myCell && c.closedAt === null && c.present.has(me) && (
              <>
                {" "}
                <button type="button" onClick={() => void act({ type: "close-consultation", consultationId: c.id })}>
                  {t("close")}
                </button>
              </>
            )}
          </div>
          <MessageList conn={conn} messages={messages} lang={lang} t={t} />
          {myCell && c.closedAt === null && c.present.has(me) && (
            <Composer
              testid="composer"
              chooseReleasability
              members={channel.members}
              t={t}
              lang={lang}
              onSend={(text, rel) =>
                act({
                  type: "send-message",
                  messageId: conn.newId("m"),
                  consultationId: c.id,
                  text,
                  lang,
                  ...(rel.length < channel.members.length ? { releasableTo: rel } : {}),
                })
              }
            />
          )}
        </>
      )}
    </div>
  );
}

function DirectMessages(props: { conn: TtxConnection; lang: Lang; t: T; act: Act; myCell: NationalCell | null }) {
  const { conn, lang, t, act, myCell } = props;
  const messages = [...conn.messages.values()].filter((m) => m.consultation === null);
  useAutoRead(conn, messages, myCell);
  const [to, setTo] = useState<NationalCell>(NATIONS.find((c) => c !== myCell) ?? "USA");
  return (
    <div className="ttx-room" data-testid="direct-messages">
      <h3>{t("directMessages")}</h3>
      <MessageList conn={conn} messages={messages} lang={lang} t={t} />
      {myCell && (
        <>
          <label className="field">
            {t("to")}{" "}
            <select value={to} onChange={(e) => setTo(e.target.value as NationalCell)}>
              {NATIONS.filter((c) => c !== myCell).map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </label>
          <Composer
            testid="direct-composer"
            chooseReleasability={false}
            members={[myCell, to]}
            t={t}
            lang={lang}
            onSend={(text) => act({ type: "send-message", messageId: conn.newId("m"), to: [to], text, lang })}
          />
        </>
      )}
    </div>
  );
}

function preconditionText(p: Precondition, t: T, lang: Lang, conn: TtxConnection): string {
  switch (p.kind) {
    case "consulted": {
      const ch = conn.channel(p.channel);
      return `${t("consulted")} ${ch ? pick(ch.name, lang) : p.channel}`;
    }
    case "decided": {
      const o = conn.setup?.options.find((x) => x.id === p.option);
      return `${t("decidedOption")} ${o ? pick(o.name, lang) : p.option}`;
    }
    case "inject-delivered":
      return `${t("injectDelivered")} ${p.inject}`;
  }
}

function Decisions(props: { conn: TtxConnection; lang: Lang; t: T; act: Act; myCell: NationalCell | null }) {
  const { conn, lang, t } = props;
  const dps = [...conn.decisionPoints.values()].filter((d) => conn.dpState.get(d.id)?.openedAt != null);
  return (
    <section className="panel ttx-decisions" data-testid="decision-points">
      <h2>{t("decisions")}</h2>
      {dps.length === 0 && <p className="muted">{t("noDecisionPoints")}</p>}
      {dps.map((d) => (
        <DecisionPoint key={d.id} {...props} dp={d} />
      ))}
    </section>
  );
}

function DecisionPoint(props: { conn: TtxConnection; lang: Lang; t: T; act: Act; myCell: NationalCell | null; dp: DecisionPointView }) {
  const { conn, lang, t, act, myCell, dp } = props;
  const st = conn.dpState.get(dp.id)!;
  const open = st.closedAt === null;
  const left = (st.openedAt ?? 0) + dp.deadlineS - conn.now();
  const options = dp.options.map((id) => conn.setup?.options.find((o) => o.id === id)).filter((o): o is ResponseOption => !!o);
  const me = conn.setup?.participant.id ?? "";
  const myConsultations = [...conn.consultations.values()].filter((c) => c.closedAt === null && c.present.has(me));
  const [inConsultation, setInConsultation] = useState("");
  const proposals = [...conn.proposals.values()].filter((p) => p.decisionPoint === dp.id);
  return (
    <div className="ttx-dp" data-testid="decision-point" data-dp={dp.id}>
      <h3>
        <span dir="ltr">{dp.id}</span> — <bdi>{pick(dp.prompt, lang)}</bdi>
      </h3>
      <div className="muted">
        {open ? (
          <>
            {t("deadline")} <span dir="ltr">{hms(lang, Math.max(0, left))}</span>
          </>
        ) : (
          `${t("closedAt")} ${et(lang, st.closedAt!)}`
        )}
      </div>
      {myCell && open && myConsultations.length > 0 && (
        <label className="field">
          {t("inConsultation")}{" "}
          <select value={inConsultation} onChange={(e) => setInConsultation(e.target.value)}>
            <option value="">—</option>
            {myConsultations.map((c) => (
              <option key={c.id} value={c.id}>
                {pick(conn.channel(c.channel)?.name, lang) || c.channel}
              </option>
            ))}
          </select>
        </label>
      )}
      <table className="ttx-options" data-testid="options">
        <thead>
          <tr>
            <th>{t("option")}</th>
            <th>{t("category")}</th>
            <th>{t("rung")}</th>
            <th>{t("leadTime")}</th>
            <th>{t("leads")}</th>
            <th>{t("concurrences")}</th>
            <th>{t("preconditions")}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {options.map((o) => (
            <tr key={o.id} data-option={o.id}>
              <td>
                <bdi>{pick(o.name, lang)}</bdi>
              </td>
              <td>{t(o.category)}</td>
              <td data-testid="rung">{formatNumber(lang, o.rung)}</td>
              <td>{duration(lang, t, o.leadTimeS)}</td>
              <td dir="ltr">{o.leads.join(" ")}</td>
              <td dir="ltr">{o.concurrences.join(" ") || "—"}</td>
              <td>{o.preconditions.length === 0 ? t("none") : o.preconditions.map((p) => preconditionText(p, t, lang, conn)).join("; ")}</td>
              <td>
                {myCell && open && o.leads.includes(myCell) && (
                  <button
                    type="button"
                    data-testid="propose"
                    onClick={() =>
                      void act({
                        type: "propose",
                        proposalId: conn.newId("p"),
                        decisionPoint: dp.id,
                        option: o.id,
                        ...(inConsultation ? { consultationId: inConsultation } : {}),
                      })
                    }
                  >
                    {t("propose")}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {proposals.length > 0 && <h4>{t("proposals")}</h4>}
      {proposals.map((p) => (
        <Proposal key={p.id} conn={conn} lang={lang} t={t} act={act} myCell={myCell} p={p} open={open} />
      ))}
    </div>
  );
}

function Proposal(props: { conn: TtxConnection; lang: Lang; t: T; act: Act; myCell: NationalCell | null; p: ProposalView; open: boolean }) {
  const { conn, lang, t, act, myCell, p, open } = props;
  const o = conn.setup?.options.find((x) => x.id === p.option);
  const [reason, setReason] = useState("");
  const mayAnswer = myCell && open && p.decidedAt === null && p.required.includes(myCell) && !p.answers.has(myCell);
  const allConcur = p.required.every((c) => p.answers.get(c)?.concur === true);
  return (
    <div className="ttx-proposal" data-testid="proposal" data-proposal={p.id}>
      <b>
        <bdi>{o ? pick(o.name, lang) : p.option}</bdi>
      </b>{" "}
      <span className="muted">
        ({p.cell}, {t("rung")} {formatNumber(lang, o?.rung ?? 0)})
      </span>{" "}
      {p.decidedAt !== null ? (
        <span className="ok">
          {t("decided")} {et(lang, p.decidedAt)} ·{" "}
          {p.executedAt !== null ? t("executed") : `${t("executesAt")} ${et(lang, p.effectiveS ?? 0)}`}
        </span>
      ) : null}
      <div className="muted">
        {t("concurrences")}:{" "}
        {p.required.length === 0
          ? t("none")
          : p.required.map((c) => {
              const a = p.answers.get(c);
              return (
                <span key={c} className={a ? (a.concur ? "ok" : "bad") : "warn"}>
                  {c} {a ? (a.concur ? "✓" : "✗") : `(${t("awaiting")})`}
                  {a?.reason ? ` “${a.reason}”` : ""}{" "}
                </span>
              );
            })}
      </div>
      {p.ruling && (
        <div>
          {t("ruling")}: <bdi>{p.ruling}</bdi>
        </div>
      )}
      {mayAnswer && (
        <div>
          <input value={reason} placeholder={t("reason")} onChange={(e) => setReason(e.target.value)} dir="auto" />{" "}
          <button type="button" data-testid="concur" onClick={() => void act({ type: "concur", proposalId: p.id, concur: true, reason })}>
            {t("concur")}
          </button>{" "}
          <button type="button" onClick={() => void act({ type: "concur", proposalId: p.id, concur: false, reason })}>
            {t("nonConcur")}
          </button>
        </div>
      )}
      {myCell === p.cell && open && p.decidedAt === null && allConcur && (
        <button type="button" data-testid="decide" onClick={() => void act({ type: "decide", proposalId: p.id })}>
          {t("decide")}
        </button>
      )}
    </div>
  );
}

function Statements(props: { conn: TtxConnection; lang: Lang; t: T; act: Act; myCell: NationalCell | null }) {
  const { conn, lang, t, act, myCell } = props;
  const list = [...conn.statements.values()];
  const [draft, setDraft] = useState<{ id: string | null; parties: NationalCell[]; en: string; ar: string }>({
    id: null,
    parties: [...NATIONS],
    en: "",
    ar: "",
  });
  const edit = (s: StatementView) => setDraft({ id: s.id, parties: [...s.parties], en: s.text.en, ar: s.text.ar });
  return (
    <section className="panel ttx-statements" data-testid="statements">
      <h2>{t("statements")}</h2>
      {list.length === 0 && <p className="muted">{t("noStatements")}</p>}
      {list.map((s) => {
        const mine = myCell !== null && s.parties.includes(myCell);
        const clearedNow = s.parties.filter((c) => s.cleared.get(c) === s.version);
        return (
          <div key={s.id} className="ttx-statement" data-testid="statement" data-statement={s.id}>
            <div>
              <b dir="ltr">{s.id}</b> · {t("version")} {formatNumber(lang, s.version)} · {t("parties")}{" "}
              <span dir="ltr">{s.parties.join(", ")}</span>{" "}
              {s.releasedAt !== null && <span className="ok">{t("released")} {et(lang, s.releasedAt)}</span>}
            </div>
            <p dir="ltr" lang="en">
              {s.text.en}
            </p>
            <p dir="rtl" lang="ar">
              {s.text.ar}
            </p>
            <div className="muted">
              {t("clearedBy")}: <span dir="ltr">{clearedNow.join(", ") || "—"}</span>
            </div>
            {mine && s.releasedAt === null && (
              <div>
                {s.cleared.get(myCell) !== s.version && (
                  <button type="button" data-testid="clear-statement" onClick={() => void act({ type: "clear-statement", statementId: s.id, version: s.version })}>
                    {t("clear")} v{s.version}
                  </button>
                )}{" "}
                <button type="button" onClick={() => edit(s)}>
                  {t("redraft")}
                </button>{" "}
                {clearedNow.length === s.parties.length && (
                  <button type="button" data-testid="release-statement" onClick={() => void act({ type: "release-statement", statementId: s.id })}>
                    {t("release")}
                  </button>
                )}
              </div>
            )}
          </div>
        );
      })}
      {myCell && (
        <form
          className="ttx-draft"
          data-testid="draft-form"
          onSubmit={async (e) => {
            e.preventDefault();
            const id = draft.id ?? conn.newId("s");
            const r = await act({ type: "draft-statement", statementId: id, parties: draft.parties, text: { en: draft.en, ar: draft.ar } });
            if (r !== undefined || conn.statements.has(id)) setDraft({ id: null, parties: [...NATIONS], en: "", ar: "" });
          }}
        >
          <h3>
            {draft.id ? `${t("redraft")} ${draft.id}` : t("draft")}
          </h3>
          <div>
            {t("parties")}:{" "}
            {NATIONS.map((c) => (
              <label key={c} className="field">
                <input
                  type="checkbox"
                  disabled={c === myCell || draft.id !== null}
                  checked={draft.parties.includes(c)}
                  onChange={(e) =>
                    setDraft({ ...draft, parties: e.target.checked ? NATIONS.filter((x) => x === c || draft.parties.includes(x)) : draft.parties.filter((x) => x !== c) })
                  }
                />
                {c}
              </label>
            ))}
          </div>
          <textarea dir="ltr" lang="en" rows={2} placeholder={t("textEn")} value={draft.en} onChange={(e) => setDraft({ ...draft, en: e.target.value })} />
          <textarea dir="rtl" lang="ar" rows={2} placeholder={t("textAr")} value={draft.ar} onChange={(e) => setDraft({ ...draft, ar: e.target.value })} />
          <button type="submit">{draft.id ? t("redraft") : t("draft")}</button>
        </form>
      )}
    </section>
  );
}

function ControlPanel(props: { conn: TtxConnection; lang: Lang; t: T; act: Act; token: string; onRun: (run: string) => void }) {
  const { conn, lang, t, act } = props;
  const setup = conn.setup!;
  const c = conn.clock;
  const me = setup.participant;
  const controller = me.role === "controller";
  const mayRate = controller || me.role === "evaluator";
  const [shift, setShift] = useState({ fromS: "", deltaS: "" });
  const [adj, setAdj] = useState({ proposal: "", ruling: "", inject: "" });
  const [fork, setFork] = useState({ atS: "", newRunId: "" });
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [forked, setForked] = useState<string | null>(null);
  const msel = [...setup.msel].sort((a, b) => a.seq - b.seq);
  const undelivered = msel.filter((i) => !conn.delivered.has(i.id));
  const fetchAuth = async (path: string) => {
    const r = await fetch(path, { headers: { authorization: `Bearer ${props.token}` } });
    return { ok: r.ok, blob: await r.blob() };
  };
  const openReport = async () => {
    const r = await fetchAuth(`/api/ttx/${encodeURIComponent(setup.run)}/report.html`);
    if (r.ok) window.open(URL.createObjectURL(new Blob([r.blob], { type: "text/html" })), "_blank", "noopener");
  };
  const download = async (path: string, name: string) => {
    const r = await fetchAuth(path);
    if (!r.ok) return;
    const a = document.createElement("a");
    a.href = URL.createObjectURL(r.blob);
    a.download = name;
    a.click();
  };
  return (
    <section className="panel ttx-control" data-testid="control-panel">
      <h2>{t("control")}</h2>
      {controller && c && !c.ended && (
        <div>
          <button type="button" data-testid="ttx-pause" onClick={() => void act({ type: c.running ? "pause" : "resume" })}>
            {c.running ? t("pause") : c.started ? t("resume") : t("startex")}
          </button>{" "}
          {c.nextDueS != null && (
            <span className="muted">
              {t("nextDue")}: <span dir="ltr">T+{hms(lang, c.nextDueS)}</span>
            </span>
          )}
        </div>
      )}
      <div className="ttx-report-links">
        <button type="button" data-testid="open-report" onClick={() => void openReport()}>
          {t("report")}
        </button>{" "}
        <button type="button" onClick={() => void download(`/api/ttx/${encodeURIComponent(setup.run)}/msel.csv`, `${setup.run}-msel.csv`)}>
          {t("mselCsv")}
        </button>{" "}
        <span className="muted">{t("reportCsv")}:</span>{" "}
        {["timeline", "measures", "ratings", "improvement-plan"].map((n) => (
          <button key={n} type="button" className="linkish csv" onClick={() => void download(`/api/ttx/${encodeURIComponent(setup.run)}/report/${n}.csv`, `${setup.run}-${n}.csv`)}>
            {n}
          </button>
        ))}
      </div>
      <h3>{t("msel")}</h3>
      <table className="ttx-msel" data-testid="msel">
        <tbody>
          {msel.map((i) => {
            const due = i.deliveryS === null ? null : i.deliveryS + (conn.shifts.get(i.id) ?? 0);
            const done = conn.delivered.has(i.id);
            return (
              <tr key={i.id} className={done ? "done" : ""} data-inject={i.id}>
                <td dir="ltr">{i.id}</td>
                <td>{i.move}</td>
                <td>{i.kind === "scheduled" ? `${t("scheduledAt")} ${et(lang, due ?? 0)}` : i.kind === "on-demand" ? t("onDemand") : t("contingency")}</td>
                <td dir="ltr">{i.to.join(" ")}</td>
                <td title={pick(i.text, lang)}>
                  {done ? (
                    t("delivered")
                  ) : controller ? (
                    <button type="button" data-testid="deliver" onClick={() => void act({ type: "deliver-inject", injectId: i.id })}>
                      {t("deliver")}
                    </button>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {controller && (
        <form
          className="ttx-row"
          onSubmit={(e) => {
            e.preventDefault();
            void act({ type: "shift-timeline", fromS: Number(shift.fromS), deltaS: Number(shift.deltaS) });
          }}
        >
          <b>{t("shiftTimeline")}</b>
          <input type="number" placeholder={t("fromS")} value={shift.fromS} onChange={(e) => setShift({ ...shift, fromS: e.target.value })} />
          <input type="number" placeholder={t("deltaS")} value={shift.deltaS} onChange={(e) => setShift({ ...shift, deltaS: e.target.value })} />
          <button type="submit">{t("shift")}</button>
        </form>
      )}
      {controller && (
        <form
          className="ttx-row"
          onSubmit={(e) => {
            e.preventDefault();
            void act({ type: "adjudicate", proposalId: adj.proposal, ruling: adj.ruling, ...(adj.inject ? { injectId: adj.inject } : {}) });
          }}
        >
          <b>{t("adjudicate")}</b>
          <select value={adj.proposal} onChange={(e) => setAdj({ ...adj, proposal: e.target.value })} aria-label={t("proposal")}>
            <option value="">{t("proposal")}…</option>
            {[...conn.proposals.values()].map((p) => (
              <option key={p.id} value={p.id}>
                {p.id} · {p.option} ({p.cell})
              </option>
            ))}
          </select>
          <input placeholder={t("ruling")} value={adj.ruling} dir="auto" onChange={(e) => setAdj({ ...adj, ruling: e.target.value })} />
          <select value={adj.inject} onChange={(e) => setAdj({ ...adj, inject: e.target.value })} aria-label={t("consequenceInject")}>
            <option value="">{t("consequenceInject")}: —</option>
            {undelivered.map((i) => (
              <option key={i.id} value={i.id}>
                {i.id}
              </option>
            ))}
          </select>
          <button type="submit">{t("adjudicate")}</button>
        </form>
      )}
      {mayRate && (
        <>
          <h3>{t("objectives")}</h3>
          <table className="ttx-objectives" data-testid="objectives">
            <tbody>
              {setup.exercise.objectives.map((o) => {
                const r = conn.ratings.get(o.id);
                return (
                  <tr key={o.id} data-objective={o.id}>
                    <td dir="ltr">{o.id}</td>
                    <td>
                      <bdi>{pick(o.text, lang)}</bdi>
                    </td>
                    <td>
                      <input
                        placeholder={t("note")}
                        dir="auto"
                        value={notes[o.id] ?? ""}
                        onChange={(e) => setNotes({ ...notes, [o.id]: e.target.value })}
                      />
                      {RATINGS.map((x) => (
                        <button
                          key={x}
                          type="button"
                          className={r?.rating === x ? "rating on" : "rating"}
                          data-testid={`rate-${o.id}-${x}`}
                          onClick={() => void act({ type: "rate-objective", objectiveId: o.id, rating: x, note: notes[o.id] ?? "" })}
                        >
                          {x}
                        </button>
                      ))}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
      {controller && (
        <form
          className="ttx-row"
          onSubmit={async (e) => {
            e.preventDefault();
            const r = await act({ type: "fork", atS: Number(fork.atS), newRunId: fork.newRunId });
            if (r) setForked(r);
          }}
        >
          <b>{t("fork")}</b>
          <input type="number" placeholder={t("forkAt")} value={fork.atS} onChange={(e) => setFork({ ...fork, atS: e.target.value })} />
          <input placeholder={t("newRun")} value={fork.newRunId} dir="ltr" onChange={(e) => setFork({ ...fork, newRunId: e.target.value })} />
          <button type="submit">{t("fork")}</button>
          {forked && (
            <button type="button" onClick={() => props.onRun(forked)}>
              {t("openRun")} {forked}
            </button>
          )}
        </form>
      )}
    </section>
  );
}

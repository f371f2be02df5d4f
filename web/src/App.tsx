/**
 * The app: sign-in, then the common operational picture — globe (or 2-D map), warnings with their
 * time-to-impact countdown, track table, message and rejection log, reports and, for control, the
 * clock and the per-nation view switch. Language and direction follow the chosen language.
 */
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { useLiveSource, useTicker } from "./live-hooks.ts";
import type { ViewName, WireAlert, WireLogEntry, WireTrack } from "../../src/server/wire.ts";
import { Connection, signIn } from "./connection.ts";
import { sigmaKm } from "./geo.ts";
import { Globe, webglAvailable } from "./Globe.tsx";
import { formatCountdown, formatNumber, isRtl, type Key, LANG_NAMES, LANGS, type Lang, phaseName, translator } from "./i18n.ts";
import { Map2D } from "./Map2D.tsx";
import { TabletopApp, TabletopLink, tabletopRoute } from "./tabletop/TabletopApp.tsx";

const TOKEN_KEY = "allylink.token";

function initialLang(): Lang {
  const q = new URLSearchParams(location.search).get("lang");
  if (q && q in LANGS) return q as Lang;
  const s = localStorage.getItem("allylink.lang");
  return s && s in LANGS ? (s as Lang) : "en";
}

function takeTokenFromUrl(): string | null {
  const m = /(?:^|[#&])token=([\w-]+)/.exec(location.hash);
  if (!m) return null;
  history.replaceState(null, "", location.pathname + location.search);
  return m[1];
}

export function App() {
  const [lang, setLang] = useState<Lang>(initialLang);
  const t = useMemo(() => translator(lang), [lang]);
  const [token, setToken] = useState<string | null>(() => takeTokenFromUrl() ?? sessionStorage.getItem(TOKEN_KEY));
  useEffect(() => {
    document.documentElement.lang = lang;
    document.documentElement.dir = isRtl(lang) ? "rtl" : "ltr";
    document.title = t("title");
    localStorage.setItem("allylink.lang", lang);
  }, [lang, t]);
  useEffect(() => {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  }, [token]);
  const langSelect = (
    <label className="field">
      {t("language")}{" "}
      <select data-testid="lang-select" value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
        {(Object.keys(LANGS) as Lang[]).map((l) => (
          <option key={l} value={l}>
            {LANG_NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
  if (!token) return <SignIn t={t} langSelect={langSelect} onToken={setToken} />;
  if (tabletopRoute()) return <TabletopApp key={token} token={token} lang={lang} langSelect={langSelect} onSignOut={() => setToken(null)} />;
  return <Picture key={token} token={token} lang={lang} t={t} langSelect={langSelect} onSignOut={() => setToken(null)} />;
}

function SignIn(props: { t: (k: Key) => string; langSelect: React.ReactNode; onToken: (t: string) => void }) {
  const { t } = props;
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="signin">
      <h1>{t("title")}</h1>
      {props.langSelect}
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const r = await signIn(value.trim());
          if (r.ok) props.onToken(value.trim());
          else setError(`${t("badToken")}: ${r.error}`);
        }}
      >
        <p>{t("tokenHelp")}</p>
        <input data-testid="token-input" value={value} onChange={(e) => setValue(e.target.value)} placeholder={t("token")} dir="ltr" />
        <button type="submit" data-testid="signin-button">
          {t("signIn")}
        </button>
        {error && <p className="error" data-testid="signin-error">{error}</p>}
      </form>
    </div>
  );
}

function Picture(props: { token: string; lang: Lang; t: (k: Key) => string; langSelect: React.ReactNode; onSignOut: () => void }) {
  const { lang, t } = props;
  const conn = useLiveSource(() => new Connection(props.token), [props.token]);
  useTicker(250);
  const [mode, setMode] = useState<"3d" | "2d">(() => (new URLSearchParams(location.search).get("map") === "2d" || !webglAvailable() ? "2d" : "3d"));
  const [globeFailure, setGlobeFailure] = useState<string | null>(webglAvailable() ? null : "no WebGL");
  const onFail = useCallback((why: string) => {
    setGlobeFailure(why);
    setMode("2d");
  }, []);
  if (conn.status === "refused") {
    return (
      <div className="signin">
        <p className="error" data-testid="signin-error">
          {t("badToken")}
        </p>
        <button type="button" onClick={props.onSignOut}>
          {t("signIn")}
        </button>
      </div>
    );
  }
  const setup = conn.setup;
  const pic = conn.picture;
  const p = setup?.participant;
  const now = conn.now();
  const isControl = p?.role === "control";
  return (
    <div className="app" data-testid="app" data-view={pic?.view ?? ""}>
      <header className="topbar">
        <strong className="brand">AllyLink</strong>
        <TabletopLink lang={lang} />
        <span className="exercise-mark">{t("exercise")}</span>
        {p && (
          <span data-testid="participant">
            {p.nation ?? "CONTROL"} · {t(`role_${p.role}` as Key)}
          </span>
        )}
        {setup && (
          <span className="scenario" title={setup.scenario.description}>
            {t("scenario")}: {setup.scenario.name}
          </span>
        )}
        <ClockText conn={conn} lang={lang} t={t} />
        {isControl && setup && (
          <label className="field">
            {t("view")}{" "}
            <select data-testid="view-select" value={setup.view} onChange={(e) => conn.setView(e.target.value as ViewName)}>
              {setup.views.map((v) => (
                <option key={v} value={v}>
                  {v === "TRUTH" ? t("truth") : v}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="button" data-testid="map-toggle" disabled={mode === "2d" && globeFailure !== null} onClick={() => setMode(mode === "3d" ? "2d" : "3d")}>
          {mode === "3d" ? t("map2d") : t("globe3d")}
        </button>
        {props.langSelect}
        <button type="button" onClick={props.onSignOut}>
          {t("signOut")}
        </button>
        {conn.status !== "open" && <span className="status">{conn.status === "connecting" ? t("connecting") : t("disconnected")}</span>}
      </header>
      <main className="main">
        <section className="mapbox">
          {mode === "3d" ? <Globe conn={conn} rtl={isRtl(lang)} t={t} onFail={onFail} /> : <Map2D conn={conn} setup={setup} t={t} />}
          {globeFailure && mode === "2d" && (
            <div className="notice" data-testid="nowebgl">
              {t("noWebgl")}
            </div>
          )}
        </section>
        <aside className="side">
          <AlertPanel alerts={pic?.alerts ?? []} now={now} lang={lang} t={t} />
          <TrackTable own={pic?.tracks ?? []} system={pic?.systemTracks ?? []} lang={lang} t={t} />
          <LogPanel log={conn.log} t={t} />
          {isControl && <Reports reports={setup?.reports ?? []} token={props.token} t={t} />}
        </aside>
      </main>
      {isControl && pic && <Timeline conn={conn} lang={lang} t={t} />}
    </div>
  );
}

function clockString(lang: Lang, epochMs: number, t: number): string {
  const d = new Date(epochMs + t * 1000);
  return `${d.toISOString().slice(11, 19)}Z · T+${formatNumber(lang, Math.floor(t))} s`;
}

function ClockText(props: { conn: Connection; lang: Lang; t: (k: Key) => string }) {
  const c = props.conn.picture?.clock;
  if (!c) return null;
  return (
    <span className="clock" data-testid="clock" dir="ltr">
      {clockString(props.lang, c.epochMs, props.conn.now())} ×{formatNumber(props.lang, c.speed, c.speed < 1 ? 2 : 0)}
      {c.paused && ` · ${props.t("paused")}`}
      {c.catchingUp && ` · ${props.t("catchingUp")}`}
    </span>
  );
}

function AlertPanel(props: { alerts: readonly WireAlert[]; now: number; lang: Lang; t: (k: Key) => string }) {
  const { t, lang } = props;
  const live = props.alerts.filter((a) => a.state !== "cancelled");
  return (
    <section className="panel alerts" data-testid="alert-panel">
      <h2>{t("alerts")}</h2>
      {live.length === 0 && <p className="muted">{t("noAlerts")}</p>}
      {live.map((a) => {
        const left = a.tImpact - props.now;
        return (
          <div key={a.id} className="alert-item" data-testid="alert-item" data-alert-id={a.id} data-timpact={a.tImpact}>
            <div className="alert-head">
              <span className="badge">{t(a.state)}</span> {a.areaName}
            </div>
            <div className="countdown" data-testid="countdown" data-seconds={Math.round(left)}>
              {left > 0 ? `${t("timeToImpact")}: ` : `${t("impacted")}: `}
              <span dir="ltr">{formatCountdown(lang, left)}</span>
            </div>
            <div className="muted">
              {t("probability")}: {formatNumber(lang, a.probability * 100)}% · {a.threatId} · {formatNumber(lang, a.semiMajorM / 1000)}×{formatNumber(lang, a.semiMinorM / 1000)} km
            </div>
          </div>
        );
      })}
    </section>
  );
}

/** Rows drawn beyond the visible ones, above and below, so a scroll shows rows at once. */
const OVERSCAN_ROWS = 8;

/** The part of the track table's scroll box in view, and where each table's body starts in it. */
interface TableView {
  readonly top: number;
  readonly height: number;
  readonly rowPx: number;
  readonly systemTop: number;
  readonly ownTop: number;
}

/**
 * Rows of one table, virtualised: only the rows in view (plus a few) are in the page; spacer rows keep
 * the scroll height of all of them, so every track can be scrolled to.
 */
function TrackRows(props: { tracks: readonly WireTrack[]; lang: Lang; bodyTop: number; view: TableView }) {
  const { lang, tracks, view } = props;
  const n = tracks.length;
  const from = Math.max(0, Math.min(n, Math.floor((view.top - props.bodyTop) / view.rowPx) - OVERSCAN_ROWS));
  const to = Math.max(from, Math.min(n, Math.ceil((view.top + view.height - props.bodyTop) / view.rowPx) + OVERSCAN_ROWS));
  const rows = [];
  for (let i = from; i < to; i++) {
    const tr = tracks[i];
    rows.push(
      <tr key={tr.id} data-testid="track-row">
        <td dir="ltr">{tr.id}</td>
        <td>{formatNumber(lang, tr.altM / 1000, 1)}</td>
        <td>{formatNumber(lang, tr.speedMps)}</td>
        <td>{formatNumber(lang, tr.climbMps)}</td>
        <td>{formatNumber(lang, sigmaKm(tr.cov), 2)}</td>
        <td dir="ltr">{tr.sources.join(" ")}</td>
        <td>{phaseName(lang, tr.phase)}</td>
      </tr>,
    );
  }
  return (
    <>
      {from > 0 && <tr className="spacer" aria-hidden="true" style={{ height: from * view.rowPx }} />}
      {rows}
      {to < n && <tr className="spacer" aria-hidden="true" style={{ height: (n - to) * view.rowPx }} />}
    </>
  );
}

const TrackTable = memo(function TrackTable(props: { own: readonly WireTrack[]; system: readonly WireTrack[]; lang: Lang; t: (k: Key) => string }) {
  const { t } = props;
  const box = useRef<HTMLElement>(null);
  const systemBody = useRef<HTMLTableSectionElement>(null);
  const ownBody = useRef<HTMLTableSectionElement>(null);
  const [view, setView] = useState<TableView>({ top: 0, height: 400, rowPx: 19, systemTop: 0, ownTop: 0 });
  const measure = useCallback(() => {
    const el = box.current;
    if (!el) return;
    const boxTop = el.getBoundingClientRect().top - el.scrollTop;
    const topOf = (b: HTMLTableSectionElement | null) => (b ? b.getBoundingClientRect().top - boxTop : 0);
    const row = el.querySelector<HTMLTableRowElement>("tr[data-testid=track-row]");
    const rowPx = row ? row.getBoundingClientRect().height || 19 : 19;
    const next: TableView = { top: el.scrollTop, height: el.clientHeight, rowPx, systemTop: topOf(systemBody.current), ownTop: topOf(ownBody.current) };
    setView((v) =>
      v.top === next.top && v.height === next.height && v.rowPx === next.rowPx && v.systemTop === next.systemTop && v.ownTop === next.ownTop ? v : next,
    );
  }, []);
  // Where the bodies start moves only when a table appears or the first one changes length.
  const hasOwn = props.own.length > 0;
  const nSystem = props.system.length;
  useLayoutEffect(measure, [measure, hasOwn, nSystem]);
  useEffect(() => {
    window.addEventListener("resize", measure);
    return () => window.removeEventListener("resize", measure);
  }, [measure]);
  const head = (
    <tr>
      <th>{t("id")}</th>
      <th>{t("altitude")}</th>
      <th>{t("speed")}</th>
      <th>{t("climb")}</th>
      <th>{t("sigma")}</th>
      <th>{t("sources")}</th>
      <th>{t("phase")}</th>
    </tr>
  );
  return (
    <section className="panel tracks" data-testid="track-table" ref={box} onScroll={measure}>
      <h2>
        {t("tracks")} ({formatNumber(props.lang, props.own.length)} / {formatNumber(props.lang, props.system.length)})
      </h2>
      {props.own.length + props.system.length === 0 && <p className="muted">{t("noTracks")}</p>}
      {props.system.length > 0 && (
        <table>
          <caption>{t("systemTracks")}</caption>
          <thead>{head}</thead>
          <tbody ref={systemBody}>
            <TrackRows tracks={props.system} lang={props.lang} bodyTop={view.systemTop} view={view} />
          </tbody>
        </table>
      )}
      {props.own.length > 0 && (
        <table>
          <caption>{t("ownTracks")}</caption>
          <thead>{head}</thead>
          <tbody ref={ownBody}>
            <TrackRows tracks={props.own} lang={props.lang} bodyTop={view.ownTop} view={view} />
          </tbody>
        </table>
      )}
    </section>
  );
});

const LogPanel = memo(function LogPanel(props: { log: readonly WireLogEntry[]; t: (k: Key) => string }) {
  const { t } = props;
  const [onlyRejected, setOnlyRejected] = useState(false);
  const entries = props.log.filter((e) => !onlyRejected || e.rejected).slice(-80).reverse();
  return (
    <section className="panel log" data-testid="log-panel">
      <h2>{t("log")}</h2>
      <label className="field">
        <input type="checkbox" checked={onlyRejected} onChange={(e) => setOnlyRejected(e.target.checked)} /> {t("rejectionsOnly")}
      </label>
      {entries.length === 0 && <p className="muted">{t("noLog")}</p>}
      <ul>
        {entries.map((e) => (
          <li key={e.seq} className={e.rejected ? "rejected" : ""} dir="ltr">
            T+{Math.round(e.t)} {e.nation} {e.type} {e.text}
          </li>
        ))}
      </ul>
    </section>
  );
});

function Reports(props: { reports: readonly { name: string; url: string }[]; token: string; t: (k: Key) => string }) {
  const { t } = props;
  // Reports need the token, which a plain link cannot carry: fetch, then open the HTML as a blob.
  const open = async (url: string) => {
    const r = await fetch(url, { headers: { authorization: `Bearer ${props.token}` } });
    if (!r.ok) return;
    const blob = new Blob([await r.text()], { type: "text/html" });
    window.open(URL.createObjectURL(blob), "_blank", "noopener");
  };
  return (
    <section className="panel reports" data-testid="reports">
      <h2>{t("reports")}</h2>
      {props.reports.length === 0 && <p className="muted">{t("noReports")}</p>}
      <ul>
        {props.reports.map((r) => (
          <li key={r.name}>
            <button type="button" onClick={() => void open(r.url)}>
              {t("open")}
            </button>{" "}
            <span dir="ltr">{r.name}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

const SPEEDS = [0.5, 1, 2, 5, 10, 30, 60, 120];

function Timeline(props: { conn: Connection; lang: Lang; t: (k: Key) => string }) {
  const { conn, t, lang } = props;
  const c = conn.picture!.clock;
  const [seekTo, setSeekTo] = useState<number | null>(null);
  return (
    <footer className="timeline" data-testid="timeline">
      <strong>{t("clock")}</strong>
      <button type="button" data-testid="clock-live" onClick={() => conn.send({ type: "clock", action: "live" })}>
        {t("live")}
      </button>
      <button type="button" data-testid="clock-pause" onClick={() => conn.send({ type: "clock", action: c.paused ? "resume" : "pause" })}>
        {c.paused ? t("resume") : t("pause")}
      </button>
      <label className="field">
        {t("speedX")}{" "}
        <select data-testid="clock-speed" value={String(c.speed)} onChange={(e) => conn.send({ type: "clock", action: "speed", speed: Number(e.target.value) })}>
          {[...new Set([...SPEEDS, c.speed])].sort((a, b) => a - b).map((s) => (
            <option key={s} value={String(s)}>
              ×{formatNumber(lang, s, s < 1 ? 1 : 0)}
            </option>
          ))}
        </select>
      </label>
      <input
        className="seek"
        data-testid="clock-seek"
        type="range"
        min={0}
        max={c.durationS}
        step={1}
        value={seekTo ?? Math.round(conn.now())}
        aria-label={t("seek")}
        onChange={(e) => setSeekTo(Number(e.target.value))}
        onPointerUp={() => {
          if (seekTo !== null) conn.send({ type: "clock", action: "seek", t: seekTo });
          setSeekTo(null);
        }}
        onKeyUp={() => {
          if (seekTo !== null) conn.send({ type: "clock", action: "seek", t: seekTo });
          setSeekTo(null);
        }}
      />
      <span dir="ltr">
        {formatNumber(lang, Math.round(seekTo ?? conn.now()))} / {formatNumber(lang, c.durationS)} s
      </span>
    </footer>
  );
}

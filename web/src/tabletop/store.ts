/**
 * The browser's side of one tabletop seat: one WebSocket to /api/ttx/RUN/stream (reconnecting with
 * back-off and asking only for the events after the last one it holds), the events folded into what
 * the screens show, and commands sent with a ref so each gets its own answer.
 *
 * The fold is deliberately simple: it only ever sees the events the server addressed to this seat.
 */
import {
  type Channel,
  type ClockFrame,
  type DecisionPointView,
  type Inject,
  type LocalizedText,
  MAX_COMMAND_BYTES,
  type NationalCell,
  type Rating,
  type ServerFrame,
  type SetupFrame,
  type TtxEvent,
} from "./protocol.ts";

export type Status = "connecting" | "open" | "closed" | "refused";

export interface DeliveredInject {
  readonly inject: Inject;
  readonly t: number;
  readonly reason: string;
}

export interface ConsultationView {
  readonly id: string;
  readonly channel: string;
  readonly openedBy: NationalCell;
  readonly openedAt: number;
  /** Cell → time it first joined. */
  readonly joined: Map<NationalCell, number>;
  /** Participants who joined the consultation. */
  readonly present: Set<string>;
  convenedAt: number | null;
  closedAt: number | null;
}

export interface MessageView {
  readonly id: string;
  readonly consultation: string | null;
  readonly from: string;
  readonly fromCell: NationalCell;
  readonly releasableTo: readonly NationalCell[];
  readonly marking: string;
  readonly text: string;
  readonly lang: string;
  readonly t: number;
  readonly readBy: Map<string, number>;
}

export interface ProposalView {
  readonly id: string;
  readonly decisionPoint: string;
  readonly option: string;
  readonly cell: NationalCell;
  readonly proposer: string | null;
  readonly required: readonly NationalCell[];
  readonly consultation: string | null;
  readonly t: number;
  readonly answers: Map<NationalCell, { concur: boolean; reason: string }>;
  decidedAt: number | null;
  effectiveS: number | null;
  executedAt: number | null;
  ruling: string | null;
}

export interface StatementView {
  readonly id: string;
  parties: readonly NationalCell[];
  version: number;
  text: LocalizedText;
  readonly cleared: Map<NationalCell, number>;
  releasedAt: number | null;
}

export class TtxConnection {
  status: Status = "connecting";
  refusal: string | null = null;
  setup: SetupFrame | null = null;
  clock: ClockFrame | null = null;
  clockAt = 0;
  events: TtxEvent[] = [];
  lastError: string | null = null;
  version = 0;

  readonly online = new Map<string, boolean>();
  readonly injects: DeliveredInject[] = [];
  readonly delivered = new Set<string>();
  readonly decisionPoints = new Map<string, DecisionPointView>();
  readonly dpState = new Map<string, { openedAt: number | null; closedAt: number | null }>();
  readonly consultations = new Map<string, ConsultationView>();
  readonly messages = new Map<string, MessageView>();
  readonly proposals = new Map<string, ProposalView>();
  readonly statements = new Map<string, StatementView>();
  readonly ratings = new Map<string, { rating: Rating; note: string }>();
  readonly shifts = new Map<string, number>();
  improvements = 0;

  private ws: WebSocket | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly pending = new Map<string, { ok: (run?: string) => void; fail: (e: string) => void }>();
  private retryMs = 500;
  private stopped = false;
  private n = 0;

  constructor(
    readonly token: string,
    readonly run: string,
    readonly participant: string | null,
  ) {}

  start(): void {
    this.stopped = false;
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    const q = new URLSearchParams({ token: this.token, after: String(this.events.at(-1)?.seq ?? 0) });
    if (this.participant) q.set("participant", this.participant);
    const ws = new WebSocket(`${proto}//${location.host}/api/ttx/${encodeURIComponent(this.run)}/stream?${q}`);
    this.ws = ws;
    ws.onopen = () => {
      this.status = "open";
      this.retryMs = 500;
      this.changed();
    };
    ws.onmessage = (ev) => {
      let frame: ServerFrame;
      try {
        frame = JSON.parse(typeof ev.data === "string" ? ev.data : "");
      } catch {
        return;
      }
      this.onFrame(frame);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      for (const p of this.pending.values()) p.fail("disconnected");
      this.pending.clear();
      if (ev.code >= 4400 && ev.code < 4500) {
        this.status = "refused";
        this.refusal = this.refusal ?? ev.reason;
        this.changed();
        return;
      }
      this.status = "closed";
      this.changed();
      if (!this.stopped) setTimeout(() => this.start(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 8000);
    };
  }

  stop(): void {
    this.stopped = true;
    this.ws?.close();
    this.ws = null;
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Sends a command; resolves when the server applied it (with a new run id for a fork). */
  command(cmd: Record<string, unknown>): Promise<string | undefined> {
    const ref = `c${++this.n}`;
    const text = JSON.stringify({ ...cmd, ref });
    return new Promise((ok, fail) => {
      if (new TextEncoder().encode(text).length > MAX_COMMAND_BYTES) {
        fail(`too long: at most ${MAX_COMMAND_BYTES} bytes per command`);
        return;
      }
      if (this.ws?.readyState !== WebSocket.OPEN) {
        fail("not connected");
        return;
      }
      this.pending.set(ref, { ok, fail });
      this.ws.send(text);
    });
  }

  /** Exercise seconds now, run on between clock frames at the clock's rate. */
  now(): number {
    const c = this.clock;
    if (!c) return 0;
    if (!c.running) return c.t;
    return c.t + ((performance.now() - this.clockAt) / 1000) * c.rate;
  }

  /** Story time now (ms since 1970), or null. */
  storyMs(): number | null {
    const c = this.clock;
    if (!c || c.storyMs === null) return null;
    if (!c.running) return c.storyMs;
    return c.storyMs + (this.now() - c.t) * 1000;
  }

  /** A fresh id for something this seat creates (consultation, message, proposal, statement). */
  newId(prefix: string): string {
    const me = this.setup?.participant.id ?? "x";
    return `${prefix}-${me}-${Date.now().toString(36)}${(++this.n).toString(36)}`.slice(0, 64);
  }

  channel(id: string): Channel | undefined {
    return this.setup?.channels.find((c) => c.id === id);
  }

  private onFrame(f: ServerFrame): void {
    switch (f.type) {
      case "setup":
        this.setup = f;
        this.shifts.clear(); // the MSEL in a setup already carries every shift so far
        for (const d of f.decisionPoints) this.decisionPoints.set(d.id, d);
        break;
      case "clock":
        this.clock = f;
        this.clockAt = performance.now();
        break;
      case "decision-point":
        this.decisionPoints.set(f.decisionPoint.id, f.decisionPoint);
        break;
      case "events":
        for (const e of f.events) {
          // A reconnect may overlap what we hold: keep each event once.
          if (e.seq <= (this.events.at(-1)?.seq ?? 0)) continue;
          this.events.push(e);
          this.apply(e);
          this.catchUpClock(e.t);
        }
        break;
      case "ack": {
        const p = f.ref ? this.pending.get(f.ref) : undefined;
        if (p && f.ref) {
          this.pending.delete(f.ref);
          p.ok(f.run);
        }
        break;
      }
      case "error": {
        const p = f.ref ? this.pending.get(f.ref) : undefined;
        if (p && f.ref) {
          this.pending.delete(f.ref);
          p.fail(f.error);
        } else if (this.status !== "open" || !this.setup) this.refusal = f.error;
        this.lastError = f.error;
        break;
      }
    }
    this.changed();
  }

  /**
   * An event stamped later than the clock we run on means the exercise clock is ahead of the last
   * clock frame (time jumped, or frames are sparse): move up to it, local clocks with it.
   */
  private catchUpClock(t: number): void {
    const c = this.clock;
    if (!c) return;
    const now = this.now();
    if (t <= now) return;
    const story = this.storyMs();
    this.clock = { ...c, t, storyMs: story === null ? null : story + (t - now) * 1000 };
    this.clockAt = performance.now();
  }

  private apply(e: TtxEvent): void {
    switch (e.type) {
      case "participant.joined":
        this.online.set(e.participant, true);
        break;
      case "participant.left":
        this.online.set(e.participant, false);
        break;
      case "inject.delivered":
        this.injects.push({ inject: e.inject, t: e.t, reason: e.reason });
        this.delivered.add(e.inject.id);
        break;
      case "decision-point.opened":
        this.dpState.set(e.decisionPoint, { openedAt: e.t, closedAt: null });
        break;
      case "decision-point.closed": {
        const d = this.dpState.get(e.decisionPoint);
        if (d) d.closedAt = e.t;
        else this.dpState.set(e.decisionPoint, { openedAt: null, closedAt: e.t });
        break;
      }
      case "consultation.opened":
        this.consultations.set(e.consultation, {
          id: e.consultation,
          channel: e.channel,
          openedBy: e.cell,
          openedAt: e.t,
          joined: new Map(),
          present: new Set(),
          convenedAt: null,
          closedAt: null,
        });
        break;
      case "consultation.joined": {
        const c = this.consultations.get(e.consultation);
        if (!c) break;
        if (!c.joined.has(e.cell)) c.joined.set(e.cell, e.t);
        c.present.add(e.participant);
        break;
      }
      case "consultation.convened": {
        const c = this.consultations.get(e.consultation);
        if (c) c.convenedAt = e.t;
        break;
      }
      case "consultation.closed": {
        const c = this.consultations.get(e.consultation);
        if (c) c.closedAt = e.t;
        break;
      }
      case "message.sent": {
        const rel = e.label.categories.find((c) => c.type === "permissive")?.values ?? e.releasableTo;
        this.messages.set(e.message, {
          id: e.message,
          consultation: e.consultation,
          from: e.from,
          fromCell: e.fromCell,
          releasableTo: e.releasableTo,
          marking: `${e.label.classification} // REL TO ${rel.join(", ")}`,
          text: e.text,
          lang: e.lang,
          t: e.t,
          readBy: new Map(),
        });
        break;
      }
      case "message.read":
        this.messages.get(e.message)?.readBy.set(e.participant, e.t);
        break;
      case "proposal.made":
        this.proposals.set(e.proposal, {
          id: e.proposal,
          decisionPoint: e.decisionPoint,
          option: e.option,
          cell: e.cell,
          proposer: e.actor,
          required: e.required,
          consultation: e.consultation,
          t: e.t,
          answers: new Map(),
          decidedAt: null,
          effectiveS: null,
          executedAt: null,
          ruling: null,
        });
        break;
      case "proposal.answered":
        this.proposals.get(e.proposal)?.answers.set(e.cell, { concur: e.concur, reason: e.reason });
        break;
      case "decision.made": {
        const p = this.proposals.get(e.proposal);
        if (p) {
          p.decidedAt = e.t;
          p.effectiveS = e.effectiveS;
        }
        break;
      }
      case "option.executed": {
        const p = this.proposals.get(e.proposal);
        if (p) p.executedAt = e.t;
        break;
      }
      case "adjudication.made": {
        const p = this.proposals.get(e.proposal);
        if (p) p.ruling = e.ruling;
        break;
      }
      case "statement.drafted": {
        const s = this.statements.get(e.statement);
        if (s) {
          s.version = e.version;
          s.text = e.text;
          s.parties = e.parties;
        } else
          this.statements.set(e.statement, {
            id: e.statement,
            parties: e.parties,
            version: e.version,
            text: e.text,
            cleared: new Map(),
            releasedAt: null,
          });
        break;
      }
      case "statement.cleared":
        this.statements.get(e.statement)?.cleared.set(e.cell, e.version);
        break;
      case "statement.released": {
        const s = this.statements.get(e.statement);
        if (s) {
          s.releasedAt = e.t;
          s.version = e.version;
          s.text = e.text;
        } else
          this.statements.set(e.statement, {
            id: e.statement,
            parties: e.parties,
            version: e.version,
            text: e.text,
            cleared: new Map(e.parties.map((c) => [c, e.version])),
            releasedAt: e.t,
          });
        break;
      }
      case "objective.rated":
        this.ratings.set(e.objective, { rating: e.rating, note: e.note });
        break;
      case "improvement.added":
        this.improvements++;
        break;
      case "timeline.shifted":
        for (const id of e.injects) this.shifts.set(id, (this.shifts.get(id) ?? 0) + e.deltaS);
        break;
      default:
        break;
    }
  }

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }
}

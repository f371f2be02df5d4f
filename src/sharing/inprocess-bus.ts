/**
 * The in-process Transport: every node of an exercise in one process, joined by a simulated network
 * that runs in VIRTUAL time on a Scheduler passed in (no timers, no wall clock; every random draw
 * from the seeded Rng passed in, so a run is reproducible).
 *
 * Network model
 * - Links are directed (KOR>USA is not USA>KOR), each with a latency distribution, a loss
 *   probability and outage windows. A link not configured uses `defaultLink`.
 * - Routing follows the policy: a flow with `via` (KOR→JPN via USA) crosses two links, KOR>USA then
 *   USA>JPN, and the hub stores and forwards it; other flows take the direct link.
 * - Ordering: each link is FIFO — a message never overtakes an earlier one on the same link (its
 *   arrival is at least the previous arrival), so messages on one path arrive in publish order.
 * - Outages: a message that would depart while its link is down waits at the sending end and departs
 *   when the outage ends (store and forward, like a NATS leaf or the hub's stream); it is NOT lost.
 *   The outage state is taken at departure: a message already in flight when an outage starts
 *   still arrives.
 * - Loss: each crossing of a link is lost with the link's probability. With lossMode "drop" (the
 *   default) a lost message is gone — it models a path with no retransmission and is counted in
 *   `stats().lost`. With lossMode "retransmit" the sending end resends it every
 *   `retransmitAfterS` until it gets through, which models a reliable link layer: the message and
 *   everything behind it on the link are delayed (head-of-line blocking), never lost or reordered.
 * - Delivery is at least once: a message reaching a destination inbox is held there until the
 *   node's handler acks it; unacked messages are redelivered every `ackWaitS`, and after `nak()`
 *   after `nakDelayS`. Messages that arrive while nobody subscribes wait for the next subscription.
 *   Messages are delivered to the handler in inbox-arrival order.
 *
 * Refusals mirror the NATS account rules: a node may only publish with its own nation as origin, and
 * only on flows and kinds the policy allows; anything else rejects with TransportRefusedError.
 */
import type { Rng } from "../core/rng.ts";
import type { NationCode } from "../world/nation.ts";
import { allowedFlows, type Flow, type Policy } from "./policy.ts";
import {
  type InboundMessage,
  type InboxHandler,
  type InboxSubscription,
  type PublishAck,
  type PublishOptions,
  parseShareSubject,
  type Transport,
  TransportRefusedError,
} from "./transport.ts";
import type { Scheduler } from "./virtual-scheduler.ts";

export type LatencyModel =
  | { readonly kind: "fixed"; readonly s: number }
  | { readonly kind: "uniform"; readonly minS: number; readonly maxS: number }
  /** median·exp(σ·N(0,1)): the long right tail of real network paths. */
  | { readonly kind: "lognormal"; readonly medianS: number; readonly sigma: number }
  /** minS + Exp(mean meanExtraS): a floor (propagation) plus random queueing. */
  | { readonly kind: "shifted-exponential"; readonly minS: number; readonly meanExtraS: number };

export interface OutageWindow {
  readonly startS: number;
  readonly endS: number;
}

export interface LinkConfig {
  readonly latency: LatencyModel;
  /** Probability 0..1 that one crossing of the link is lost (default 0). */
  readonly loss?: number;
  readonly outages?: readonly OutageWindow[];
}

export type LinkName = `${NationCode}>${NationCode}`;

export interface InProcessBusOptions {
  readonly policy: Policy;
  readonly scheduler: Scheduler;
  readonly rng: Rng;
  readonly links?: Partial<Record<LinkName, LinkConfig>>;
  /** Used for links not in `links` (default: fixed 20 ms, no loss, no outage). */
  readonly defaultLink?: LinkConfig;
  /** Redelivery delay of an unacked message, s (default 5). */
  readonly ackWaitS?: number;
  /** Redelivery delay after nak(), s (default 1). */
  readonly nakDelayS?: number;
  readonly lossMode?: "drop" | "retransmit";
  /** Resend delay of a lost crossing in "retransmit" mode, s (default 1). */
  readonly retransmitAfterS?: number;
}

export interface LinkStats {
  sent: number;
  lost: number;
  delayedByOutage: number;
}

export interface BusStats {
  published: number;
  refused: number;
  duplicates: number;
  lost: number;
  arrived: number;
  delivered: number;
  redelivered: number;
  acked: number;
  links: Record<string, LinkStats>;
}

interface Queued {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly msgId: string;
  readonly publishedAt: number;
  deliveries: number;
  acked: boolean;
  /** Bumped on every delivery so a stale ack-wait timer does nothing. */
  attempt: number;
}

interface Inbox {
  readonly nation: NationCode;
  handler?: InboxHandler;
  /** Arrived, not yet acked, in arrival order. */
  readonly pending: Queued[];
}

function checkLink(name: string, c: LinkConfig): void {
  const bad = (why: string) => {
    throw new Error(`in-process bus: link ${name}: ${why}`);
  };
  const l = c.latency;
  const nonneg = (x: number, what: string) => {
    if (!Number.isFinite(x) || x < 0) bad(`${what} must be a finite number ≥ 0, got ${x}`);
  };
  if (l.kind === "fixed") nonneg(l.s, "latency.s");
  else if (l.kind === "uniform") {
    nonneg(l.minS, "latency.minS");
    nonneg(l.maxS, "latency.maxS");
    if (l.maxS < l.minS) bad("latency.maxS < latency.minS");
  } else if (l.kind === "lognormal") {
    nonneg(l.medianS, "latency.medianS");
    nonneg(l.sigma, "latency.sigma");
  } else if (l.kind === "shifted-exponential") {
    nonneg(l.minS, "latency.minS");
    nonneg(l.meanExtraS, "latency.meanExtraS");
  } else bad(`unknown latency kind ${(l as { kind: string }).kind}`);
  if (c.loss !== undefined && !(c.loss >= 0 && c.loss <= 1)) bad(`loss must be in [0, 1], got ${c.loss}`);
  for (const o of c.outages ?? [])
    if (!(Number.isFinite(o.startS) && Number.isFinite(o.endS) && o.endS >= o.startS))
      bad(`outage [${o.startS}, ${o.endS}] is not a finite window with end ≥ start`);
}

export class InProcessBus {
  private readonly flows: Flow[];
  private readonly inboxes = new Map<NationCode, Inbox>();
  private readonly linkRng = new Map<string, Rng>();
  private readonly lastDeparture = new Map<string, number>();
  private readonly lastArrival = new Map<string, number>();
  private readonly msgIds = new Set<string>();
  private readonly s: BusStats = {
    published: 0,
    refused: 0,
    duplicates: 0,
    lost: 0,
    arrived: 0,
    delivered: 0,
    redelivered: 0,
    acked: 0,
    links: {},
  };

  constructor(private readonly opts: InProcessBusOptions) {
    this.flows = allowedFlows(opts.policy);
    const all = [...Object.entries(opts.links ?? {}), ["default", opts.defaultLink] as const];
    for (const [name, c] of all) {
      if (!c) continue;
      checkLink(name, c as LinkConfig);
      if (opts.lossMode === "retransmit" && ((c as LinkConfig).loss ?? 0) >= 1)
        throw new Error(
          `in-process bus: link ${name}: loss 1 with lossMode "retransmit" would never deliver`,
        );
    }
    if (opts.retransmitAfterS !== undefined && !(opts.retransmitAfterS > 0))
      throw new Error(`in-process bus: retransmitAfterS must be > 0, got ${opts.retransmitAfterS}`);
  }

  /** One nation's connection. */
  connect(nation: NationCode): Transport {
    return new InProcessTransport(this, nation);
  }

  stats(): BusStats {
    return structuredClone(this.s);
  }

  /** Messages waiting (arrived, unacked) in a nation's inbox. */
  pendingFor(nation: NationCode): number {
    return this.inboxes.get(nation)?.pending.length ?? 0;
  }

  /** @internal */
  publishFrom(
    nation: NationCode,
    subject: string,
    data: Uint8Array,
    opts: PublishOptions,
  ): Promise<PublishAck> {
    const sub = parseShareSubject(subject);
    const refuse = (why: string) => {
      this.s.refused++;
      return Promise.reject(new TransportRefusedError(`publish on ${subject} refused: ${why}`, subject));
    };
    if (!sub) return refuse("not a sharing subject");
    if (sub.origin !== nation) return refuse(`${nation} may only publish as ${nation}`);
    const flow = this.flows.find((f) => f.origin === sub.origin && f.destination === sub.destination);
    if (!flow?.kinds.includes(sub.kind))
      return refuse(`the policy has no ${sub.kind} flow ${sub.origin} → ${sub.destination}`);
    if (this.msgIds.has(opts.msgId)) {
      this.s.duplicates++;
      return Promise.resolve({ subject, duplicate: true });
    }
    this.msgIds.add(opts.msgId);
    this.s.published++;
    const now = this.opts.scheduler.now();
    const q: Queued = {
      subject,
      data,
      msgId: opts.msgId,
      publishedAt: now,
      deliveries: 0,
      acked: false,
      attempt: 0,
    };
    const path: NationCode[] = flow.via
      ? [sub.origin, flow.via, sub.destination]
      : [sub.origin, sub.destination];
    this.hop(q, path, 0, now);
    return Promise.resolve({ subject, duplicate: false });
  }

  /** Sends `q` across link path[i]→path[i+1], departing no earlier than `t`. */
  private hop(q: Queued, path: readonly NationCode[], i: number, t: number): void {
    const name = `${path[i]}>${path[i + 1]}` as LinkName;
    const cfg = this.opts.links?.[name] ?? this.opts.defaultLink ?? { latency: { kind: "fixed", s: 0.02 } };
    if (!this.s.links[name]) this.s.links[name] = { sent: 0, lost: 0, delayedByOutage: 0 };
    const ls = this.s.links[name];
    // FIFO at the sending end: never depart before the previous message on this link.
    let depart = Math.max(t, this.lastDeparture.get(name) ?? Number.NEGATIVE_INFINITY);
    const outages = cfg.outages ?? [];
    const afterOutages = (d: number): number => {
      for (let moved = true; moved; ) {
        moved = false;
        for (const o of outages)
          if (d >= o.startS && d < o.endS) {
            d = o.endS;
            moved = true;
          }
      }
      return d;
    };
    // Counted when the message reached the link while it was down (not when it merely queues behind one).
    if (afterOutages(t) > t) ls.delayedByOutage++;
    depart = afterOutages(depart);
    const rng = this.rngFor(name);
    const loss = cfg.loss ?? 0;
    ls.sent++;
    if (loss > 0 && rng.uniform() < loss) {
      ls.lost++;
      if ((this.opts.lossMode ?? "drop") === "drop") {
        this.lastDeparture.set(name, depart);
        this.s.lost++;
        return;
      }
      // Reliable link layer: resend after retransmitAfterS until a crossing gets through. Computed
      // now, in publish order, so later messages queue behind it and the link stays FIFO.
      for (;;) {
        depart = afterOutages(depart + (this.opts.retransmitAfterS ?? 1));
        ls.sent++;
        if (rng.uniform() >= loss) break;
        ls.lost++;
      }
    }
    this.lastDeparture.set(name, depart);
    const arrive = Math.max(depart + this.sampleLatency(cfg.latency, rng), this.lastArrival.get(name) ?? 0);
    this.lastArrival.set(name, arrive);
    this.opts.scheduler.at(arrive, () => {
      if (i + 2 < path.length) this.hop(q, path, i + 1, this.opts.scheduler.now());
      else this.arrive(path[i + 1], q);
    });
  }

  private sampleLatency(l: LatencyModel, rng: Rng): number {
    switch (l.kind) {
      case "fixed":
        return l.s;
      case "uniform":
        return l.minS + (l.maxS - l.minS) * rng.uniform();
      case "lognormal":
        return l.medianS * Math.exp(l.sigma * rng.normal());
      case "shifted-exponential":
        return l.minS + (l.meanExtraS > 0 ? rng.exponential(1 / l.meanExtraS) : 0);
    }
  }

  private rngFor(link: string): Rng {
    let r = this.linkRng.get(link);
    if (!r) {
      r = this.opts.rng.fork(`link:${link}`);
      this.linkRng.set(link, r);
    }
    return r;
  }

  private inbox(nation: NationCode): Inbox {
    let ib = this.inboxes.get(nation);
    if (!ib) {
      ib = { nation, pending: [] };
      this.inboxes.set(nation, ib);
    }
    return ib;
  }

  private arrive(dest: NationCode, q: Queued): void {
    this.s.arrived++;
    const ib = this.inbox(dest);
    ib.pending.push(q);
    if (ib.handler) this.deliver(ib, q);
  }

  private deliver(ib: Inbox, q: Queued): void {
    const handler = ib.handler;
    if (!handler || q.acked) return;
    q.deliveries++;
    q.attempt++;
    const attempt = q.attempt;
    if (q.deliveries > 1) this.s.redelivered++;
    else this.s.delivered++;
    let settled = false;
    const sched = this.opts.scheduler;
    const msg: InboundMessage = {
      subject: q.subject,
      data: q.data,
      deliveryCount: q.deliveries,
      ack: () => {
        if (settled || q.acked) return;
        settled = true;
        q.acked = true;
        this.s.acked++;
        const k = ib.pending.indexOf(q);
        if (k >= 0) ib.pending.splice(k, 1);
      },
      nak: () => {
        if (settled || q.acked) return;
        settled = true;
        sched.at(sched.now() + (this.opts.nakDelayS ?? 1), () => {
          if (q.attempt === attempt) this.deliver(ib, q);
        });
      },
    };
    sched.at(sched.now() + (this.opts.ackWaitS ?? 5), () => {
      if (!q.acked && !settled && q.attempt === attempt) this.deliver(ib, q);
    });
    try {
      const r = handler(msg);
      if (r && typeof (r as Promise<void>).catch === "function")
        (r as Promise<void>).catch(() => {
          /* an unacked message is redelivered after ackWait; nothing else to do */
        });
    } catch {
      // Same as above: the handler failed, the message stays unacked and comes back.
    }
  }

  /** @internal */
  subscribe(nation: NationCode, handler: InboxHandler): InboxSubscription {
    const ib = this.inbox(nation);
    if (ib.handler) throw new Error(`in-process bus: ${nation} inbox already has a subscriber`);
    ib.handler = handler;
    // Deliver the backlog in arrival order, as the next events at the current time.
    const backlog = [...ib.pending];
    const sched = this.opts.scheduler;
    sched.at(sched.now(), () => {
      for (const q of backlog) if (ib.handler === handler) this.deliver(ib, q);
    });
    return {
      unsubscribe: async () => {
        if (ib.handler === handler) ib.handler = undefined;
        // Unacked messages stay pending; bump attempts so old ack-wait timers do not redeliver.
        for (const q of ib.pending) q.attempt++;
      },
    };
  }
}

class InProcessTransport implements Transport {
  private closed = false;
  private readonly subs: InboxSubscription[] = [];

  constructor(
    private readonly bus: InProcessBus,
    readonly nation: NationCode,
  ) {}

  publish(subject: string, data: Uint8Array, opts: PublishOptions): Promise<PublishAck> {
    if (this.closed) return Promise.reject(new Error(`${this.nation} transport is closed`));
    return this.bus.publishFrom(this.nation, subject, data, opts);
  }

  async subscribeInbox(handler: InboxHandler): Promise<InboxSubscription> {
    if (this.closed) throw new Error(`${this.nation} transport is closed`);
    const s = this.bus.subscribe(this.nation, handler);
    this.subs.push(s);
    return s;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.subs) await s.unsubscribe();
    this.subs.length = 0;
  }
}

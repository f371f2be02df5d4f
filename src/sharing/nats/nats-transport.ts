/**
 * The NATS implementation of Transport (../transport.ts): one national node's connection to its
 * nation's leaf server, publishing through JetStream into the destination's inbox stream on the hub
 * and consuming its own nation's inbox stream.
 *
 * Where the inbox lives, and why: INBOX_<NATION> is a file-backed JetStream stream in the
 * destination nation's account on the hub (domain "hub"), capturing `share.*.rel.<NATION>.*`. Other
 * nations' messages reach it through the per-flow service imports generated from the policy
 * (config.ts), and the stream's PubAck travels back to the publisher. Because the stream is on the
 * hub, it keeps collecting while the destination's leaf or its link is down; the node's durable
 * consumer (one per node, explicit acks) resumes where it stopped once the leaf is back, so the
 * backlog drains in stream order. Leaves run no JetStream at all.
 *
 * Retention is by interest: a message stays until every node's durable consumer has acked it (or
 * for at most 7 days), so the stream holds the backlog, not the history. With limits retention the
 * stream kept every message for 7 days, bounded only by the hub's file-store limit (4 GiB: about
 * 70 minutes of 1,000 messages of 1 KB a second), and the tail of publish → delivery latency was
 * twice as long (p99 18–24 ms against 9–11 ms at 10,000 items/s in frames, ready bytes, 2 cores;
 * the stalls come from the file store: they stay on tmpfs and go with memory storage). An
 * interest stream drops, PubAck and all, whatever arrives while it has no consumer, so the inbox is
 * created closed (capturing a subject no one publishes on) and opened only once a consumer exists:
 * connect() makes the node's durable consumer first. Until a nation's first node has connected,
 * publishers to it get no PubAck and retry, and nothing acknowledged is lost. A node id that never
 * comes back holds its nation's messages for 7 days, as limits retention did.
 *
 * Guarantees:
 * - publish() resolves only once the inbox stream has stored the message (PubAck). While the hub,
 *   the link or the destination's stream is unavailable it retries with capped exponential backoff
 *   (forever unless giveUpAfterMs is set). Every attempt carries the same `Nats-Msg-Id` (the frame's
 *   id, derived from its items' envelope ids; unframed: the envelope id), so a retry after a lost
 *   PubAck is recognised by the stream as a duplicate (duplicate window 15 min).
 * - Frames (frame.ts, default): the publishes on one subject within one turn of the event loop go
 *   as one JetStream message — one publish, PubAck, Nats-Msg-Id, delivery and ack for all of them —
 *   at most maxFrameItems items and maxFrameBytes bytes each (a turn's excess goes in further
 *   frames). Each publish() still resolves on its frame's PubAck. On the inbox side each item of a
 *   frame is handed to the handler as its own message (see deliverFrame).
 * - Publishes are pipelined, never serialised on their PubAcks: callers may have many publish()
 *   calls outstanding, up to maxInFlight (default 1024) awaiting a PubAck, beyond which publish()
 *   waits for a slot. All PubAcks come back on one reply subscription of the connection.
 * - A subject the policy or the servers do not allow is refused (TransportRefusedError), never retried.
 * - The connection reconnects forever with capped exponential backoff.
 * - Inbox delivery is at least once from JetStream; this transport also suppresses redelivery of a
 *   message the handler already acked (by stream sequence; a redelivery happens when the hub dies
 *   before it persisted the ack), so within a transport's lifetime the handler sees each stored
 *   message once. Across process restarts the receiver's own idempotence covers the rest.
 * - Acks are sent together at the end of each turn of the event loop (one socket write for all the
 *   messages handled in that turn).
 * - Ordering: messages are handed to the handler one at a time in stream order. A publisher that
 *   pipelines publishes and has to retry during a hub outage may store its in-flight messages out
 *   of order; the receiver is idempotent and order-independent on (origin, track, update sequence).
 *
 * Durability of nats-server 2.9 (no sync_interval): a process crash loses no acknowledged message;
 * an operating-system crash may lose up to about two minutes of acknowledged stream data.
 */
import {
  AckPolicy,
  type Consumer,
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from "@nats-io/jetstream";
import {
  connect,
  createInbox,
  headers,
  type Msg,
  type NatsConnection,
  nanos,
  PermissionViolationError,
  type Subscription,
} from "@nats-io/transport-node";
import type { NationCode } from "../../world/nation.ts";
import { allowedFlows, type Policy, RELEASABLE_TO } from "../policy.ts";
import {
  type InboundMessage,
  type InboxHandler,
  type InboxSubscription,
  inboxFilter,
  ParsedWire,
  type PublishAck,
  type PublishOptions,
  parseShareSubject,
  type ShareSubject,
  shareSubject,
  type Transport,
  TransportRefusedError,
} from "../transport.ts";
import { HUB_JS_DOMAIN, inboxStreamName } from "./config.ts";
import {
  DEFAULT_MAX_PAYLOAD,
  decodeFrame,
  encodeFrame,
  FRAME_OVERHEAD,
  type FrameItem,
  frameId,
  frameItemBytes,
  isFrame,
  MAX_FRAME_ITEMS,
} from "./frame.ts";

export interface NatsTransportOptions {
  readonly nation: NationCode;
  /** This node's id; names its durable inbox consumer. Letters, digits, _ and -. */
  readonly nodeId: string;
  /** The nation's leaf server(s). */
  readonly servers: string | string[];
  readonly user?: string;
  readonly pass?: string;
  /** When given, publishes outside the policy's flows are refused locally before reaching NATS. */
  readonly policy?: Policy;
  /** Wait for one PubAck before retrying (ms, default 2000). */
  readonly attemptTimeoutMs?: number;
  /**
   * Publishes whose PubAck is outstanding at most (default 1024); further publish() calls wait for
   * a slot, so a producer faster than the fabric is slowed down instead of queueing without bound.
   */
  readonly maxInFlight?: number;
  /** Cap of the retry backoff for publishes and reconnects (ms, default 1000). */
  readonly maxBackoffMs?: number;
  /** Give up a publish after this long (ms, default: never). */
  readonly giveUpAfterMs?: number;
  /** Give up connecting / preparing the inbox at start after this long (ms, default 30 s). */
  readonly startTimeoutMs?: number;
  /** Unacked messages the server lets this node hold (default 1000). */
  readonly maxAckPending?: number;
  /** Redeliver a message not acked within this time (ms, default 30 s). */
  readonly ackWaitMs?: number;
  /** Lifetime of one pull request of the inbox consumer (ms, default 5000, minimum 1000). */
  readonly pullExpiresMs?: number;
  /** Server heartbeat while a pull waits (ms, default 1000); two missed ones restart the pull. */
  readonly idleHeartbeatMs?: number;
  /** Where diagnostic lines go (default: nowhere). */
  readonly log?: (line: string) => void;
  /**
   * Frames (frame.ts): publishes on the same subject within one turn of the event loop travel as
   * one JetStream message (default true). False: one JetStream message per publish, as before.
   * Inbound frames are unpacked either way.
   */
  readonly framing?: boolean;
  /** Most items in one frame (default 256, at most MAX_FRAME_ITEMS). */
  readonly maxFrameItems?: number;
  /**
   * Largest frame, bytes (default: the server's max_payload, 1 MiB in the generated configs, less
   * 4 KiB for the protocol line and headers). A turn's items beyond it go in further frames.
   */
  readonly maxFrameBytes?: number;
  /** Called once per inbound frame rejected whole (malformed, or an item not for its subject). */
  readonly onFrameRejected?: (reason: FrameRejectReason, detail: string, subject: string) => void;
}

export type FrameRejectReason = "malformed-frame" | "frame-subject-mismatch";

/** An inbox message with the NATS details the generic interface leaves out. */
export interface NatsInboundMessage extends InboundMessage {
  /** The envelope id the publisher gave publish() (Nats-Msg-Id when unframed; in its frame otherwise). */
  readonly msgId: string | undefined;
  /** Position in the inbox stream (strictly increasing in storage order; shared by a frame's items). */
  readonly streamSequence: number;
  /** Index of the item in its frame (0 for an unframed message). */
  readonly frameIndex: number;
  /** Items in the frame this message came in (1 for an unframed message). */
  readonly frameSize: number;
}

export interface NatsTransportStats {
  /** Messages (envelopes) whose publish was acknowledged, framed or not. */
  published: number;
  /** JetStream messages published that were frames, and the items they carried. */
  framesPublished: number;
  framedItemsPublished: number;
  publishRetries: number;
  duplicatesAtStream: number;
  refused: number;
  /** Messages (envelopes) handed to the inbox handler, framed or not. */
  delivered: number;
  /** Inbound frames unpacked, and frames rejected whole (by reason). */
  framesDelivered: number;
  framesRejected: Record<FrameRejectReason, number>;
  redeliveriesSuppressed: number;
  disconnects: number;
  reconnects: number;
}

interface JsPubAck {
  readonly stream: string;
  readonly duplicate: boolean;
}

/** A frame being filled during the current turn of the event loop. */
interface OpenFrame {
  readonly subject: string;
  readonly expectedStream: string;
  readonly items: FrameItem[];
  bytes: number;
  readonly waiters: { resolve(ack: PublishAck): void; reject(err: unknown): void }[];
}

interface PendingPubAck {
  readonly subject: string;
  readonly deadline: number;
  resolve(ack: JsPubAck): void;
  reject(err: unknown): void;
}

const DUPLICATE_WINDOW_MS = 15 * 60_000;
const INBOX_MAX_AGE_MS = 7 * 24 * 3600_000;
/** How many acked stream sequences are remembered to suppress redeliveries. */
const ACKED_MEMORY = 200_000;
const NODE_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Item ids a frame can carry (frame.ts); other ids are published unframed. */
const FRAMEABLE_ID = /^[\x21-\x7e]{1,255}$/;
/** How many partly acked frames are remembered (see deliverFrame). */
const FRAME_STATES = 10_000;
/** Room left in max_payload for the protocol line and headers of a frame. */
const FRAME_HEADROOM = 4096;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function errorChain(err: unknown): Error[] {
  const out: Error[] = [];
  let e: unknown = err;
  while (e instanceof Error && out.length < 8) {
    out.push(e);
    e = (e as { cause?: unknown }).cause;
  }
  return out;
}

function isPermissionError(err: unknown): boolean {
  return errorChain(err).some(
    (e) => e.name === "PermissionViolationError" || /Permissions Violation/i.test(e.message),
  );
}

export class NatsTransport implements Transport {
  readonly nation: NationCode;
  readonly nodeId: string;
  readonly stats: NatsTransportStats = {
    published: 0,
    framesPublished: 0,
    framedItemsPublished: 0,
    publishRetries: 0,
    duplicatesAtStream: 0,
    refused: 0,
    delivered: 0,
    framesDelivered: 0,
    framesRejected: { "malformed-frame": 0, "frame-subject-mismatch": 0 },
    redeliveriesSuppressed: 0,
    disconnects: 0,
    reconnects: 0,
  };
  private readonly nc: NatsConnection;
  private readonly js: JetStreamClient;
  private readonly allowed?: ReadonlySet<string>;
  private readonly opts: NatsTransportOptions;
  private readonly acked = new Set<number>();
  private readonly subscriptions = new Set<ConsumerMessages>();
  /** Outstanding JetStream publishes by reply token (see publishOnce). */
  private readonly pubAcks = new Map<string, PendingPubAck>();
  private pubAckPrefix: string | undefined;
  private pubAckSub: Subscription | undefined;
  private pubAckSweep: NodeJS.Timeout | undefined;
  private pubToken = 0;
  private inFlight = 0;
  private readonly slotWaiters: (() => void)[] = [];
  /** Acks given by handlers in this turn of the event loop, sent together at its end. */
  private pendingAcks: JsMsg[] = [];
  private ackFlush: NodeJS.Immediate | undefined;
  /** Frames being filled in this turn, by subject; sent together at its end. */
  private readonly openFrames = new Map<string, OpenFrame>();
  private frameFlush: NodeJS.Immediate | undefined;
  private readonly framing: boolean;
  private readonly maxFrameItems: number;
  private readonly maxFrameBytes: number;
  /** Inbound frames not yet fully acked: stream sequence → 1 for each item already acked. */
  private readonly frameStates = new Map<number, Uint8Array>();
  private closed = false;

  private constructor(opts: NatsTransportOptions, nc: NatsConnection, js: JetStreamClient) {
    this.opts = opts;
    this.nation = opts.nation;
    this.nodeId = opts.nodeId;
    this.nc = nc;
    this.js = js;
    this.framing = opts.framing ?? true;
    this.maxFrameItems = Math.max(1, Math.min(MAX_FRAME_ITEMS, opts.maxFrameItems ?? 256));
    this.maxFrameBytes = Math.max(
      FRAME_OVERHEAD + 1,
      opts.maxFrameBytes ?? (nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD) - FRAME_HEADROOM,
    );
    if (opts.policy) {
      const allowed = new Set<string>();
      for (const f of allowedFlows(opts.policy))
        if (f.origin === opts.nation)
          for (const k of f.kinds) allowed.add(shareSubject(f.origin, f.destination, k));
      this.allowed = allowed;
    }
    void this.watchStatus();
  }

  /** Connects to the nation's leaf and makes sure the nation's inbox stream exists on the hub. */
  static async connect(opts: NatsTransportOptions): Promise<NatsTransport> {
    if (!NODE_ID.test(opts.nodeId))
      throw new Error(`nodeId must be 1-64 letters, digits, _ or -, got "${opts.nodeId}"`);
    const maxBackoff = opts.maxBackoffMs ?? 1000;
    let reconnectAttempt = 0;
    const nc = await connect({
      servers: opts.servers,
      user: opts.user,
      pass: opts.pass,
      name: `allylink-${opts.nation}-${opts.nodeId}`,
      reconnect: true,
      maxReconnectAttempts: -1,
      waitOnFirstConnect: true,
      // Capped exponential backoff with jitter; the attempt counter resets on every reconnect.
      reconnectDelayHandler: () => {
        reconnectAttempt++;
        const base = Math.min(maxBackoff, 50 * 2 ** Math.min(reconnectAttempt, 10));
        return base / 2 + (Math.random() * base) / 2;
      },
      pingInterval: 5_000,
      maxPingOut: 2,
      timeout: opts.startTimeoutMs ?? 30_000,
      // Without this the client builds two Error objects (with stack traces) per request so that a
      // later timeout can show the caller's stack; at thousands of publishes a second that was a
      // fifth of the client's CPU. Our errors name the subject and message id instead.
      noAsyncTraces: true,
    });
    (async () => {
      for await (const s of nc.status()) if (s.type === "reconnect") reconnectAttempt = 0;
    })().catch(() => {});
    const deadline = Date.now() + (opts.startTimeoutMs ?? 30_000);
    let delay = 50;
    for (;;) {
      try {
        const jsm = await jetstreamManager(nc, {
          domain: HUB_JS_DOMAIN,
          timeout: opts.attemptTimeoutMs ?? 2000,
        });
        const js = jetstream(nc, { domain: HUB_JS_DOMAIN, timeout: opts.attemptTimeoutMs ?? 2000 });
        // The node's durable consumer exists before its nation's inbox opens (see the header).
        const inbox = await ensureInboxStream(jsm, opts.nation);
        await ensureInboxConsumer(jsm, opts.nation, inboxConsumerConfig(opts));
        await openInboxStream(jsm, opts.nation, inbox);
        return new NatsTransport(opts, nc, js);
      } catch (err) {
        if (Date.now() > deadline || isPermissionError(err)) {
          await nc.close().catch(() => {});
          throw new Error(
            `NATS ${opts.nation}/${opts.nodeId}: cannot reach the hub's JetStream through ${String(opts.servers)}: ${(err as Error).message}`,
          );
        }
        await sleep(delay);
        delay = Math.min(delay * 2, maxBackoff);
      }
    }
  }

  async publish(subject: string, data: Uint8Array, opts: PublishOptions): Promise<PublishAck> {
    const s = parseShareSubject(subject);
    if (!s) {
      this.stats.refused++;
      throw new TransportRefusedError(`"${subject}" is not a sharing subject`, subject);
    }
    if (s.origin !== this.nation) {
      this.stats.refused++;
      throw new TransportRefusedError(
        `${this.nation} may not publish on ${subject}: its origin is ${s.origin}`,
        subject,
      );
    }
    if (this.allowed && !this.allowed.has(subject)) {
      this.stats.refused++;
      throw new TransportRefusedError(
        `the policy has no flow ${s.origin}→${s.destination} for ${s.kind} (${subject})`,
        subject,
      );
    }
    const expectedStream = inboxStreamName(s.destination);
    await this.takeSlot();
    try {
      if (this.framing && FRAMEABLE_ID.test(opts.msgId)) {
        const size = frameItemBytes(opts.msgId, data);
        if (FRAME_OVERHEAD + size <= this.maxFrameBytes)
          return await this.enqueueFramed(subject, expectedStream, { msgId: opts.msgId, data }, size);
      }
      const ack = await this.publishWithRetries(subject, data, opts.msgId, expectedStream);
      this.stats.published++;
      return { subject, duplicate: ack.duplicate };
    } finally {
      this.releaseSlot();
    }
  }

  /**
   * Adds an item to this turn's frame for its subject (a full frame — maxFrameItems items or
   * maxFrameBytes bytes — is sent at once and a new one started); resolves on the frame's PubAck.
   */
  private enqueueFramed(
    subject: string,
    expectedStream: string,
    item: FrameItem,
    size: number,
  ): Promise<PublishAck> {
    return new Promise<PublishAck>((resolve, reject) => {
      let f = this.openFrames.get(subject);
      if (f && (f.items.length >= this.maxFrameItems || f.bytes + size > this.maxFrameBytes)) {
        this.openFrames.delete(subject);
        this.sendFrame(f);
        f = undefined;
      }
      if (!f) {
        f = { subject, expectedStream, items: [], bytes: FRAME_OVERHEAD, waiters: [] };
        this.openFrames.set(subject, f);
      }
      f.items.push(item);
      f.bytes += size;
      f.waiters.push({ resolve, reject });
      // End of this turn: after every callback already due, so no timer delay is added.
      this.frameFlush ??= setImmediate(() => this.flushFrames());
    });
  }

  /** Sends every frame filled in this turn. */
  private flushFrames(): void {
    if (this.frameFlush) clearImmediate(this.frameFlush);
    this.frameFlush = undefined;
    if (this.openFrames.size === 0) return;
    const frames = [...this.openFrames.values()];
    this.openFrames.clear();
    for (const f of frames) this.sendFrame(f);
  }

  /**
   * Publishes one frame: one JetStream message, one PubAck, Nats-Msg-Id derived from its items (so
   * every retry is the same bytes under the same id and the stream stores it once).
   */
  private sendFrame(f: OpenFrame): void {
    let bytes: Buffer;
    let id: string;
    try {
      bytes = encodeFrame(f.items);
      id = frameId(f.items);
    } catch (err) {
      for (const w of f.waiters) w.reject(err);
      return;
    }
    this.publishWithRetries(f.subject, bytes, id, f.expectedStream).then(
      (ack) => {
        this.stats.framesPublished++;
        this.stats.framedItemsPublished += f.items.length;
        this.stats.published += f.items.length;
        const r: PublishAck = { subject: f.subject, duplicate: ack.duplicate };
        for (const w of f.waiters) w.resolve(r);
      },
      (err) => {
        for (const w of f.waiters) w.reject(err);
      },
    );
  }

  private async publishWithRetries(
    subject: string,
    data: Uint8Array,
    msgId: string,
    expectedStream: string,
  ): Promise<JsPubAck> {
    const start = Date.now();
    const maxBackoff = this.opts.maxBackoffMs ?? 1000;
    let delay = 25;
    for (;;) {
      if (this.closed) throw new Error(`NATS transport ${this.nation}/${this.nodeId} is closed`);
      try {
        const ack = await this.publishOnce(subject, data, msgId);
        if (ack.stream !== expectedStream) {
          // Something other than the destination's inbox answered: a misconfigured account.
          this.stats.refused++;
          throw new TransportRefusedError(
            `${subject} was stored by stream ${ack.stream}, not ${expectedStream}`,
            subject,
          );
        }
        if (ack.duplicate) this.stats.duplicatesAtStream++;
        return ack;
      } catch (err) {
        if (err instanceof TransportRefusedError) throw err;
        if (isPermissionError(err)) {
          this.stats.refused++;
          throw new TransportRefusedError(`NATS refused ${subject}: ${(err as Error).message}`, subject);
        }
        const giveUp = this.opts.giveUpAfterMs;
        if (giveUp !== undefined && Date.now() - start > giveUp)
          throw new Error(
            `NATS publish of ${msgId} on ${subject} not acknowledged after ${giveUp} ms: ${(err as Error).message}`,
          );
        this.stats.publishRetries++;
        await sleep(delay);
        delay = Math.min(delay * 2, maxBackoff);
      }
    }
  }

  /** Waits for one of maxInFlight publish slots (undefined: taken at once). */
  private takeSlot(): Promise<void> | undefined {
    if (this.inFlight < (this.opts.maxInFlight ?? 1024)) {
      this.inFlight++;
      return undefined;
    }
    return new Promise<void>((resolve) => this.slotWaiters.push(resolve));
  }

  /** Frees a slot, or hands it straight to the oldest waiting publish. */
  private releaseSlot(): void {
    const next = this.slotWaiters.shift();
    if (next) next();
    else this.inFlight--;
  }

  /**
   * One JetStream publish attempt: the message with its Nats-Msg-Id header and a reply subject on
   * this connection's PubAck inbox; resolves with the stream's PubAck, rejects on a JetStream error,
   * no responders, a permission violation or after attemptTimeoutMs. This is what js.publish() does,
   * without its per-request machinery (a timer, a random token and an Error object with a stack
   * trace for every publish, which cost a sending node about a tenth of its CPU at 2,000 msg/s):
   * one subscription for all PubAcks, a counter for tokens, one sweep for timeouts.
   */
  private publishOnce(subject: string, data: Uint8Array, msgId: string): Promise<JsPubAck> {
    if (!this.pubAckPrefix) {
      const prefix = createInbox();
      this.pubAckPrefix = `${prefix}.`;
      this.pubAckSub = this.nc.subscribe(`${prefix}.*`, {
        callback: (err, m) => {
          if (!err) this.onPubAck(m);
        },
      });
      const timeout = this.opts.attemptTimeoutMs ?? 2000;
      this.pubAckSweep = setInterval(() => this.sweepPubAcks(), Math.max(10, Math.min(250, timeout / 4)));
      this.pubAckSweep.unref();
    }
    const token = (this.pubToken++).toString(36);
    const h = headers();
    h.set("Nats-Msg-Id", msgId);
    return new Promise<JsPubAck>((resolve, reject) => {
      this.pubAcks.set(token, {
        subject,
        deadline: Date.now() + (this.opts.attemptTimeoutMs ?? 2000),
        resolve,
        reject,
      });
      try {
        this.nc.publish(subject, data, { reply: this.pubAckPrefix + token, headers: h });
      } catch (err) {
        this.pubAcks.delete(token);
        reject(err);
      }
    });
  }

  private onPubAck(m: Msg): void {
    const token = m.subject.slice(this.pubAckPrefix?.length ?? 0);
    const p = this.pubAcks.get(token);
    if (!p) return; // timed out already
    this.pubAcks.delete(token);
    if (m.data.length === 0 && m.headers?.code === 503) {
      p.reject(new Error(`no responders for ${p.subject} (no stream reachable)`));
      return;
    }
    let body: { stream?: unknown; duplicate?: unknown; error?: { code?: number; description?: string } };
    try {
      body = JSON.parse(new TextDecoder().decode(m.data));
    } catch {
      p.reject(new Error(`invalid PubAck for ${p.subject}`));
      return;
    }
    if (body?.error) {
      p.reject(new Error(`JetStream refused ${p.subject}: ${body.error.description} (${body.error.code})`));
      return;
    }
    if (typeof body?.stream !== "string" || body.stream === "") {
      p.reject(new Error(`invalid PubAck for ${p.subject}`));
      return;
    }
    p.resolve({ stream: body.stream, duplicate: body.duplicate === true });
  }

  private sweepPubAcks(): void {
    const now = Date.now();
    for (const [token, p] of this.pubAcks)
      if (p.deadline <= now) {
        this.pubAcks.delete(token);
        p.reject(new Error(`no PubAck for ${p.subject} within ${this.opts.attemptTimeoutMs ?? 2000} ms`));
      }
  }

  /** A publish the servers refused (-ERR Permissions Violation): fails the oldest publish on it. */
  private onPermissionError(err: PermissionViolationError): void {
    if (err.operation !== "publish") return;
    for (const [token, p] of this.pubAcks)
      if (p.subject === err.subject) {
        this.pubAcks.delete(token);
        p.reject(err);
        return;
      }
  }

  /**
   * Consumes this nation's inbox through the node's durable consumer. The handler is called for
   * one message at a time, in stream order; a handler that throws gets the message redelivered.
   */
  async subscribeInbox(handler: InboxHandler): Promise<InboxSubscription> {
    const stream = inboxStreamName(this.nation);
    const config = inboxConsumerConfig(this.opts);
    // The hub may be briefly unreachable (restart, link coming up): retry like connect() does.
    const deadline = Date.now() + (this.opts.startTimeoutMs ?? 30_000);
    let delay = 50;
    let consumer: Consumer;
    for (;;) {
      try {
        consumer = await this.js.consumers.get(stream, config.durable_name);
        break;
      } catch (err) {
        if (this.closed || Date.now() > deadline || isPermissionError(err))
          throw new Error(
            `NATS ${this.nation}/${this.nodeId}: cannot reach inbox consumer ${config.durable_name}: ${(err as Error).message}`,
          );
        await sleep(delay);
        delay = Math.min(delay * 2, this.opts.maxBackoffMs ?? 1000);
      }
    }
    // Short pulls with frequent idle heartbeats: when the hub dies while this node's own leaf stays
    // up, the client sees no disconnect; two missed heartbeats (~2 s) make it re-issue its pull
    // after the hub is back, instead of waiting for a 30 s pull to expire.
    const messages = await consumer.consume({
      max_messages: Math.min(256, config.max_ack_pending),
      expires: this.opts.pullExpiresMs ?? 5_000,
      idle_heartbeat: this.opts.idleHeartbeatMs ?? 1_000,
    });
    this.subscriptions.add(messages);
    const log = this.opts.log;
    const done = (async () => {
      for await (const m of messages) await this.deliver(m, handler);
    })().catch((err) =>
      log?.(`NATS ${this.nation}/${this.nodeId}: inbox consumer stopped: ${(err as Error).message}`),
    );
    if (log)
      (async () => {
        for await (const s of messages.status()) {
          if (s.type !== "heartbeat" && s.type !== "next" && s.type !== "debug")
            log(`NATS ${this.nation}/${this.nodeId}: consumer ${s.type}`);
        }
      })().catch(() => {});
    return {
      unsubscribe: async () => {
        this.subscriptions.delete(messages);
        this.flushAcks();
        await messages.close().catch(() => {});
        await done;
      },
    };
  }

  private async deliver(m: JsMsg, handler: InboxHandler): Promise<void> {
    const seq = m.info.streamSequence;
    if (this.acked.has(seq)) {
      // Already handled and acked; the ack was lost (hub crash before it was persisted).
      this.stats.redeliveriesSuppressed++;
      m.ack();
      return;
    }
    if (isFrame(m.data)) return this.deliverFrame(m, seq, handler);
    let settled = false;
    const msg: NatsInboundMessage = {
      subject: m.subject,
      data: m.data,
      deliveryCount: m.info.deliveryCount,
      msgId: m.headers?.get("Nats-Msg-Id") || undefined,
      streamSequence: seq,
      frameIndex: 0,
      frameSize: 1,
      ack: () => {
        if (settled) return;
        settled = true;
        this.rememberAcked(seq);
        this.queueAck(m);
      },
      nak: () => {
        if (settled) return;
        settled = true;
        m.nak();
      },
    };
    this.stats.delivered++;
    try {
      await handler(msg);
    } catch (err) {
      this.opts.log?.(
        `NATS ${this.nation}/${this.nodeId}: handler failed on ${m.subject}#${seq}: ${(err as Error).message}`,
      );
      msg.nak();
    }
  }

  /**
   * Unpacks a frame (frame.ts) and hands its items to the handler one at a time, in order, each as
   * its own message with its own ack/nak. The frame is acked once every item is acked; if any item
   * was nak'ed (or its handler threw) the frame is nak'ed once all are settled, and on redelivery the
   * items already acked are skipped, so the handler never sees an acked item again.
   *
   * Rejected whole, counted, logged and acked (a rejection is final): a malformed frame, and a frame
   * with an item that does not belong on the frame's subject — its header's origin or kind differs
   * from the subject's, or its label is not releasable to the subject's destination — so that a frame
   * cannot carry past the transport's subject permissions anything the subject would not allow. An
   * item that does not parse is left to the handler (the receiver rejects it alone).
   */
  private async deliverFrame(m: JsMsg, seq: number, handler: InboxHandler): Promise<void> {
    const decoded = decodeFrame(m.data);
    if (!decoded.ok) return this.rejectFrame(m, seq, "malformed-frame", decoded.error);
    const items = decoded.items;
    const sub = parseShareSubject(m.subject);
    if (!sub) return this.rejectFrame(m, seq, "frame-subject-mismatch", "not a sharing subject");
    // Each item is parsed once, here; the parse goes to the receiver with the item (msg.parsed).
    const parsed: (ParsedWire | undefined)[] = new Array(items.length);
    for (let i = 0; i < items.length; i++) {
      parsed[i] = ParsedWire.parse(items[i].data);
      const err = frameItemSubjectError(sub, parsed[i]?.doc);
      if (err)
        return this.rejectFrame(m, seq, "frame-subject-mismatch", `item ${i} (${items[i].msgId}): ${err}`);
    }
    this.stats.framesDelivered++;
    const n = items.length;
    let done = this.frameStates.get(seq);
    if (!done || done.length !== n) {
      done = new Uint8Array(n);
      this.frameStates.set(seq, done);
      if (this.frameStates.size > FRAME_STATES) {
        const oldest = this.frameStates.keys().next().value;
        if (oldest !== undefined) this.frameStates.delete(oldest);
      }
    }
    const acked = done;
    let open = n;
    let naked = false;
    const settle = (ok: boolean) => {
      if (!ok) naked = true;
      if (--open > 0) return;
      if (naked) m.nak();
      else {
        this.frameStates.delete(seq);
        this.rememberAcked(seq);
        this.queueAck(m);
      }
    };
    const deliveryCount = m.info.deliveryCount;
    for (let i = 0; i < n; i++) {
      if (acked[i] === 1) {
        this.stats.redeliveriesSuppressed++;
        settle(true);
        continue;
      }
      let settled = false;
      const msg: NatsInboundMessage = {
        subject: m.subject,
        data: items[i].data,
        parsed: parsed[i],
        deliveryCount,
        msgId: items[i].msgId,
        streamSequence: seq,
        frameIndex: i,
        frameSize: n,
        ack: () => {
          if (settled) return;
          settled = true;
          acked[i] = 1;
          settle(true);
        },
        nak: () => {
          if (settled) return;
          settled = true;
          settle(false);
        },
      };
      this.stats.delivered++;
      try {
        const r = handler(msg);
        if (r && typeof (r as Promise<void>).then === "function") await r;
      } catch (err) {
        this.opts.log?.(
          `NATS ${this.nation}/${this.nodeId}: handler failed on ${m.subject}#${seq}[${i}]: ${(err as Error).message}`,
        );
        msg.nak();
      }
    }
  }

  private rejectFrame(m: JsMsg, seq: number, reason: FrameRejectReason, detail: string): void {
    this.stats.framesRejected[reason]++;
    this.opts.log?.(
      `NATS ${this.nation}/${this.nodeId}: rejected frame ${m.subject}#${seq}: ${reason}: ${detail}`,
    );
    this.opts.onFrameRejected?.(reason, detail, m.subject);
    this.rememberAcked(seq);
    this.queueAck(m);
  }

  /**
   * Acks are sent at the end of the current turn of the event loop, all in one socket write: sent
   * one by one, each ack was its own write (the client flushes per microtask checkpoint and the
   * consumer loop hands over one message per checkpoint), a large share of a receiving node's CPU.
   * An ack delayed by one turn changes nothing else: the message is already marked as handled here,
   * and an ack that never arrives means a redelivery, which is suppressed or de-duplicated.
   */
  private queueAck(m: JsMsg): void {
    this.pendingAcks.push(m);
    this.ackFlush ??= setImmediate(() => this.flushAcks());
  }

  private flushAcks(): void {
    if (this.ackFlush) clearImmediate(this.ackFlush);
    this.ackFlush = undefined;
    const acks = this.pendingAcks;
    this.pendingAcks = [];
    for (const m of acks) m.ack();
  }

  private rememberAcked(seq: number): void {
    this.acked.add(seq);
    if (this.acked.size > ACKED_MEMORY) {
      // Sets iterate in insertion order: drop the oldest tenth.
      let drop = ACKED_MEMORY / 10;
      for (const s of this.acked) {
        this.acked.delete(s);
        if (--drop <= 0) break;
      }
    }
  }

  private async watchStatus(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (s.type === "disconnect") this.stats.disconnects++;
      else if (s.type === "reconnect") this.stats.reconnects++;
      else if (s.type === "error" && s.error instanceof PermissionViolationError)
        this.onPermissionError(s.error);
      if (s.type === "disconnect" || s.type === "reconnect" || s.type === "error")
        this.opts.log?.(`NATS ${this.nation}/${this.nodeId}: ${s.type}`);
    }
  }

  /** Waits until every message this connection has buffered has reached the leaf. */
  async flush(): Promise<void> {
    await this.nc.flush();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flushFrames();
    this.closed = true;
    this.flushAcks();
    if (this.pubAckSweep) clearInterval(this.pubAckSweep);
    for (const p of this.pubAcks.values())
      p.reject(new Error(`NATS transport ${this.nation}/${this.nodeId} is closed`));
    this.pubAcks.clear();
    this.pubAckSub?.unsubscribe();
    for (const m of this.subscriptions) await m.close().catch(() => {});
    this.subscriptions.clear();
    await this.nc.drain().catch(() => this.nc.close());
  }
}

/**
 * Why an item of a frame on subject `sub` does not belong there: its header's origin or kind is not
 * the subject's, or its label is not releasable to the subject's destination. Undefined when it
 * belongs, and when it cannot be read as an envelope at all (the receiver rejects that item alone).
 */
function frameItemSubjectError(sub: ShareSubject, parsed: unknown): string | undefined {
  // Read only: this document goes on to the receiver (ParsedWire), which must see it as parsed.
  const doc = parsed as
    | { header?: { origin?: unknown; kind?: unknown }; label?: { categories?: unknown } }
    | null
    | undefined;
  const h = doc?.header;
  const l = doc?.label;
  if (h === null || typeof h !== "object" || l === null || typeof l !== "object") return undefined;
  if (h.origin !== sub.origin) return `header origin ${String(h.origin)} on a subject of ${sub.origin}`;
  if (h.kind !== sub.kind) return `header kind ${String(h.kind)} on a subject of ${sub.kind}`;
  const rel = Array.isArray(l.categories)
    ? (l.categories as { name?: unknown; values?: unknown }[]).find((c) => c?.name === RELEASABLE_TO)
    : undefined;
  if (!rel || !Array.isArray(rel.values) || !rel.values.includes(sub.destination))
    return `label is not releasable to ${sub.destination}, the subject's destination`;
  return undefined;
}

/** What a closed inbox captures: a subject no one publishes on (see the header: interest retention). */
export function closedInboxSubject(nation: NationCode): string {
  return `allylink.inbox-closed.${nation}`;
}

/**
 * Creates a nation's inbox stream in its account on the hub, closed, or brings an existing one's
 * settings up to date without opening or closing it; returns its configuration. A stream made by an
 * older version keeps its limits retention (a stream's retention cannot change; delete it to move
 * to interest).
 */
export async function ensureInboxStream(jsm: JetStreamManager, nation: NationCode): Promise<StreamConfig> {
  const config = {
    name: inboxStreamName(nation),
    subjects: [closedInboxSubject(nation)],
    storage: StorageType.File,
    retention: RetentionPolicy.Interest,
    max_age: nanos(INBOX_MAX_AGE_MS),
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    num_replicas: 1,
  };
  let c: StreamConfig;
  try {
    c = (await jsm.streams.info(config.name)).config;
  } catch (err) {
    if (!errorChain(err).some((e) => /stream not found/i.test(e.message))) throw err;
    return (await jsm.streams.add(config)).config;
  }
  if (c.duplicate_window === config.duplicate_window && c.max_age === config.max_age) return c;
  return (
    await jsm.streams.update(config.name, {
      ...c,
      duplicate_window: config.duplicate_window,
      max_age: config.max_age,
    })
  ).config;
}

/** The durable inbox consumer of a node: one per node id, explicit acks, from the stream's start. */
function inboxConsumerConfig(opts: NatsTransportOptions) {
  return {
    durable_name: `node-${opts.nodeId}`,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(opts.ackWaitMs ?? 30_000),
    max_ack_pending: opts.maxAckPending ?? 1000,
    max_deliver: -1,
  };
}

/** Creates a node's durable inbox consumer, or brings an existing one (an older version's) up to date. */
async function ensureInboxConsumer(
  jsm: JetStreamManager,
  nation: NationCode,
  config: ReturnType<typeof inboxConsumerConfig>,
): Promise<void> {
  const stream = inboxStreamName(nation);
  try {
    await jsm.consumers.add(stream, config);
  } catch (err) {
    if (!errorChain(err).some((e) => /consumer.*(already exists|name already in use)/i.test(e.message)))
      throw err;
    await jsm.consumers.update(stream, config.durable_name, config);
  }
}

/**
 * Opens a nation's inbox, given its configuration (ensureInboxStream), so that it captures
 * `share.*.rel.<NATION>.*`; call once a consumer exists.
 */
async function openInboxStream(
  jsm: JetStreamManager,
  nation: NationCode,
  inbox: StreamConfig,
): Promise<void> {
  const subjects = [inboxFilter(nation)];
  if (inbox.subjects?.join(",") !== subjects.join(","))
    await jsm.streams.update(inbox.name, { ...inbox, subjects });
}

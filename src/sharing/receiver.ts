/**
 * The receiving side of a node. Every message off the wire goes through these checks, in this order
 * (DESIGN.md "Sharing and security model"), and stops at the first that fails:
 *
 *   1. size            bytes ≤ maxBytes                                       → "oversize"
 *   2. parse           UTF-8 JSON object (the transport's parse of exactly
 *                      this text when it made one: InboundMessage.parsed)     → "malformed"
 *   3. schema          envelope shape, then the payload against its kind's
 *                      schema and version; every number finite                → "schema"
 *   4. signature       key id pinned; the leaf hash of header+label+payload walks
 *                      its Merkle path to a batch root whose Ed25519 signature
 *                      verifies under the pinned key (batch-signature.ts)     → "unknown-key", "bad-signature"
 *   5. origin          subject origin = header origin = pinned key's nation;
 *                      subject kind = header kind; subject destination = us   → "origin-mismatch", "misrouted"
 *   6. freshness       created ≤ now + maxFutureS; now ≤ validUntil and
 *                      now − created ≤ maxAgeS                                → "future-dated", "stale"
 *      replay          sequence not seen in a window per sender node          → "replay"
 *   7. releasability   label under our policy and readable by us; the policy has a flow
 *                      origin → us for the kind; fields the flow removes are absent
 *                                                                             → "unknown-policy",
 *                      "unknown-classification", "unknown-category", "not-releasable", "not-sanitised"
 *   8. de-duplication  tracks: (track origin, track number, update sequence); others: message id
 *                                                                             → "duplicate"
 *
 * Each rejection increments a counter for its reason and writes one log line with the reason. Nothing
 * here throws on bad input.
 *
 * Signatures are batch signatures: a bad path, index, batch size or root signature is a
 * "bad-signature". Root signatures that verified are remembered in a small LRU (VerifiedRootCache,
 * keyed on key, nation, batch size, root and signature), so a batch of n envelopes costs one Ed25519
 * verification and n leaf-to-root walks of a few SHA-256 hashes. The clock is the receiver's own (passed in), in s since exercise epoch.
 */
import type { NationCode } from "../world/nation.ts";
import { VerifiedRootCache } from "./batch-signature.ts";
import { checkEnvelopeShape, type Envelope, envelopeSignatureError } from "./envelope.ts";
import type { PinnedKeySet } from "./keys.ts";
import { accessCheck, type ReaderAuthorisation, readerFor } from "./label.ts";
import type { MessageKind } from "./message-kinds.ts";
import { type BallisticTrack, validatePayload } from "./messages.ts";
import { allowedFlows, type Flow, type Policy } from "./policy.ts";
import { hasAnyPath } from "./sanitise.ts";
import {
  type InboundMessage,
  type InboxSubscription,
  ParsedWire,
  parseShareSubject,
  type ShareSubject,
  type Transport,
} from "./transport.ts";

export const REJECT_REASONS = [
  "oversize",
  "malformed",
  "schema",
  "unknown-key",
  "bad-signature",
  "origin-mismatch",
  "misrouted",
  "future-dated",
  "stale",
  "replay",
  "unknown-policy",
  "unknown-classification",
  "unknown-category",
  "not-releasable",
  "not-sanitised",
  "duplicate",
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export interface SharingLogger {
  warn(message: string, fields: Record<string, unknown>): void;
}

/** Oldest message accepted unless the receiver says otherwise, s after its creation. */
export const DEFAULT_MAX_AGE_S = 120;

export interface ReceiverOptions {
  readonly nation: NationCode;
  readonly policy: Policy;
  readonly keys: PinnedKeySet;
  /** The receiver's clock, s since exercise epoch. */
  readonly clock: () => number;
  readonly logger: SharingLogger;
  /** Largest accepted message, bytes (default 64 KiB). */
  readonly maxBytes?: number;
  /** Oldest accepted message, s after creation (default DEFAULT_MAX_AGE_S). */
  readonly maxAgeS?: number;
  /** Allowed clock skew into the future, s (default 5). */
  readonly maxFutureS?: number;
  /** Replay window per sender node, in sequence numbers (default 4096). */
  readonly replayWindow?: number;
  /** How many de-duplication keys are remembered (default 200,000; oldest forgotten first). */
  readonly dedupCapacity?: number;
  /** How many verified batch root signatures are remembered (default 256; 0 verifies every message). */
  readonly verifiedRootCache?: number;
  /**
   * Application releasability check (step 7). Only the NATS tests switch it off, to prove that the
   * transport alone refuses flows the policy does not allow. Default true.
   */
  readonly checkReleasability?: boolean;
}

export type ReceiveResult =
  | { readonly accepted: true; readonly envelope: Envelope; readonly subject: string }
  | { readonly accepted: false; readonly reason: RejectReason; readonly detail: string };

/** Sliding replay window over one sender's sequence numbers (a ring of the last W seen). */
class ReplayWindow {
  private highest = -1;
  private readonly ring: Float64Array;
  constructor(private readonly size: number) {
    this.ring = new Float64Array(size).fill(-1);
  }
  /** Records `seq`; false when it was seen already or is older than the window. */
  admit(seq: number): boolean {
    if (seq <= this.highest - this.size) return false;
    const slot = seq % this.size;
    if (this.ring[slot] === seq) return false;
    this.ring[slot] = seq;
    if (seq > this.highest) this.highest = seq;
    return true;
  }
}

const reject = (reason: RejectReason, detail: string): ReceiveResult => ({
  accepted: false,
  reason,
  detail,
});

/** Most subjects whose parse Receiver remembers before starting over. */
const SUBJECT_CACHE_SIZE = 1024;

export class Receiver {
  readonly nation: NationCode;
  private readonly reader: ReaderAuthorisation | undefined;
  private readonly flowsIn: Map<NationCode, Flow>;
  private readonly counts = new Map<RejectReason | "accepted", number>();
  private readonly windows = new Map<string, ReplayWindow>();
  private readonly seen = new Set<string>();
  private readonly subjects = new Map<string, ShareSubject | undefined>();
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });
  /** Batch root signatures that verified (exposed for tests and benchmarks). */
  readonly verifiedRoots: VerifiedRootCache;

  constructor(private readonly opts: ReceiverOptions) {
    this.nation = opts.nation;
    this.reader = readerFor(opts.policy, opts.nation);
    this.verifiedRoots = new VerifiedRootCache(opts.verifiedRootCache ?? 256);
    this.flowsIn = new Map(
      allowedFlows(opts.policy)
        .filter((f) => f.destination === opts.nation)
        .map((f) => [f.origin, f]),
    );
  }

  /** Count of accepted messages and of each rejection reason so far. */
  counters(): Record<RejectReason | "accepted", number> {
    const out = { accepted: this.counts.get("accepted") ?? 0 } as Record<RejectReason | "accepted", number>;
    for (const r of REJECT_REASONS) out[r] = this.counts.get(r) ?? 0;
    return out;
  }

  /**
   * Runs the checks on one message off the wire. Never throws on bad input. `parsed`: the
   * transport's parse of `data` (InboundMessage.parsed), used instead of parsing again only when it
   * was parsed from exactly the text decoded from `data` (ParsedWire.docFor); every check runs on it.
   */
  receive(subject: string, data: Uint8Array, parsed?: ParsedWire): ReceiveResult {
    try {
      const r = this.check(subject, data, parsed);
      this.counts.set(
        r.accepted ? "accepted" : r.reason,
        (this.counts.get(r.accepted ? "accepted" : r.reason) ?? 0) + 1,
      );
      if (!r.accepted)
        this.opts.logger.warn(`rejected message on ${subject}: ${r.reason}: ${r.detail}`, {
          reason: r.reason,
          detail: r.detail,
          subject,
          receiver: this.nation,
        });
      return r;
    } catch (err) {
      // A check that throws is a bug; the message is still refused and counted, never crashes the node.
      const detail = `internal error in checks: ${(err as Error)?.message ?? String(err)}`;
      this.counts.set("malformed", (this.counts.get("malformed") ?? 0) + 1);
      this.opts.logger.warn(`rejected message on ${subject}: malformed: ${detail}`, {
        reason: "malformed",
        detail,
        subject,
        receiver: this.nation,
      });
      return { accepted: false, reason: "malformed", detail };
    }
  }

  /**
   * Consumes this nation's inbox from `transport`, hands accepted envelopes to `onAccepted` and acks
   * every message (a rejection is final; redelivery would not change it).
   */
  attach(
    transport: Transport,
    onAccepted: (env: Envelope, subject: string, msg: InboundMessage) => void | Promise<void>,
  ): Promise<InboxSubscription> {
    return transport.subscribeInbox((msg) => {
      const r = this.receive(msg.subject, msg.data, msg.parsed);
      if (r.accepted) {
        const p = onAccepted(r.envelope, r.subject, msg);
        // Ack synchronously when the consumer is synchronous: in virtual time nothing else may run
        // (an ack-wait timer, say) between processing and the ack.
        if (p && typeof (p as Promise<void>).then === "function")
          return (p as Promise<void>).then(() => msg.ack());
      }
      msg.ack();
    });
  }

  /**
   * parseShareSubject, remembered per subject string (a receiver sees a handful of subjects: one per
   * origin and kind). Parsing is a pure function of the string, so a remembered answer is exact.
   */
  private subjectOf(subject: string): ShareSubject | undefined {
    let sub = this.subjects.get(subject);
    if (sub === undefined && !this.subjects.has(subject)) {
      sub = parseShareSubject(subject);
      if (this.subjects.size >= SUBJECT_CACHE_SIZE) this.subjects.clear();
      this.subjects.set(subject, sub);
    }
    return sub;
  }

  private check(subject: string, data: Uint8Array, parsed: ParsedWire | undefined): ReceiveResult {
    const o = this.opts;

    // 1. size
    const maxBytes = o.maxBytes ?? 65_536;
    if (data.byteLength > maxBytes) return reject("oversize", `${data.byteLength} bytes > limit ${maxBytes}`);

    // 2. parse (the text is always decoded here: it is what the signature is checked over, and the
    // transport's parse is used only when it was made from this very text)
    let doc: unknown;
    let text: string;
    try {
      text = this.decoder.decode(data);
      doc = parsed === undefined ? undefined : ParsedWire.docFor(parsed, text);
      if (doc === undefined) doc = JSON.parse(text);
    } catch (err) {
      return reject("malformed", `not UTF-8 JSON (${(err as Error).message})`);
    }
    if (doc === null || typeof doc !== "object" || Array.isArray(doc))
      return reject("malformed", "not a JSON object");

    // 3. schema
    const shape = checkEnvelopeShape(doc);
    if (!shape.ok) return reject("schema", shape.error);
    const env = shape.env;
    const h = env.header;
    const payloadCheck = validatePayload(h.kind, h.schemaVersion, env.payload);
    if (!payloadCheck.ok) return reject("schema", `${h.kind} v${h.schemaVersion}: ${payloadCheck.error}`);

    // 4. signature against pinned national keys
    const key = o.keys.get(h.keyId);
    if (!key) return reject("unknown-key", `key ${h.keyId} is not pinned`);
    // The received text lets the leaf be hashed from the signed bytes as they came (envelope.ts).
    const sigError = envelopeSignatureError(env, key, this.verifiedRoots, text);
    if (sigError) return reject("bad-signature", sigError);

    // 5. origin consistency: subject, header and key agree
    const sub = this.subjectOf(subject);
    if (!sub) return reject("origin-mismatch", `subject "${subject}" is not a sharing subject`);
    if (sub.origin !== h.origin || key.nation !== h.origin)
      return reject(
        "origin-mismatch",
        `subject origin ${sub.origin}, header origin ${h.origin}, key nation ${key.nation} disagree`,
      );
    if (sub.kind !== h.kind)
      return reject("origin-mismatch", `subject kind ${sub.kind} but header kind ${h.kind}`);
    if (sub.destination !== this.nation)
      return reject("misrouted", `addressed to ${sub.destination}, this node is ${this.nation}`);

    // 6. freshness, then replay
    const now = o.clock();
    if (h.created > now + (o.maxFutureS ?? 5))
      return reject("future-dated", `created ${h.created} s is ahead of receiver clock ${now} s`);
    if (now > h.validUntil) return reject("stale", `valid until ${h.validUntil} s, receiver clock ${now} s`);
    const maxAgeS = o.maxAgeS ?? DEFAULT_MAX_AGE_S;
    if (now - h.created > maxAgeS)
      return reject("stale", `created ${h.created} s is older than ${maxAgeS} s at ${now} s`);
    const senderKey = `${h.origin}.${h.senderNode}`;
    let win = this.windows.get(senderKey);
    if (!win) {
      win = new ReplayWindow(o.replayWindow ?? 4096);
      this.windows.set(senderKey, win);
    }
    if (!win.admit(h.sequence))
      return reject("replay", `sequence ${h.sequence} of ${senderKey} already seen or too old`);

    // 7. releasability
    if (o.checkReleasability ?? true) {
      if (!this.reader) return reject("not-releasable", `${this.nation} is not a nation of the policy`);
      const access = accessCheck(o.policy, env.label, this.reader);
      if (!access.ok) return reject(access.reason, access.detail);
      const flow = this.flowsIn.get(h.origin);
      if (!flow?.kinds.includes(h.kind))
        return reject("not-releasable", `policy has no ${h.kind} flow ${h.origin} → ${this.nation}`);
      const removed = flow.removedFields[h.kind as MessageKind] ?? [];
      if (hasAnyPath(env.payload, removed))
        return reject("not-sanitised", `payload carries fields removed on ${h.origin} → ${this.nation}`);
    }

    // 8. de-duplication
    const dedupKey =
      h.kind === "BallisticTrack"
        ? `T|${(env.payload as BallisticTrack).origin}|${(env.payload as BallisticTrack).trackNumber}|${(env.payload as BallisticTrack).updateSequence}`
        : `M|${h.id}`;
    if (this.seen.has(dedupKey)) return reject("duplicate", `already received ${dedupKey.slice(2)}`);
    this.seen.add(dedupKey);
    const cap = o.dedupCapacity ?? 200_000;
    if (this.seen.size > cap) {
      // Sets iterate in insertion order: the first key is the oldest.
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return { accepted: true, envelope: env, subject };
  }
}

/**
 * The sending side of a node: for one item it picks the destinations the policy allows (a flow from
 * this nation carrying this kind, and a label the destination may read), removes the fields the
 * flow strips, labels, signs and encodes one envelope per destination, on the subject
 * `share.<origin>.rel.<destination>.<kind>`.
 *
 * Each destination gets its own envelope (own sequence and id) because each gets its own sanitised
 * payload; the label is the item's label, unchanged, so every copy states the same audience.
 *
 * Signing is by batch (batch-signature.ts): envelopes built together are signed with one Ed25519
 * signature over a Merkle root, in batches of at most `maxBatch` envelopes that never mix
 * destinations (a Merkle path carries hashes of its batch-mates, so a receiver only ever sees hashes
 * of messages addressed to it). `prepare` signs one item's envelopes (one batch per destination, so
 * the cost per message is the old one); `prepareBatch` and BatchPublisher (batch-publisher.ts) sign
 * many items at once, which is what makes 10,000 signed messages a second affordable.
 */
import type { NationCode } from "../world/nation.ts";
import { MAX_BATCH } from "./batch-signature.ts";
import { type Envelope, messageId, type SignableEnvelope, signable, signBatch } from "./envelope.ts";
import type { SigningKey } from "./keys.ts";
import { accessCheck, readerFor, type SecurityLabel } from "./label.ts";
import type { MessageKind } from "./message-kinds.ts";
import { type PayloadOf, SCHEMA_VERSIONS, validatePayload } from "./messages.ts";
import { allowedFlows, type Flow, type Policy } from "./policy.ts";
import { sanitiseCopy } from "./sanitise.ts";
import { shareSubject, type Transport } from "./transport.ts";

/** How long a message stays valid after creation unless the sender says otherwise, s. */
export const DEFAULT_VALIDITY_S = 60;

export interface SenderOptions {
  readonly policy: Policy;
  readonly key: SigningKey;
  readonly nodeId: string;
  /** The sender's clock, s since exercise epoch. */
  readonly clock: () => number;
  /** How long a message stays valid after creation, s (default DEFAULT_VALIDITY_S). */
  readonly validityS?: number;
  /**
   * First sequence number. Receivers reject sequences they have seen, so a restarted node must
   * continue above its last sequence (for example from its store).
   */
  readonly startSequence?: number;
  /** Most envelopes signed under one signature (default 64, at most 1024). */
  readonly maxBatch?: number;
}

/** One item to send: what prepareBatch and BatchPublisher take. */
export interface SendItem<K extends MessageKind = MessageKind> {
  readonly kind: K;
  readonly payload: PayloadOf[K];
  readonly label: SecurityLabel;
}

/** An envelope built for one destination, sequenced, not yet signed. */
export interface PendingOutgoing<P = unknown> {
  readonly destination: NationCode;
  readonly subject: string;
  readonly msgId: string;
  readonly signable: SignableEnvelope<P>;
}

export interface Outgoing<P = unknown> {
  readonly destination: NationCode;
  readonly subject: string;
  readonly msgId: string;
  readonly bytes: Uint8Array;
  readonly envelope: Envelope<P>;
}

/** Most remembered routing decisions (distinct kind and label pairs) before the cache starts over. */
const ROUTE_CACHE_SIZE = 256;

/**
 * A key naming everything routes() decides on besides the fixed policy: the kind and each label
 * field accessCheck reads (policy id, classification, and every category's name, type and values),
 * each string JSON-quoted so no two labels share a key. Undefined (decide without the cache) when a
 * field is not a string or the categories are not arrays.
 */
function routeKey(kind: MessageKind, label: SecurityLabel): string | undefined {
  const { policyId, classification, categories } = label;
  if (typeof policyId !== "string" || typeof classification !== "string" || !Array.isArray(categories))
    return undefined;
  let key = `${JSON.stringify(kind)}|${JSON.stringify(policyId)}|${JSON.stringify(classification)}`;
  for (const c of categories) {
    if (c === null || typeof c !== "object") return undefined;
    const { name, type, values } = c;
    if (typeof name !== "string" || typeof type !== "string" || !Array.isArray(values)) return undefined;
    key += `|${JSON.stringify(name)}:${JSON.stringify(type)}`;
    for (const v of values) {
      if (typeof v !== "string") return undefined;
      key += `,${JSON.stringify(v)}`;
    }
  }
  return key;
}

export class Sender {
  readonly nation: NationCode;
  /** Envelopes signed and signatures made (envelopes / batches = mean batch size). */
  readonly stats = { envelopes: 0, batches: 0 };
  private sequence: number;
  private readonly flows: Flow[];
  /** routes() decisions by routeKey (kind and label content). */
  private readonly routeCache = new Map<string, readonly Flow[]>();

  constructor(private readonly opts: SenderOptions) {
    this.nation = opts.key.nation;
    this.sequence = opts.startSequence ?? 0;
    this.flows = allowedFlows(opts.policy).filter((f) => f.origin === this.nation);
  }

  /** Next sequence number this sender will use. */
  get nextSequence(): number {
    return this.sequence;
  }

  /** Destinations this item may go to under the policy and its label (sorted as the policy's flows). */
  destinations(kind: MessageKind, label: SecurityLabel): NationCode[] {
    return this.routes(kind, label).map((f) => f.destination);
  }

  /**
   * The flows an item of `kind` labelled `label` goes out on (destinations() with their flows).
   * Labels repeat (a node labels most items alike), so the decision is remembered per kind and label
   * content: the key holds every label field the access check reads, so a label that differs in any
   * of them is decided afresh. The policy and this sender's flows never change.
   */
  private routes(kind: MessageKind, label: SecurityLabel): readonly Flow[] {
    const key = routeKey(kind, label);
    let flows = key === undefined ? undefined : this.routeCache.get(key);
    if (flows === undefined) {
      flows = this.flows
        .filter((f) => f.kinds.includes(kind))
        .filter((f) => {
          const reader = readerFor(this.opts.policy, f.destination);
          return reader !== undefined && accessCheck(this.opts.policy, label, reader).ok;
        });
      if (key !== undefined) {
        if (this.routeCache.size >= ROUTE_CACHE_SIZE) this.routeCache.clear();
        this.routeCache.set(key, flows);
      }
    }
    return flows;
  }

  /**
   * Validates, sanitises and sequences one item and builds its unsigned envelope for every allowed
   * destination. Throws Error when the payload does not satisfy its own schema (a bug in the caller:
   * we never sign what a receiver would reject).
   */
  build<K extends MessageKind>(
    kind: K,
    payload: PayloadOf[K],
    label: SecurityLabel,
  ): PendingOutgoing<PayloadOf[K]>[] {
    const version = SCHEMA_VERSIONS[kind];
    const check = validatePayload(kind, version, payload);
    if (!check.ok) throw new Error(`refusing to send an invalid ${kind}: ${check.error}`);
    const out: PendingOutgoing<PayloadOf[K]>[] = [];
    const now = this.opts.clock();
    for (const flow of this.routes(kind, label)) {
      const destination = flow.destination;
      const { copy: clean, plainJson } = sanitiseCopy(payload, flow.removedFields[kind] ?? []);
      const sequence = this.sequence++;
      const id = messageId(this.nation, this.opts.nodeId, sequence);
      // Members in canonical (sorted) order, keyId included, so the signer's canonical JSON of the
      // header is a plain JSON.stringify (canonical-json.ts); signable() sets the same keyId.
      const header = {
        created: now,
        id,
        keyId: this.opts.key.keyId,
        kind,
        origin: this.nation,
        schemaVersion: version,
        senderNode: this.opts.nodeId,
        sequence,
        validUntil: now + (this.opts.validityS ?? DEFAULT_VALIDITY_S),
      };
      out.push({
        destination,
        subject: shareSubject(this.nation, destination, kind),
        msgId: id,
        // A plain copy's JSON.stringify is its canonical JSON (sanitiseCopy), written without the check.
        signable: signable(
          header,
          label,
          clean,
          this.opts.key,
          plainJson ? JSON.stringify(clean) : undefined,
        ),
      });
    }
    return out;
  }

  /**
   * Signs built envelopes: grouped by destination, in batches of at most maxBatch, one Ed25519
   * signature per batch. Returns the signed messages in the order given.
   */
  sign<P>(pending: readonly PendingOutgoing<P>[]): Outgoing<P>[] {
    const maxBatch = Math.max(1, Math.min(MAX_BATCH, this.opts.maxBatch ?? 64));
    const out: Outgoing<P>[] = new Array(pending.length);
    const byDestination = new Map<NationCode, number[]>();
    pending.forEach((p, i) => {
      const list = byDestination.get(p.destination);
      if (list) list.push(i);
      else byDestination.set(p.destination, [i]);
    });
    for (const indices of byDestination.values())
      for (let from = 0; from < indices.length; from += maxBatch) {
        const chunk = indices.slice(from, from + maxBatch);
        const signed = signBatch(
          chunk.map((i) => pending[i].signable),
          this.opts.key,
        );
        this.stats.batches++;
        this.stats.envelopes += chunk.length;
        chunk.forEach((i, k) => {
          const p = pending[i];
          out[i] = {
            destination: p.destination,
            subject: p.subject,
            msgId: p.msgId,
            bytes: signed[k].bytes,
            envelope: signed[k].envelope,
          };
        });
      }
    return out;
  }

  /** Builds and signs the envelopes of one item for every allowed destination (see build()). */
  prepare<K extends MessageKind>(
    kind: K,
    payload: PayloadOf[K],
    label: SecurityLabel,
  ): Outgoing<PayloadOf[K]>[] {
    return this.sign(this.build(kind, payload, label));
  }

  /**
   * Builds and signs many items together (batches per destination of at most maxBatch). Returns,
   * for each item, its signed envelopes. Throws, signing nothing, when any item is invalid.
   */
  prepareBatch(items: readonly SendItem[]): Outgoing[][] {
    const built = items.map((x) => this.build(x.kind, x.payload, x.label));
    const signed = this.sign(built.flat());
    let k = 0;
    return built.map((b) => {
      const mine = signed.slice(k, k + b.length);
      k += b.length;
      return mine;
    });
  }

  /** Prepares and publishes on `transport`; resolves with what was sent once the transport accepted it. */
  async send<K extends MessageKind>(
    transport: Transport,
    kind: K,
    payload: PayloadOf[K],
    label: SecurityLabel,
  ): Promise<Outgoing<PayloadOf[K]>[]> {
    const out = this.prepare(kind, payload, label);
    await Promise.all(out.map((o) => transport.publish(o.subject, o.bytes, { msgId: o.msgId })));
    return out;
  }
}

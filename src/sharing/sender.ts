/**
 * The sending side of a node: for one item it picks the destinations the policy allows (a flow from
 * this nation carrying this kind, and a label the destination may read), removes the fields the
 * flow strips, labels, signs and encodes one envelope per destination, on the subject
 * `share.<origin>.rel.<destination>.<kind>`.
 *
 * Each destination gets its own envelope (own sequence and id) because each gets its own sanitised
 * payload; the label is the item's label, unchanged, so every copy states the same audience.
 */
import type { NationCode } from "../world/nation.ts";
import { type Envelope, encodeEnvelope, messageId, signEnvelope } from "./envelope.ts";
import type { SigningKey } from "./keys.ts";
import { accessCheck, readerFor, type SecurityLabel } from "./label.ts";
import type { MessageKind } from "./message-kinds.ts";
import { type PayloadOf, SCHEMA_VERSIONS, validatePayload } from "./messages.ts";
import { allowedFlows, type Flow, type Policy } from "./policy.ts";
import { sanitise } from "./sanitise.ts";
import { shareSubject, type Transport } from "./transport.ts";

export interface SenderOptions {
  readonly policy: Policy;
  readonly key: SigningKey;
  readonly nodeId: string;
  /** The sender's clock, s since exercise epoch. */
  readonly clock: () => number;
  /** How long a message stays valid after creation, s (default 60). */
  readonly validityS?: number;
  /**
   * First sequence number. Receivers reject sequences they have seen, so a restarted node must
   * continue above its last sequence (for example from its store).
   */
  readonly startSequence?: number;
}

export interface Outgoing<P = unknown> {
  readonly destination: NationCode;
  readonly subject: string;
  readonly msgId: string;
  readonly bytes: Uint8Array;
  readonly envelope: Envelope<P>;
}

export class Sender {
  readonly nation: NationCode;
  private sequence: number;
  private readonly flows: Flow[];

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
    return this.flows
      .filter((f) => f.kinds.includes(kind))
      .filter((f) => {
        const reader = readerFor(this.opts.policy, f.destination);
        return reader !== undefined && accessCheck(this.opts.policy, label, reader).ok;
      })
      .map((f) => f.destination);
  }

  /**
   * Builds the signed envelopes for every allowed destination. Throws Error when the payload does not
   * satisfy its own schema (a bug in the caller: we never sign what a receiver would reject).
   */
  prepare<K extends MessageKind>(
    kind: K,
    payload: PayloadOf[K],
    label: SecurityLabel,
  ): Outgoing<PayloadOf[K]>[] {
    const version = SCHEMA_VERSIONS[kind];
    const check = validatePayload(kind, version, payload);
    if (!check.ok) throw new Error(`refusing to send an invalid ${kind}: ${check.error}`);
    const out: Outgoing<PayloadOf[K]>[] = [];
    const now = this.opts.clock();
    for (const destination of this.destinations(kind, label)) {
      const flow = this.flows.find((f) => f.destination === destination)!;
      const clean = sanitise(payload, flow.removedFields[kind] ?? []);
      const sequence = this.sequence++;
      const env = signEnvelope(
        {
          id: messageId(this.nation, this.opts.nodeId, sequence),
          origin: this.nation,
          senderNode: this.opts.nodeId,
          sequence,
          created: now,
          validUntil: now + (this.opts.validityS ?? 60),
          kind,
          schemaVersion: version,
        },
        label,
        clean,
        this.opts.key,
      );
      out.push({
        destination,
        subject: shareSubject(this.nation, destination, kind),
        msgId: env.header.id,
        bytes: encodeEnvelope(env),
        envelope: env,
      });
    }
    return out;
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

/**
 * Publishes items as they come, signing together everything queued within one turn of the event
 * loop: the sender-side half of batch signatures (batch-signature.ts).
 *
 * send() validates, sanitises and sequences the item at once (an invalid item is refused alone and
 * immediately), then queues its envelopes. The queue is signed and published when the current turn
 * of the event loop ends (setImmediate: after every callback already due, so no timer delay is
 * added), or at once when maxBatch envelopes wait. Each envelope is then published on its own
 * subject with its own message id, exactly as Sender.send would; only the signature is shared. (The
 * NATS transport carries the envelopes published on one subject within one turn as one frame —
 * one JetStream message, nats/frame.ts — and unpacks them at the receiving node.) A lone item is a
 * batch of one.
 *
 * The window is deliberately short: under load many items arrive in one turn (a tracker's scan, a
 * burst of PubAcks releasing waiting publishers) and share a signature; when traffic is light each
 * item is signed alone and nothing waits.
 */

import type { SecurityLabel } from "./label.ts";
import type { MessageKind } from "./message-kinds.ts";
import type { PayloadOf } from "./messages.ts";
import type { Outgoing, PendingOutgoing, Sender } from "./sender.ts";
import type { Transport } from "./transport.ts";

export interface BatchPublisherOptions {
  /** Flush as soon as this many envelopes wait (default 64; the Sender's maxBatch caps each batch). */
  readonly maxBatch?: number;
}

interface Queued {
  readonly pending: PendingOutgoing[];
  readonly resolve: (out: Outgoing[]) => void;
  readonly reject: (err: unknown) => void;
}

export class BatchPublisher {
  private queue: Queued[] = [];
  private queuedEnvelopes = 0;
  private scheduled: NodeJS.Immediate | undefined;
  private readonly maxBatch: number;
  /** Items queued, flushes done. */
  readonly stats = { items: 0, flushes: 0 };

  constructor(
    readonly sender: Sender,
    readonly transport: Transport,
    opts: BatchPublisherOptions = {},
  ) {
    this.maxBatch = Math.max(1, opts.maxBatch ?? 64);
  }

  /**
   * Queues one item for every destination the policy allows; resolves with what was sent once the
   * transport accepted every copy (NATS: stored in the destination's inbox), rejects when building
   * (invalid payload), signing or any publish fails.
   */
  send<K extends MessageKind>(
    kind: K,
    payload: PayloadOf[K],
    label: SecurityLabel,
  ): Promise<Outgoing<PayloadOf[K]>[]> {
    let pending: PendingOutgoing[];
    try {
      pending = this.sender.build(kind, payload, label);
    } catch (err) {
      return Promise.reject(err);
    }
    this.stats.items++;
    if (pending.length === 0) return Promise.resolve([]);
    const p = new Promise<Outgoing[]>((resolve, reject) => this.queue.push({ pending, resolve, reject }));
    this.queuedEnvelopes += pending.length;
    if (this.queuedEnvelopes >= this.maxBatch) this.flush();
    else this.scheduled ??= setImmediate(() => this.flush());
    return p as Promise<Outgoing<PayloadOf[K]>[]>;
  }

  /** Signs and publishes everything queued now. */
  flush(): void {
    if (this.scheduled) {
      clearImmediate(this.scheduled);
      this.scheduled = undefined;
    }
    const queue = this.queue;
    if (queue.length === 0) return;
    this.queue = [];
    this.queuedEnvelopes = 0;
    this.stats.flushes++;
    let signed: Outgoing[];
    try {
      signed = this.sender.sign(queue.flatMap((q) => q.pending));
    } catch (err) {
      for (const q of queue) q.reject(err);
      return;
    }
    let k = 0;
    for (const q of queue) {
      const mine = signed.slice(k, k + q.pending.length);
      k += q.pending.length;
      Promise.all(mine.map((o) => this.transport.publish(o.subject, o.bytes, { msgId: o.msgId }))).then(
        () => q.resolve(mine),
        q.reject,
      );
    }
  }
}

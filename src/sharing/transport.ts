/**
 * The one interface both transports implement: the in-process bus with a simulated network
 * (inprocess-bus.ts) and NATS with JetStream (nats/). A `Transport` is ONE national node's
 * connection: it publishes only on subjects whose origin is its own nation (a transport must refuse
 * anything else — NATS by account permissions, the in-process bus by the same check) and it consumes
 * only its own nation's inbox.
 *
 * What travels is the bytes of a signed envelope (envelope.ts). A transport need not parse them; one
 * that does anyway (NATS, to check a frame's items against its subject) hands its parse along as
 * `InboundMessage.parsed` (ParsedWire) so the receiver does not parse the same text twice. The
 * subject is derived from the envelope's label and header: `share.<origin>.rel.<destination>.<kind>`
 * with nation codes as ISO 3166-1 alpha-3 (KOR, USA, JPN) and kind tokens from message-kinds.ts.
 *
 * Delivery is at least once: a message is redelivered until the inbox handler calls `ack()`. The
 * receiver pipeline (receiver.ts) is idempotent, so redelivery is harmless. A message the receiver
 * rejects must still be acked (rejection is final; redelivering it would not change the verdict).
 */
import { isNationCode, type NationCode } from "../world/nation.ts";
import { type KindToken, kindFromToken, kindToken, type MessageKind } from "./message-kinds.ts";

/** Root token of every sharing subject. */
export const SUBJECT_ROOT = "share";

export interface PublishOptions {
  /**
   * Unique id of this message (the envelope header id). NATS uses it as `Nats-Msg-Id` (or, for a
   * frame of several messages, derives the frame's Nats-Msg-Id from its messages' ids) so a
   * republish after a lost ack is de-duplicated by the stream.
   */
  readonly msgId: string;
}

/** The transport's acknowledgement that it has accepted (NATS: persisted) a published message. */
export interface PublishAck {
  readonly subject: string;
  /** True when the transport recognised the msgId as a duplicate and did not store it again. */
  readonly duplicate: boolean;
}

/** One message delivered to a node's inbox. */
export interface InboundMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  /** How many times this message has been delivered (1 the first time). */
  readonly deliveryCount: number;
  /**
   * The JSON document, when the transport already parsed `data` (ParsedWire.parse): parsed from
   * exactly these bytes by the transport. The receiver treats it as untrusted input and still runs
   * every check on it; it uses it only when ParsedWire.docFor confirms that it was parsed from the
   * very text the receiver decodes from `data`, and otherwise parses `data` itself.
   */
  readonly parsed?: ParsedWire;
  /** Confirms processing: the transport will not deliver this message again. */
  ack(): void;
  /** Asks for redelivery (for example when a downstream store is unavailable). */
  nak(): void;
}

/**
 * One JSON parse of a message's UTF-8 text, made where the bytes are first read (the NATS transport
 * parses each item of a frame to check it against the frame's subject) and handed to the receiver
 * with the message so that it does not parse the same text again.
 *
 * Why the receiver can use it without trusting whoever handed it over: only ParsedWire.parse makes
 * one (the constructor is private and the fields are `#private`, so an object of any other origin is
 * not a ParsedWire), parse() keeps the exact text it gave JSON.parse, and docFor() returns the
 * document only when that text is identical to the text the receiver decoded itself. The document
 * is therefore exactly what JSON.parse would return on the receiver's own text — the receiver still
 * runs every check (shape, schema, signature over that text, origin, replay, releasability) on it.
 * It is a fresh object per parse, read (never changed) by the transport and handed to one receiver.
 */
export class ParsedWire {
  readonly #text: string;
  readonly #doc: unknown;

  private constructor(text: string, doc: unknown) {
    this.#text = text;
    this.#doc = doc;
  }

  /** JSON.parse of the UTF-8 text of `data` (invalid sequences as U+FFFD); undefined when it does not parse. */
  static parse(data: Uint8Array): ParsedWire | undefined {
    const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("utf8");
    try {
      return new ParsedWire(text, JSON.parse(text));
    } catch {
      return undefined;
    }
  }

  /** The parsed document (for the transport's own reading; the receiver goes through docFor). */
  get doc(): unknown {
    return this.#doc;
  }

  /**
   * The document of `parsed` when it is a ParsedWire parsed from exactly `text`; undefined otherwise
   * (not a ParsedWire, or parsed from another text), in which case the caller parses `text` itself.
   */
  static docFor(parsed: unknown, text: string): unknown {
    if (typeof parsed !== "object" || parsed === null || !(#text in parsed)) return undefined;
    return parsed.#text === text ? parsed.#doc : undefined;
  }
}

export type InboxHandler = (msg: InboundMessage) => void | Promise<void>;

export interface InboxSubscription {
  /** Stops delivery; unacked messages stay in the inbox for the next subscription. */
  unsubscribe(): Promise<void>;
}

export interface Transport {
  /** The nation this connection belongs to. */
  readonly nation: NationCode;
  /**
   * Publishes envelope bytes. Rejects (TransportRefusedError) when the subject's origin is not
   * `this.nation` or the policy has no flow for (origin, destination, kind).
   */
  publish(subject: string, data: Uint8Array, opts: PublishOptions): Promise<PublishAck>;
  /** Consumes this nation's inbox (`share.*.rel.<nation>.*`), in order per sending link. */
  subscribeInbox(handler: InboxHandler): Promise<InboxSubscription>;
  close(): Promise<void>;
}

/** A transport refused a publish (a flow the policy or the account permissions do not allow). */
export class TransportRefusedError extends Error {
  constructor(
    message: string,
    readonly subject: string,
  ) {
    super(message);
    this.name = "TransportRefusedError";
  }
}

export interface ShareSubject {
  readonly origin: NationCode;
  readonly destination: NationCode;
  readonly kind: MessageKind;
}

/** `share.<origin>.rel.<destination>.<kind-token>` */
export function shareSubject(origin: NationCode, destination: NationCode, kind: MessageKind): string {
  return `${SUBJECT_ROOT}.${origin}.rel.${destination}.${kindToken(kind)}`;
}

/** Parses a sharing subject; undefined when it is not one (wrong shape, unknown nation or kind). */
export function parseShareSubject(subject: string): ShareSubject | undefined {
  const t = subject.split(".");
  if (t.length !== 5 || t[0] !== SUBJECT_ROOT || t[2] !== "rel") return undefined;
  const [, origin, , destination, token] = t;
  if (!isNationCode(origin) || !isNationCode(destination)) return undefined;
  const kind = kindFromToken(token);
  if (!kind) return undefined;
  return { origin, destination, kind };
}

/** Wildcard subject of everything addressed to `destination`: `share.*.rel.<destination>.*`. */
export function inboxFilter(destination: NationCode): string {
  return `${SUBJECT_ROOT}.*.rel.${destination}.*`;
}

/** Wildcard subject of everything `origin` may publish: `share.<origin>.rel.>`. */
export function originFilter(origin: NationCode): string {
  return `${SUBJECT_ROOT}.${origin}.rel.>`;
}

/** Subject for one flow and kind with a wildcard-free token (for export/import lists). */
export function flowSubject(origin: NationCode, destination: NationCode, token: KindToken): string {
  return `${SUBJECT_ROOT}.${origin}.rel.${destination}.${token}`;
}

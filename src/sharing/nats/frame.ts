/**
 * Frames: many envelopes that share one sharing subject (same origin, destination and kind) carried
 * as ONE JetStream message — one publish, one PubAck, one Nats-Msg-Id, one pull delivery and one
 * explicit ack — instead of one JetStream message per envelope. On 2 cores the fabric costs about
 * 130–160 µs of CPU per JetStream message across the five processes, whatever its size; a frame
 * pays that once for all its items.
 *
 * A frame is only an envelope of envelopes: each item is the exact bytes of one signed envelope
 * (envelope.ts, with its own batch signature and Merkle proof) and its message id. The frame itself
 * is not signed; nothing is trusted because it arrived in a frame. The receiving transport unpacks
 * it and hands each item to the inbox handler as its own message (the receiver's full per-item
 * checks: size, parse, schema, signature, origin, freshness, replay, releasability, de-dup), and acks
 * the frame once every item is settled.
 *
 * Wire form (big-endian):
 *
 *   "ALF1"                        4 bytes magic (no JSON text starts with "A")
 *   count                         u16, 1 … MAX_FRAME_ITEMS
 *   count × { idLen u8, id (printable ASCII, 1 … 255 bytes), dataLen u32, data }
 *
 * with no trailing bytes. Anything else is a malformed frame, rejected whole with its reason.
 */
import { hash } from "node:crypto";

export const FRAME_MAGIC = Buffer.from("ALF1", "latin1");
/** Most items in one frame. */
export const MAX_FRAME_ITEMS = 4096;
/** nats-server's default max_payload, which the generated configs set explicitly. */
export const DEFAULT_MAX_PAYLOAD = 1_048_576;
const HEAD = FRAME_MAGIC.length + 2;

export interface FrameItem {
  /** The envelope's message id (what an unframed publish sends as Nats-Msg-Id). */
  readonly msgId: string;
  readonly data: Uint8Array;
}

/** Bytes one item adds to a frame. */
export function frameItemBytes(msgId: string, data: Uint8Array): number {
  return 1 + msgId.length + 4 + data.byteLength;
}

/** Bytes of a frame holding nothing yet (magic and count). */
export const FRAME_OVERHEAD = HEAD;

const PRINTABLE = /^[\x21-\x7e]{1,255}$/;

/** True when the bytes are framed (start with the frame magic); says nothing about validity. */
export function isFrame(data: Uint8Array): boolean {
  return (
    data.byteLength >= 4 &&
    data[0] === FRAME_MAGIC[0] &&
    data[1] === FRAME_MAGIC[1] &&
    data[2] === FRAME_MAGIC[2] &&
    data[3] === FRAME_MAGIC[3]
  );
}

/** Encodes items (1 … MAX_FRAME_ITEMS, ids of printable ASCII) into one frame. */
export function encodeFrame(items: readonly FrameItem[]): Buffer {
  if (items.length < 1 || items.length > MAX_FRAME_ITEMS)
    throw new RangeError(`a frame holds 1 to ${MAX_FRAME_ITEMS} items, got ${items.length}`);
  let size = HEAD;
  for (const it of items) {
    if (!PRINTABLE.test(it.msgId))
      throw new RangeError(`frame item id "${it.msgId}" is not 1-255 printable ASCII`);
    size += frameItemBytes(it.msgId, it.data);
  }
  const out = Buffer.allocUnsafe(size);
  FRAME_MAGIC.copy(out, 0);
  out.writeUInt16BE(items.length, 4);
  let o = HEAD;
  for (const it of items) {
    out[o] = it.msgId.length;
    out.write(it.msgId, o + 1, "latin1");
    o += 1 + it.msgId.length;
    out.writeUInt32BE(it.data.byteLength, o);
    o += 4;
    out.set(it.data, o);
    o += it.data.byteLength;
  }
  return out;
}

export type DecodedFrame = { ok: true; items: FrameItem[] } | { ok: false; error: string };

/** Decodes a frame; item data are views into `data` (no copy). Never throws. */
export function decodeFrame(data: Uint8Array): DecodedFrame {
  const fail = (error: string): DecodedFrame => ({ ok: false, error });
  if (data.byteLength < HEAD) return fail(`${data.byteLength} bytes is shorter than a frame header`);
  if (!isFrame(data)) return fail("no frame magic");
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const count = b.readUInt16BE(4);
  if (count < 1 || count > MAX_FRAME_ITEMS) return fail(`item count ${count} is not 1 to ${MAX_FRAME_ITEMS}`);
  const items: FrameItem[] = new Array(count);
  let o = HEAD;
  for (let i = 0; i < count; i++) {
    if (o + 1 > b.length) return fail(`item ${i}: truncated before its id`);
    const idLen = b[o];
    if (idLen === 0) return fail(`item ${i}: empty id`);
    if (o + 1 + idLen + 4 > b.length) return fail(`item ${i}: truncated in its id or length`);
    const msgId = b.toString("latin1", o + 1, o + 1 + idLen);
    if (!PRINTABLE.test(msgId)) return fail(`item ${i}: id is not printable ASCII`);
    o += 1 + idLen;
    const len = b.readUInt32BE(o);
    o += 4;
    if (len > b.length - o) return fail(`item ${i} (${msgId}): length ${len} runs past the frame's end`);
    items[i] = { msgId, data: b.subarray(o, o + len) };
    o += len;
  }
  if (o !== b.length) return fail(`${b.length - o} trailing bytes after ${count} items`);
  return { ok: true, items };
}

/**
 * The frame's Nats-Msg-Id, derived from its items only (so a retry of the same frame is recognised
 * by the stream's duplicate window): `frame.<first item id>.<count>.<SHA-256 of every id, 16 base64url>`.
 * Item ids are unique per sender (origin.node.sequence), so two different frames never share an id.
 */
export function frameId(items: readonly FrameItem[]): string {
  const h = hash("sha256", items.map((x) => x.msgId).join("\n"), "base64url").slice(0, 16);
  return `frame.${items[0].msgId}.${items.length}.${h}`;
}

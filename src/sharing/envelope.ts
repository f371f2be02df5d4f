/**
 * The envelope every shared message travels in: a header, a STANAG 4774-shaped security label, a
 * payload, and an Ed25519 signature over the canonical JSON (canonical-json.ts) of
 * {header, label, payload}, prefixed by a domain string so a signature made for anything else can
 * never verify as an envelope.
 *
 * Wire form: UTF-8 JSON `{"v":1,"header":{...},"label":{...},"payload":{...},"sig":"<base64>"}`.
 */
import { sign, verify } from "node:crypto";
import { type Static, Type } from "@sinclair/typebox";
import { Ajv } from "ajv";
import { canonicalJson } from "../core/canonical-json.ts";
import { NATIONS, type NationCode } from "../world/nation.ts";
import type { PinnedKey, SigningKey } from "./keys.ts";
import type { SecurityLabel } from "./label.ts";
import { MESSAGE_KINDS, type MessageKind } from "./message-kinds.ts";

export const ENVELOPE_VERSION = 1;
const DOMAIN = Buffer.from("allylink-envelope-v1\n", "utf8");

const Name = (maxLength: number) => Type.String({ minLength: 1, maxLength });

export const EnvelopeHeaderSchema = Type.Object(
  {
    /** Unique message id: `<origin>.<senderNode>.<sequence>`; also the NATS Nats-Msg-Id. */
    id: Name(160),
    origin: Type.Union(NATIONS.map((n) => Type.Literal(n))),
    senderNode: Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9_-]+$" }),
    /** Strictly increasing per sender node (the receiver's replay window is keyed on it). */
    sequence: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
    /** Creation time, s since exercise epoch. */
    created: Type.Number(),
    /** Last time the message may be acted on, s since exercise epoch. */
    validUntil: Type.Number(),
    kind: Type.Union(MESSAGE_KINDS.map((k) => Type.Literal(k))),
    schemaVersion: Type.Integer({ minimum: 1, maximum: 1000 }),
    /** Id of the pinned national key that signed the envelope (keys.ts keyIdOf). */
    keyId: Type.String({ pattern: "^[0-9a-f]{16}$" }),
  },
  { additionalProperties: false },
);

export const SecurityLabelSchema = Type.Object(
  {
    policyId: Name(128),
    classification: Name(64),
    categories: Type.Array(
      Type.Object(
        {
          name: Name(64),
          type: Type.Union([
            Type.Literal("permissive"),
            Type.Literal("restrictive"),
            Type.Literal("informative"),
          ]),
          values: Type.Array(Name(64), { maxItems: 64 }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 16 },
    ),
  },
  { additionalProperties: false },
);

export const EnvelopeSchema = Type.Object(
  {
    v: Type.Literal(ENVELOPE_VERSION),
    header: EnvelopeHeaderSchema,
    label: SecurityLabelSchema,
    payload: Type.Unknown(),
    sig: Type.String({ minLength: 1, maxLength: 200, pattern: "^[A-Za-z0-9+/]+={0,2}$" }),
  },
  { additionalProperties: false },
);

export type EnvelopeHeader = Static<typeof EnvelopeHeaderSchema>;

export interface Envelope<P = unknown> {
  readonly v: typeof ENVELOPE_VERSION;
  readonly header: EnvelopeHeader;
  readonly label: SecurityLabel;
  readonly payload: P;
  /** Base64 Ed25519 signature. */
  readonly sig: string;
}

function signedBytes(header: EnvelopeHeader, label: SecurityLabel, payload: unknown): Buffer {
  return Buffer.concat([DOMAIN, Buffer.from(canonicalJson({ header, label, payload }), "utf8")]);
}

/** Signs header + label + payload with the nation's key. Throws TypeError on non-JSON payloads. */
export function signEnvelope<P>(
  header: Omit<EnvelopeHeader, "keyId">,
  label: SecurityLabel,
  payload: P,
  key: SigningKey,
): Envelope<P> {
  const h: EnvelopeHeader = { ...header, keyId: key.keyId };
  const sig = sign(null, signedBytes(h, label, payload), key.privateKey).toString("base64");
  return { v: ENVELOPE_VERSION, header: h, label, payload, sig };
}

/** True when the signature verifies under `key`. */
export function verifyEnvelope(env: Envelope, key: PinnedKey): boolean {
  let data: Buffer;
  try {
    data = signedBytes(env.header, env.label, env.payload);
  } catch {
    return false;
  }
  const sig = Buffer.from(env.sig, "base64");
  if (sig.length !== 64) return false;
  return verify(null, data, key.publicKey, sig);
}

export function encodeEnvelope(env: Envelope): Uint8Array {
  return Buffer.from(JSON.stringify(env), "utf8");
}

const ajv = new Ajv({ strict: true, strictNumbers: true, allErrors: false });
const validateEnvelopeShape = ajv.compile(JSON.parse(JSON.stringify(EnvelopeSchema)));

/** Checks the envelope's structure (not the payload, not the signature); an error names the field. */
export function checkEnvelopeShape(doc: unknown): { ok: true; env: Envelope } | { ok: false; error: string } {
  if (validateEnvelopeShape(doc)) return { ok: true, env: doc as Envelope };
  const e = validateEnvelopeShape.errors?.[0];
  const where = `envelope${e?.instancePath ? e.instancePath.replaceAll("/", ".") : ""}`;
  const extra =
    e?.keyword === "additionalProperties"
      ? ` "${(e.params as { additionalProperty: string }).additionalProperty}"`
      : e?.keyword === "required"
        ? ` (${(e.params as { missingProperty: string }).missingProperty})`
        : "";
  return { ok: false, error: `${where}: ${e?.message ?? "invalid"}${extra}` };
}

/** The message id the sender writes: unique per (origin, node, sequence). */
export function messageId(origin: NationCode, senderNode: string, sequence: number): string {
  return `${origin}.${senderNode}.${sequence}`;
}

export type { MessageKind };

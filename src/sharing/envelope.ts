/**
 * The envelope every shared message travels in: a header, a STANAG 4774-shaped security label, a
 * payload, and a batch signature (batch-signature.ts) covering the canonical JSON
 * (canonical-json.ts) of {header, label, payload}, prefixed by a domain string so that nothing
 * signed for another purpose can verify as an envelope.
 *
 * The signed bytes of an envelope are `"allylink-envelope-v2\n" ‖ canonicalJson({header, label,
 * payload})`; their leaf hash enters the Merkle tree of the sender's batch, whose root the origin
 * nation's key signs. Each envelope carries the root signature (`sig`) and its own inclusion proof
 * (`batch`: tree size n, leaf index i, audit path), so it verifies on its own; a receiver that has
 * already verified the batch's root signature only recomputes the path. A batch of one (n = 1, empty
 * path) is a signature over the envelope's own leaf.
 *
 * Wire form: UTF-8 JSON
 * `{"v":2,"sig":"<base64 Ed25519>","batch":{"n":N,"i":I,"path":["<base64 SHA-256>",...]},"header":{...},"label":{...},"payload":{...}}`
 * (member order is free). Version 1 (one Ed25519 signature per envelope over the v1 domain) is
 * retired: receivers refuse it as a schema violation.
 */
import { type Static, Type } from "@sinclair/typebox";
import { Ajv } from "ajv";
import { canonicalJson } from "../core/canonical-json.ts";
import { NATIONS, type NationCode } from "../world/nation.ts";
import {
  HASH_BYTES,
  leafHashOfText,
  MAX_BATCH,
  MAX_PATH,
  merkleTree,
  rootFromPath,
  SIGNATURE_BYTES,
  signRoot,
  type VerifiedRootCache,
  verifyRoot,
} from "./batch-signature.ts";
import type { PinnedKey, SigningKey } from "./keys.ts";
import type { SecurityLabel } from "./label.ts";
import { MESSAGE_KINDS, type MessageKind } from "./message-kinds.ts";

export const ENVELOPE_VERSION = 2;
const DOMAIN = "allylink-envelope-v2\n";

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

const Base64 = (maxLength: number) =>
  Type.String({ minLength: 1, maxLength, pattern: "^[A-Za-z0-9+/]+={0,2}$" });

/** Where an envelope sits in its sender's signed batch (batch-signature.ts). */
export const BatchProofSchema = Type.Object(
  {
    /** Number of envelopes in the batch (the Merkle tree's size). */
    n: Type.Integer({ minimum: 1, maximum: MAX_BATCH }),
    /** This envelope's leaf index, 0 ≤ i < n. */
    i: Type.Integer({ minimum: 0, maximum: MAX_BATCH - 1 }),
    /** Audit path, bottom-up: base64 SHA-256 hashes (empty for a batch of one). */
    path: Type.Array(Base64(64), { maxItems: MAX_PATH }),
  },
  { additionalProperties: false },
);

export const EnvelopeSchema = Type.Object(
  {
    v: Type.Literal(ENVELOPE_VERSION),
    header: EnvelopeHeaderSchema,
    label: SecurityLabelSchema,
    payload: Type.Unknown(),
    /** Base64 Ed25519 signature of the batch root by the origin nation's key. */
    sig: Base64(200),
    batch: BatchProofSchema,
  },
  { additionalProperties: false },
);

export type EnvelopeHeader = Static<typeof EnvelopeHeaderSchema>;

export interface BatchProof {
  readonly n: number;
  readonly i: number;
  readonly path: readonly string[];
}

export interface Envelope<P = unknown> {
  readonly v: typeof ENVELOPE_VERSION;
  readonly header: EnvelopeHeader;
  readonly label: SecurityLabel;
  readonly payload: P;
  /** Base64 Ed25519 signature of the batch root. */
  readonly sig: string;
  readonly batch: BatchProof;
}

/**
 * canonicalJson({header, label, payload}): the text whose domain-prefixed bytes are signed. Written
 * member by member (the three keys are already in order), so a header or payload that is canonical
 * in shape goes straight to JSON.stringify instead of the whole object taking the general path; when
 * a part is undefined or not JSON, the whole object is serialised as before (same text, same error).
 */
function canonicalText(
  header: EnvelopeHeader,
  label: SecurityLabel,
  payload: unknown,
  payloadJson?: string,
): string {
  if (header !== undefined && label !== undefined && payload !== undefined) {
    try {
      return `{"header":${canonicalJson(header)},"label":${canonicalJson(label)},"payload":${payloadJson ?? canonicalJson(payload)}}`;
    } catch {
      // the general form below names the offending path
    }
  }
  return canonicalJson({ header, label, payload });
}

/** The leaf hash of an envelope's signed bytes. Throws TypeError on non-JSON values. */
export function envelopeLeaf(header: EnvelopeHeader, label: SecurityLabel, payload: unknown): Buffer {
  return leafHashOfText(DOMAIN + canonicalText(header, label, payload));
}

/** An envelope ready to be signed with others: its parts, their canonical JSON and leaf hash. */
export interface SignableEnvelope<P = unknown> {
  readonly header: EnvelopeHeader;
  readonly label: SecurityLabel;
  readonly payload: P;
  /** canonicalJson({header, label, payload}) */
  readonly canonical: string;
  readonly leaf: Buffer;
}

/**
 * Stamps the key id on the header and computes the envelope's leaf. Throws TypeError on non-JSON
 * payloads (so a bad item fails alone, before its batch is signed). `payloadJson`: the payload's
 * canonical JSON when the caller already has it (the sender's sanitised copy, sanitise.ts
 * sanitiseCopy); it must be exactly canonicalJson(payload).
 */
export function signable<P>(
  header: Omit<EnvelopeHeader, "keyId">,
  label: SecurityLabel,
  payload: P,
  key: SigningKey,
  payloadJson?: string,
): SignableEnvelope<P> {
  const h: EnvelopeHeader = { ...header, keyId: key.keyId };
  const canonical = canonicalText(h, label, payload, payloadJson);
  return { header: h, label, payload, canonical, leaf: leafHashOfText(DOMAIN + canonical) };
}

/** A signed envelope and its wire bytes. */
export interface SignedEnvelope<P = unknown> {
  readonly envelope: Envelope<P>;
  readonly bytes: Uint8Array;
}

/**
 * Signs `items` as ONE batch (1 to MAX_BATCH envelopes): one Merkle tree over their leaves, one
 * Ed25519 signature of its root by `key`. Every result carries the signature and its own proof.
 */
export function signBatch<P>(items: readonly SignableEnvelope<P>[], key: SigningKey): SignedEnvelope<P>[] {
  const tree = merkleTree(items.map((x) => x.leaf));
  const sig = signRoot(key.nation, items.length, tree.root, key.privateKey).toString("base64");
  // A node's hash is on the path of every leaf below its sibling: encode each node once.
  const b64 = new Map<Buffer, string>();
  const encoded = (p: Buffer): string => {
    let t = b64.get(p);
    if (t === undefined) {
      t = p.toString("base64");
      b64.set(p, t);
    }
    return t;
  };
  return items.map((x, i) => {
    const batch: BatchProof = { n: items.length, i, path: tree.paths[i].map(encoded) };
    const envelope: Envelope<P> = {
      v: ENVELOPE_VERSION,
      header: x.header,
      label: x.label,
      payload: x.payload,
      sig,
      batch,
    };
    // The canonical text is already JSON of {header, label, payload}: splice the other members in
    // front of it instead of serialising the envelope a second time.
    const text = `{"v":${ENVELOPE_VERSION},"sig":"${sig}","batch":${JSON.stringify(batch)},${x.canonical.slice(1)}`;
    return { envelope, bytes: Buffer.from(text, "utf8") };
  });
}

/** Signs several envelopes as one batch. Throws TypeError on non-JSON payloads. */
export function signEnvelopes<P>(
  items: readonly { header: Omit<EnvelopeHeader, "keyId">; label: SecurityLabel; payload: P }[],
  key: SigningKey,
): Envelope<P>[] {
  return signBatch(
    items.map((x) => signable(x.header, x.label, x.payload, key)),
    key,
  ).map((s) => s.envelope);
}

/** Signs header + label + payload with the nation's key (a batch of one). Throws TypeError on non-JSON payloads. */
export function signEnvelope<P>(
  header: Omit<EnvelopeHeader, "keyId">,
  label: SecurityLabel,
  payload: P,
  key: SigningKey,
): Envelope<P> {
  return signEnvelopes([{ header, label, payload }], key)[0];
}

const B64_TEXT = /^[A-Za-z0-9+/]*={0,2}$/;
const B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Strict base64 of exactly `bytes` bytes (the canonical encoding only), else undefined. */
export function decodeBase64(text: unknown, bytes: number): Buffer | undefined {
  if (typeof text !== "string" || text.length !== 4 * Math.ceil(bytes / 3) || !B64_TEXT.test(text))
    return undefined;
  const pad = (3 - (bytes % 3)) % 3;
  // Exactly `pad` "=" at the end, and the unused low bits of the last character zero.
  if (pad > 0) {
    if (text.charCodeAt(text.length - pad - 1) === 61 /* = */) return undefined;
    const last = B64_ALPHABET.indexOf(text[text.length - pad - 1]);
    if (last < 0 || (last & ((1 << (2 * pad)) - 1)) !== 0) return undefined;
  } else if (text.endsWith("=")) return undefined;
  const b = Buffer.from(text, "base64");
  return b.byteLength === bytes ? b : undefined;
}

const WIRE_PREFIX = `{"v":${ENVELOPE_VERSION},"sig":"`;
const WIRE_SIG = /^[A-Za-z0-9+/=]*$/;
const WIRE_BATCH = /^[A-Za-z0-9+/=",:[\]]*$/;

/**
 * The signed canonical text inside an envelope's wire text, when the text has exactly the layout
 * signBatch writes — `{"v":2,"sig":"<base64>","batch":{<no braces, backslashes or odd quotes>},` ‖
 * rest — namely `{` ‖ rest (without its leading comma); else undefined.
 *
 * Why this is safe to hash instead of re-serialising the parsed envelope: the prefix has no escapes
 * or nesting, so JSON.parse reads v, sig and batch from it and the top-level members of `{`‖rest
 * from the rest, exactly as they stand. If that text hashes to a leaf whose path leads to a root the
 * origin's key signed, the text is what the signer signed — canonicalJson of {header, label,
 * payload}, three distinct members — so the parsed header, label and payload are exactly the signed
 * ones. A text that is not what was signed fails the signature here and is checked again from the
 * parsed parts (envelopeSignatureError), so a genuine envelope re-encoded by anyone still verifies.
 */
export function signedTextOf(wire: string): string | undefined {
  if (!wire.startsWith(WIRE_PREFIX)) return undefined;
  const q = wire.indexOf('"', WIRE_PREFIX.length);
  if (q < 0 || !wire.startsWith('","batch":{', q)) return undefined;
  if (!WIRE_SIG.test(wire.slice(WIRE_PREFIX.length, q))) return undefined;
  const open = q + 11;
  const close = wire.indexOf("}", open);
  if (close < 0 || !wire.startsWith(',"header":', close + 1)) return undefined;
  const batch = wire.slice(open, close);
  if (!WIRE_BATCH.test(batch)) return undefined;
  let quotes = 0;
  for (let i = batch.indexOf('"'); i >= 0; i = batch.indexOf('"', i + 1)) quotes++;
  if (quotes % 2 !== 0) return undefined;
  return `{${wire.slice(close + 2)}`;
}

/**
 * Why the envelope's batch signature does not verify under `key`, or undefined when it does: the
 * leaf recomputed from the envelope as received, walked up its path to the root, and the root's
 * signature checked against the pinned key (through `cache` when given, so a batch costs one
 * Ed25519 verification per receiver).
 *
 * `wire`: the envelope's text as received, when the caller has it. If it has signBatch's layout
 * (signedTextOf), the leaf is hashed from the signed text in it instead of re-serialising the parsed
 * parts to canonical JSON (a quarter of a receiver's CPU per message); if that does not verify, and
 * the canonical JSON of the parsed parts differs from that text, the parsed parts decide.
 */
export function envelopeSignatureError(
  env: Envelope,
  key: PinnedKey,
  cache?: VerifiedRootCache,
  wire?: string,
): string | undefined {
  const signed = wire === undefined ? undefined : signedTextOf(wire);
  if (signed !== undefined) {
    const fast = signatureErrorForLeaf(env, leafHashOfText(DOMAIN + signed), key, cache);
    if (fast === undefined) return undefined;
    let canonical: string;
    try {
      canonical = canonicalText(env.header, env.label, env.payload);
    } catch {
      return "the signed parts are not JSON values";
    }
    if (canonical === signed) return fast;
    return signatureErrorForLeaf(env, leafHashOfText(DOMAIN + canonical), key, cache);
  }
  let leaf: Buffer;
  try {
    leaf = envelopeLeaf(env.header, env.label, env.payload);
  } catch {
    return "the signed parts are not JSON values";
  }
  return signatureErrorForLeaf(env, leaf, key, cache);
}

function signatureErrorForLeaf(
  env: Envelope,
  leaf: Buffer,
  key: PinnedKey,
  cache: VerifiedRootCache | undefined,
): string | undefined {
  const proof = env.batch;
  if (proof === null || typeof proof !== "object" || !Array.isArray(proof.path)) return "no batch proof";
  const sigText: unknown = env.sig;
  if (cache && typeof sigText === "string" && proof.path.every((p) => typeof p === "string")) {
    const r = cache.verifyLeaf(
      key,
      proof.n,
      proof.i,
      leaf,
      proof.path,
      sigText,
      (t) => decodeBase64(t, HASH_BYTES),
      (t) => decodeBase64(t, SIGNATURE_BYTES),
    );
    if (r === true) return undefined;
    if (r === false) return `batch root signature does not verify under key ${key.keyId}`;
    if (r === "bad-sig-text") return "signature is not 64 bytes of base64";
    // "bad-path": the checks below name what is wrong.
  }
  const path: Buffer[] = [];
  for (const p of proof.path) {
    const h = decodeBase64(p, HASH_BYTES);
    if (!h) return "a Merkle path entry is not a base64 SHA-256 hash";
    path.push(h);
  }
  const root = rootFromPath(leaf, proof.i, proof.n, path);
  if (!root) return `Merkle path does not fit leaf ${proof.i} of a batch of ${proof.n}`;
  if (cache && typeof sigText === "string") {
    let canonicalSig = true;
    const ok = cache.verifyEncoded(key, proof.n, root, sigText, () => {
      const sig = decodeBase64(sigText, SIGNATURE_BYTES);
      canonicalSig = sig !== undefined;
      return sig;
    });
    if (ok) return undefined;
    return canonicalSig
      ? `batch root signature does not verify under key ${key.keyId}`
      : "signature is not 64 bytes of base64";
  }
  const sig = decodeBase64(sigText, SIGNATURE_BYTES);
  if (!sig) return "signature is not 64 bytes of base64";
  return verifyRoot(key, proof.n, root, sig)
    ? undefined
    : `batch root signature does not verify under key ${key.keyId}`;
}

/** True when the envelope's batch signature verifies under `key`. */
export function verifyEnvelope(env: Envelope, key: PinnedKey, cache?: VerifiedRootCache): boolean {
  return envelopeSignatureError(env, key, cache) === undefined;
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

/**
 * The receiver's fast path: the leaf hashed from the signed text inside the wire text (signedTextOf)
 * instead of re-serialising the parsed envelope — it must accept exactly what the slow path accepts.
 */
import { describe, expect, it } from "vitest";
import { VerifiedRootCache } from "./batch-signature.ts";
import {
  decodeBase64,
  type Envelope,
  envelopeSignatureError,
  messageId,
  signable,
  signBatch,
  signedTextOf,
} from "./envelope.ts";
import { generateSigningKey, type PinnedKey } from "./keys.ts";
import { exampleTrack } from "./test-fixtures.ts";

const kor = generateSigningKey("KOR");
const korPin: PinnedKey = { keyId: kor.keyId, nation: "KOR", publicKey: kor.publicKey };
const label = { policyId: "P", classification: "S", categories: [] };

function wireBatch(n: number) {
  return signBatch(
    Array.from({ length: n }, (_, s) =>
      signable(
        {
          id: messageId("KOR", "n1", s),
          origin: "KOR",
          senderNode: "n1",
          sequence: s,
          created: 0,
          validUntil: 60,
          kind: "BallisticTrack",
          schemaVersion: 1,
        },
        label,
        exampleTrack("KOR", "T1", s),
        kor,
      ),
    ),
    kor,
  ).map((x) => ({ env: x.envelope as Envelope, text: Buffer.from(x.bytes).toString("utf8") }));
}

/** What the receiver does: parse the text, check the signature with the text at hand. */
const check = (text: string, cache?: VerifiedRootCache) =>
  envelopeSignatureError(JSON.parse(text) as Envelope, korPin, cache, text);

describe("signed text inside the wire text", () => {
  it("finds the canonical text signBatch wrote, and verifies through it", () => {
    for (const { env, text } of wireBatch(5)) {
      const signed = signedTextOf(text);
      expect(signed).toBeDefined();
      expect(JSON.parse(signed!)).toEqual({ header: env.header, label: env.label, payload: env.payload });
      expect(check(text)).toBeUndefined();
      expect(check(text, new VerifiedRootCache(4))).toBeUndefined();
    }
  });

  it("a genuine envelope in another layout (re-encoded, spaced) verifies the slow way", () => {
    const cache = new VerifiedRootCache(4);
    for (const { env } of wireBatch(3)) {
      for (const text of [
        JSON.stringify(env),
        JSON.stringify(env, null, 1),
        JSON.stringify({
          header: env.header,
          v: 2,
          sig: env.sig,
          batch: env.batch,
          label: env.label,
          payload: env.payload,
        }),
      ]) {
        expect(check(text)).toBeUndefined();
        expect(check(text, cache)).toBeUndefined();
      }
    }
  });

  it("a wire text in signBatch's layout whose signed part was changed is refused, cached or not", () => {
    const cache = new VerifiedRootCache(4);
    const [a, b] = wireBatch(2);
    expect(check(a.text, cache)).toBeUndefined();
    const changed = [
      a.text.replace('"trackNumber":"T1"', '"trackNumber":"T2"'),
      a.text.replace('"header":{', '"header":{"x":1,'),
      `${a.text.slice(0, -1)},"payload":{}}`, // a second payload: JSON.parse keeps the last
      a.text.replace('"label":{', '"label":{"policyId":"Q","x":'),
      // b's signed part behind a's proof, and a's behind b's.
      a.text.slice(0, a.text.indexOf(',"header":')) + b.text.slice(b.text.indexOf(',"header":')),
    ];
    for (const text of changed) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        continue;
      }
      expect(envelopeSignatureError(parsed as Envelope, korPin, cache, text)).toBeDefined();
      expect(envelopeSignatureError(parsed as Envelope, korPin, undefined, text)).toBeDefined();
    }
  });

  it("refuses layouts it cannot read unambiguously (escapes, nesting, odd quotes) — the slow path decides", () => {
    const [{ text }] = wireBatch(1);
    const i = text.indexOf(',"header":');
    const batchStart = text.indexOf('"batch":{') + 9;
    expect(signedTextOf(text)).toBeDefined();
    expect(signedTextOf(` ${text}`)).toBeUndefined();
    expect(signedTextOf(text.replace('"sig":"', '"sig":"\\"'))).toBeUndefined();
    expect(signedTextOf(`${text.slice(0, batchStart)}"x":{"y":1},${text.slice(batchStart)}`)).toBeUndefined();
    expect(signedTextOf(`${text.slice(0, batchStart)}"x}":1,${text.slice(batchStart)}`)).toBeUndefined();
    expect(signedTextOf(`${text.slice(0, i)},"label":${text.slice(i + 10)}`)).toBeUndefined();
    expect(signedTextOf('{"v":2,"sig":"')).toBeUndefined();
  });
});

describe("strict base64", () => {
  it("accepts only the canonical encoding of exactly the expected size", () => {
    for (const size of [32, 64, 1, 2, 3]) {
      const bytes = Buffer.from(Array.from({ length: size }, (_, k) => (k * 53 + 7) & 0xff));
      const text = bytes.toString("base64");
      expect(decodeBase64(text, size)?.equals(bytes)).toBe(true);
      expect(decodeBase64(`${text}=`, size)).toBeUndefined();
      if (text.endsWith("=")) expect(decodeBase64(text.replace(/=+$/, ""), size)).toBeUndefined();
      expect(decodeBase64(text, size + 1)).toBeUndefined();
      expect(decodeBase64(text.replace(/^./, "!"), size)).toBeUndefined();
    }
    // Non-zero unused bits: decodes to the same bytes, but is not the canonical text.
    const h = Buffer.alloc(32, 7).toString("base64"); // ends "Bwc="
    expect(decodeBase64(h, 32)).toBeDefined();
    expect(decodeBase64(`${h.slice(0, 42)}d=`, 32)).toBeUndefined();
    const s = Buffer.alloc(64, 7).toString("base64"); // ends "Bw=="
    expect(decodeBase64(`${s.slice(0, 85)}x==`, 64)).toBeUndefined();
    expect(decodeBase64(s, 64)).toBeDefined();
    expect(decodeBase64(123, 32)).toBeUndefined();
  });
});

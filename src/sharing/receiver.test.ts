import { sign } from "node:crypto";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { canonicalJson } from "../core/canonical-json.ts";
import { type Envelope, encodeEnvelope, signEnvelope, signEnvelopes } from "./envelope.ts";
import { generateSigningKey, pinnedFrom } from "./keys.ts";
import { makeLabel, type SecurityLabel } from "./label.ts";
import { MESSAGE_KINDS } from "./message-kinds.ts";
import { loadPolicy } from "./policy.ts";
import { Receiver, type RejectReason } from "./receiver.ts";
import { Sender } from "./sender.ts";
import { examplePayload, exampleTrack } from "./test-fixtures.ts";
import { ParsedWire, shareSubject } from "./transport.ts";

const policy = loadPolicy(join(import.meta.dirname, "..", "..", "policies", "default.yaml"));
const keys = {
  KOR: generateSigningKey("KOR"),
  USA: generateSigningKey("USA"),
  JPN: generateSigningKey("JPN"),
};
const pinned = pinnedFrom(Object.values(keys));
const ALL = makeLabel(policy, "SECRET", ["KOR", "USA", "JPN"]);

let now = 100;
let logs: { message: string; fields: Record<string, unknown> }[] = [];
const logger = { warn: (message: string, fields: Record<string, unknown>) => logs.push({ message, fields }) };
const rxFor = (nation: "USA" | "JPN" | "KOR", extra = {}) =>
  new Receiver({ nation, policy, keys: pinned, clock: () => now, logger, ...extra });

beforeEach(() => {
  now = 100;
  logs = [];
});

/** One envelope KOR → `dest`, signed by `key` (default KOR), with any field overridden. */
function envelope(
  opts: {
    dest?: "USA" | "JPN";
    key?: ReturnType<typeof generateSigningKey>;
    label?: SecurityLabel;
    created?: number;
    validUntil?: number;
    sequence?: number;
    payload?: unknown;
    origin?: "KOR" | "USA" | "JPN";
  } = {},
): Envelope {
  const created = opts.created ?? now;
  return signEnvelope(
    {
      id: `${opts.origin ?? "KOR"}.n1.${opts.sequence ?? 1}`,
      origin: opts.origin ?? "KOR",
      senderNode: "n1",
      sequence: opts.sequence ?? 1,
      created,
      validUntil: opts.validUntil ?? created + 60,
      kind: "BallisticTrack",
      schemaVersion: 1,
    },
    opts.label ?? ALL,
    opts.payload ?? { ...exampleTrack("KOR"), contributors: [{ sensorType: "radar" }] },
    opts.key ?? keys.KOR,
  );
}
const bytes = (x: unknown) => Buffer.from(typeof x === "string" ? x : JSON.stringify(x), "utf8");
const SUBJ_USA = shareSubject("KOR", "USA", "BallisticTrack");

function expectRejected(rx: Receiver, subject: string, data: Uint8Array, reason: RejectReason) {
  const before = rx.counters()[reason];
  const r = rx.receive(subject, data);
  expect(r.accepted).toBe(false);
  if (!r.accepted) expect(r.reason, r.detail).toBe(reason);
  expect(rx.counters()[reason]).toBe(before + 1);
  expect(logs.at(-1)?.fields.reason).toBe(reason);
  expect(logs.at(-1)?.message).toContain(reason);
  return r;
}

describe("receiver pipeline", () => {
  it("accepts a valid signed message of every kind from a sender", () => {
    const rx = rxFor("USA");
    const s = new Sender({ policy, key: keys.KOR, nodeId: "kor-node", clock: () => now });
    for (const k of MESSAGE_KINDS)
      for (const o of s.prepare(k, examplePayload(k), ALL).filter((x) => x.destination === "USA")) {
        const r = rx.receive(o.subject, o.bytes);
        expect(r.accepted, r.accepted ? "" : `${k}: ${r.reason} ${r.detail}`).toBe(true);
      }
    expect(rx.counters().accepted).toBe(MESSAGE_KINDS.length);
    expect(logs).toHaveLength(0);
  });

  it("rejects an oversized message before parsing it", () => {
    const rx = rxFor("USA", { maxBytes: 1000 });
    expectRejected(rx, SUBJ_USA, new Uint8Array(1001).fill(0x7b), "oversize");
  });

  it("rejects malformed JSON, non-UTF-8 and non-objects", () => {
    const rx = rxFor("USA");
    expectRejected(rx, SUBJ_USA, bytes('{"v":1,"header":'), "malformed");
    expectRejected(rx, SUBJ_USA, new Uint8Array([0xff, 0xfe, 0x7b, 0x7d]), "malformed");
    expectRejected(rx, SUBJ_USA, bytes("[1,2,3]"), "malformed");
    expectRejected(rx, SUBJ_USA, bytes("null"), "malformed");
    expectRejected(rx, SUBJ_USA, new Uint8Array(0), "malformed");
  });

  it("rejects schema violations in the envelope and in the payload, naming the field", () => {
    const rx = rxFor("USA");
    const good = envelope();
    const noSig = { ...good, sig: undefined };
    expect(expectRejected(rx, SUBJ_USA, bytes(noSig), "schema")).toMatchObject({
      detail: expect.stringContaining("sig"),
    });
    const badKind = { ...good, header: { ...good.header, kind: "Nuke" } };
    expectRejected(rx, SUBJ_USA, bytes(badKind), "schema");
    const p = structuredClone(good.payload) as Record<string, unknown>;
    p.quality = 99;
    expect(expectRejected(rx, SUBJ_USA, bytes({ ...good, payload: p }), "schema")).toMatchObject({
      detail: expect.stringContaining("payload.quality"),
    });
    const extra = { ...(good.payload as object), sneaky: 1 };
    expectRejected(rx, SUBJ_USA, bytes({ ...good, payload: extra }), "schema");
    const badVersion = { ...good, header: { ...good.header, schemaVersion: 7 } };
    expect(expectRejected(rx, SUBJ_USA, bytes(badVersion), "schema")).toMatchObject({
      detail: expect.stringContaining("version 7"),
    });
  });

  it("rejects NaN and infinite coordinates", () => {
    const rx = rxFor("USA");
    const good = envelope();
    // JSON cannot carry NaN; a sender writing it produces null, and 1e999 parses to Infinity.
    const text = JSON.stringify(good);
    const pos = JSON.stringify((good.payload as { state: { posEcef: number[] } }).state.posEcef);
    const inf = text.replace(pos, "[1e999,0,0]");
    expect(inf).not.toBe(text);
    expect(expectRejected(rx, SUBJ_USA, bytes(inf), "schema")).toMatchObject({
      detail: expect.stringMatching(/posEcef/),
    });
    expectRejected(rx, SUBJ_USA, bytes(text.replace(pos, "[-1e999,0,0]")), "schema");
    expectRejected(rx, SUBJ_USA, bytes(text.replace(pos, "[null,0,0]")), "schema");
    expectRejected(rx, SUBJ_USA, bytes(text.replace(pos, '["NaN",0,0]')), "schema");
    const t = text.replace(`"created":${now}`, '"created":1e999');
    expect(t).not.toBe(text);
    expectRejected(rx, SUBJ_USA, bytes(t), "schema");
  });

  it("rejects an unknown key and a bad signature", () => {
    const rx = rxFor("USA");
    const stranger = generateSigningKey("KOR");
    expectRejected(rx, SUBJ_USA, encodeEnvelope(envelope({ key: stranger })), "unknown-key");
    const good = envelope();
    const sig = Buffer.from(good.sig, "base64");
    sig[10] ^= 1;
    expectRejected(rx, SUBJ_USA, bytes({ ...good, sig: sig.toString("base64") }), "bad-signature");
    expectRejected(rx, SUBJ_USA, bytes({ ...good, sig: "AAAA" }), "bad-signature");
    // A signature over something else (no domain prefix) does not verify as an envelope.
    const raw = sign(
      null,
      Buffer.from(canonicalJson({ header: good.header, label: good.label, payload: good.payload })),
      keys.KOR.privateKey,
    );
    expectRejected(rx, SUBJ_USA, bytes({ ...good, sig: raw.toString("base64") }), "bad-signature");
  });

  it("rejects a payload or header edited after signing", () => {
    const rx = rxFor("USA");
    const good = envelope();
    const p = structuredClone(good.payload) as { state: { posEcef: number[] } };
    p.state.posEcef[0] += 1;
    expectRejected(rx, SUBJ_USA, bytes({ ...good, payload: p }), "bad-signature");
    expectRejected(
      rx,
      SUBJ_USA,
      bytes({ ...good, header: { ...good.header, validUntil: 1e6 } }),
      "bad-signature",
    );
  });

  it("rejects a label edited after signing", () => {
    const rx = rxFor("JPN");
    const korOnly = makeLabel(policy, "SECRET", ["KOR", "USA"]);
    const env = envelope({ dest: "JPN", label: korOnly });
    const widened = { ...env, label: makeLabel(policy, "SECRET", ["KOR", "USA", "JPN"]) };
    expectRejected(rx, shareSubject("KOR", "JPN", "BallisticTrack"), bytes(widened), "bad-signature");
    const downgraded = { ...envelope(), label: makeLabel(policy, "UNCLASSIFIED", ["KOR", "USA", "JPN"]) };
    expectRejected(rxFor("USA"), SUBJ_USA, bytes(downgraded), "bad-signature");
  });

  it("rejects a valid signature from the wrong nation for the subject", () => {
    const rx = rxFor("USA");
    // JPN signs honestly as JPN but the message arrives on a KOR subject.
    const jpn = envelope({ origin: "JPN", key: keys.JPN, payload: exampleTrack("JPN") });
    expectRejected(rx, SUBJ_USA, encodeEnvelope(jpn), "origin-mismatch");
    // JPN's key signs a header claiming KOR.
    expectRejected(rx, SUBJ_USA, encodeEnvelope(envelope({ key: keys.JPN })), "origin-mismatch");
    // Right origin, wrong kind in the subject.
    expectRejected(rx, shareSubject("KOR", "USA", "Warning"), encodeEnvelope(envelope()), "origin-mismatch");
    expectRejected(rx, "share.KOR.rel.USA", encodeEnvelope(envelope()), "origin-mismatch");
    expectRejected(rx, shareSubject("KOR", "JPN", "BallisticTrack"), encodeEnvelope(envelope()), "misrouted");
  });

  it("rejects stale, expired and future-dated messages against the receiver's clock", () => {
    const rx = rxFor("USA", { maxAgeS: 30, maxFutureS: 2 });
    expectRejected(rx, SUBJ_USA, encodeEnvelope(envelope({ created: now + 3, sequence: 1 })), "future-dated");
    expectRejected(rx, SUBJ_USA, encodeEnvelope(envelope({ created: now - 31, sequence: 2 })), "stale");
    expectRejected(
      rx,
      SUBJ_USA,
      encodeEnvelope(envelope({ created: now - 10, validUntil: now - 1, sequence: 3 })),
      "stale",
    );
    // Inside the skew and age bounds: accepted.
    expect(rx.receive(SUBJ_USA, encodeEnvelope(envelope({ created: now + 1.5, sequence: 4 }))).accepted).toBe(
      true,
    );
  });

  it("rejects replayed messages and sequences older than the window", () => {
    const rx = rxFor("USA", { replayWindow: 8 });
    const pay = (n: number) => ({ ...exampleTrack("KOR", "T1", n), contributors: [] });
    const e1 = encodeEnvelope(envelope({ sequence: 20, payload: pay(1) }));
    expect(rx.receive(SUBJ_USA, e1).accepted).toBe(true);
    expectRejected(rx, SUBJ_USA, e1, "replay");
    // Out of order inside the window is fine, once.
    const e2 = encodeEnvelope(envelope({ sequence: 15, payload: pay(2) }));
    expect(rx.receive(SUBJ_USA, e2).accepted).toBe(true);
    expectRejected(rx, SUBJ_USA, e2, "replay");
    expectRejected(rx, SUBJ_USA, encodeEnvelope(envelope({ sequence: 12, payload: pay(3) })), "replay");
  });

  it("rejects unknown policy and unknown classification", () => {
    const rx = rxFor("USA");
    const otherPolicy = { ...ALL, policyId: "SOME-OTHER-POLICY" };
    expectRejected(
      rx,
      SUBJ_USA,
      encodeEnvelope(envelope({ label: otherPolicy, sequence: 1 })),
      "unknown-policy",
    );
    const topSecret = { ...ALL, classification: "TOP SECRET" };
    expectRejected(
      rx,
      SUBJ_USA,
      encodeEnvelope(envelope({ label: topSecret, sequence: 2 })),
      "unknown-classification",
    );
    const badCat = {
      ...ALL,
      categories: [...ALL.categories, { name: "Eyes", type: "permissive" as const, values: ["X"] }],
    };
    expectRejected(
      rx,
      SUBJ_USA,
      encodeEnvelope(envelope({ label: badCat, sequence: 3 })),
      "unknown-category",
    );
  });

  it("rejects an item not releasable to the receiver", () => {
    const jpn = rxFor("JPN");
    const korUsOnly = makeLabel(policy, "SECRET", ["KOR", "USA"]);
    const subj = shareSubject("KOR", "JPN", "BallisticTrack");
    expectRejected(jpn, subj, encodeEnvelope(envelope({ dest: "JPN", label: korUsOnly })), "not-releasable");
    // Releasable by label, but the policy's KOR→JPN flow does not carry Warning.
    const w = signEnvelope(
      {
        id: "KOR.n1.2",
        origin: "KOR",
        senderNode: "n1",
        sequence: 2,
        created: now,
        validUntil: now + 60,
        kind: "Warning",
        schemaVersion: 1,
      },
      ALL,
      examplePayload("Warning"),
      keys.KOR,
    );
    expectRejected(jpn, shareSubject("KOR", "JPN", "Warning"), encodeEnvelope(w), "not-releasable");
    // A restrictive category the reader holds (JPN holds MWDS under the default policy): accepted.
    const special = makeLabel(
      policy,
      "SECRET",
      ["KOR", "USA", "JPN"],
      [{ name: "Special Handling", type: "restrictive", values: ["MWDS"] }],
    );
    expect(jpn.receive(subj, encodeEnvelope(envelope({ label: special, sequence: 3 }))).accepted).toBe(true);
    // Sensor fields that the flow removes must not arrive.
    expectRejected(
      jpn,
      subj,
      encodeEnvelope(envelope({ sequence: 4, payload: exampleTrack("KOR", "T9") })),
      "not-sanitised",
    );
  });

  it("is idempotent on (origin, track number, update sequence) and on message id", () => {
    const rx = rxFor("USA");
    const p = { ...exampleTrack("KOR", "T7", 3), contributors: [] };
    expect(rx.receive(SUBJ_USA, encodeEnvelope(envelope({ sequence: 1, payload: p }))).accepted).toBe(true);
    // Same track update in a new envelope (a resend after a restart): a duplicate, not a new update.
    expectRejected(rx, SUBJ_USA, encodeEnvelope(envelope({ sequence: 2, payload: p })), "duplicate");
    const next = { ...p, updateSequence: 4 };
    expect(rx.receive(SUBJ_USA, encodeEnvelope(envelope({ sequence: 3, payload: next }))).accepted).toBe(
      true,
    );
  });

  it("counts every reason and never throws, whatever the bytes", () => {
    const rx = rxFor("USA");
    const inputs = [
      "",
      "{}",
      '{"v":1}',
      '{"v":1,"header":null,"label":null,"payload":null,"sig":""}',
      '"string"',
      "1e999",
      '{"__proto__":{"x":1}}',
    ];
    for (const s of inputs) expect(rx.receive(SUBJ_USA, bytes(s)).accepted).toBe(false);
    const c = rx.counters();
    const total = Object.entries(c)
      .filter(([k]) => k !== "accepted")
      .reduce((a, [, v]) => a + v, 0);
    expect(total).toBe(inputs.length);
    expect(logs).toHaveLength(inputs.length);
  });
});

describe("receiver pipeline with batch signatures", () => {
  const trackItems = (n: number, label = ALL, from = 0) =>
    Array.from({ length: n }, (_, k) => ({
      kind: "BallisticTrack" as const,
      payload: exampleTrack("KOR", "T1", from + k),
      label,
    }));
  const forDest = (out: ReturnType<Sender["prepareBatch"]>, dest: string) =>
    out.flat().filter((o) => o.destination === dest);

  it("accepts every envelope of a batch with one Ed25519 verification per destination batch", () => {
    const s = new Sender({ policy, key: keys.KOR, nodeId: "kor-node", clock: () => now });
    const out = s.prepareBatch(trackItems(20));
    // Trilateral: a batch for USA and one for JPN, never mixed.
    expect(s.stats).toEqual({ envelopes: 40, batches: 2 });
    for (const dest of ["USA", "JPN"] as const) {
      const rx = rxFor(dest);
      const mine = forDest(out, dest);
      expect(mine).toHaveLength(20);
      expect(new Set(mine.map((o) => o.envelope.sig)).size).toBe(1);
      for (const o of mine) {
        expect(o.envelope.batch.n).toBe(20);
        const r = rx.receive(o.subject, o.bytes);
        expect(r.accepted, r.accepted ? "" : `${r.reason}: ${r.detail}`).toBe(true);
      }
      expect(rx.verifiedRoots.misses).toBe(1);
      expect(rx.verifiedRoots.hits).toBe(19);
    }
    expect(forDest(out, "USA")[0].envelope.sig).not.toBe(forDest(out, "JPN")[0].envelope.sig);
    expect(logs).toHaveLength(0);
  });

  it("a tampered member of a verified batch is a bad signature; the rest of the batch is accepted", () => {
    const rx = rxFor("JPN");
    const s = new Sender({ policy, key: keys.KOR, nodeId: "kor-node", clock: () => now });
    const mine = forDest(s.prepareBatch(trackItems(6)), "JPN");
    const subj = shareSubject("KOR", "JPN", "BallisticTrack");
    const env = (k: number) => mine[k].envelope;
    expect(rx.receive(subj, mine[0].bytes).accepted).toBe(true); // root now cached
    // Payload edited after signing.
    const p = structuredClone(env(1).payload) as { state: { posEcef: number[] } };
    p.state.posEcef[0] += 1;
    expectRejected(rx, subj, bytes({ ...env(1), payload: p }), "bad-signature");
    // Label edited after signing (narrowed, so that only the signature can catch it).
    const narrowed = { ...env(2), label: makeLabel(policy, "SECRET", ["USA", "JPN"]) };
    expectRejected(rx, subj, bytes(narrowed), "bad-signature");
    // Path, index, batch size.
    const path = [...env(3).batch.path];
    const h = Buffer.from(path[0], "base64");
    h[0] ^= 0x80;
    path[0] = h.toString("base64");
    expectRejected(rx, subj, bytes({ ...env(3), batch: { ...env(3).batch, path } }), "bad-signature");
    expectRejected(rx, subj, bytes({ ...env(3), batch: { ...env(3).batch, i: 4 } }), "bad-signature");
    expectRejected(rx, subj, bytes({ ...env(3), batch: { ...env(3).batch, n: 7 } }), "bad-signature");
    // Another member's content under this member's proof and signature.
    expectRejected(
      rx,
      subj,
      bytes({ ...env(4), payload: env(5).payload, header: env(5).header }),
      "bad-signature",
    );
    // Out-of-range index and oversized path are refused by the schema before any hashing.
    expectRejected(rx, subj, bytes({ ...env(3), batch: { ...env(3).batch, n: 5000 } }), "schema");
    for (const o of mine.slice(1)) expect(rx.receive(subj, o.bytes).accepted).toBe(true);
    expect(rx.counters().accepted).toBe(6);
    expect(rx.counters()["bad-signature"]).toBe(6);
    // The honest members were answered from the cache; a tampered one never is.
    expect(rx.verifiedRoots.hits).toBe(5);
  });

  it("a batch signed by the wrong nation's key for the subject is refused, cached or not", () => {
    const rx = rxFor("USA");
    const jpnSender = new Sender({ policy, key: keys.JPN, nodeId: "jpn-node", clock: () => now });
    const jpn = forDest(
      jpnSender.prepareBatch(
        Array.from({ length: 3 }, (_, k) => ({
          kind: "BallisticTrack" as const,
          payload: { ...exampleTrack("JPN", "J1", k), contributors: [] },
          label: ALL,
        })),
      ),
      "USA",
    );
    // Honest JPN batch on its own subject: accepted, its root cached.
    expect(rx.receive(jpn[0].subject, jpn[0].bytes).accepted).toBe(true);
    // The same verified envelopes replayed on a KOR subject.
    expectRejected(rx, SUBJ_USA, jpn[1].bytes, "origin-mismatch");
    // A JPN-signed batch whose headers claim KOR.
    const claims = signEnvelopes(
      [1, 2].map((seq) => ({
        header: {
          id: `KOR.n1.${seq}`,
          origin: "KOR" as const,
          senderNode: "n1",
          sequence: seq,
          created: now,
          validUntil: now + 60,
          kind: "BallisticTrack" as const,
          schemaVersion: 1,
        },
        label: ALL,
        payload: { ...exampleTrack("KOR", "K1", seq), contributors: [] },
      })),
      keys.JPN,
    );
    for (const e of claims) expectRejected(rx, SUBJ_USA, encodeEnvelope(e), "origin-mismatch");
    // A KOR header naming KOR's key under JPN's batch signature and path.
    const swapped = { ...claims[0], header: { ...claims[0].header, keyId: keys.KOR.keyId } };
    expectRejected(rx, SUBJ_USA, bytes(swapped), "bad-signature");
  });

  it("a replayed member of a batch is a replay, and the old one-signature-per-message form is refused", () => {
    const rx = rxFor("USA");
    const s = new Sender({ policy, key: keys.KOR, nodeId: "kor-node", clock: () => now });
    const mine = forDest(s.prepareBatch(trackItems(3, makeLabel(policy, "SECRET", ["KOR", "USA"]))), "USA");
    for (const o of mine) expect(rx.receive(o.subject, o.bytes).accepted).toBe(true);
    expectRejected(rx, SUBJ_USA, mine[1].bytes, "replay");
    const { batch: _, ...v1 } = { ...envelope({ sequence: 9 }), v: 1 };
    expectRejected(rx, SUBJ_USA, bytes(v1), "schema");
  });
});

describe("receiver subject parse cache", () => {
  it("gives each subject its own verdict, whatever subjects came before (also when seen again)", () => {
    const rx = rxFor("USA");
    let seq = 1;
    const next = () => {
      const sequence = seq++;
      const payload = { ...exampleTrack("KOR", "T0001", sequence), contributors: [{ sensorType: "radar" }] };
      return encodeEnvelope(envelope({ sequence, payload }));
    };
    for (let round = 0; round < 2; round++) {
      expectRejected(rx, "share.KOR.rel.USA", next(), "origin-mismatch");
      expectRejected(rx, shareSubject("KOR", "JPN", "BallisticTrack"), next(), "misrouted");
      expectRejected(rx, shareSubject("KOR", "USA", "Warning"), next(), "origin-mismatch");
      expectRejected(rx, shareSubject("JPN", "USA", "BallisticTrack"), next(), "origin-mismatch");
      expect(rx.receive(SUBJ_USA, next()).accepted).toBe(true);
      expectRejected(rx, "share.KOR.rel.USA.Nonsense", next(), "origin-mismatch");
    }
    expect(rx.counters()).toMatchObject({ accepted: 2, "origin-mismatch": 8, misrouted: 2 });
  });
});

describe("receiver with the transport's parse (InboundMessage.parsed, ParsedWire)", () => {
  const subj = shareSubject("KOR", "USA", "BallisticTrack");
  const batch = (nodeId: string, n: number) =>
    new Sender({ policy, key: keys.KOR, nodeId, clock: () => now })
      .prepareBatch(
        Array.from({ length: n }, (_, k) => ({
          kind: "BallisticTrack" as const,
          payload: exampleTrack("KOR", `T${k}`, k),
          label: ALL,
        })),
      )
      .flat()
      .filter((o) => o.destination === "USA");
  /** The wire text of `data` with `from` replaced by `to` (must occur). */
  const edited = (data: Uint8Array, from: string, to: string) => {
    const text = Buffer.from(data).toString("utf8");
    expect(text).toContain(from);
    return Buffer.from(text.replace(from, to), "utf8");
  };
  const parse = (data: Uint8Array) => {
    const p = ParsedWire.parse(data);
    expect(p).toBeDefined();
    return p as ParsedWire;
  };

  it("gives the same verdicts, reasons and counters as parsing the bytes itself", () => {
    const mine = batch("kor-pw", 6);
    const tampered = edited(mine[2].bytes, '"trackNumber":"T2"', '"trackNumber":"T9"');
    const wire: Uint8Array[] = [mine[0].bytes, mine[1].bytes, tampered, mine[3].bytes, mine[1].bytes];
    // Not UTF-8: the transport's lenient decode parses it (U+FFFD), the receiver's strict one does not.
    const notUtf8 = Buffer.from(mine[4].bytes);
    notUtf8[notUtf8.indexOf('"T4"') + 1] = 0xff;
    expect(ParsedWire.parse(notUtf8)).toBeDefined();
    wire.push(notUtf8, mine[5].bytes);
    const plain = rxFor("USA");
    const withParse = rxFor("USA");
    for (const data of wire) {
      const a = plain.receive(subj, data);
      const b = withParse.receive(subj, data, ParsedWire.parse(data));
      expect(b).toEqual(a);
    }
    expect(withParse.counters()).toEqual(plain.counters());
    expect(withParse.counters()).toMatchObject({ accepted: 4, "bad-signature": 1, replay: 1, malformed: 1 });
  });

  it("ignores a parse that is not of exactly these bytes (another item's, a tampered text's, a forged object)", () => {
    const mine = batch("kor-pw2", 4);
    const rx = rxFor("USA");
    // The genuine signed bytes of item 0 with the parse of a tampered copy of them: trusted, the
    // signature (hashed from the genuine text) would pass and T9 would be accepted.
    const tampered = parse(edited(mine[0].bytes, '"trackNumber":"T0"', '"trackNumber":"T9"'));
    const r0 = rx.receive(subj, mine[0].bytes, tampered);
    expect(r0.accepted).toBe(true);
    if (r0.accepted) expect((r0.envelope.payload as { trackNumber: string }).trackNumber).toBe("T0");
    // Item 1's bytes with item 2's parse (a transport mixing up its items): item 1 is what counts.
    const r1 = rx.receive(subj, mine[1].bytes, parse(mine[2].bytes));
    expect(r1.accepted).toBe(true);
    if (r1.accepted) expect(r1.envelope.header.sequence).toBe(mine[1].envelope.header.sequence);
    // Tampered bytes with the parse of the genuine ones: still a bad signature.
    const bad = edited(mine[2].bytes, '"trackNumber":"T2"', '"trackNumber":"T9"');
    const r2 = rx.receive(subj, bad, parse(mine[2].bytes));
    expect(r2.accepted ? "accepted" : r2.reason).toBe("bad-signature");
    // Something that only looks like a ParsedWire is not one.
    const forged = { doc: JSON.parse(Buffer.from(bad).toString("utf8")) } as unknown as ParsedWire;
    const r3 = rx.receive(subj, mine[3].bytes, forged);
    expect(r3.accepted).toBe(true);
    if (r3.accepted) expect((r3.envelope.payload as { trackNumber: string }).trackNumber).toBe("T3");
    expect(ParsedWire.docFor(forged, Buffer.from(mine[3].bytes).toString("utf8"))).toBeUndefined();
    expect(rx.counters()).toMatchObject({ accepted: 3, "bad-signature": 1 });
  });
});

import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  leafHash,
  leafHashOfText,
  MAX_BATCH,
  merkleTree,
  nodeHash,
  rootFromPath,
  rootMessage,
  signRoot,
  VerifiedRootCache,
  verifyRoot,
} from "./batch-signature.ts";
import { type Envelope, type EnvelopeHeader, signEnvelopes, verifyEnvelope } from "./envelope.ts";
import { generateSigningKey, type PinnedKey } from "./keys.ts";
import { exampleTrack } from "./test-fixtures.ts";

const kor = generateSigningKey("KOR");
const jpn = generateSigningKey("JPN");
const korPin: PinnedKey = { keyId: kor.keyId, nation: "KOR", publicKey: kor.publicKey };
const jpnPin: PinnedKey = { keyId: jpn.keyId, nation: "JPN", publicKey: jpn.publicKey };
const label = { policyId: "P", classification: "S", categories: [] };
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** RFC 9162 §2.1.1 Merkle tree hash, written independently of the module under test. */
function referenceRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  const h = createHash("sha256");
  h.update(Buffer.from([1]));
  h.update(referenceRoot(leaves.slice(0, k)));
  h.update(referenceRoot(leaves.slice(k)));
  return h.digest();
}

const leaves = (n: number) => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`message ${i}`)));

function header(sequence: number): Omit<EnvelopeHeader, "keyId"> {
  return {
    id: `KOR.n1.${sequence}`,
    origin: "KOR",
    senderNode: "n1",
    sequence,
    created: 100,
    validUntil: 160,
    kind: "BallisticTrack",
    schemaVersion: 1,
  };
}

function batch(n: number): Envelope[] {
  return signEnvelopes(
    Array.from({ length: n }, (_, i) => ({
      header: header(i),
      label,
      payload: exampleTrack("KOR", "T1", i),
    })),
    kor,
  );
}

/** Every single-bit flip of every byte of `b`, as new buffers. */
function* bitFlips(b: Buffer): Generator<Buffer> {
  for (let i = 0; i < b.length; i++)
    for (let bit = 0; bit < 8; bit++) {
      const c = Buffer.from(b);
      c[i] ^= 1 << bit;
      yield c;
    }
}

describe("Merkle batch tree", () => {
  it("hashes leaves as SHA-256(0x00 ‖ data) and nodes as SHA-256(0x01 ‖ left ‖ right)", () => {
    const sha = (...parts: Uint8Array[]) => {
      const h = createHash("sha256");
      for (const p of parts) h.update(p);
      return h.digest();
    };
    const text = "héllo, 世界 \u0000 ✓";
    expect(leafHash(Buffer.from(text)).equals(sha(Buffer.from([0]), Buffer.from(text)))).toBe(true);
    expect(leafHashOfText(text).equals(leafHash(Buffer.from(text, "utf8")))).toBe(true);
    const [a, b] = leaves(2);
    expect(nodeHash(a, b).equals(sha(Buffer.from([1]), a, b))).toBe(true);
  });

  it("every leaf's path leads to the RFC 9162 root, for every batch size up to 70 and a few larger", () => {
    for (const n of [...Array.from({ length: 70 }, (_, i) => i + 1), 127, 128, 129, 500, MAX_BATCH]) {
      const ls = leaves(n);
      const tree = merkleTree(ls);
      expect(tree.root.equals(referenceRoot(ls)), `n=${n}`).toBe(true);
      for (let i = 0; i < n; i++) {
        expect(tree.paths[i].length).toBeLessThanOrEqual(Math.ceil(Math.log2(n)));
        expect(rootFromPath(ls[i], i, n, tree.paths[i])?.equals(tree.root), `n=${n} i=${i}`).toBe(true);
      }
    }
  });

  it("a batch of one: the root is the leaf and the path is empty", () => {
    const [l] = leaves(1);
    const tree = merkleTree([l]);
    expect(tree.root.equals(l)).toBe(true);
    expect(tree.paths).toEqual([[]]);
    expect(rootFromPath(l, 0, 1, [])?.equals(l)).toBe(true);
    expect(rootFromPath(l, 0, 1, [l])).toBeUndefined();
    expect(rootFromPath(l, 1, 1, [])).toBeUndefined();
  });

  it("refuses paths that do not fit: wrong index, too short, too long, bad hash size", () => {
    const ls = leaves(7);
    const { root, paths } = merkleTree(ls);
    for (let i = 0; i < 7; i++) {
      for (let j = 0; j < 7; j++)
        if (j !== i) expect(rootFromPath(ls[i], j, 7, paths[i])?.equals(root) ?? false).toBe(false);
      expect(rootFromPath(ls[i], i, 7, paths[i].slice(1))).toBeUndefined();
      expect(rootFromPath(ls[i], i, 7, [...paths[i], root])).toBeUndefined();
      expect(rootFromPath(ls[i], i, 7, [paths[i][0].subarray(1), ...paths[i].slice(1)])).toBeUndefined();
      for (const bad of [-1, 7, 1.5, Number.NaN])
        expect(rootFromPath(ls[i], bad, 7, paths[i])).toBeUndefined();
    }
    // A path does not always fix the batch size (leaf 0 of 5 and of 7 have paths of the same shape):
    // that is why the signed root message includes n.
    const { root: root5, paths: paths5 } = merkleTree(ls.slice(0, 5));
    expect(rootFromPath(ls[0], 0, 7, paths5[0])?.equals(root5)).toBe(true);
    const sig5 = signRoot("KOR", 5, root5, kor.privateKey);
    expect(verifyRoot(korPin, 5, root5, sig5)).toBe(true);
    expect(verifyRoot(korPin, 7, root5, sig5)).toBe(false);
    expect(() => merkleTree([])).toThrow(RangeError);
    expect(() => merkleTree(leaves(MAX_BATCH + 1))).toThrow(RangeError);
  });

  it("any flipped bit in a leaf or a path hash changes the root", () => {
    const ls = leaves(5);
    const { root, paths } = merkleTree(ls);
    for (let i = 0; i < 5; i++) {
      for (const l of bitFlips(ls[i])) expect(rootFromPath(l, i, 5, paths[i])?.equals(root)).toBe(false);
      paths[i].forEach((p, k) => {
        for (const f of bitFlips(p)) {
          const path = paths[i].map((x, m) => (m === k ? f : x));
          expect(rootFromPath(ls[i], i, 5, path)?.equals(root)).toBe(false);
        }
      });
    }
  });

  it("separates leaves from inner nodes: two leaves' bytes as one message do not give their parent", () => {
    const [a, b] = leaves(2);
    const root = merkleTree([a, b]).root;
    expect(leafHash(Buffer.concat([a, b])).equals(root)).toBe(false);
    expect(leafHash(Buffer.concat([Buffer.from([1]), a, b])).equals(root)).toBe(false);
    expect(nodeHash(a, b).equals(root)).toBe(true);
  });

  it("root signatures are domain-separated and bound to the nation and the batch size", () => {
    const { root } = merkleTree(leaves(3));
    const sig = signRoot("KOR", 3, root, kor.privateKey);
    expect(verifyRoot(korPin, 3, root, sig)).toBe(true);
    expect(verifyRoot(jpnPin, 3, root, sig)).toBe(false);
    expect(verifyRoot({ ...korPin, nation: "JPN" }, 3, root, sig)).toBe(false);
    expect(verifyRoot(korPin, 4, root, sig)).toBe(false);
    for (const f of bitFlips(sig)) expect(verifyRoot(korPin, 3, root, f)).toBe(false);
    for (const f of bitFlips(root)) expect(verifyRoot(korPin, 3, f, sig)).toBe(false);
    expect(rootMessage("KOR", 3, root).subarray(0, 23).toString()).toBe("allylink-batch-root-v2\n");
  });
});

describe("batch-signed envelopes", () => {
  it("every envelope of a batch verifies on its own: batches of 1, 2, 5 (odd) and 64", () => {
    for (const n of [1, 2, 5, 64]) {
      const envs = batch(n);
      expect(new Set(envs.map((e) => e.sig)).size).toBe(1);
      envs.forEach((e, i) => {
        expect(e.batch.n).toBe(n);
        expect(e.batch.i).toBe(i);
        expect(verifyEnvelope(e, korPin), `n=${n} i=${i}`).toBe(true);
        expect(verifyEnvelope(e, jpnPin)).toBe(false);
      });
    }
    expect(batch(1)[0].batch.path).toEqual([]);
  });

  it("any change to a message, its path, its index, its batch size or the signature is refused", () => {
    const envs = batch(5);
    for (const e of envs) {
      // The message: payload, header and label.
      const p = structuredClone(e.payload) as { state: { posEcef: number[] } };
      p.state.posEcef[1] += 1e-6;
      expect(verifyEnvelope({ ...e, payload: p }, korPin)).toBe(false);
      expect(verifyEnvelope({ ...e, header: { ...e.header, sequence: e.header.sequence + 5 } }, korPin)).toBe(
        false,
      );
      expect(verifyEnvelope({ ...e, label: { ...label, classification: "U" } }, korPin)).toBe(false);
      // Another envelope's content under this one's proof.
      const other = envs[(e.batch.i + 1) % envs.length];
      expect(verifyEnvelope({ ...e, payload: other.payload, header: other.header }, korPin)).toBe(false);
      // Every bit of every path hash.
      e.batch.path.forEach((h, k) => {
        for (const f of bitFlips(Buffer.from(h, "base64"))) {
          const path = e.batch.path.map((x, m) => (m === k ? f.toString("base64") : x));
          expect(verifyEnvelope({ ...e, batch: { ...e.batch, path } }, korPin)).toBe(false);
        }
      });
      // Path entries reordered, dropped, added; a non-canonical base64 spelling.
      if (e.batch.path.length > 1)
        expect(
          verifyEnvelope({ ...e, batch: { ...e.batch, path: [...e.batch.path].reverse() } }, korPin),
        ).toBe(false);
      expect(verifyEnvelope({ ...e, batch: { ...e.batch, path: e.batch.path.slice(1) } }, korPin)).toBe(
        false,
      );
      expect(
        verifyEnvelope({ ...e, batch: { ...e.batch, path: [...e.batch.path, e.batch.path[0]] } }, korPin),
      ).toBe(false);
      const h0 = e.batch.path[0];
      const loose = `${h0.slice(0, 42)}${B64[B64.indexOf(h0[42]) ^ 1]}=`; // flips a padding bit only
      expect(Buffer.from(loose, "base64").equals(Buffer.from(h0, "base64"))).toBe(true);
      expect(
        verifyEnvelope({ ...e, batch: { ...e.batch, path: [loose, ...e.batch.path.slice(1)] } }, korPin),
      ).toBe(false);
      // Every other index and batch size.
      for (let i = -1; i <= 8; i++)
        if (i !== e.batch.i) expect(verifyEnvelope({ ...e, batch: { ...e.batch, i } }, korPin)).toBe(false);
      for (const n of [1, 2, 3, 4, 6, 7, 8])
        expect(verifyEnvelope({ ...e, batch: { ...e.batch, n } }, korPin)).toBe(false);
      // Every bit of the signature.
      for (const f of bitFlips(Buffer.from(e.sig, "base64")))
        expect(verifyEnvelope({ ...e, sig: f.toString("base64") }, korPin)).toBe(false);
      expect(verifyEnvelope(e, korPin)).toBe(true);
    }
  });

  it("a batch of one with a path, or claiming a bigger batch, is refused", () => {
    const [e] = batch(1);
    const [f] = batch(2);
    expect(verifyEnvelope({ ...e, batch: { n: 1, i: 0, path: f.batch.path } }, korPin)).toBe(false);
    expect(verifyEnvelope({ ...e, batch: { n: 2, i: 0, path: [] } }, korPin)).toBe(false);
  });
});

describe("verified root cache", () => {
  it("verifies a batch once, then answers from the cache", () => {
    const cache = new VerifiedRootCache(8);
    const envs = batch(16);
    for (const e of envs) expect(verifyEnvelope(e, korPin, cache)).toBe(true);
    expect(cache.misses).toBe(1);
    expect(cache.hits).toBe(15);
    // A forged message under a cached root still fails: the path must lead to the cached root.
    const p = structuredClone(envs[3].payload) as { quality: number };
    p.quality = 1;
    expect(verifyEnvelope({ ...envs[3], payload: p }, korPin, cache)).toBe(false);
  });

  it("a signature cached for one nation is not accepted for another", () => {
    const cache = new VerifiedRootCache(8);
    const { root } = merkleTree(leaves(3));
    const sig = signRoot("KOR", 3, root, kor.privateKey);
    expect(cache.verify(korPin, 3, root, sig)).toBe(true);
    expect(cache.verify(korPin, 3, root, sig)).toBe(true);
    expect(cache.hits).toBe(1);
    // Same key material pinned under another nation (a mis-pinning), and another nation's key.
    expect(cache.verify({ ...korPin, nation: "JPN" }, 3, root, sig)).toBe(false);
    expect(cache.verify(jpnPin, 3, root, sig)).toBe(false);
    // Same root and signature claimed for another batch size.
    expect(cache.verify(korPin, 4, root, sig)).toBe(false);
    expect(cache.hits).toBe(1);
    // Envelopes: a KOR batch verified and cached, then checked against JPN's pinned key.
    const envs = batch(4);
    expect(verifyEnvelope(envs[0], korPin, cache)).toBe(true);
    for (const e of envs) expect(verifyEnvelope(e, jpnPin, cache)).toBe(false);
  });

  it("is bounded and forgets the least recently used root first; failures are not cached", () => {
    const cache = new VerifiedRootCache(2);
    const roots = [0, 1, 2].map((k) => merkleTree(leaves(k + 2)).root);
    const sigs = roots.map((r, k) => signRoot("KOR", k + 2, r, kor.privateKey));
    expect(cache.verify(korPin, 2, roots[0], sigs[0])).toBe(true);
    expect(cache.verify(korPin, 3, roots[1], sigs[1])).toBe(true);
    expect(cache.verify(korPin, 2, roots[0], sigs[0])).toBe(true); // refresh root 0
    expect(cache.verify(korPin, 4, roots[2], sigs[2])).toBe(true); // evicts root 1
    expect(cache.size).toBe(2);
    const misses = cache.misses;
    expect(cache.verify(korPin, 2, roots[0], sigs[0])).toBe(true);
    expect(cache.misses).toBe(misses);
    expect(cache.verify(korPin, 3, roots[1], sigs[1])).toBe(true);
    expect(cache.misses).toBe(misses + 1);
    expect(cache.verify(korPin, 3, roots[1], sigs[0])).toBe(false);
    expect(cache.verify(korPin, 3, roots[1], sigs[0])).toBe(false);
    expect(cache.size).toBe(2);
  });
});

describe("known nodes of verified batches (VerifiedRootCache.verifyLeaf)", () => {
  const sizes = [1, 2, 3, 5, 7, 8, 13, 64, 100];

  it("every envelope of a batch verifies in any order, with one Ed25519 verification per batch", () => {
    for (const n of sizes) {
      const cache = new VerifiedRootCache(8);
      const envs = batch(n);
      // A fixed shuffle: from the middle outwards.
      const order = Array.from(
        { length: n },
        (_, k) => (Math.floor(n / 2) + (k % 2 ? -1 : 1) * Math.ceil(k / 2) + n) % n,
      );
      for (const i of order) expect(verifyEnvelope(envs[i], korPin, cache)).toBe(true);
      expect(cache.misses).toBe(1);
      // Twice.
      for (const e of envs) expect(verifyEnvelope(e, korPin, cache)).toBe(true);
      expect(cache.misses).toBe(1);
    }
  });

  it("after the batch is known, a tampered envelope, a wrong index or a wrong path is still refused", () => {
    for (const n of sizes.filter((x) => x > 1)) {
      const cache = new VerifiedRootCache(8);
      const envs = batch(n);
      for (const e of envs) expect(verifyEnvelope(e, korPin, cache)).toBe(true);
      for (let i = 0; i < n; i++) {
        const e = envs[i];
        const p = structuredClone(e.payload) as { quality: number };
        p.quality += 0.5;
        expect(verifyEnvelope({ ...e, payload: p }, korPin, cache)).toBe(false);
        // Another envelope's place in the batch.
        const j = (i + 1) % n;
        expect(verifyEnvelope({ ...e, batch: { ...e.batch, i: j } }, korPin, cache)).toBe(false);
        expect(verifyEnvelope({ ...e, batch: envs[j].batch }, korPin, cache)).toBe(false);
        // A path entry replaced by another known hash of the tree.
        if (e.batch.path.length > 1) {
          const path = [...e.batch.path];
          [path[0], path[1]] = [path[1], path[0]];
          expect(verifyEnvelope({ ...e, batch: { ...e.batch, path } }, korPin, cache)).toBe(false);
        }
        // A path one entry too short or too long.
        expect(
          verifyEnvelope({ ...e, batch: { ...e.batch, path: e.batch.path.slice(1) } }, korPin, cache),
        ).toBe(false);
        expect(
          verifyEnvelope(
            { ...e, batch: { ...e.batch, path: [...e.batch.path, e.batch.path[0] ?? ""] } },
            korPin,
            cache,
          ),
        ).toBe(false);
      }
      // The same batch claimed by another nation's key, or for another size.
      for (const e of envs) expect(verifyEnvelope(e, jpnPin, cache)).toBe(false);
      expect(verifyEnvelope({ ...envs[0], batch: { ...envs[0].batch, n: n + 1 } }, korPin, cache)).toBe(
        false,
      );
      // Nothing above made the cache accept anything it should not: the genuine ones still pass.
      for (const e of envs) expect(verifyEnvelope(e, korPin, cache)).toBe(true);
    }
  });

  it("a cache of capacity 0 remembers nothing", () => {
    const cache = new VerifiedRootCache(0);
    const envs = batch(5);
    for (const e of envs) expect(verifyEnvelope(e, korPin, cache)).toBe(true);
    expect(cache.misses).toBe(5);
  });
});

/**
 * Batch signatures: one Ed25519 signature covers many envelopes through a Merkle tree (the
 * construction of the IETF TLS batch-signing draft, with the tree of RFC 9162 §2.1).
 *
 * Why: on the target machine (2 slow cores) node:crypto needs ≈ 75 µs to sign and ≈ 200 µs to verify
 * one Ed25519 signature, so one signature per message cannot carry 10,000 signed, verified messages
 * a second (≈ 2.7 core-seconds of crypto per second). A sender that publishes many messages within
 * a short window signs them together: each message still travels alone (its own NATS message,
 * subject and Nats-Msg-Id) and still carries everything needed to verify it alone — the batch's root
 * signature, its index and its Merkle path — but the receiver verifies a batch's root signature once
 * and caches the result, so each further message of the batch costs a few SHA-256 hashes.
 *
 * Construction (all hashes SHA-256):
 *   leaf  = H(0x00 ‖ signed bytes of the envelope)           (envelope.ts: domain ‖ canonical JSON)
 *   node  = H(0x01 ‖ left ‖ right)
 *   tree  = RFC 9162 Merkle tree over the n leaves in order (split at the largest power of two < n;
 *           no duplicated nodes, so an odd-sized batch has one unambiguous tree)
 *   signed message = "allylink-batch-root-v2\n" ‖ nation ‖ "\n" ‖ n ‖ "\n" ‖ root
 *   signature      = Ed25519(nation's private key, signed message)
 *
 * The 0x00/0x01 prefixes keep a leaf from being passed off as an inner node (second preimages);
 * the root domain string keeps a root signature from verifying as anything else (and anything else
 * from verifying as a root signature); the nation binds the signature to the signer's nation, and n
 * binds the tree's shape (with n and the index the path's shape is fixed, so a path of the wrong
 * length is refused). A batch of one is a tree whose root is the leaf: one signature per message,
 * as before.
 *
 * Confidentiality: a Merkle path carries hashes of the other messages in its batch. The sender only
 * batches envelopes for the same destination (sender.ts), so a path only ever carries hashes of
 * messages its receiver receives anyway.
 */
import { hash, type KeyObject, sign, verify } from "node:crypto";
import type { NationCode } from "../world/nation.ts";
import type { PinnedKey } from "./keys.ts";

/** Largest batch a sender may sign (a path is then at most 10 hashes). */
export const MAX_BATCH = 1024;
/** Longest Merkle path of a batch of at most MAX_BATCH leaves. */
export const MAX_PATH = 10;
export const HASH_BYTES = 32;
export const SIGNATURE_BYTES = 64;

const LEAF = Buffer.from([0x00]);
const NODE = Buffer.from([0x01]);
const ROOT_DOMAIN = "allylink-batch-root-v2\n";

// One-shot crypto.hash: a third cheaper than createHash().update().digest() for inputs this small.

/** H(0x00 ‖ data). */
export function leafHash(data: Uint8Array): Buffer {
  return hash("sha256", Buffer.concat([LEAF, data]), "buffer");
}

/** H(0x00 ‖ UTF-8 of text): leafHash(Buffer.from(text)) without the copy. */
export function leafHashOfText(text: string): Buffer {
  return hash("sha256", `\u0000${text}`, "buffer"); // U+0000 is the single byte 0x00 in UTF-8
}

/** 0x01 ‖ left ‖ right of two 32-byte hashes, reused (hashing is synchronous). */
const NODE_INPUT = Buffer.alloc(1 + 2 * HASH_BYTES, 0x01);

/** H(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.byteLength !== HASH_BYTES || right.byteLength !== HASH_BYTES)
    return hash("sha256", Buffer.concat([NODE, left, right]), "buffer");
  NODE_INPUT.set(left, 1);
  NODE_INPUT.set(right, 1 + HASH_BYTES);
  return hash("sha256", NODE_INPUT, "buffer");
}

/** Largest power of two strictly below n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export interface MerkleTree {
  readonly root: Buffer;
  /** paths[i]: the audit path of leaf i, bottom-up (RFC 9162 §2.1.3.1). */
  readonly paths: Buffer[][];
}

/** Builds the tree over `leaves` (leaf hashes, in order) and every leaf's audit path. */
export function merkleTree(leaves: readonly Buffer[]): MerkleTree {
  const n = leaves.length;
  if (n < 1 || n > MAX_BATCH) throw new RangeError(`a batch has 1 to ${MAX_BATCH} leaves, got ${n}`);
  const paths: Buffer[][] = Array.from({ length: n }, () => []);
  const build = (lo: number, hi: number): Buffer => {
    if (hi - lo === 1) return leaves[lo];
    const mid = lo + splitPoint(hi - lo);
    const left = build(lo, mid);
    const right = build(mid, hi);
    // Children were built (and pushed their lower levels) first: paths stay bottom-up.
    for (let i = lo; i < mid; i++) paths[i].push(right);
    for (let i = mid; i < hi; i++) paths[i].push(left);
    return nodeHash(left, right);
  };
  return { root: build(0, n), paths };
}

/**
 * The root a leaf and its audit path lead to (RFC 9162 §2.1.3.2), or undefined when index, size and
 * path do not fit together (index out of range, path too short or too long, a hash of the wrong size).
 */
export function rootFromPath(
  leaf: Uint8Array,
  index: number,
  n: number,
  path: readonly Uint8Array[],
): Buffer | undefined {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(n)) return undefined;
  if (n < 1 || n > MAX_BATCH || index < 0 || index >= n || path.length > MAX_PATH) return undefined;
  if (leaf.byteLength !== HASH_BYTES) return undefined;
  let fn = index;
  let sn = n - 1;
  let r: Buffer = Buffer.from(leaf);
  for (const p of path) {
    if (p.byteLength !== HASH_BYTES || sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else r = nodeHash(r, p);
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 ? r : undefined;
}

/** A node hash authenticated under a verified root signature, with its base64 text once needed. */
interface KnownNode {
  readonly hash: Buffer;
  text?: string;
}

interface AuditStep {
  /** Range (lo · 2048 + hi) of the sibling whose hash is this step's path entry. */
  readonly sibling: number;
  /** Range of the node this step computes. */
  readonly parent: number;
  readonly siblingOnRight: boolean;
}

/**
 * The steps of leaf `index`'s audit path in a tree of `n` leaves, bottom-up (the tree merkleTree
 * builds: split at the largest power of two below the size), with the leaf ranges of each sibling
 * and each computed node; undefined when index and n do not fit.
 */
function auditSteps(index: number, n: number): AuditStep[] | undefined {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(n)) return undefined;
  if (n < 1 || n > MAX_BATCH || index < 0 || index >= n) return undefined;
  const down: AuditStep[] = [];
  let lo = 0;
  let hi = n;
  while (hi - lo > 1) {
    const mid = lo + splitPoint(hi - lo);
    const parent = lo * 2048 + hi;
    if (index < mid) {
      down.push({ sibling: mid * 2048 + hi, parent, siblingOnRight: true });
      hi = mid;
    } else {
      down.push({ sibling: lo * 2048 + mid, parent, siblingOnRight: false });
      lo = mid;
    }
  }
  return down.reverse();
}

/** The bytes the nation's key signs for a batch: domain ‖ nation ‖ n ‖ root. */
export function rootMessage(nation: NationCode, n: number, root: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${ROOT_DOMAIN}${nation}\n${n}\n`, "utf8"), root]);
}

/** Ed25519 signature of a batch root. */
export function signRoot(nation: NationCode, n: number, root: Uint8Array, privateKey: KeyObject): Buffer {
  return sign(null, rootMessage(nation, n, root), privateKey);
}

/** True when `sig` is the pinned key's signature of this batch root (no cache). */
export function verifyRoot(key: PinnedKey, n: number, root: Uint8Array, sig: Uint8Array): boolean {
  if (sig.byteLength !== SIGNATURE_BYTES || root.byteLength !== HASH_BYTES) return false;
  return verify(null, rootMessage(key.nation, n, root), key.publicKey, sig);
}

/**
 * A bounded LRU memo of root signatures that verified: (key id, nation, n, root, signature). Ed25519
 * verification is deterministic, so a hit means exactly that verifyRoot would return true again;
 * the key includes everything the verification depends on, so a signature verified for one nation
 * or key is never accepted for another. Failures are not remembered.
 */
export class VerifiedRootCache {
  private readonly entries = new Map<string, true>();
  /**
   * Trees of batches whose root signature verified, by (key id, nation, n, signature text): every
   * node hash already authenticated under that signature, by the range of leaves it covers
   * (lo · 2048 + hi). A further envelope of the batch is authenticated as soon as its walk up from
   * the leaf meets a known node with the same hash — usually after one hash instead of a whole path.
   */
  private readonly trees = new Map<string, Map<number, KnownNode>>();
  hits = 0;
  misses = 0;

  constructor(readonly capacity = 256) {
    if (!(capacity >= 0)) throw new RangeError("capacity must be ≥ 0");
  }

  get size(): number {
    return this.entries.size;
  }

  /** verifyRoot, remembering successes. */
  verify(key: PinnedKey, n: number, root: Uint8Array, sig: Uint8Array): boolean {
    if (sig.byteLength !== SIGNATURE_BYTES || root.byteLength !== HASH_BYTES) return false;
    return this.verifyEncoded(key, n, root, Buffer.from(sig).toString("base64"), () => Buffer.from(sig));
  }

  /**
   * Whether `leaf` is leaf `index` of a batch of `n` whose root the pinned key signed with the
   * signature whose canonical base64 text is `sigText`, `path` being its audit path (base64 text):
   * what rootFromPath and verifyEncoded decide together, answered from the batch's known nodes when
   * it has been seen before. `decodeHash`/`decodeSig`: strict base64 decoders (undefined when not
   * canonical). Returns "bad-path" when index, size and path do not fit together, "bad-sig-text"
   * when the signature text is not canonical, false when the signature does not verify.
   */
  verifyLeaf(
    key: PinnedKey,
    n: number,
    index: number,
    leaf: Buffer,
    path: readonly string[],
    sigText: string,
    decodeHash: (text: string) => Buffer | undefined,
    decodeSig: (text: string) => Buffer | undefined,
  ): true | false | "bad-path" | "bad-sig-text" {
    const steps = auditSteps(index, n);
    if (!steps || steps.length !== path.length || leaf.byteLength !== HASH_BYTES) return "bad-path";
    const treeId = `${key.keyId}|${key.nation}|${n}|${sigText}`;
    const known = this.capacity > 0 ? this.trees.get(treeId) : undefined;
    // Walk up from the leaf; stop at the first node the tree already authenticated. Above it, the
    // rest of the path must be the tree's known siblings (every sibling on the way from a known node
    // to the root is known), so the answer is exactly rootFromPath's + the signature's.
    const computed: [number, KnownNode][] = [];
    let h = leaf;
    for (let k = 0; k <= steps.length; k++) {
      const at = k === 0 ? index * 2048 + index + 1 : steps[k - 1].parent;
      const authentic = known?.get(at);
      if (authentic) {
        if (!authentic.hash.equals(h)) break; // not this tree's node: decide the long way below
        let rest = true;
        for (let u = k; u < steps.length && rest; u++) {
          const sib = known!.get(steps[u].sibling);
          if (sib && sib.text === undefined) sib.text = sib.hash.toString("base64");
          rest = sib !== undefined && sib.text === path[u];
        }
        if (!rest) break;
        this.hits++;
        for (const [r, x] of computed) known!.set(r, x);
        this.trees.delete(treeId);
        this.trees.set(treeId, known!);
        return true;
      }
      if (k === steps.length) break;
      const sib = decodeHash(path[k]);
      if (!sib) return "bad-path";
      const step = steps[k];
      computed.push([at, { hash: h }], [step.sibling, { hash: sib, text: path[k] }]);
      h = step.siblingOnRight ? nodeHash(h, sib) : nodeHash(sib, h);
    }
    // The long way: the whole path to a root, and that root's signature.
    const root = rootFromPath(
      leaf,
      index,
      n,
      path.map((p) => decodeHash(p) ?? Buffer.alloc(0)),
    );
    if (!root) return "bad-path";
    let canonicalSig = true;
    const ok = this.verifyEncoded(key, n, root, sigText, () => {
      const sig = decodeSig(sigText);
      canonicalSig = sig !== undefined;
      return sig;
    });
    if (!ok) return canonicalSig ? false : "bad-sig-text";
    if (this.capacity > 0 && root.equals(h) && computed.length === 2 * steps.length) {
      const tree = this.trees.get(treeId) ?? new Map<number, KnownNode>();
      tree.set(n, { hash: root }); // range [0, n)
      for (const [r, x] of computed) tree.set(r, x);
      this.trees.set(treeId, tree);
      if (this.trees.size > this.capacity) {
        const oldest = this.trees.keys().next().value;
        if (oldest !== undefined) this.trees.delete(oldest);
      }
    }
    return true;
  }

  /**
   * verify() for a signature still in its canonical base64 text (as an envelope carries it): a hit
   * costs no decoding. `decode` gives the signature's 64 bytes, or undefined when the text is not
   * the canonical base64 of 64 bytes (then false, never remembered). The text is part of the key:
   * one text decodes to one signature, so a hit means exactly what verify() would mean.
   */
  verifyEncoded(
    key: PinnedKey,
    n: number,
    root: Uint8Array,
    sigText: string,
    decode: () => Uint8Array | undefined,
  ): boolean {
    if (root.byteLength !== HASH_BYTES) return false;
    const id = `${key.keyId}|${key.nation}|${n}|${Buffer.from(root.buffer, root.byteOffset, root.byteLength).toString("base64")}|${sigText}`;
    if (this.entries.has(id)) {
      // Refresh: Maps iterate in insertion order, so the first entry is the least recently used.
      this.entries.delete(id);
      this.entries.set(id, true);
      this.hits++;
      return true;
    }
    this.misses++;
    const sig = decode();
    if (!sig || !verifyRoot(key, n, root, sig)) return false;
    if (this.capacity === 0) return true;
    this.entries.set(id, true);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return true;
  }
}

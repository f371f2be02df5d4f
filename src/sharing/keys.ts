/**
 * National signing keys (Ed25519, node:crypto) and the pinned public-key set every receiver trusts.
 *
 * Files written by `allylink keys --nation KOR --out DIR`:
 *   DIR/KOR.key.pem       PKCS#8 private key (mode 0600) — stays in its nation
 *   DIR/KOR.pub.pem       SPKI public key
 *   DIR/pinned-keys.json  {"version":1,"keys":[{"keyId","nation","publicKeyPem"}]}, merged with the
 *                         existing file so running the command once per nation builds the set
 *
 * A key id is the first 16 hex digits of SHA-256 over the SPKI DER public key; envelopes name the key
 * that signed them by this id and receivers look it up in their pinned set (never trusting a key that
 * travels in the message).
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../core/errors.ts";
import { isNationCode, NATIONS, type NationCode } from "../world/nation.ts";

export interface SigningKey {
  readonly nation: NationCode;
  readonly keyId: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export interface PinnedKey {
  readonly keyId: string;
  readonly nation: NationCode;
  readonly publicKey: KeyObject;
}

/** Pinned national public keys, by key id. */
export class PinnedKeySet {
  private readonly byId = new Map<string, PinnedKey>();

  constructor(keys: Iterable<PinnedKey> = []) {
    for (const k of keys) this.add(k);
  }

  add(k: PinnedKey): void {
    const prev = this.byId.get(k.keyId);
    if (prev && prev.nation !== k.nation)
      throw new UserError(
        `key ${k.keyId} is pinned for ${prev.nation} and cannot also be pinned for ${k.nation}`,
      );
    this.byId.set(k.keyId, k);
  }

  get(keyId: string): PinnedKey | undefined {
    return this.byId.get(keyId);
  }

  values(): PinnedKey[] {
    return [...this.byId.values()];
  }

  get size(): number {
    return this.byId.size;
  }

  toJSON(): object {
    return {
      version: 1,
      keys: [...this.byId.values()]
        .sort((a, b) => a.nation.localeCompare(b.nation) || a.keyId.localeCompare(b.keyId))
        .map((k) => ({
          keyId: k.keyId,
          nation: k.nation,
          publicKeyPem: k.publicKey.export({ type: "spki", format: "pem" }).toString(),
        })),
    };
  }
}

export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(der).digest("hex").slice(0, 16);
}

/** A fresh Ed25519 key for a nation (tests and the keys command). */
export function generateSigningKey(nation: NationCode): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { nation, keyId: keyIdOf(publicKey), privateKey, publicKey };
}

export function pinnedFrom(keys: readonly SigningKey[]): PinnedKeySet {
  return new PinnedKeySet(keys.map((k) => ({ keyId: k.keyId, nation: k.nation, publicKey: k.publicKey })));
}

function checkNation(nation: string, where: string): NationCode {
  if (!isNationCode(nation))
    throw new UserError(`${where}: unknown nation "${nation}" (known: ${NATIONS.join(", ")})`);
  return nation;
}

/** Writes a new key pair for `nation` into `dir` and adds its public key to dir/pinned-keys.json. */
export function writeNationKeys(
  nationArg: string,
  dir: string,
  opts: { force?: boolean } = {},
): { key: SigningKey; files: string[] } {
  const nation = checkNation(nationArg, "--nation");
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new UserError(
      `--out: cannot create directory ${dir} (${(err as NodeJS.ErrnoException).code ?? err})`,
    );
  }
  const privPath = join(dir, `${nation}.key.pem`);
  const pubPath = join(dir, `${nation}.pub.pem`);
  const pinnedPath = join(dir, "pinned-keys.json");
  if (existsSync(privPath) && !opts.force)
    throw new UserError(`${privPath} already exists; refusing to overwrite a national key (use --force)`);
  const pinned = existsSync(pinnedPath) ? loadPinnedKeys(pinnedPath) : new PinnedKeySet();
  const key = generateSigningKey(nation);
  // Replacing a nation's key drops its previous pin: a rotated key must not stay trusted silently.
  const kept = pinned.values().filter((k) => k.nation !== nation);
  const next = new PinnedKeySet([...kept, { keyId: key.keyId, nation, publicKey: key.publicKey }]);
  writeFileSync(privPath, key.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), {
    mode: 0o600,
  });
  chmodSync(privPath, 0o600);
  writeFileSync(pubPath, key.publicKey.export({ type: "spki", format: "pem" }).toString());
  writeFileSync(pinnedPath, `${JSON.stringify(next.toJSON(), null, 2)}\n`);
  return { key, files: [privPath, pubPath, pinnedPath] };
}

/** Reads a private key PEM for `nation`. */
export function loadSigningKey(path: string, nationArg: string): SigningKey {
  const nation = checkNation(nationArg, path);
  let pem: string;
  try {
    pem = readFileSync(path, "utf8");
  } catch (err) {
    throw new UserError(`${path}: cannot read private key (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new UserError(`${path}: not a PEM private key`);
  }
  if (privateKey.asymmetricKeyType !== "ed25519")
    throw new UserError(`${path}: key type is ${privateKey.asymmetricKeyType}, expected ed25519`);
  const publicKey = createPublicKey(privateKey);
  return { nation, keyId: keyIdOf(publicKey), privateKey, publicKey };
}

/** Reads and validates a pinned-keys.json file. */
export function loadPinnedKeys(path: string): PinnedKeySet {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new UserError(`${path}: cannot read pinned keys (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  return parsePinnedKeys(text, path);
}

export function parsePinnedKeys(text: string, fileName: string): PinnedKeySet {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${fileName}: not valid JSON (${(err as Error).message})`);
  }
  const d = doc as { version?: unknown; keys?: unknown };
  if (d === null || typeof d !== "object" || d.version !== 1)
    throw new UserError(`${fileName}: version: must be 1`);
  if (!Array.isArray(d.keys)) throw new UserError(`${fileName}: keys: must be a list`);
  const set = new PinnedKeySet();
  d.keys.forEach((k: unknown, i: number) => {
    const p = `${fileName}: keys[${i}]`;
    const r = k as { keyId?: unknown; nation?: unknown; publicKeyPem?: unknown };
    if (r === null || typeof r !== "object") throw new UserError(`${p}: must be an object`);
    const nation = checkNation(String(r.nation), `${p}.nation`);
    if (typeof r.publicKeyPem !== "string") throw new UserError(`${p}.publicKeyPem: must be a PEM string`);
    let publicKey: KeyObject;
    try {
      publicKey = createPublicKey(r.publicKeyPem);
    } catch {
      throw new UserError(`${p}.publicKeyPem: not a PEM public key`);
    }
    if (publicKey.asymmetricKeyType !== "ed25519")
      throw new UserError(`${p}.publicKeyPem: key type is ${publicKey.asymmetricKeyType}, expected ed25519`);
    const keyId = keyIdOf(publicKey);
    if (r.keyId !== keyId)
      throw new UserError(`${p}.keyId: "${String(r.keyId)}" does not match the key (${keyId})`);
    set.add({ keyId, nation, publicKey });
  });
  return set;
}

import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { canonicalJson } from "../core/canonical-json.ts";
import { signEnvelope, verifyEnvelope } from "./envelope.ts";
import {
  generateSigningKey,
  loadPinnedKeys,
  loadSigningKey,
  parsePinnedKeys,
  writeNationKeys,
} from "./keys.ts";
import { exampleTrack } from "./test-fixtures.ts";

const dir = mkdtempSync(join(tmpdir(), "allylink-keys-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("keys and signatures", () => {
  it("writes PEM keys and a pinned set that round-trip into a verifying signature", () => {
    writeNationKeys("KOR", dir);
    writeNationKeys("USA", dir);
    expect(statSync(join(dir, "KOR.key.pem")).mode & 0o777).toBe(0o600);
    const pinned = loadPinnedKeys(join(dir, "pinned-keys.json"));
    expect(pinned.size).toBe(2);
    const kor = loadSigningKey(join(dir, "KOR.key.pem"), "KOR");
    const env = signEnvelope(
      {
        id: "a",
        origin: "KOR",
        senderNode: "n",
        sequence: 1,
        created: 0,
        validUntil: 9,
        kind: "BallisticTrack",
        schemaVersion: 1,
      },
      { policyId: "P", classification: "S", categories: [] },
      exampleTrack(),
      kor,
    );
    const pin = pinned.get(kor.keyId)!;
    expect(pin.nation).toBe("KOR");
    expect(verifyEnvelope(env, pin)).toBe(true);
    const usa = pinned.values().find((k) => k.nation === "USA")!;
    expect(verifyEnvelope(env, usa)).toBe(false);
  });

  it("refuses to overwrite a national key, and a forced rotation unpins the old key", () => {
    expect(() => writeNationKeys("KOR", dir)).toThrow(/already exists/);
    const old = loadSigningKey(join(dir, "KOR.key.pem"), "KOR").keyId;
    const { key } = writeNationKeys("KOR", dir, { force: true });
    const pinned = loadPinnedKeys(join(dir, "pinned-keys.json"));
    expect(pinned.get(old)).toBeUndefined();
    expect(pinned.get(key.keyId)?.nation).toBe("KOR");
    expect(pinned.size).toBe(2);
  });

  it("bad inputs give clear errors", () => {
    expect(() => writeNationKeys("ROK", dir)).toThrow(/--nation: unknown nation "ROK"/);
    const f = join(dir, "junk.pem");
    writeFileSync(f, "not a key");
    expect(() => loadSigningKey(f, "KOR")).toThrow(/junk\.pem: not a PEM private key/);
    expect(() => parsePinnedKeys("{", "p.json")).toThrow(/p\.json: not valid JSON/);
    expect(() => parsePinnedKeys('{"version":2,"keys":[]}', "p.json")).toThrow(/version: must be 1/);
    const good = JSON.parse(readFileSync(join(dir, "pinned-keys.json"), "utf8"));
    good.keys[0].keyId = "0000000000000000";
    expect(() => parsePinnedKeys(JSON.stringify(good), "p.json")).toThrow(
      /keys\[0\]\.keyId: .* does not match/,
    );
    good.keys[0].nation = "XX";
    expect(() => parsePinnedKeys(JSON.stringify(good), "p.json")).toThrow(
      /keys\[0\]\.nation: unknown nation/,
    );
  });

  it("canonical JSON sorts keys at every depth and refuses non-finite numbers", () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: "x" }], u: undefined })).toBe(
      '{"a":[{"c":"x","d":2}],"b":1}',
    );
    expect(canonicalJson({ b: 1, a: 2 })).toBe(canonicalJson({ a: 2, b: 1 }));
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/\$\.a: not a finite number/);
    expect(generateSigningKey("JPN").keyId).toMatch(/^[0-9a-f]{16}$/);
  });
});

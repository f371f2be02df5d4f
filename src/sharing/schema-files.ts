/**
 * The JSON Schema files published for partners: schemas/messages/<Kind>.v<version>.json for every
 * payload schema and Envelope.v<version>.json for the envelope. Generated from the TypeBox definitions;
 * schema-files.test.ts fails when the committed files differ from what this produces.
 *
 * Regenerate: `npx tsx src/sharing/schema-files.ts`
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ENVELOPE_VERSION, EnvelopeSchema } from "./envelope.ts";
import { MESSAGE_KINDS } from "./message-kinds.ts";
import { PAYLOAD_SCHEMAS, payloadJsonSchema, schemaId } from "./messages.ts";

export const SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "schemas", "messages");

/** File name → file text, for every published schema. */
export function schemaFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const kind of MESSAGE_KINDS)
    for (const v of Object.keys(PAYLOAD_SCHEMAS[kind]).map(Number))
      files.set(`${kind}.v${v}.json`, `${JSON.stringify(payloadJsonSchema(kind, v), null, 2)}\n`);
  const env = {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: schemaId("Envelope", ENVELOPE_VERSION),
    title: `Envelope v${ENVELOPE_VERSION}`,
    description:
      "Signed AllyLink envelope (batch signature). Leaf = SHA-256(0x00 || 'allylink-envelope-v2\\n' || " +
      "canonical JSON (keys sorted, no whitespace) of {header, label, payload}); inner node = " +
      "SHA-256(0x01 || left || right); the RFC 9162 Merkle tree over the sender's batch of batch.n " +
      "leaves has root R, reached from this envelope's leaf (index batch.i) through batch.path " +
      "(base64 hashes, bottom-up, RFC 9162 section 2.1.3.2). sig = base64 Ed25519 by the origin " +
      "nation's key over 'allylink-batch-root-v2\\n' || origin nation || '\\n' || decimal batch.n || " +
      "'\\n' || R. A batch of one has n = 1, i = 0, an empty path and R = the leaf. payload follows " +
      "the schema named by header.kind and header.schemaVersion.",
    ...JSON.parse(JSON.stringify(EnvelopeSchema)),
  };
  files.set(`Envelope.v${ENVELOPE_VERSION}.json`, `${JSON.stringify(env, null, 2)}\n`);
  return files;
}

export function writeSchemaFiles(dir = SCHEMA_DIR): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, text] of schemaFiles()) {
    writeFileSync(join(dir, name), text);
    written.push(join(dir, name));
  }
  return written;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const f of writeSchemaFiles()) process.stdout.write(`${f}\n`);
}

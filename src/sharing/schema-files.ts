/**
 * The JSON Schema files published for partners: schemas/messages/<Kind>.v<version>.json for every
 * payload schema and Envelope.v1.json for the envelope. Generated from the TypeBox definitions;
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
      "Signed AllyLink envelope. sig = base64 Ed25519 over 'allylink-envelope-v1\\n' + canonical JSON " +
      "(keys sorted, no whitespace) of {header, label, payload}; payload follows the schema named by " +
      "header.kind and header.schemaVersion.",
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

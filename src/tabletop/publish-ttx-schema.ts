/**
 * Writes schemas/ttx.schema.json from the TypeBox source (ttx-schema.ts). Run after changing it:
 *   npx tsx src/tabletop/publish-ttx-schema.ts
 * (publish-ttx-schema.test.ts fails while the published file is stale).
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ttxJsonSchema } from "./ttx-schema.ts";

export const PUBLISHED_TTX_SCHEMA_PATH = fileURLToPath(
  new URL("../../schemas/ttx.schema.json", import.meta.url),
);

export function publishedTtxSchemaText(): string {
  return `${JSON.stringify(ttxJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(PUBLISHED_TTX_SCHEMA_PATH, publishedTtxSchemaText());
  process.stdout.write(`wrote ${PUBLISHED_TTX_SCHEMA_PATH}\n`);
}

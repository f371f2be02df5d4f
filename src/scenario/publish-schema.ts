/**
 * Writes schemas/scenario.schema.json from the TypeBox source (schema.ts), so editors and other
 * tools can validate scenario files. Run after changing schema.ts:
 *   npx tsx src/scenario/publish-schema.ts
 * (publish-schema.test.ts fails while the published file is stale).
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { scenarioJsonSchema } from "./schema.ts";

export const PUBLISHED_SCHEMA_PATH = fileURLToPath(
  new URL("../../schemas/scenario.schema.json", import.meta.url),
);

/** The exact bytes of the published file. */
export function publishedSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(PUBLISHED_SCHEMA_PATH, publishedSchemaText());
  process.stdout.write(`wrote ${PUBLISHED_SCHEMA_PATH}\n`);
}

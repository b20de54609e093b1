import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { buildAnalystSavedObjects } from './analyst-dashboard.js';
import { toNdjson } from './saved-object.js';

/** Default location of the dashboard export, relative to the repository root. */
export const ANALYST_NDJSON = 'kibana/bitcoin-analyst.ndjson';

/** Writes the analyst dashboard's saved objects for `namespace` to `file`. */
export function writeAnalystNdjson(file: string, namespace = 'btc'): number {
  const objects = buildAnalystSavedObjects(namespace);
  writeFileSync(file, toNdjson(objects));
  return objects.length;
}

// Regenerate the committed export: `npx tsx kibana/write-analyst-ndjson.ts [--namespace NS] [--out FILE]`.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { namespace: { type: 'string', default: 'btc' }, out: { type: 'string', default: ANALYST_NDJSON } } });
  const count = writeAnalystNdjson(values.out, values.namespace);
  process.stdout.write(`wrote ${count} saved objects to ${values.out}\n`);
}

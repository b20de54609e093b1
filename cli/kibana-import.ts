import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { parseImportOptions } from '../kibana/import-options.js';
import { importSavedObjects } from '../kibana/import-saved-objects.js';
import { KibanaImportError } from '../kibana/kibana-import-error.js';
import { ANALYST_NDJSON } from '../kibana/write-analyst-ndjson.js';
import { ConfigError, SchemaError } from '../pipeline/runtime/index.js';

// npm run kibana:import -- --url URL [--api-key K | --user U --password P] [--file F.ndjson] [--space S] [--timeout MS]
// Prints one line per saved object and exits 1 on any error.

const USAGE =
  'usage: npm run kibana:import -- --url http://127.0.0.1:5601 [--api-key KEY | --user USER --password PASSWORD] [--file kibana/bitcoin-analyst.ndjson] [--space ID] [--timeout MS]';

async function main(): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const err = (line: string) => process.stderr.write(`${line}\n`);
  try {
    const { values } = parseArgs({
      options: {
        url: { type: 'string' },
        'api-key': { type: 'string' },
        user: { type: 'string' },
        password: { type: 'string' },
        file: { type: 'string' },
        space: { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    });
    if (values.help) {
      out(USAGE);
      return 0;
    }
    const options = parseImportOptions(values, ANALYST_NDJSON);
    const ndjson = await readFile(options.file, 'utf8');
    const report = await importSavedObjects({
      url: options.url,
      ...(options.auth ? { auth: options.auth } : {}),
      ...(options.space ? { space: options.space } : {}),
      ndjson,
      fileName: basename(options.file),
      timeoutMs: options.timeoutMs,
    });
    for (const o of report.objects) {
      const status = o.ok ? 'ok' : `ERROR ${o.error ?? ''}`;
      out(`${o.type.padEnd(13)} ${o.id.padEnd(36)} ${JSON.stringify(o.title).padEnd(50)} ${status}`);
    }
    const failed = report.objects.filter((o) => !o.ok).length;
    if (!report.success) {
      err(`kibana:import failed: ${failed} of ${report.objects.length} saved objects were not imported into ${options.url}`);
      return 1;
    }
    out(`imported ${report.objects.length} saved objects into ${options.url}${options.space ? ` (space ${options.space})` : ''}`);
    return 0;
  } catch (e) {
    if (e instanceof KibanaImportError) {
      err(`kibana:import failed: ${e.message} (${e.url})${e.responseExcerpt ? `\n${e.responseExcerpt}` : ''}`);
      for (let c: unknown = e.cause; c instanceof Error; c = c.cause) err(`cause: ${c.message}`);
    } else if (e instanceof ConfigError || e instanceof SchemaError) {
      err(`kibana:import failed: ${e.message}\n${USAGE}`);
    } else if (e instanceof Error && 'code' in e && (e.code === 'ENOENT' || e.code === 'EACCES')) {
      err(`kibana:import failed: cannot read the file: ${e.message}`);
    } else if (e instanceof TypeError && 'code' in e && typeof e.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS')) {
      err(`kibana:import failed: ${e.message}\n${USAGE}`);
    } else {
      err(`kibana:import failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
    return 1;
  }
}

process.exitCode = await main();

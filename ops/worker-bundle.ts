import { renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The topology worker as one JavaScript file (generated; `.cache/` is not committed). */
export const WORKER_BUNDLE = join(ROOT, '.cache', 'worker', 'worker.mjs');

/**
 * Bundles `cli/worker.ts` and the project code it imports into `WORKER_BUNDLE` (packages stay
 * imports from node_modules), so that a worker runs plain JavaScript instead of loading `tsx`:
 * measured, `--import tsx` adds about 35 MB to an idle Node process (its loader thread) and the
 * worker's modules as TypeScript about 45 MB in all (146 -> 102 MB after importing the topology).
 * Every command that starts workers calls it first (`npm start`, `npm run demo`, the operator
 * commands, the bench, the tests), so the bundle always holds the checked-out code. Written to a
 * temporary file and renamed: a worker starting meanwhile reads the old bundle or the new one whole.
 */
export function bundleWorker(): string {
  const result = buildSync({
    entryPoints: [join(ROOT, 'cli', 'worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    keepNames: true,
    write: false,
    outfile: WORKER_BUNDLE,
    logLevel: 'silent',
  });
  const [file] = result.outputFiles;
  if (file === undefined) throw new Error('esbuild wrote no worker bundle');
  mkdirSync(dirname(WORKER_BUNDLE), { recursive: true });
  const tmp = `${WORKER_BUNDLE}.${process.pid}.tmp`;
  writeFileSync(tmp, file.contents);
  renameSync(tmp, WORKER_BUNDLE);
  return WORKER_BUNDLE;
}

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const PUBLIC = join(dirname(fileURLToPath(import.meta.url)), 'public');

/** A file the UI serves: where it is and its content type. */
interface StaticFile {
  path: string;
  type: string;
}

const html = 'text/html; charset=utf-8';
const js = 'text/javascript; charset=utf-8';
const css = 'text/css; charset=utf-8';

/** The browser build of an npm package's file, served as is from node_modules (no front-end build). */
const fromPackage = (pkg: string, file: string): StaticFile => ({ path: join(dirname(require.resolve(pkg)), file), type: js });

/**
 * Every file the UI serves, by URL path: a fixed list (nothing is looked up from the request's
 * path, so no request can reach another file).
 */
export const STATIC_FILES: ReadonlyMap<string, StaticFile> = new Map([
  ['/', { path: join(PUBLIC, 'index.html'), type: html }],
  ['/analyst', { path: join(PUBLIC, 'analyst.html'), type: html }],
  ['/ui.css', { path: join(PUBLIC, 'ui.css'), type: css }],
  ['/format.js', { path: join(PUBLIC, 'format.js'), type: js }],
  ['/topology.js', { path: join(PUBLIC, 'topology.js'), type: js }],
  ['/analyst.js', { path: join(PUBLIC, 'analyst.js'), type: js }],
  ['/vendor/vega.min.js', fromPackage('vega', 'vega.min.js')],
  ['/vendor/vega-lite.min.js', fromPackage('vega-lite', 'vega-lite.min.js')],
  ['/vendor/vega-embed.min.js', fromPackage('vega-embed', 'vega-embed.min.js')],
]);

/** The content of a served file. */
export async function readStaticFile(file: StaticFile): Promise<Buffer> {
  return readFile(file.path);
}

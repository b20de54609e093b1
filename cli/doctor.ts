import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runDoctor } from '../stack/doctor.js';

/**
 * `npm run doctor [-- --data DIR]`: checks this machine before the first run (Node, Java 17,
 * Maven, the stack's ports, disk, memory, vm.max_map_count, the recorded data) and prints each
 * problem with its fix. Exit 1 when a blocking problem is found.
 */
const { values } = parseArgs({ options: { data: { type: 'string' } } });
const checks = await runDoctor({ root: process.cwd(), ...(values.data ? { dataDir: resolve(values.data) } : {}) });
const width = Math.max(...checks.map((c) => c.name.length));
for (const c of checks) {
  const mark = c.ok ? 'ok  ' : c.blocking ? 'FAIL' : 'warn';
  process.stdout.write(`${mark}  ${c.name.padEnd(width)}  ${c.found}\n`);
  if (!c.ok && c.fix) process.stdout.write(`${' '.repeat(width + 8)}fix: ${c.fix}\n`);
}
const blocking = checks.filter((c) => !c.ok && c.blocking);
const warnings = checks.filter((c) => !c.ok && !c.blocking);
process.stdout.write(`\ndoctor: ${blocking.length} problem(s), ${warnings.length} warning(s)\n`);
process.exit(blocking.length > 0 ? 1 : 0);

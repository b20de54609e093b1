// `npm run bench -- [--records N] [--workers 1,2]`: throughput of the runtime's sample topology on the local stack.
import { parseArgs } from 'node:util';
import { benchRuntime, type RuntimeBenchResult } from '../bench/runtime.js';

const { values } = parseArgs({ options: { records: { type: 'string', default: '20000' }, workers: { type: 'string', default: '1,2' } } });
const results: RuntimeBenchResult[] = [];
for (const workers of (values.workers ?? '1,2').split(',').map(Number)) {
  results.push(await benchRuntime(workers, Number(values.records)));
}
console.table(results);
process.exit(0);

import { BENCH_USAGE, parseBenchOptions } from '../bench/bench-options.js';
import { runBenchSuite } from '../bench/bench-suite.js';
import { writeBenchReport } from '../bench/report.js';
import { createLogger } from '../pipeline/runtime/index.js';
import { exitOnError } from '../ops/cli-output.js';

// npm run bench -- [--quick] [--only SECTION,...] [--runs N] [--backlog N] [--fixed-seconds S] [--out DIR]
// The benchmark suite (issue 11) on the running stack: limits of the parts, the pipeline's maximum
// rate, fixed rates, scaling, rebuild, memory, where the time goes. Writes bench/results.json and
// docs/BENCHMARKS.md (or both into --out DIR). Exits 1 when a run did not complete; never on a speed.
async function main(): Promise<number> {
  const options = parseBenchOptions(process.argv.slice(2));
  const log = createLogger({ name: 'bench', level: process.env.BENCH_LOG_LEVEL ?? 'info' });
  log.info({ quick: options.quick, sections: options.sections, runs: options.runs, backlog: options.backlog }, 'bench started');
  const { results, failed } = await runBenchSuite(options, log);
  const paths = writeBenchReport(results, options.outDir);
  log.info({ ...paths, wallSeconds: results.machine.wallSeconds, failed }, 'bench finished');
  return failed.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => exitOnError(err, BENCH_USAGE),
);

import { exitOnError, warn } from '../ops/cli-output.js';
import { SCENARIO_NAMES, restoreAll } from '../ops/fault/fault-scenario.js';
import { parseFaultOptions } from '../ops/fault/fault-options.js';
import type { FaultVerdict } from '../ops/fault/fault-verdict.js';
import { defaultFaultRate, runScenario } from '../ops/fault/run-scenario.js';
import { SCENARIOS } from '../ops/fault/scenarios/scenario-registry.js';
import { formatSummary, formatVerdict } from '../ops/fault/verdict-format.js';
import { stderrLogger } from '../ops/stderr-logger.js';

// npm run fault -- <scenario|all> [--data DIR] [--rate N] [--seconds S] [--json] [--timeout S] [--keep] | --help
// Each scenario runs the pipeline on recorded data in a fresh namespace and pm2 home, injects its
// fault mid-stream, waits for recovery, audits the end state against an independent recount of
// the raw topics and prints a verdict. Exit code 0 when every verdict passes (or on --help), 1
// when one fails, 2 on bad arguments.
const USAGE = `usage: npm run fault -- <scenario|all> [--data DIR] [--rate EVENTS_PER_SECOND] [--seconds S] [--json] [--timeout S] [--keep]
       npm run fault -- --help
scenarios:
${SCENARIO_NAMES.map((n) => `  ${n.padEnd(13)} ${SCENARIOS[n].summary}`).join('\n')}
  all           every scenario in turn, then a summary table`;

async function main(): Promise<number> {
  let options: ReturnType<typeof parseFaultOptions>;
  try {
    options = parseFaultOptions(process.argv.slice(2));
  } catch (err) {
    exitOnError(err, USAGE); // nothing has run yet: a usage problem exits 2
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // Checked before anything runs: `all` must not find out after an hour that a tool is missing.
  const missing = options.names.flatMap((n) => {
    const what = SCENARIOS[n].missing?.() ?? null;
    return what === null ? [] : [`${n}: ${what}`];
  });
  if (missing.length > 0) {
    warn(`${missing.join('\n')}\n${USAGE}`);
    return 2;
  }
  const log = stderrLogger('fault', process.env.LOG_LEVEL ?? 'info');
  const verdicts: FaultVerdict[] = [];
  for (const name of options.names) {
    const verdict = await runScenario(SCENARIOS[name], {
      dataDir: options.dataDir,
      rate: options.rate ?? (await defaultFaultRate(options.dataDir)),
      seconds: options.seconds,
      timeoutMs: options.timeoutMs,
      keep: options.keep,
      log,
    });
    verdicts.push(verdict);
    if (!options.json) process.stdout.write(`${formatVerdict(verdict)}\n\n`);
  }
  if (options.json) process.stdout.write(`${JSON.stringify(verdicts, null, 2)}\n`);
  else if (verdicts.length > 1) process.stdout.write(`${formatSummary(verdicts)}\n`);
  return verdicts.every((v) => v.pass) ? 0 : 1;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`fault: ${signal}: restarting what was killed and stopping the run, then exiting\n`);
    void restoreAll().finally(() => process.exit(130));
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`fault: failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}\n`);
    void restoreAll().finally(() => process.exit(2));
  },
);

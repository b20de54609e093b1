import { parseArgs } from 'node:util';
import { SCENARIO_NAMES, type ScenarioName, restoreAll } from '../ops/fault/fault-scenario.js';
import type { FaultVerdict } from '../ops/fault/fault-verdict.js';
import { defaultFaultRate, runScenario } from '../ops/fault/run-scenario.js';
import { SCENARIOS } from '../ops/fault/scenarios/scenario-registry.js';
import { formatSummary, formatVerdict } from '../ops/fault/verdict-format.js';
import { stderrLogger } from '../ops/stderr-logger.js';

// npm run fault -- <scenario|all> [--data DIR] [--rate N] [--seconds S] [--json] [--timeout S] [--keep]
// Each scenario runs the pipeline on recorded data in a fresh namespace and pm2 home, injects its
// fault mid-stream, waits for recovery, audits the end state against an independent recount of
// the raw topics and prints a verdict. Exit code 0 when every verdict passes, 1 when one fails,
// 2 on bad arguments.
const USAGE = `usage: npm run fault -- <scenario|all> [--data DIR] [--rate EVENTS_PER_SECOND] [--seconds S] [--json] [--timeout S] [--keep]
scenarios:
${SCENARIO_NAMES.map((n) => `  ${n.padEnd(13)} ${SCENARIOS[n].summary}`).join('\n')}
  all           every scenario in turn, then a summary table`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      data: { type: 'string', default: 'data/sample' },
      rate: { type: 'string' },
      seconds: { type: 'string' },
      timeout: { type: 'string', default: '900' },
      json: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
  });
  const [which] = positionals;
  const names: ScenarioName[] = which === 'all' ? [...SCENARIO_NAMES] : SCENARIO_NAMES.filter((n) => n === which);
  const seconds = values.seconds === undefined ? null : Number(values.seconds);
  const rate = values.rate === undefined ? null : Number(values.rate);
  const timeoutSec = Number(values.timeout);
  const problems = [
    names.length === 0 ? `unknown scenario: ${which ?? '(none)'}` : null,
    seconds !== null && !(seconds >= 0) ? '--seconds must be a number of seconds' : null,
    rate !== null && !(Number.isInteger(rate) && rate > 0) ? '--rate must be a positive whole number' : null,
    !(timeoutSec > 0) ? '--timeout must be a positive number of seconds' : null,
    // Checked before anything runs: `all` must not find out after an hour that a tool is missing.
    ...names.map((n) => {
      const missing = SCENARIOS[n].missing?.() ?? null;
      return missing === null ? null : `${n}: ${missing}`;
    }),
  ].filter((p) => p !== null);
  if (problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}\n${USAGE}\n`);
    return 2;
  }
  const log = stderrLogger('fault', process.env.LOG_LEVEL ?? 'info');
  const verdicts: FaultVerdict[] = [];
  for (const name of names) {
    const verdict = await runScenario(SCENARIOS[name], {
      dataDir: values.data,
      rate: rate ?? (await defaultFaultRate(values.data)),
      seconds,
      timeoutMs: timeoutSec * 1000,
      keep: values.keep,
      log,
    });
    verdicts.push(verdict);
    if (!values.json) process.stdout.write(`${formatVerdict(verdict)}\n\n`);
  }
  if (values.json) process.stdout.write(`${JSON.stringify(verdicts, null, 2)}\n`);
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

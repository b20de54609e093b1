import { parseCliArgs } from '../cli-args.js';
import { UsageError } from '../usage-error.js';
import { SCENARIO_NAMES, type ScenarioName } from './fault-scenario.js';

/** What `npm run fault` was asked to do. */
export interface FaultOptions {
  /** The scenarios to run, in turn (`all`: every one, in `SCENARIO_NAMES` order). */
  names: ScenarioName[];
  /** The recorded data the pipeline runs on (`--data`). */
  dataDir: string;
  /** Events a second the feed replays at (`--rate`); null: the scenario's default for the data. */
  rate: number | null;
  /** How long the fault lasts (`--seconds`); null: the scenario's own default. */
  seconds: number | null;
  /** How long a scenario may take before it is failed (`--timeout`, seconds). */
  timeoutMs: number;
  /** Print the verdicts as JSON (`--json`). */
  json: boolean;
  /** Keep the namespace, its logs and pm2 home after the run (`--keep`). */
  keep: boolean;
}

/**
 * Parses and validates the arguments of `npm run fault`: the options, `'help'` for `--help`/`-h`,
 * or a `UsageError` listing every problem (an unknown option included), before anything runs.
 */
export function parseFaultOptions(argv: readonly string[]): FaultOptions | 'help' {
  const { values, positionals } = parseCliArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      data: { type: 'string', default: 'data/sample' },
      rate: { type: 'string' },
      seconds: { type: 'string' },
      timeout: { type: 'string', default: '900' },
      json: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const [which, ...extra] = positionals;
  const names: ScenarioName[] = which === 'all' ? [...SCENARIO_NAMES] : SCENARIO_NAMES.filter((n) => n === which);
  const seconds = values.seconds === undefined ? null : Number(values.seconds);
  const rate = values.rate === undefined ? null : Number(values.rate);
  const timeoutSec = Number(values.timeout);
  const problems = [
    names.length === 0 ? `unknown scenario: ${which ?? '(none)'}` : null,
    extra.length > 0 ? `one scenario (or all) at a time, got also: ${extra.join(' ')}` : null,
    seconds !== null && !(seconds >= 0) ? '--seconds must be a number of seconds' : null,
    rate !== null && !(Number.isInteger(rate) && rate > 0) ? '--rate must be a positive whole number' : null,
    !(timeoutSec > 0) ? '--timeout must be a positive number of seconds' : null,
  ].filter((p) => p !== null);
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return { names, dataDir: values.data, rate, seconds, timeoutMs: timeoutSec * 1000, json: values.json, keep: values.keep };
}

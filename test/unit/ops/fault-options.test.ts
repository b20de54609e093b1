import { describe, expect, it } from 'vitest';
import { parseFaultOptions } from '../../../ops/fault/fault-options.js';
import { SCENARIO_NAMES } from '../../../ops/fault/fault-scenario.js';
import { UsageError } from '../../../ops/usage-error.js';

function problemsOf(argv: string[]): string {
  try {
    parseFaultOptions(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as UsageError).message;
  }
  throw new Error(`no UsageError for ${argv.join(' ')}`);
}

describe('parseFaultOptions', () => {
  it('runs one scenario with the defaults: sample data, the scenario its own rate and duration', () => {
    expect(parseFaultOptions(['kill-broker'])).toEqual({
      names: ['kill-broker'],
      dataDir: 'data/sample',
      rate: null,
      seconds: null,
      timeoutMs: 900_000,
      json: false,
      keep: false,
    });
  });

  it('takes every option, and `all` is every scenario in order', () => {
    const o = parseFaultOptions(['all', '--data', '../data', '--rate', '1000', '--seconds', '120', '--timeout', '60', '--json', '--keep']);
    expect(o).toEqual({
      names: [...SCENARIO_NAMES],
      dataDir: '../data',
      rate: 1_000,
      seconds: 120,
      timeoutMs: 60_000,
      json: true,
      keep: true,
    });
  });

  it('answers --help and -h, whatever else is given', () => {
    expect(parseFaultOptions(['--help'])).toBe('help');
    expect(parseFaultOptions(['-h'])).toBe('help');
    expect(parseFaultOptions(['es-outage', '--rate', '0', '--help'])).toBe('help');
  });

  it('names an unknown option as a usage problem, not a failure', () => {
    expect(problemsOf(['es-outage', '--sconds', '5'])).toMatch(/--sconds/);
  });

  it('lists every problem at once', () => {
    const message = problemsOf(['kill-everything', 'poison', '--rate', '2.5', '--seconds=-1', '--timeout', '0']);
    expect(message.split('\n')).toEqual([
      'unknown scenario: kill-everything',
      'one scenario (or all) at a time, got also: poison',
      '--seconds must be a number of seconds',
      '--rate must be a positive whole number',
      '--timeout must be a positive number of seconds',
    ]);
    expect(problemsOf([])).toBe('unknown scenario: (none)');
  });
});

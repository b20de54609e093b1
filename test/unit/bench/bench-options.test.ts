import { describe, expect, it } from 'vitest';
import { FIXED_SECONDS, FULL_RUN_WARMUP_SECONDS, GOAL_SECONDS, parseBenchOptions, SECTIONS } from '../../../bench/bench-options.js';
import { UsageError } from '../../../ops/usage-error.js';

describe('parseBenchOptions', () => {
  it('runs every section three times at full size by default', () => {
    const o = parseBenchOptions([]);
    expect(o).toMatchObject({ quick: false, runs: 3, backlog: 500_000, workers: 2, outDir: null });
    expect(o.sections).toEqual(SECTIONS);
    expect(o.fixedRates.map((f) => f.rate)).toEqual([5, 50, 500, 5_000]);
    // x1000 for its goal's 5 minutes, the others for a minute.
    expect(o.fixedRates.map((f) => f.seconds)).toEqual([FIXED_SECONDS, FIXED_SECONDS, FIXED_SECONDS, GOAL_SECONDS]);
    expect(GOAL_SECONDS).toBe(300);
    expect(o.scaling).toContainEqual({ workers: 2, partitions: 36 });
  });

  it('--quick: one run, small sizes, x1 and x100 for 20 s, no scaling', () => {
    const o = parseBenchOptions(['--quick']);
    expect(o).toMatchObject({ quick: true, runs: 1, backlog: 20_000 });
    expect(o.fixedRates).toEqual([
      { multiplier: 1, rate: 5, seconds: 20 },
      { multiplier: 100, rate: 500, seconds: 20 },
    ]);
    expect(o.sections).not.toContain('scaling');
  });

  it('--only keeps the sections in the suite order', () => {
    expect(parseBenchOptions(['--quick', '--only', 'redis, kafka']).sections).toEqual(['kafka', 'redis']);
    expect(parseBenchOptions(['--only', 'scaling', '--quick']).sections).toEqual(['scaling']);
  });

  it('takes explicit runs, backlog, duration and output directory', () => {
    const o = parseBenchOptions(['--quick', '--runs', '3', '--backlog', '5000', '--fixed-seconds', '10', '--out', '.run/bench']);
    expect(o).toMatchObject({ runs: 3, backlog: 5_000, outDir: '.run/bench' });
    expect(o.fixedRates.map((f) => f.seconds)).toEqual([10, 10]);
    // --fixed-seconds sets x1000's duration too.
    expect(parseBenchOptions(['--rates', '100,1000', '--fixed-seconds', '60']).fixedRates.map((f) => f.seconds)).toEqual([60, 60]);
  });

  it('--rates picks the multiples of the fixed-rate runs, in the order given', () => {
    expect(parseBenchOptions(['--rates', '1000']).fixedRates).toEqual([{ multiplier: 1_000, rate: 5_000, seconds: GOAL_SECONDS }]);
    expect(parseBenchOptions(['--quick', '--rates', '10, 2']).fixedRates.map((f) => f.rate)).toEqual([50, 10]);
  });

  it('--workers sets the topology workers of the max-rate, fixed-rate and rebuild runs, not of scaling', () => {
    const o = parseBenchOptions(['--workers', '1']);
    expect(o.workers).toBe(1);
    expect(o.scaling.map((s) => s.workers)).toEqual(parseBenchOptions([]).scaling.map((s) => s.workers));
  });

  it('--profile-fixed profiles the first run of each fixed rate for that long; by default none is', () => {
    expect(parseBenchOptions([]).profileFixedSeconds).toBeNull();
    expect(parseBenchOptions(['--only', 'fixed-rate', '--rates', '1000', '--profile-fixed', '30']).profileFixedSeconds).toBe(30);
  });

  it('--warmup loads the stack at x1000 before the first section; a full run does by default, --quick and --only do not', () => {
    expect(FULL_RUN_WARMUP_SECONDS).toBeGreaterThan(0);
    expect(parseBenchOptions([]).warmupSeconds).toBe(FULL_RUN_WARMUP_SECONDS);
    expect(parseBenchOptions(['--quick']).warmupSeconds).toBe(0);
    expect(parseBenchOptions(['--only', 'fixed-rate']).warmupSeconds).toBe(0);
    expect(parseBenchOptions(['--only', 'fixed-rate', '--warmup', '120']).warmupSeconds).toBe(120);
    expect(parseBenchOptions(['--warmup', '0']).warmupSeconds).toBe(0);
  });

  it('lists every problem at once', () => {
    let caught: unknown;
    try {
      parseBenchOptions(['--runs', '0', '--backlog', 'many', '--only', 'kafka,speed']);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UsageError);
    const message = (caught as UsageError).message;
    expect(message).toContain('--runs');
    expect(message).toContain('--backlog');
    expect(message).toContain('unknown section(s) speed');
  });

  it.each([
    [['--fast']],
    [['--quick', 'extra']],
    [['--only', '']],
    [['--fixed-seconds', '1']],
    [['--rates', '0']],
    [['--rates', '1,,10']],
    [['--rates', 'x10']],
    [['--out', '']],
    [['--workers', '0']],
    [['--workers', 'two']],
    [['--profile-fixed', '0']],
    [['--profile-fixed', 'long']],
    [['--warmup', '-1']],
    [['--warmup', '5m']],
  ])('refuses %j', (argv) => {
    expect(() => parseBenchOptions(argv)).toThrow(UsageError);
  });
});

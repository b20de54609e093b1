import { describe, expect, it } from 'vitest';
import { compilerSeconds, compilerShareBetween, type JvmReading } from '../../../bench/jit-meter.js';

const readings = (entries: [number, JvmReading][]) => new Map(entries);

describe('compilerShareBetween', () => {
  it('is the compilers’ CPU over all the CPU the processes used between the readings', () => {
    const before = readings([
      [1, { cpu: 100, compilers: 40 }],
      [2, { cpu: 50, compilers: 10 }],
    ]);
    const after = readings([
      [1, { cpu: 130, compilers: 43 }],
      [2, { cpu: 60, compilers: 12 }],
    ]);
    expect(compilerShareBetween(before, after)).toBeCloseTo(5 / 40);
  });

  it('leaves out a process that started or ended between the readings (a restart has another pid)', () => {
    const before = readings([
      [1, { cpu: 100, compilers: 40 }],
      [2, { cpu: 50, compilers: 10 }],
    ]);
    const after = readings([
      [1, { cpu: 110, compilers: 41 }],
      [3, { cpu: 30, compilers: 20 }],
    ]);
    expect(compilerShareBetween(before, after)).toBeCloseTo(1 / 10);
  });

  it('is null when nothing could be compared or no CPU was used', () => {
    expect(compilerShareBetween(new Map(), new Map())).toBeNull();
    const idle = readings([[1, { cpu: 5, compilers: 1 }]]);
    expect(compilerShareBetween(idle, idle)).toBeNull();
  });
});

describe('compilerSeconds', () => {
  it('is 0 for a process without JIT compiler threads (this Node process) and null for one that is gone', () => {
    expect(compilerSeconds(process.pid)).toBe(0);
    expect(compilerSeconds(2 ** 22 + 12_345)).toBeNull();
  });
});

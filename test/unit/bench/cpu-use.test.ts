import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CpuMeter, cpuSeconds } from '../../../bench/cpu-meter.js';
import { cpuUse } from '../../../bench/cpu-use.js';

describe('cpuUse', () => {
  it('lists the kinds of process busiest first, then all of them, per transaction and in cores', () => {
    const rows = cpuUse([
      { records: 100_000, rate: 5_000, cpuSeconds: { kafka: 4, elasticsearch: 10 } },
      { records: 100_000, rate: 4_000, cpuSeconds: { kafka: 6, elasticsearch: 12, redis: 1 } },
    ]);
    expect(rows.map((r) => r.process)).toEqual(['elasticsearch', 'kafka', 'redis', 'all']);
    expect(rows[0]).toMatchObject({ cpuSeconds: { median: 11, min: 10, max: 12 }, microsPerRecord: { min: 100, max: 120 } });
    // 10 CPU seconds over a 20 s drain and 12 over 25 s.
    expect(rows[0]?.cores).toMatchObject({ min: 0.48, max: 0.5 });
    // A kind missing from a run used no CPU in it.
    expect(rows[2]?.cpuSeconds).toMatchObject({ min: 0, max: 1 });
    expect(rows[3]?.cpuSeconds).toMatchObject({ min: 14, max: 19 });
  });

  it('has no rows without runs', () => {
    expect(cpuUse([])).toEqual([]);
  });
});

describe('cpuSeconds', () => {
  it('reads the CPU a live process has used, and null for one that is gone', () => {
    const before = cpuSeconds(process.pid);
    let x = 0;
    for (let i = 0; i < 3e7; i += 1) x += i % 7;
    expect(x).toBeGreaterThan(0);
    expect(before).not.toBeNull();
    expect(cpuSeconds(process.pid) as number).toBeGreaterThan(before as number);
    const gone = spawnSync(process.execPath, ['-e', '0']).pid as number;
    expect(cpuSeconds(gone)).toBeNull();
  });
});

describe('CpuMeter', () => {
  it('counts what a process used between start and stop, not before', () => {
    let x = 0;
    for (let i = 0; i < 3e7; i += 1) x += i % 7;
    const meter = new CpuMeter(() => ({ self: [process.pid] }), 10_000);
    meter.start();
    const started = cpuSeconds(process.pid) as number;
    for (let i = 0; i < 3e7; i += 1) x += i % 7;
    const used = meter.stop().self as number;
    const total = cpuSeconds(process.pid) as number;
    expect(x).toBeGreaterThan(0);
    expect(used).toBeGreaterThan(0);
    expect(used).toBeLessThanOrEqual(total - started + 0.02);
    expect(used).toBeLessThan(total);
  });
});

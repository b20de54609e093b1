import { describe, expect, it } from 'vitest';
import { runDoctor } from '../../../stack/doctor.js';

describe('npm run doctor on this machine, with the stack running', () => {
  it('checks every prerequisite and gives a fix for each problem', async () => {
    const checks = await runDoctor({ root: process.cwd() });
    const names = checks.map((c) => c.name);
    for (const name of [
      'node',
      'java',
      'maven',
      'redis-server',
      'disk',
      'memory',
      'vm.max_map_count',
      'recorded data',
      'port 9092',
      'port 9201',
      'port 6380',
    ]) {
      expect(names).toContain(name);
    }
    // The stack the tests run on answers on its own ports: they are not reported as taken.
    expect(checks.filter((c) => c.name.startsWith('port ')).every((c) => c.ok)).toBe(true);
    expect(checks.find((c) => c.name === 'node')?.ok).toBe(true);
    expect(checks.find((c) => c.name === 'java')?.found).toMatch(/^\d+ \(/);
    expect(checks.find((c) => c.name === 'maven')?.found).toMatch(/^\d+\.\d+\.\d+ \(/);
    for (const c of checks.filter((x) => !x.ok)) expect(c.fix, c.name).toBeTruthy();
  });
});

import { describe, expect, it } from 'vitest';
import type { ScenarioName } from '../../ops/fault/fault-scenario.js';
import { defaultFaultRate, runScenario } from '../../ops/fault/run-scenario.js';
import { SCENARIOS } from '../../ops/fault/scenarios/scenario-registry.js';
import { createLogger } from '../../pipeline/runtime/index.js';

/**
 * Fault scenarios of `npm run fault`, through the same code as the command, on the shipped sample
 * (data/sample): each injects its fault while data flows, then the end state is audited against
 * an independent recount of the raw topics and the recorded data. The es-outage is kept short
 * (20 s) on the shared stack. The other scenarios (kill-es-node, kill-redis) run with
 * `npm run fault -- all`.
 */

const DATA_DIR = 'data/sample';
const CI_SCENARIOS: readonly [ScenarioName, number | null][] = [
  ['kill-worker', null],
  ['kill-broker', 20],
  ['es-outage', 20],
  ['poison', null],
  ['clock', null],
];
const log = createLogger({ name: 'fault-test', level: process.env.LOG_LEVEL ?? 'warn' });

describe('fault scenarios on the recorded sample', () => {
  it.each(CI_SCENARIOS)('%s: nothing lost, nothing counted twice, no valid record dead-lettered', async (name, seconds) => {
    const verdict = await runScenario(SCENARIOS[name], {
      dataDir: DATA_DIR,
      rate: await defaultFaultRate(DATA_DIR),
      seconds,
      timeoutMs: 600_000,
      keep: false,
      log,
    });
    process.stdout.write(`${name}: ${JSON.stringify(verdict)}\n`);
    expect(verdict.fault).not.toBe('not injected');
    expect(verdict.failures).toEqual([]);
    expect(verdict.expected).toEqual(verdict.recorded);
    expect(verdict.found).toEqual(verdict.expected);
    expect(verdict.lost).toBe(0);
    expect(verdict.countedTwice).toBe(0);
    expect(verdict.validDeadLettered).toBe(0);
    expect(verdict.drift).toBe(0);
    expect(verdict.recoverMs).not.toBeNull();
    if (name === 'poison') {
      expect(verdict.poison?.injected).toBeGreaterThan(0);
      expect(verdict.poison?.deadLettered).toBe(verdict.poison?.injected);
    }
    expect(verdict.pass).toBe(true);
  });
});

import type { FaultScenario } from '../fault-scenario.js';
import { killNodesFor } from './stack-node-fault.js';

/** SIGKILL Redis; it restarts from its append-only file. */
export const killRedis: FaultScenario = {
  name: 'kill-redis',
  summary: 'SIGKILL Redis; start it again (from its AOF) after --seconds (default 5)',
  defaultSeconds: 5,
  async inject({ seconds, note }) {
    return { description: await killNodesFor('redis', [1], seconds, note) };
  },
};

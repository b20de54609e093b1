import type { FaultScenario, ScenarioName } from '../fault-scenario.js';
import { clock } from './clock.js';
import { esOutage } from './es-outage.js';
import { killBroker } from './kill-broker.js';
import { killEsNode } from './kill-es-node.js';
import { killRedis } from './kill-redis.js';
import { killWorker } from './kill-worker.js';
import { poison } from './poison.js';
import { reorg } from './reorg.js';

/** Every scenario by name, in the order `all` runs them. */
export const SCENARIOS: Readonly<Record<ScenarioName, FaultScenario>> = {
  'kill-worker': killWorker,
  'kill-broker': killBroker,
  'kill-es-node': killEsNode,
  'es-outage': esOutage,
  'kill-redis': killRedis,
  poison,
  clock,
  reorg,
};

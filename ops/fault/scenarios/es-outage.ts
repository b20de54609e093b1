import { ES_NODE_COUNT } from '../../../stack/layout.js';
import type { FaultScenario } from '../fault-scenario.js';
import { killNodesFor } from './stack-node-fault.js';

/** Every Elasticsearch node gone for a while, then back. */
export const esOutage: FaultScenario = {
  name: 'es-outage',
  summary: 'SIGKILL every Elasticsearch node; start them again after --seconds (default 60)',
  defaultSeconds: 60,
  async inject({ seconds, note }) {
    return {
      description: await killNodesFor(
        'es',
        Array.from({ length: ES_NODE_COUNT }, (_, i) => i + 1),
        seconds,
        note,
      ),
    };
  },
};

import type { FaultScenario } from '../fault-scenario.js';
import { killNodesFor } from './stack-node-fault.js';

/** SIGKILL the broker that leads most partitions of the transactions topic, restart it after a delay. */
export const killBroker: FaultScenario = {
  name: 'kill-broker',
  summary: 'SIGKILL the Kafka broker leading most transaction partitions; start it again after --seconds (default 30)',
  defaultSeconds: 30,
  async inject({ pipeline, seconds, note }) {
    const [meta] = (await pipeline.admin.fetchTopicMetadata({ topics: [pipeline.names.topics.transactions] })).topics;
    const led = new Map<number, number>();
    for (const p of meta?.partitions ?? []) led.set(p.leader, (led.get(p.leader) ?? 0) + 1);
    const broker = [...led].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 2;
    // Node ids are the broker numbers of the local stack (kafka-1..3).
    return { description: await killNodesFor('kafka', [broker], seconds, note) };
  },
};

import { describe, expect, it } from 'vitest';
import { names } from '../../pipeline/contracts/names.js';
import { DEAD_LETTER_PARTITIONS, topicSpecs } from '../../pipeline/setup/topics.js';

describe('topicSpecs', () => {
  const n = names('t-42');
  const specs = topicSpecs(n, { partitions: 9, replicationFactor: 3, minInsyncReplicas: 2 });
  const byName = new Map(specs.map((s) => [s.topic, s]));

  it('declares the three raw topics and their dead-letter topics', () => {
    expect([...byName.keys()].sort()).toEqual(
      [n.topics.blocks, n.topics.transactions, n.topics.prices, n.deadLetter.blocks, n.deadLetter.transactions, n.deadLetter.prices].sort(),
    );
  });

  it('gives raw topics the configured partitions and replication', () => {
    for (const topic of Object.values(n.topics)) {
      expect(byName.get(topic)).toMatchObject({ numPartitions: 9, replicationFactor: 3 });
    }
  });

  it('gives dead-letter topics the same replication and fewer partitions', () => {
    for (const topic of Object.values(n.deadLetter)) {
      expect(byName.get(topic)).toMatchObject({ numPartitions: DEAD_LETTER_PARTITIONS, replicationFactor: 3 });
    }
  });

  it('keeps records forever and requires min.insync.replicas on every topic', () => {
    for (const spec of specs) {
      const entries = Object.fromEntries((spec.configEntries ?? []).map((e) => [e.name, e.value]));
      expect(entries).toEqual({ 'min.insync.replicas': '2', 'retention.ms': '-1', 'cleanup.policy': 'delete' });
    }
  });

  it('never gives a dead-letter topic more partitions than the raw topics', () => {
    const small = topicSpecs(n, { partitions: 1, replicationFactor: 1, minInsyncReplicas: 1 });
    expect(small.every((s) => s.numPartitions === 1)).toBe(true);
  });
});

import { createHash } from 'node:crypto';
import { type PartitionMetadata, Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { KeyPartitioner } from '../../../producers/key-partitioner.js';

const metadata = (n: number): PartitionMetadata[] =>
  Array.from({ length: n }, (_, partitionId) => ({ partitionErrorCode: 0, partitionId, leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3] }));

/** Keys of every shape the producers send: txids and block hashes (hex), price pairs, and odd ones. */
const keys = [
  ...Array.from({ length: 3_000 }, (_, i) => createHash('sha256').update(`key ${i}`).digest('hex')),
  'BTC-EUR',
  'BTC-USD',
  '',
  'a',
  'ab',
  'abc',
  'Zürich ₿ 🚀',
  ...Array.from({ length: 200 }, (_, i) => String.fromCharCode(...Array.from({ length: i % 23 }, (_, j) => 32 + ((i * 31 + j * 7) % 2000)))),
];

describe('KeyPartitioner', () => {
  it.each([1, 3, 9, 36])('puts every key in the partition kafkajs default partitioner gives it (%i partitions)', (n) => {
    const ours = new KeyPartitioner();
    const kafkajs = Partitioners.DefaultPartitioner();
    const partitionMetadata = metadata(n);
    const expected = keys.map((key) => kafkajs({ topic: 't', partitionMetadata, message: { key, value: null } }));
    expect(keys.map((key) => ours.partition('t', partitionMetadata, key))).toEqual(expected);
    if (n > 1) expect(new Set(expected).size).toBe(n);
  });

  it('spreads records without a key over every partition in turn', () => {
    const ours = new KeyPartitioner();
    const partitionMetadata = metadata(9);
    const chosen = Array.from({ length: 9 }, () => ours.partition('t', partitionMetadata, null));
    expect(new Set(chosen).size).toBe(9);
  });
});

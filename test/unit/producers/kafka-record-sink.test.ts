import kafkajs, { type Kafka, type PartitionMetadata } from 'kafkajs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ServiceUnavailableError } from '../../../pipeline/clients/transient-retry.js';
import { chunkByBytes, KafkaRecordSink } from '../../../producers/kafka-record-sink.js';

// kafkajs's error classes are not named exports under Node's ESM loader.
const { KafkaJSNonRetriableError, KafkaJSProtocolError } = kafkajs;

const record = (key: string | null, bytes: number) => ({ key, value: 'v'.repeat(bytes) });

describe('chunkByBytes', () => {
  it('keeps the records in order, in runs of at most the byte budget (keys counted)', () => {
    const records = Array.from({ length: 10 }, (_, i) => record(`k${i}`, 98)); // 100 bytes each
    const chunks = chunkByBytes(records, 300);
    expect(chunks.map((c) => c.length)).toEqual([3, 3, 3, 1]);
    expect(chunks.flat()).toEqual(records);
  });

  it('counts bytes, not characters', () => {
    const wide = { key: null, value: '€'.repeat(50) }; // 150 bytes in UTF-8
    expect(chunkByBytes([wide, wide], 299).map((c) => c.length)).toEqual([1, 1]);
    expect(chunkByBytes([wide, wide], 300).map((c) => c.length)).toEqual([2]);
  });

  it('sends a record larger than the budget alone, and nothing for no records', () => {
    const chunks = chunkByBytes([record('a', 10), record('big', 500), record('b', 10)], 100);
    expect(chunks.map((c) => c.map((r) => r.key))).toEqual([['a'], ['big'], ['b']]);
    expect(chunkByBytes([], 100)).toEqual([]);
  });
});

/** A broker's answer for a topic it has not applied yet, as kafkajs raises it. */
const unknownTopic = () =>
  new KafkaJSProtocolError(
    Object.assign(new Error('This server does not host this topic-partition'), { type: 'UNKNOWN_TOPIC_OR_PARTITION', code: 3, retriable: true }),
  );

/** A kafkajs client whose admin answers the metadata calls with `answers`, in turn; its producer records what it is sent. */
function fakeKafka(answers: Array<Error | PartitionMetadata[]>) {
  const sent: Array<{ partition: number | undefined; keys: Array<string | null> }> = [];
  let metadataCalls = 0;
  const connection = { connect: async () => undefined, disconnect: async () => undefined };
  const kafka = {
    producer: () => ({
      ...connection,
      send: async ({ messages }: { messages: Array<{ key: string | null; partition?: number }> }) => {
        sent.push({ partition: messages[0]?.partition, keys: messages.map((m) => m.key) });
        return [];
      },
    }),
    admin: () => ({
      ...connection,
      fetchTopicMetadata: async ({ topics }: { topics: string[] }) => {
        const answer = answers[Math.min(metadataCalls, answers.length - 1)] ?? [];
        metadataCalls += 1;
        if (answer instanceof Error) throw answer;
        return { topics: [{ name: topics[0], partitions: answer }] };
      },
    }),
  } as unknown as Kafka;
  return { kafka, sent, metadataCalls: () => metadataCalls };
}

const onePartition: PartitionMetadata[] = [{ partitionErrorCode: 0, partitionId: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3] }];

describe('KafkaRecordSink partition list', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries a broker that does not know the topic yet, with backoff, then sends', async () => {
    vi.useFakeTimers();
    const fake = fakeKafka([unknownTopic(), unknownTopic(), onePartition]);
    const sink = new KafkaRecordSink(fake.kafka);
    const sending = sink.send('t', [{ key: 'a', value: '1' }]);
    await vi.advanceTimersByTimeAsync(299);
    expect(fake.metadataCalls()).toBe(1);
    await vi.advanceTimersByTimeAsync(1 + 600);
    await sending;
    expect(fake.metadataCalls()).toBe(3);
    expect(fake.sent).toEqual([{ partition: 0, keys: ['a'] }]);
  });

  it('gives up at its deadline with a ServiceUnavailableError whose cause is the broker error', async () => {
    vi.useFakeTimers();
    const fake = fakeKafka([unknownTopic()]);
    // Pauses of 300 and 600 ms fit in 1 s; the next (1.2 s) would not.
    const sink = new KafkaRecordSink(fake.kafka, { metadataDeadlineMs: 1_000, monotonicMs: () => Date.now() });
    const sending = sink.send('t', [{ key: 'a', value: '1' }]).catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(300 + 600);
    const err = await sending;
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as ServiceUnavailableError).what).toBe('partitions of t');
    expect((err as ServiceUnavailableError).cause).toBeInstanceOf(KafkaJSProtocolError);
    expect(String((err as ServiceUnavailableError).cause)).toMatch(/does not host this topic-partition/);
    expect(fake.metadataCalls()).toBe(3);
    expect(fake.sent).toEqual([]);
  });

  it('does not retry an error that is not retriable', async () => {
    const fake = fakeKafka([new KafkaJSNonRetriableError('Invalid topic')]);
    const sink = new KafkaRecordSink(fake.kafka);
    await expect(sink.send('t', [{ key: 'a', value: '1' }])).rejects.toThrow(/Invalid topic/);
    expect(fake.metadataCalls()).toBe(1);
  });
});

import type { EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SchemaError } from '../../../pipeline/runtime/errors.js';
import { KAFKA_RECORD_BATCH_OUTPUT, KAFKA_RECORD_BATCH_STREAM, type KafkaSpoutOutput, kafkaOutput } from '../../../pipeline/runtime/kafka-record-stream.js';
import { KafkaSpout } from '../../../pipeline/runtime/kafka-spout.js';
import { defineStream } from '../../../pipeline/runtime/stream.js';
import { TreeAbortedError } from '../../../pipeline/runtime/tuple-failure.js';
import { FakeClock } from '../../../pipeline/runtime/testing/fake-clock.js';
import type { Origin, Values } from '../../../pipeline/runtime/types.js';

const TOPIC = 'raw';
const VALUES = defineStream('values', z.object({ value: z.string() }));

/**
 * A kafkajs stand-in with just what a KafkaSpout calls: the test assigns partitions, delivers
 * batches, and sees commits and dead letters. `failSends` makes the next sends reject, as a
 * broker that is gone would.
 */
class FakeKafka {
  readonly commits: { partition: number; offset: string }[] = [];
  readonly letters: string[] = [];
  failSends = 0;
  /** Commits to refuse with NOT_COORDINATOR_FOR_GROUP, as a broker that lost the group does. */
  refuseCommits = 0;
  runs = 0;
  stops = 0;
  /** Heartbeats the batch handler sent. */
  heartbeats = 0;
  private eachBatch: ((payload: EachBatchPayload) => Promise<void>) | undefined;
  private onJoin: ((event: { payload: { memberAssignment: Record<string, number[]> } }) => void) | undefined;

  asKafka(): Kafka {
    const noop = async () => undefined;
    return {
      consumer: () => ({
        events: { GROUP_JOIN: 'consumer.group_join' },
        on: (_event: string, fn: FakeKafka['onJoin']) => {
          this.onJoin = fn;
        },
        connect: noop,
        subscribe: noop,
        run: async (config: { eachBatch: FakeKafka['eachBatch'] }) => {
          this.runs += 1;
          this.eachBatch = config.eachBatch;
        },
        stop: async () => {
          this.stops += 1;
        },
        commitOffsets: async (offsets: { partition: number; offset: string }[]) => {
          if (this.refuseCommits > 0) {
            this.refuseCommits -= 1;
            throw Object.assign(new Error('This is not the correct coordinator for this group'), { type: 'NOT_COORDINATOR_FOR_GROUP' });
          }
          this.commits.push(...offsets.map(({ partition, offset }) => ({ partition, offset })));
        },
        pause: () => undefined,
        resume: () => undefined,
        disconnect: noop,
      }),
      producer: () => ({
        connect: noop,
        disconnect: noop,
        send: async (record: { messages: { value: string }[] }) => {
          if (this.failSends > 0) {
            this.failSends -= 1;
            throw new Error('Connection error: read ECONNRESET');
          }
          this.letters.push(...record.messages.map((m) => m.value));
        },
      }),
      admin: () => ({ connect: noop, disconnect: noop, fetchTopicOffsets: async () => [], fetchOffsets: async () => [] }),
    } as unknown as Kafka;
  }

  assign(partitions: number[]): void {
    this.onJoin?.({ payload: { memberAssignment: { [TOPIC]: partitions } } });
  }

  async deliver(partition: number, values: string[], firstOffset = 0): Promise<void> {
    const messages = values.map((value, i) => ({ offset: String(firstOffset + i), key: Buffer.from(`k${firstOffset + i}`), value: Buffer.from(value) }));
    const heartbeat = async () => {
      this.heartbeats += 1;
    };
    await this.eachBatch?.({ batch: { topic: TOPIC, partition, messages }, heartbeat, isRunning: () => true } as unknown as EachBatchPayload);
  }

  lastCommit(partition: number): string | undefined {
    return this.commits.filter((c) => c.partition === partition).at(-1)?.offset;
  }
}

/** `VALUES`, with `bad` refused by decode. */
const VALUES_OUTPUT = kafkaOutput(VALUES, (message: KafkaMessage) => {
  const value = message.value?.toString('utf8') ?? '';
  if (value === 'bad') throw new SchemaError('record', [{ path: '', message: 'not a record' }]);
  return { value };
});

/** `KAFKA_RECORD_BATCH_OUTPUT`, with `bad` refused by decode. */
const BATCH_OUTPUT = {
  ...KAFKA_RECORD_BATCH_OUTPUT,
  decode: (message: KafkaMessage, partition: number) => (VALUES_OUTPUT.decode(message, partition), KAFKA_RECORD_BATCH_OUTPUT.decode(message)),
};

async function openSpout(
  kafka: FakeKafka,
  clock: FakeClock,
  emit: (values: Values, messageId: string, messages: readonly Origin[]) => void,
  output: KafkaSpoutOutput = VALUES_OUTPUT,
): Promise<KafkaSpout> {
  const spout = new KafkaSpout({
    connections: { kafka: () => kafka.asKafka() },
    topic: TOPIC,
    groupId: 'g',
    deadLetterTopic: `${TOPIC}.dlq`,
    maxPending: 100,
    maxAttempts: null,
    backoff: { baseMs: 100, maxMs: 1_000 },
    output,
  });
  await spout.open(
    { topology: 't', componentId: 'spout', taskIndex: 0, taskCount: 1, workerId: 'w', log: pino({ level: 'silent' }), clock },
    {
      emit: (stream, values, options) => {
        expect(stream).toBe(output.stream);
        const messages = options?.messages ?? [{ messageId: options?.messageId ?? '', attempt: options?.attempt ?? 1 }];
        emit(values, options?.messageId ?? '', messages);
      },
      reportError: () => undefined,
    },
  );
  kafka.assign([0]);
  return spout;
}

/** Lets the spout's promise chains (commits) run. */
const drain = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('KafkaSpout', () => {
  it('holds fetching at max pending: the next fetched batch waits for room, heartbeating, and is taken once a record completes', async () => {
    const kafka = new FakeKafka();
    const clock = new FakeClock();
    const emitted: string[] = [];
    const spout = await openSpout(kafka, clock, (_values, messageId) => emitted.push(messageId));
    await kafka.deliver(
      0,
      Array.from({ length: 100 }, (_, i) => `v${i}`),
    );
    expect(spout.isHeld).toBe(true);

    let taken = false;
    const next = kafka.deliver(0, ['v100', 'v101'], 100).then(() => {
      taken = true;
    });
    await spout.nextTuple();
    expect(emitted).toHaveLength(100);
    for (const _ of [1, 2]) {
      clock.advance(1_000);
      await drain();
    }
    // Still at the cap: the batch waits, and the handler keeps the group membership alive.
    expect(taken).toBe(false);
    expect(kafka.heartbeats).toBe(2);
    expect(spout.pending).toBe(100);

    spout.ack('raw/0/0');
    await next;
    expect(taken).toBe(true);
    expect(spout.pending).toBe(101);
    expect(spout.isHeld).toBe(true);
    await spout.close();
  });

  it('emits the records of one nextTuple call as one record batch rooted at all of them, a replay alone, and commits when all are acked', async () => {
    const kafka = new FakeKafka();
    const clock = new FakeClock();
    const emitted: { values: Values; messages: readonly Origin[] }[] = [];
    const spout = await openSpout(kafka, clock, (values, _id, messages) => emitted.push({ values, messages }), BATCH_OUTPUT);
    await kafka.deliver(0, ['a', 'bad', 'c', 'd']);

    await spout.nextTuple();
    // The record decode refuses is dead-lettered; the others travel together.
    expect(emitted).toHaveLength(1);
    expect(KAFKA_RECORD_BATCH_STREAM.schema.parse(emitted[0]?.values)).toEqual({
      records: [
        { messageId: 'raw/0/0', key: 'k0', value: 'a' },
        { messageId: 'raw/0/2', key: 'k2', value: 'c' },
        { messageId: 'raw/0/3', key: 'k3', value: 'd' },
      ],
    });
    expect(emitted[0]?.messages).toEqual(['raw/0/0', 'raw/0/2', 'raw/0/3'].map((messageId) => ({ messageId, attempt: 1 })));
    expect(kafka.letters).toHaveLength(1);

    // Its tree failed because of another record: it replays at once, alone.
    spout.ack('raw/0/0');
    spout.ack('raw/0/3');
    spout.fail(
      'raw/0/2',
      new TreeAbortedError({ component: 'check', task: 0, errorName: 'SchemaError', message: 'x', retriable: false, messageIds: ['raw/0/9'] }),
    );
    await spout.nextTuple();
    expect(emitted[1]).toEqual({ values: { records: [{ messageId: 'raw/0/2', key: 'k2', value: 'c' }] }, messages: [{ messageId: 'raw/0/2', attempt: 2 }] });
    clock.advance(500);
    await drain();
    expect(kafka.lastCommit(0)).toBe('2');
    spout.ack('raw/0/2');
    clock.advance(500);
    await drain();
    expect(kafka.lastCommit(0)).toBe('4');
    await spout.close();
  });

  it('retries a dead letter whose publish failed and then commits past it', async () => {
    const kafka = new FakeKafka();
    const clock = new FakeClock();
    const emitted: string[] = [];
    const spout = await openSpout(kafka, clock, (_values, id) => emitted.push(id));
    await kafka.deliver(0, ['a', 'bad', 'c']);
    kafka.failSends = 2;

    await spout.nextTuple();
    expect(emitted).toEqual(['raw/0/0', 'raw/0/2']);
    expect(kafka.letters).toEqual([]);
    for (const id of emitted) spout.ack(id);
    clock.advance(500);
    await drain();
    expect(kafka.lastCommit(0)).toBe('1');

    // The first two publishes fail; the record stays tracked and the third try publishes it.
    for (let i = 0; i < 2; i += 1) {
      clock.advance(100);
      await spout.nextTuple();
    }
    expect(kafka.letters).toHaveLength(1);
    expect(JSON.parse(kafka.letters[0] as string)).toMatchObject({ origin: { partition: 0, offset: '1' }, value: 'bad', error: { name: 'SchemaError' } });
    clock.advance(500);
    await drain();
    expect(kafka.lastCommit(0)).toBe('3');
    await spout.close();
  });

  it('keeps a record whose emit threw and hands it over again, so its partition still commits to the end', async () => {
    const kafka = new FakeKafka();
    const clock = new FakeClock();
    const emitted: string[] = [];
    let throwOn: string | null = 'raw/0/1';
    const spout = await openSpout(kafka, clock, (_values, id) => {
      if (id === throwOn) {
        throwOn = null;
        throw new Error('routing bug');
      }
      emitted.push(id);
    });
    await kafka.deliver(0, ['a', 'b', 'c']);

    await spout.nextTuple();
    expect(emitted).toEqual(['raw/0/0', 'raw/0/2']);
    clock.advance(100);
    await spout.nextTuple();
    expect(emitted).toEqual(['raw/0/0', 'raw/0/2', 'raw/0/1']);
    for (const id of emitted) spout.ack(id);
    clock.advance(500);
    await drain();
    expect(kafka.lastCommit(0)).toBe('3');
    await spout.close();
  });

  it('joins the group anew when commits keep reaching a broker that is no longer the coordinator, then commits', async () => {
    const kafka = new FakeKafka();
    const clock = new FakeClock();
    const emitted: string[] = [];
    const spout = await openSpout(kafka, clock, (_values, id) => emitted.push(id));
    await kafka.deliver(0, ['a', 'b']);
    await spout.nextTuple();
    for (const id of emitted) spout.ack(id);
    kafka.refuseCommits = 3;
    for (let i = 0; i < 3; i += 1) {
      clock.advance(500);
      await drain();
    }
    expect(kafka.commits).toEqual([]);
    expect(kafka.stops).toBe(1);
    expect(kafka.runs).toBe(2);

    // The new join assigns the partition again; kafkajs restarts it from the committed offset.
    kafka.assign([0]);
    await kafka.deliver(0, ['a', 'b']);
    emitted.length = 0;
    await spout.nextTuple();
    for (const id of emitted) spout.ack(id);
    clock.advance(500);
    await drain();
    expect(kafka.lastCommit(0)).toBe('2');
    await spout.close();
  });
});

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvariantError, NonRetriableError, SchemaError } from '../../../pipeline/runtime/errors.js';
import { TopologyBuilder } from '../../../pipeline/runtime/topology-builder.js';
import { defineStream } from '../../../pipeline/runtime/stream.js';
import { TupleFailedError, TupleTimeoutError } from '../../../pipeline/runtime/tuple-failure.js';
import { TICK_STREAM, type Bolt, type OutputCollector, type Tuple } from '../../../pipeline/runtime/types.js';
import { FeederSpout } from '../../../pipeline/runtime/testing/feeder-spout.js';
import { LocalCluster } from '../../../pipeline/runtime/testing/local-cluster.js';

const replay = { maxAttempts: 3, backoff: { baseMs: 100, maxMs: 1000 }, random: () => 0.5 };
const SENTENCES = defineStream('sentences', z.object({ text: z.string() }));
const WORDS = defineStream('words', z.object({ word: z.string() }));
const NUMBERS = defineStream('numbers', z.object({ n: z.number() }));
const SIDES = defineStream('sides', z.object({ side: z.enum(['l', 'r']), n: z.number() }));
const JOINED = defineStream('joined', z.object({ joined: z.boolean() }));

/** spout -> split (emits one tuple per word) -> count (fields grouped by word). */
function wordTopology(
  feeder: FeederSpout<z.output<typeof SENTENCES.schema>>,
  counts: Map<string, number>,
  options: { failWord?: string; dropWord?: string } = {},
) {
  const b = new TopologyBuilder('words');
  b.setSpout('sentences', () => feeder, { outputs: [SENTENCES] });
  b.setBasicBolt(
    'split',
    () => ({
      execute: (tuple, collector) => {
        for (const word of SENTENCES.of(tuple).text.split(' ')) collector.emit(WORDS, { word });
      },
    }),
    { parallelism: 2, outputs: [WORDS] },
  ).shuffleGrouping('sentences');
  const tasksByWord = new Map<string, Set<number>>();
  b.setBolt(
    'count',
    () => {
      let collector: OutputCollector;
      let task = -1;
      return {
        prepare: (context, c) => {
          collector = c;
          task = context.taskIndex;
        },
        execute: (tuple: Tuple) => {
          const { word } = WORDS.of(tuple);
          if (word === options.dropWord) return; // never acked: the tree times out
          if (word === options.failWord) return collector.fail(tuple, new NonRetriableError('poison word'));
          tasksByWord.set(word, (tasksByWord.get(word) ?? new Set()).add(task));
          counts.set(word, (counts.get(word) ?? 0) + 1);
          collector.ack(tuple);
        },
      } satisfies Bolt;
    },
    { parallelism: 3 },
  ).fieldsGrouping('split', ['word']);
  return { topology: b.build(), tasksByWord };
}

describe('LocalCluster', () => {
  it('acks a message once its whole tuple tree is acked, with fields grouping keeping a word on one task', async () => {
    const feeder = new FeederSpout(SENTENCES);
    const counts = new Map<string, number>();
    const { topology, tasksByWord } = wordTopology(feeder, counts);
    const cluster = new LocalCluster();
    await cluster.submit(topology);
    feeder.feed({ text: 'a b c a' }, 'm1');
    feeder.feed({ text: 'b a' }, 'm2');
    await cluster.settle();
    expect(feeder.tracker.acked.sort()).toEqual(['m1', 'm2']);
    expect(Object.fromEntries(counts)).toEqual({ a: 3, b: 2, c: 1 });
    for (const tasks of tasksByWord.values()) expect(tasks.size).toBe(1);
    expect(cluster.acker.size).toBe(0);
    expect(cluster.pending).toBe(0);
    const metrics = await cluster.metricsSnapshot();
    expect(metrics?.components.sentences?.['0']?.acked).toBe(2);
    const splitExecuted = (metrics?.components.split?.['0']?.executed ?? 0) + (metrics?.components.split?.['1']?.executed ?? 0);
    expect(splitExecuted).toBe(2);
    await cluster.shutdown();
  });

  it('times out a tree that is not complete within the message timeout and replays it with backoff', async () => {
    const feeder = new FeederSpout(SENTENCES, { replay });
    const counts = new Map<string, number>();
    const { topology } = wordTopology(feeder, counts, { dropWord: 'lost' });
    const cluster = new LocalCluster({ messageTimeoutMs: 1000 });
    await cluster.submit(topology);
    feeder.feed({ text: 'ok lost' }, 'm1');
    await cluster.settle();
    expect(feeder.tracker.acked).toEqual([]);
    await cluster.advance(999);
    expect(feeder.tracker.failed).toEqual([]);
    await cluster.advance(1);
    expect(feeder.tracker.failed).toHaveLength(1);
    expect(feeder.tracker.failed[0]?.reason).toBeInstanceOf(TupleTimeoutError);
    // Backoff after the first failure: 0.5 * 100 ms.
    await cluster.advance(49);
    expect(feeder.tracker.emitted).toHaveLength(1);
    await cluster.advance(1);
    expect(feeder.tracker.emitted).toEqual([
      { messageId: 'm1', attempt: 1 },
      { messageId: 'm1', attempt: 2 },
    ]);
    // Third attempt times out too, then the message is dead-lettered.
    await cluster.advance(1000);
    await cluster.advance(100);
    await cluster.advance(1000);
    expect(feeder.tracker.deadLettered).toEqual([{ messageId: 'm1', reason: 'failed 3 attempts', error: expect.any(TupleTimeoutError), attempts: 3 }]);
    expect(counts.get('ok')).toBe(3);
    await cluster.shutdown();
  });

  it('ignores acks that arrive after the timeout (the replay uses a new root)', async () => {
    const feeder = new FeederSpout(NUMBERS, { replay });
    let held: Tuple[] = [];
    let collector: OutputCollector;
    const b = new TopologyBuilder('late');
    b.setSpout('s', () => feeder, { outputs: [NUMBERS] });
    b.setBolt('slow', () => ({
      prepare: (_c, c) => {
        collector = c;
      },
      execute: (t: Tuple) => {
        held.push(t);
      },
    })).shuffleGrouping('s');
    const cluster = new LocalCluster({ messageTimeoutMs: 500 });
    await cluster.submit(b.build());
    feeder.feed({ n: 1 }, 'm');
    await cluster.settle();
    await cluster.advance(500);
    await cluster.advance(50); // replay emitted
    expect(held.map((t) => t.origins[0]?.attempt)).toEqual([1, 2]);
    const [first, second] = held as [Tuple, Tuple];
    collector!.ack(first);
    await cluster.settle();
    expect(feeder.tracker.acked).toEqual([]);
    collector!.ack(second);
    await cluster.settle();
    expect(feeder.tracker.acked).toEqual(['m']);
    held = [];
    await cluster.shutdown();
  });

  it('dead-letters at once a message failed with a non-retriable error, and the others complete', async () => {
    const feeder = new FeederSpout(SENTENCES, { replay });
    const counts = new Map<string, number>();
    const { topology } = wordTopology(feeder, counts, { failWord: 'poison' });
    const cluster = new LocalCluster();
    await cluster.submit(topology);
    feeder.feed({ text: 'x poison' }, 'bad');
    feeder.feed({ text: 'x y' }, 'good');
    await cluster.settle();
    expect(feeder.tracker.acked).toEqual(['good']);
    expect(feeder.tracker.deadLettered).toHaveLength(1);
    const dl = feeder.tracker.deadLettered[0];
    expect(dl).toMatchObject({ messageId: 'bad', reason: 'non-retriable error', attempts: 1 });
    expect(dl?.error).toBeInstanceOf(TupleFailedError);
    expect(dl?.error).toMatchObject({ component: 'count', errorName: 'NonRetriableError', retriable: false });
    await cluster.shutdown();
  });

  it('fails a basic bolt input when execute throws, and replays it', async () => {
    const feeder = new FeederSpout(NUMBERS, { replay });
    let calls = 0;
    const b = new TopologyBuilder('flaky');
    b.setSpout('s', () => feeder, { outputs: [NUMBERS] });
    b.setBasicBolt('flaky', () => ({
      execute: () => {
        calls += 1;
        if (calls === 1) throw new Error('transient');
      },
    })).shuffleGrouping('s');
    const cluster = new LocalCluster();
    await cluster.submit(b.build());
    feeder.feed({ n: 1 }, 'm');
    await cluster.settle();
    expect(feeder.tracker.failed).toHaveLength(1);
    await cluster.advance(50);
    expect(feeder.tracker.acked).toEqual(['m']);
    expect(calls).toBe(2);
    await cluster.shutdown();
  });

  it('stops calling nextTuple at max spout pending and resumes as trees complete', async () => {
    const feeder = new FeederSpout(NUMBERS);
    const held: Tuple[] = [];
    let collector: OutputCollector;
    const b = new TopologyBuilder('pending');
    b.setSpout('s', () => feeder, { maxPending: 3, outputs: [NUMBERS] });
    b.setBolt('hold', () => ({
      prepare: (_c, c) => {
        collector = c;
      },
      execute: (t: Tuple) => {
        held.push(t);
      },
    })).shuffleGrouping('s');
    const cluster = new LocalCluster();
    await cluster.submit(b.build());
    for (let i = 0; i < 3; i += 1) feeder.feed({ n: i }, `a${i}`);
    await cluster.settle();
    for (let i = 0; i < 3; i += 1) feeder.feed({ n: i }, `b${i}`);
    await cluster.settle();
    expect(cluster.pending).toBe(3);
    expect(held).toHaveLength(3);
    for (const t of held.splice(0)) collector!.ack(t);
    await cluster.settle();
    expect(feeder.tracker.acked).toEqual(['a0', 'a1', 'a2']);
    expect(held).toHaveLength(3);
    await cluster.shutdown();
  });

  it('delivers tick tuples to each task every tickIntervalMs', async () => {
    const feeder = new FeederSpout(NUMBERS);
    const ticks: number[] = [];
    const b = new TopologyBuilder('ticks');
    b.setSpout('s', () => feeder, { outputs: [NUMBERS] });
    b.setBasicBolt(
      'window',
      () => {
        let task = -1;
        return {
          prepare: (c) => {
            task = c.taskIndex;
          },
          execute: (t) => {
            if (t.stream === TICK_STREAM) ticks.push(task);
          },
        };
      },
      { parallelism: 2, tickIntervalMs: 1000 },
    ).shuffleGrouping('s');
    const cluster = new LocalCluster();
    await cluster.submit(b.build());
    await cluster.advance(999);
    expect(ticks).toEqual([]);
    await cluster.advance(1);
    await cluster.advance(1000);
    expect(ticks.sort()).toEqual([0, 0, 1, 1]);
    await cluster.shutdown();
  });

  it('completes a tree whose tuples are joined and anchored to several inputs', async () => {
    const feeder = new FeederSpout(NUMBERS);
    const b = new TopologyBuilder('join');
    b.setSpout('s', () => feeder, { outputs: [NUMBERS] });
    b.setBasicBolt(
      'fan',
      () => ({
        execute: (t, c) => {
          const { n } = NUMBERS.of(t);
          c.emit(SIDES, { side: 'l', n });
          c.emit(SIDES, { side: 'r', n });
        },
      }),
      { outputs: [SIDES] },
    ).shuffleGrouping('s');
    let collector: OutputCollector;
    const waiting: Tuple[] = [];
    b.setBolt(
      'pair',
      () => ({
        prepare: (_c, c) => {
          collector = c;
        },
        execute: (t: Tuple) => {
          waiting.push(t);
          if (waiting.length === 2) {
            collector.emit(JOINED, { joined: true }, { anchors: waiting });
            for (const w of waiting.splice(0)) collector.ack(w);
          }
        },
      }),
      { outputs: [JOINED] },
    ).globalGrouping('fan');
    b.setBasicBolt('sink', () => ({ execute: () => {} })).shuffleGrouping('pair');
    const cluster = new LocalCluster();
    await cluster.submit(b.build());
    feeder.feed({ n: 1 }, 'm');
    await cluster.settle();
    expect(feeder.tracker.acked).toEqual(['m']);
    expect(cluster.acker.size).toBe(0);
    await cluster.shutdown();
  });

  it('parses every tuple with its stream schema at the transport: one that does not fit is dead-lettered with the reason, the others go on', async () => {
    const feeder = new FeederSpout(NUMBERS, { replay });
    const seen: number[] = [];
    const b = new TopologyBuilder('boundary');
    b.setSpout('s', () => feeder, { outputs: [NUMBERS] });
    b.setBasicBolt(
      'older',
      () => ({
        execute: (t, c) => {
          const { n } = NUMBERS.of(t);
          // A worker of an older release: its values no longer fit the stream (the compiler is bypassed).
          c.emit(WORDS, (n === 2 ? { word: n } : { word: String(n) }) as unknown as { word: string });
        },
      }),
      { outputs: [WORDS] },
    ).shuffleGrouping('s');
    b.setBasicBolt('reader', () => ({ execute: (t) => void seen.push(Number(WORDS.of(t).word)) })).shuffleGrouping('older');
    // A tree per record, so each good record is read once (batch trees: batch-trees.test.ts).
    const cluster = new LocalCluster({ treeBatchSize: 1 });
    await cluster.submit(b.build());
    for (const n of [1, 2, 3]) feeder.feed({ n }, `m${n}`);
    await cluster.settle();
    expect(seen.sort()).toEqual([1, 3]);
    expect([...feeder.tracker.acked].sort()).toEqual(['m1', 'm3']);
    expect(feeder.tracker.deadLettered).toMatchObject([{ messageId: 'm2', reason: 'non-retriable error', attempts: 1 }]);
    expect(feeder.tracker.deadLettered[0]?.error).toMatchObject({
      component: 'reader',
      errorName: SchemaError.name,
      retriable: false,
      message: expect.stringContaining('word'),
    });
    await cluster.shutdown();
  });

  it('fails an emit on a stream the component does not declare', async () => {
    const feeder = new FeederSpout(NUMBERS);
    const b = new TopologyBuilder('undeclared');
    b.setSpout('s', () => feeder, { outputs: [NUMBERS] });
    b.setBasicBolt('sneaky', () => ({ execute: (_t, c) => c.emit(WORDS, { word: 'x' }) }), { outputs: [SIDES] }).shuffleGrouping('s');
    const cluster = new LocalCluster();
    await cluster.submit(b.build());
    feeder.feed({ n: 1 }, 'm');
    await cluster.settle();
    expect(feeder.tracker.acked).toEqual([]);
    expect(feeder.tracker.failed[0]?.reason).toMatchObject({ component: 'sneaky', errorName: InvariantError.name });
    await cluster.shutdown();
  });
});

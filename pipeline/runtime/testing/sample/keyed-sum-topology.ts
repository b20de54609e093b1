import type { Redis } from 'ioredis';
import { z } from 'zod';
import { RetriableError, SchemaError } from '../../errors.js';
import { idempotencyKey } from '../../idempotency.js';
import { kafkaOutput } from '../../kafka-record-stream.js';
import { KafkaSpout } from '../../kafka-spout.js';
import { kafkaSpoutOptions } from '../../kafka-spout-options.js';
import { LuaScript } from '../../lua-script.js';
import type { RuntimeConnections } from '../../runtime-connections.js';
import type { RuntimeOptions } from '../../runtime-options.js';
import { defineStream } from '../../stream.js';
import { TopologyBuilder } from '../../topology-builder.js';
import type { Topology } from '../../topology-definition.js';
import { TICK_STREAM, type Bolt, type OutputCollector, type Tuple } from '../../types.js';

/** A record of the sample topic. */
export const SampleRecordSchema = z.object({ key: z.string(), amount: z.number().int(), poison: z.boolean().optional() });
export type SampleRecord = z.infer<typeof SampleRecordSchema>;

/** The sample topology's streams: decoded records, and the amounts to add up by key. */
export const RECORDS = defineStream('sample-records', SampleRecordSchema);
export const AMOUNTS = defineStream('sample-amounts', z.object({ key: z.string(), amount: z.number().int() }));

/** Options of the sample topology. */
export interface KeyedSumOptions {
  runtime: RuntimeOptions;
  connections: Pick<RuntimeConnections, 'redis' | 'kafka'>;
  topology: string;
  topic: string;
  deadLetterTopic: string;
  /** Redis key prefix of the sink (sums, seen message ids, stall switch). */
  sinkPrefix: string;
  /** Share of `parse` executions that throw a transient error (0..1); default 0. */
  failRate?: number;
  parseParallelism?: number;
  sumParallelism?: number;
}

/** Redis keys of the sample sink. */
export function sampleSinkKeys(prefix: string) {
  return { sums: `${prefix}:sums`, counts: `${prefix}:counts`, seen: `${prefix}:seen`, stall: `${prefix}:stall` };
}

// Adds each tuple at most once per message id, whatever the replays: the idempotent sink rule.
const APPLY = `
local applied = 0
for i = 1, #ARGV, 4 do
  if redis.call('HSETNX', KEYS[3], ARGV[i], ARGV[i + 3]) == 1 then
    redis.call('HINCRBY', KEYS[1], ARGV[i + 1], ARGV[i + 2])
    redis.call('HINCRBY', KEYS[2], ARGV[i + 1], 1)
    applied = applied + 1
  end
end
return applied`;
const APPLY_SCRIPT = new LuaScript(APPLY);

/**
 * The runtime's sample topology: a keyed sum.
 * `records` (KafkaSpout) -> `parse` (basic bolt, shuffle; may fail at random) -> `sum` (rich
 * bolt, fields grouping on `key`; buffers and writes on tick or when 100 are buffered, to an
 * idempotent Redis sink keyed by message id).
 * A record with `poison: true` always fails in `parse`, so it ends in the dead letters.
 * While the Redis key `stall` exists, `sum` holds its input (a stalled downstream bolt).
 */
export function keyedSumTopology(options: KeyedSumOptions): Topology {
  const { runtime, connections } = options;
  const keys = sampleSinkKeys(options.sinkPrefix);
  const failRate = options.failRate ?? 0;
  const builder = new TopologyBuilder(options.topology);

  builder.setSpout(
    'records',
    () =>
      new KafkaSpout(
        kafkaSpoutOptions(runtime, {
          connections,
          topic: options.topic,
          groupId: `${options.topology}-records`,
          deadLetterTopic: options.deadLetterTopic,
          output: kafkaOutput(RECORDS, (message) => {
            let json: unknown;
            try {
              json = JSON.parse(message.value?.toString('utf8') ?? '');
            } catch (err) {
              throw new SchemaError('sample record', [{ path: '', message: 'not JSON' }], { cause: err });
            }
            const parsed = SampleRecordSchema.safeParse(json);
            if (!parsed.success)
              throw new SchemaError(
                'sample record',
                parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
              );
            return parsed.data;
          }),
        }),
      ),
    { parallelism: 1, outputs: [RECORDS] },
  );

  builder
    .setBasicBolt(
      'parse',
      () => ({
        execute: (tuple, collector) => {
          const record = RECORDS.of(tuple);
          if (record.poison === true) throw new RetriableError('poison record always fails');
          if (failRate > 0 && Math.random() < failRate) throw new RetriableError('injected random failure');
          collector.emit(AMOUNTS, { key: record.key, amount: record.amount });
        },
      }),
      { parallelism: options.parseParallelism ?? 2, outputs: [AMOUNTS] },
    )
    .localOrShuffleGrouping('records');

  builder
    .setBolt('sum', () => new SumBolt(connections, keys), { parallelism: options.sumParallelism ?? 4, tickIntervalMs: 100, maxInFlight: 1000 })
    .fieldsGrouping('parse', ['key']);

  return builder.build();
}

class SumBolt implements Bolt {
  private redis: Redis | undefined;
  private collector: OutputCollector | undefined;
  private buffer: Tuple[] = [];

  constructor(
    private readonly connections: Pick<RuntimeConnections, 'redis'>,
    private readonly keys: ReturnType<typeof sampleSinkKeys>,
  ) {}

  prepare(context: { componentId: string; taskIndex: number }, collector: OutputCollector): void {
    this.collector = collector;
    this.redis = this.connections.redis(`sample-sum-${context.taskIndex}`);
  }

  async execute(tuple: Tuple): Promise<void> {
    // A stalled downstream: hold the task until the switch is removed (checked every 100 ms).
    while (await this.stalled()) await new Promise((r) => setTimeout(r, 100));
    if (tuple.stream === TICK_STREAM) return this.flush();
    this.buffer.push(tuple);
    if (this.buffer.length >= 100) await this.flush();
  }

  private stallCheckedAt = 0;
  private stallOn = false;

  private async stalled(): Promise<boolean> {
    const now = performance.now();
    if (now - this.stallCheckedAt >= 100) {
      this.stallOn = (await (this.redis as Redis).exists(this.keys.stall)) === 1;
      this.stallCheckedAt = performance.now();
    }
    return this.stallOn;
  }

  async cleanup(): Promise<void> {
    this.redis?.disconnect();
  }

  private async flush(): Promise<void> {
    const batch = this.buffer.splice(0);
    if (batch.length === 0) return;
    const argv: string[] = [];
    const now = Date.now();
    // The seen entry records the attempt and time of the write that counted (tests read them).
    for (const t of batch) {
      const { key, amount } = AMOUNTS.of(t);
      argv.push(idempotencyKey(t), key, String(amount), `${t.origins[0]?.attempt ?? 0}:${now}`);
    }
    try {
      await APPLY_SCRIPT.run(this.redis as Redis, [this.keys.sums, this.keys.counts, this.keys.seen], argv);
    } catch (err) {
      for (const t of batch) this.collector?.fail(t, new RetriableError('sink write failed', { cause: err }));
      return;
    }
    for (const t of batch) this.collector?.ack(t);
  }
}

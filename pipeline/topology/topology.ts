import type { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';
import { runtimeConnections } from '../clients/runtime-connections.js';
import type { Config } from '../config/config.js';
import { BlockEventSchema } from '../contracts/block-event.js';
import { names, type RawFeed } from '../contracts/names.js';
import { PriceEventSchema } from '../contracts/price-event.js';
import { TransactionEventSchema } from '../contracts/transaction-event.js';
import {
  KAFKA_RECORD_BATCH_OUTPUT,
  KAFKA_RECORD_BATCH_STREAM,
  KAFKA_RECORD_STREAM,
  KafkaSpout,
  kafkaSpoutOptions,
  type Logger,
  type Spout,
  systemClock,
  type Topology,
  TopologyBuilder,
} from '../runtime/index.js';
import { AggregateRenderBolt } from './bolts/aggregate-render-bolt.js';
import { BlockStateBolt } from './bolts/block-state-bolt.js';
import { BulkIndexBolt } from './bolts/bulk-index-bolt.js';
import { PriceStateBolt } from './bolts/price-state-bolt.js';
import { RepriceBlockBolt } from './bolts/reprice-block-bolt.js';
import { routeTransactions } from './bolts/transaction-route.js';
import { TransactionStateBolt } from './bolts/transaction-state-bolt.js';
import { ValidateBatchBolt } from './bolts/validate-batch-bolt.js';
import { ValidateBolt } from './bolts/validate-bolt.js';
import { PoolIdentifier } from './domain/pool-identifier.js';
import { BulkWriter } from './es/bulk-writer.js';
import { AnalyticsState } from './state/analytics-state.js';
import { BLOCKS, CONFIRMED_TRANSACTIONS, DOCUMENT_BATCHES, DOCUMENTS, PRICE_POINTS, REPRICE } from './streams.js';
import { topologyNames } from './topology-names.js';

/**
 * What the topology's bolts share in one worker process. Documents go to Elasticsearch (`es`,
 * through a `BulkWriter`) or to a given `writer`; records come from the raw topics unless `spouts`
 * gives another spout per feed (tests feed recorded events through `LocalCluster`).
 */
export type AnalyticsDeps = {
  config: Config;
  redis: Redis;
  log: Logger;
  /**
   * The spout of each raw feed (called once per spout task; it emits `KAFKA_RECORD_STREAM`, or for
   * transactions `KAFKA_RECORD_BATCH_STREAM`); default: a `KafkaSpout` on the feed's topic.
   */
  spouts?: (feed: RawFeed) => Spout;
} & ({ es: Client; writer?: never } | { writer: Pick<BulkWriter, 'write'>; es?: never });

/**
 * The Bitcoin analytics DAG:
 *
 *   blocks-spout -> validate-blocks -> block-state ---------------------\
 *   transactions-spout -> validate-transactions -> transaction-state ---+--> index (bulk, ES)
 *                               \--(document batches: unconfirmed)---------/
 *   prices-spout -> validate-prices -> price-state --(reprice)--> reprice-block --/
 *                        block-state (blocks a reorg flipped) --(reprice)--/
 *   aggregates (tick-driven: renders the dirty aggregates of the Redis outbox, bulk, ES)
 *
 * Streams (streams.ts): the spouts emit raw records (`KAFKA_RECORD_STREAM`; transactions in record
 * batches, `KAFKA_RECORD_BATCH_STREAM`), validators emit `BLOCKS`, `CONFIRMED_TRANSACTIONS` (a
 * batch's) and `PRICE_POINTS`, state bolts `DOCUMENTS`, `DOCUMENT_BATCHES` and `REPRICE`.
 * Validate bolts dead-letter bad records; state bolts change the Redis state with atomic scripts
 * (which also mark the touched aggregates dirty) and emit documents; the aggregates bolt writes
 * the dirty aggregates on its own schedule, so no record waits for its hour to be rendered.
 */
export function buildAnalyticsTopology(deps: AnalyticsDeps): Topology {
  const { config, redis, log } = deps;
  const n = names(config.namespace);
  const t = topologyNames(n);
  const a = config.analytics;
  const connections = runtimeConnections(config);
  const state = new AnalyticsState(redis, t.statePrefix);
  const pools = PoolIdentifier.fromFile(a.poolsFile, a.poolMatchOrder);
  const writer =
    deps.writer ??
    new BulkWriter(deps.es, systemClock, log.child({ component: 'bulk-writer' }), {
      retries: a.indexRetries,
      backoffBaseMs: config.runtime.backoffBaseMs,
      backoffMaxMs: config.runtime.backoffMaxMs,
    });
  const kafkaSpout = (feed: RawFeed) =>
    new KafkaSpout(
      kafkaSpoutOptions(config.runtime, {
        connections,
        topic: n.topics[feed],
        groupId: t.consumerGroups[feed],
        deadLetterTopic: n.deadLetter[feed],
        ...(feed === 'transactions' ? { output: KAFKA_RECORD_BATCH_OUTPUT } : {}),
      }),
    );
  const spout = (feed: RawFeed) => () => (deps.spouts ?? kafkaSpout)(feed);

  const b = new TopologyBuilder(t.topology);
  const raw = { outputs: [KAFKA_RECORD_STREAM] };
  b.setSpout('blocks-spout', spout('blocks'), raw);
  b.setSpout('transactions-spout', spout('transactions'), { outputs: [KAFKA_RECORD_BATCH_STREAM] });
  b.setSpout('prices-spout', spout('prices'), raw);

  b.setBasicBolt(
    'validate-blocks',
    () =>
      new ValidateBolt({
        schemaName: 'block event',
        schema: BlockEventSchema,
        route: (e, out) => out.emit(BLOCKS, { hash: e.data.hash, block: e.data }),
      }),
    { outputs: [BLOCKS] },
  ).shuffleGrouping('blocks-spout');
  b.setBasicBolt(
    'validate-transactions',
    () =>
      new ValidateBatchBolt({
        schemaName: 'transaction event',
        schema: TransactionEventSchema,
        route: routeTransactions,
      }),
    { parallelism: 2, outputs: [CONFIRMED_TRANSACTIONS, DOCUMENT_BATCHES] },
  ).localOrShuffleGrouping('transactions-spout');
  b.setBasicBolt(
    'validate-prices',
    () =>
      new ValidateBolt({
        schemaName: 'price event',
        schema: PriceEventSchema,
        route: (e, out) => out.emit(PRICE_POINTS, { pair: e.data.pair, point: e.data }),
      }),
    { outputs: [PRICE_POINTS] },
  ).shuffleGrouping('prices-spout');

  b.setBasicBolt('block-state', () => new BlockStateBolt(state, pools), { outputs: [DOCUMENTS, REPRICE] }).fieldsGrouping('validate-blocks', ['hash']);
  b.setBatchBolt('transaction-state', () => new TransactionStateBolt(state), { parallelism: 4, outputs: [DOCUMENT_BATCHES] }).localOrShuffleGrouping(
    'validate-transactions',
    { stream: CONFIRMED_TRANSACTIONS },
  );
  b.setBasicBolt('price-state', () => new PriceStateBolt(state), { outputs: [DOCUMENTS, REPRICE] }).fieldsGrouping('validate-prices', ['pair']);
  b.setBasicBolt('reprice-block', () => new RepriceBlockBolt(state), { outputs: [DOCUMENTS] })
    .fieldsGrouping('price-state', ['hash'], { stream: REPRICE })
    .fieldsGrouping('block-state', ['hash'], { stream: REPRICE });

  b.setBolt('index', () => new BulkIndexBolt({ writer, indices: n.indices, batchSize: a.indexBatchSize, busyLingerMs: a.indexBusyLingerMs }), {
    parallelism: 2,
    tickIntervalMs: a.indexLingerMs,
    maxInFlight: 10 * a.indexBatchSize,
  })
    .shuffleGrouping('block-state', { stream: DOCUMENTS })
    .localOrShuffleGrouping('transaction-state')
    .shuffleGrouping('price-state', { stream: DOCUMENTS })
    .shuffleGrouping('reprice-block')
    .localOrShuffleGrouping('validate-transactions', { stream: DOCUMENT_BATCHES });
  b.setBolt(
    'aggregates',
    () =>
      new AggregateRenderBolt({
        store: state,
        writer,
        indices: n.indices,
        batch: a.renderBatch,
        leaseMs: a.renderLeaseMs,
      }),
    { tickIntervalMs: a.renderIntervalMs },
  );
  return b.build();
}

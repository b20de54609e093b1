import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../pipeline/config/config.js';
import type { BlockData } from '../../../pipeline/contracts/block-event.js';
import { names, RAW_FEEDS, type RawFeed } from '../../../pipeline/contracts/names.js';
import type { PriceData } from '../../../pipeline/contracts/price-event.js';
import type { TxData } from '../../../pipeline/contracts/transaction-event.js';
import {
  createLogger,
  KAFKA_RECORD_BATCH_OUTPUT,
  KAFKA_RECORD_STREAM,
  type KafkaRecordValues,
  SchemaError,
  systemClock,
  TreeAbortedError,
  TupleFailedError,
} from '../../../pipeline/runtime/index.js';
import { FeederSpout, LocalCluster } from '../../../pipeline/runtime/testing/index.js';
import type { BulkItem, BulkOutcome } from '../../../pipeline/topology/es/bulk-writer.js';
import { PoolIdentifier } from '../../../pipeline/topology/domain/pool-identifier.js';
import { AnalyticsState } from '../../../pipeline/topology/state/analytics-state.js';
import { buildAnalyticsTopology } from '../../../pipeline/topology/topology.js';
import { topologyNames } from '../../../pipeline/topology/topology-names.js';
import { EventPublisher, type OutgoingRecord } from '../../../producers/event-publisher.js';
import { ProducerMetrics } from '../../../producers/producer-metrics.js';
import { replay } from '../../../producers/replay.js';
import { type PrivateRedis, startPrivateRedis } from '../../support/private-redis.js';
import { RECOUNT_INDICES, recount, recountMismatches } from '../../support/reorg-recount.js';

/**
 * The real analytics DAG (`buildAnalyticsTopology`: validate, state and index bolts, the
 * aggregates outbox) in `LocalCluster`, with feeder spouts instead of Kafka, virtual time, the
 * state's Lua scripts on a private redis-server of this file (not the stack: a second, in-memory
 * implementation of the scripts would test itself) and Elasticsearch replaced by a writer with its
 * external-version semantics. LocalCluster serialises every transport batch and parses it with
 * its stream's schema, as the task queues do. The recorded sample, published into memory by the producers' own replay code, gives
 * every document a recount from the events gives; the same records again change nothing.
 */

const DATA_DIR = 'data/sample';
const namespace = `itlc${randomBytes(3).toString('hex')}`;
const config = loadConfig({ ...process.env, NAMESPACE: namespace, POOLS_FILE: 'data/sample/pools/pools-v2.json' });
const n = names(namespace);
const log = createLogger({ name: 'local-cluster-test', level: 'silent' });
const GARBAGE: Record<RawFeed, string> = { blocks: 'not json', transactions: '{"kind":"transaction","schema_version":1}', prices: '{}' };

/** A document as the writer stored it. */
interface StoredDoc {
  source: Record<string, unknown>;
  version: number;
}

/** Elasticsearch's external versioning: a version lower than or equal to the stored one is a 409. */
class VersionedIndex {
  readonly docs = new Map<string, Map<string, StoredDoc>>();
  /** `index/id` written twice with one version but two different documents. */
  readonly conflicts: string[] = [];
  writes = 0;

  async write(items: readonly BulkItem[]): Promise<BulkOutcome[]> {
    return items.map((item) => {
      this.writes += 1;
      const index = this.docs.get(item.index) ?? new Map<string, StoredDoc>();
      this.docs.set(item.index, index);
      const cur = index.get(item.id);
      if (cur !== undefined && cur.version === item.version && JSON.stringify(cur.source) !== JSON.stringify(item.doc))
        this.conflicts.push(`${item.index}/${item.id}`);
      if (cur !== undefined && cur.version >= item.version) return { kind: 'superseded' };
      index.set(item.id, { source: item.doc, version: item.version });
      return { kind: 'written' };
    });
  }

  sources(index: string): Map<string, Record<string, unknown>> {
    return new Map([...(this.docs.get(index) ?? [])].map(([id, d]) => [id, d.source]));
  }

  versions(): Map<string, number> {
    return new Map([...this.docs].flatMap(([index, docs]) => [...docs].map(([id, d]): [string, number] => [`${index}/${id}`, d.version])));
  }
}

/** The records the producers' replay publishes on each raw topic, in order. */
async function recordedRecords(): Promise<Record<RawFeed, OutgoingRecord[]>> {
  const out: Record<RawFeed, OutgoingRecord[]> = { blocks: [], transactions: [], prices: [] };
  const feedOf = new Map(RAW_FEEDS.map((feed) => [n.topics[feed], feed]));
  const sink = {
    send: async (topic: string, records: readonly OutgoingRecord[]) => {
      const feed = feedOf.get(topic);
      if (feed === undefined) throw new Error(`record for an unexpected topic ${topic}`);
      out[feed].push(...records);
    },
  };
  const publisher = new EventPublisher({ sink, names: n, component: 'replay', clock: systemClock, log, metrics: new ProducerMetrics() });
  await replay({ dir: DATA_DIR, publisher, clock: systemClock, log, rate: null });
  return out;
}

const es = new VersionedIndex();
// Replaying as the Kafka spouts do: a record that shared a batch tree with the garbage replays alone.
const spoutReplay = { replay: { maxAttempts: null, backoff: { baseMs: config.runtime.backoffBaseMs, maxMs: config.runtime.backoffMaxMs } } };
const feeders = {
  blocks: new FeederSpout(KAFKA_RECORD_STREAM, spoutReplay),
  transactions: new FeederSpout(KAFKA_RECORD_STREAM, { ...spoutReplay, batches: KAFKA_RECORD_BATCH_OUTPUT }),
  prices: new FeederSpout(KAFKA_RECORD_STREAM, spoutReplay),
} satisfies Record<RawFeed, FeederSpout<KafkaRecordValues>>;
const cluster = new LocalCluster({ batchSize: config.runtime.batchSize });
let privateRedis: PrivateRedis;
let state: AnalyticsState;
let records: Record<RawFeed, OutgoingRecord[]>;

/** Feeds every record (message ids `feed/round/offset`) and drives the cluster, ticks included, until every tree is done and the outbox is empty. */
async function feedAll(round: string, extra: Partial<Record<RawFeed, string>> = {}): Promise<void> {
  let fed = 0;
  for (const feed of RAW_FEEDS) {
    const values = [...records[feed].map((r) => ({ key: r.key, value: r.value })), ...(extra[feed] === undefined ? [] : [{ key: null, value: extra[feed] }])];
    for (const [offset, v] of values.entries()) feeders[feed].feed(v, `${feed}/${round}/${offset}`);
    fed += values.length;
  }
  const done = () => RAW_FEEDS.reduce((s, f) => s + feeders[f].tracker.acked.length + feeders[f].tracker.deadLettered.length, 0);
  const before = done();
  await cluster.settle();
  for (let step = 0; step < 10_000 && (done() - before < fed || cluster.pending > 0 || (await state.dirtyCount()) > 0); step += 1) {
    await cluster.advance(config.analytics.indexLingerMs);
  }
  expect(done() - before).toBe(fed);
}

beforeAll(async () => {
  records = await recordedRecords();
  privateRedis = await startPrivateRedis();
  const redis = privateRedis.redis;
  state = new AnalyticsState(redis, topologyNames(n).statePrefix);
  await cluster.submit(buildAnalyticsTopology({ config, redis, log, writer: es, spouts: (feed) => feeders[feed] }));
  await feedAll('first', GARBAGE);
}, 600_000);

afterAll(async () => {
  await cluster.shutdown();
  await privateRedis.stop();
});

/** What the documents must say, recounted from the published events. */
function recountOfRecords() {
  const data = (feed: RawFeed) => records[feed].map((r) => (JSON.parse(r.value) as { data: unknown }).data);
  const pools = PoolIdentifier.fromFile(config.analytics.poolsFile, config.analytics.poolMatchOrder);
  const txs = (data('transactions') as TxData[]).flatMap((t) => (t.status === 'confirmed' ? [t] : []));
  return recount(
    data('blocks') as BlockData[],
    txs,
    data('prices') as PriceData[],
    (b) => pools.identify({ scriptHex: b.coinbase_script_hex, outputAddresses: b.coinbase_outputs.map((o) => o.address) }).pool,
  );
}

describe('the analytics DAG in LocalCluster (state scripts on a private Redis, recorded sample)', () => {
  it('acks every record and fails only the garbage, as bad data', () => {
    for (const feed of RAW_FEEDS) {
      const garbage = `${feed}/first/${records[feed].length}`;
      const { acked, deadLettered, failed } = feeders[feed].tracker;
      expect(new Set(acked).size).toBe(records[feed].length);
      expect(acked).not.toContain(garbage);
      expect(deadLettered.map((d) => d.messageId)).toEqual([garbage]);
      expect(deadLettered[0]).toMatchObject({ attempts: 1, reason: 'non-retriable error' });
      expect(deadLettered[0]?.error).toBeInstanceOf(TupleFailedError);
      expect(deadLettered[0]?.error).toMatchObject({ errorName: SchemaError.name, retriable: false });
      // Records that shared the garbage's batch tree were failed only as its siblings, then replayed and acked.
      const siblings = failed.filter((f) => f.messageId !== garbage);
      expect(siblings.length).toBeGreaterThan(0);
      for (const f of siblings) expect(f.reason).toBeInstanceOf(TreeAbortedError);
    }
    expect(cluster.acker.size).toBe(0);
  });

  it('writes every document of the recount, exactly, and one document per version', () => {
    expect(es.conflicts).toEqual([]);
    expect(recountMismatches((index) => es.sources(n.indices[index]), recountOfRecords())).toEqual([]);
    for (const index of RECOUNT_INDICES) expect(es.sources(n.indices[index]).size, index).toBeGreaterThan(0);
    expect(es.sources(n.indices.prices).size).toBe(records.prices.length);
  });

  it('counts nothing twice when every record comes again: no newer version of any document', async () => {
    const before = es.versions();
    await feedAll('again');
    expect(es.versions()).toEqual(before);
    expect(es.conflicts).toEqual([]);
  }, 600_000);
});

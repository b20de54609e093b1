import { randomBytes } from 'node:crypto';
import type { Client } from '@elastic/elasticsearch';
import type { Admin, Kafka } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElasticsearch } from '../../pipeline/clients/elasticsearch.js';
import { createKafka } from '../../pipeline/clients/kafka.js';
import { type TransactionEvent, TransactionEventSchema } from '../../pipeline/contracts/transaction-event.js';
import type { DeadLetter } from '../../pipeline/runtime/index.js';
import { readTopicsToEnd } from '../../ops/raw-topic-reader.js';
import { runCommand } from '../support/run-command.js';
import { type PipelineRun, runPipelineOnData } from '../support/run-pipeline.js';

/**
 * `npm run dlq` on real dead letters: the pipeline runs on data/sample with bad records published
 * to each raw topic (the topology dead-letters them); two letters of valid transactions are added
 * as the aggregates bolt wrote them during an Elasticsearch outage (one of a transaction never
 * counted, one of a transaction already counted). `list` groups them, `show` decodes the latest,
 * `redrive` republishes only the valid ones and the hour's aggregate then equals a recount of the
 * raw topic: the new transaction counted once, the old one not twice, even after a second redrive.
 */

const DATA_DIR = 'data/sample';
const namespace = `dlq${randomBytes(3).toString('hex')}`;
const BAD = {
  transactions: [
    { key: 'bad-tx-1', value: 'not json at all' },
    { key: 'bad-tx-2', value: '{"kind":"transaction","schema_version":1,"data":{"txid":"<script>alert(1)</script>"}}' },
  ],
  blocks: [{ key: 'bad-block-1', value: '{"kind":"block","schema_version":1,"data":{"height":-1}}' }],
  prices: [{ key: 'bad-price-1', value: '{"kind":"price","schema_version":1,"data":{"pair":"BTC-EUR","price":"1e999"}}' }],
} as const;
const OUTAGE = { name: 'NonRetriableError', message: 'NoLivingConnectionsError: There are no living connections', retriable: false };
let run: PipelineRun;
let kafka: Kafka;
let admin: Admin;
let es: Client;
let env: NodeJS.ProcessEnv;
let fresh: TransactionEvent;
let counted: TransactionEvent;

type Confirmed = Extract<TransactionEvent['data'], { status: 'confirmed' }>;
const hourOf = (tx: Confirmed) => new Date(Math.floor(tx.block_time / 3600) * 3600 * 1000).toISOString().replace('.000Z', 'Z');

/** Every confirmed transaction of the raw topic, by txid (a record published twice counts once). */
async function rawTransactions(): Promise<Map<string, Confirmed>> {
  const out = new Map<string, Confirmed>();
  await readTopicsToEnd(
    kafka,
    [run.names.topics.transactions],
    (records) => {
      for (const r of records) {
        let json: unknown = null;
        try {
          json = JSON.parse(r.value?.toString('utf8') ?? 'null');
        } catch {
          continue; // one of the bad records
        }
        const parsed = TransactionEventSchema.safeParse(json);
        if (parsed.success && parsed.data.data.status === 'confirmed') out.set(parsed.data.data.txid, parsed.data.data);
      }
    },
    { groupPrefix: `${namespace}-test-recount`, log: pino({ level: 'warn' }), deadlineMs: Date.now() + 300_000 },
  );
  return out;
}

/** tx_count and volume_sat of an hour, recounted from the raw topic (coinbases excluded, as in the documents). */
async function recountHour(hour: string): Promise<{ tx_count: number; volume_sat: number }> {
  const txs = [...(await rawTransactions()).values()].filter((tx) => !tx.is_coinbase && hourOf(tx) === hour);
  return { tx_count: txs.length, volume_sat: txs.reduce((s, tx) => s + tx.output_total_sat, 0) };
}

async function hourDoc(hour: string): Promise<{ tx_count: number; volume_sat: number }> {
  const doc = await es.get<{ tx_count: number; volume_sat: number }>({ index: run.names.indices.volumeHourly, id: hour });
  const source = doc._source as { tx_count: number; volume_sat: number };
  return { tx_count: source.tx_count, volume_sat: source.volume_sat };
}

/** A letter written by hand for `event`, as if its record had been at `offset` of partition 0 (each record has its own origin). */
function letterOf(event: TransactionEvent, offset: number): DeadLetter {
  return {
    kind: 'dead-letter',
    schema_version: 1,
    origin: { topic: run.names.topics.transactions, partition: 0, offset: String(offset), key: event.data.txid },
    value: JSON.stringify(event),
    value_encoding: 'utf8',
    reason: 'non-retriable error',
    error: OUTAGE,
    component: 'aggregates',
    attempts: 1,
    time: new Date().toISOString(),
  };
}

beforeAll(async () => {
  run = await runPipelineOnData({
    dataDir: DATA_DIR,
    namespace,
    workers: 2,
    async afterPublish(r) {
      const producer = createKafka(r.config, { clientIdSuffix: 'dlq-test-bad' }).producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      for (const [feed, records] of Object.entries(BAD))
        await producer.send({ topic: r.names.topics[feed as keyof typeof BAD], acks: -1, messages: [...records] });
      await producer.disconnect();
    },
  });
  env = { ...process.env, NAMESPACE: namespace, LOG_LEVEL: 'warn' };
  kafka = createKafka(run.config, { clientIdSuffix: 'dlq-test' });
  admin = kafka.admin();
  await admin.connect();
  es = createElasticsearch(run.config);

  // A counted transaction of the sample, and a new one in the same block (a txid never published).
  const txs = [...(await rawTransactions()).values()].filter((tx) => !tx.is_coinbase);
  const base = txs[0] as Confirmed;
  const template = { kind: 'transaction', schema_version: 1, source: 'dlq-test', producer_id: 'dlq-test', ingest_time: new Date().toISOString() } as const;
  const eventTime = { event_time: new Date(base.block_time * 1000).toISOString(), event_time_ms: base.block_time * 1000 };
  counted = TransactionEventSchema.parse({ ...template, ...eventTime, data: base });
  const used = new Set(txs.filter((tx) => tx.block_hash === base.block_hash).map((tx) => tx.index_in_block));
  fresh = TransactionEventSchema.parse({
    ...template,
    ...eventTime,
    data: {
      ...base,
      txid: randomBytes(32).toString('hex'),
      index_in_block: Math.max(...used) + 1,
      outputs: [{ n: 0, value_sat: 12_345, address: null }],
      output_total_sat: 12_345,
    },
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({
    topic: run.names.deadLetter.transactions,
    acks: -1,
    messages: [fresh, counted].map((e, i) => ({ key: e.data.txid, value: JSON.stringify(letterOf(e, 1_000_000 + i)) })),
  });
  await producer.disconnect();
});

afterAll(async () => {
  await admin?.disconnect();
  await es?.close();
  await run?.stop();
});

interface Group {
  dlqTopic: string;
  reason: string;
  component: string;
  errorName: string;
  count: number;
  example: { letter: DeadLetter };
}

describe('npm run dlq', () => {
  it('list: groups the letters by dead-letter topic, reason, component and error, with an example each', async () => {
    const result = await runCommand('dlq.ts', ['list', '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    const groups = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Group);
    const count = (dlqTopic: string, component: string, errorName: string) =>
      groups.filter((g) => g.dlqTopic === dlqTopic && g.component === component && g.errorName === errorName).reduce((s, g) => s + g.count, 0);
    const d = run.names.deadLetter;
    // Dead letters are written at least once (a rebalance between a letter and its offset commit
    // writes the record's letter again); the command counts each record once.
    expect(count(d.transactions, 'validate-transactions', 'SchemaError')).toBe(BAD.transactions.length);
    expect(count(d.blocks, 'validate-blocks', 'SchemaError')).toBe(BAD.blocks.length);
    expect(count(d.prices, 'validate-prices', 'SchemaError')).toBe(BAD.prices.length);
    expect(count(d.transactions, 'aggregates', 'NonRetriableError')).toBe(2);
    const distinctKeys = new Set(groups.filter((g) => g.component.startsWith('validate-')).map((g) => g.dlqTopic));
    expect(distinctKeys.size).toBe(3);
    for (const g of groups) expect(g.example.letter.reason).toBe(g.reason);

    const text = await runCommand('dlq.ts', ['list', '--topic', 'blocks'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${d.blocks}  1 letter(s)`);
    expect(text.stdout).toContain('bad-block-1');
    expect(text.stdout).not.toContain(d.transactions);
  });

  it('show: the latest letters first, decoded, filtered by topic and reason', async () => {
    const result = await runCommand('dlq.ts', ['show', '--topic', 'transactions', '--reason', 'non-retriable', '--limit', '2', '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    const shown = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { letter: DeadLetter });
    expect(shown).toHaveLength(2);
    expect(new Set(shown.map((s) => s.letter.origin.key))).toEqual(new Set([fresh.data.txid, counted.data.txid]));
    const text = await runCommand('dlq.ts', ['show', '--topic', 'prices'], env);
    expect(text.stdout).toContain(`origin: ${run.names.topics.prices}`);
    expect(text.stdout).toContain('bad-price-1');
    expect(text.stdout).toContain('SchemaError');
  });

  it('redrive: sends only valid letters; the redriven transaction is counted exactly once', async () => {
    const hour = hourOf(fresh.data as Confirmed);
    const before = await hourDoc(hour);
    expect(before).toEqual(await recountHour(hour));

    const invalid = await runCommand('dlq.ts', ['redrive', '--topic', 'blocks'], env);
    expect(invalid.code, invalid.stderr).toBe(0);
    expect(invalid.stdout).toContain('would go straight back to the dead-letter topic): 1 (skipped; --force sends them)');
    expect(invalid.stdout).toContain('republished 0 record(s)');

    const redrive = await runCommand('dlq.ts', ['redrive', '--topic', 'transactions', '--error', 'NoLivingConnections'], env);
    expect(redrive.code, redrive.stderr).toBe(0);
    expect(redrive.stdout).toContain('valid for their raw topic: 2');
    expect(redrive.stdout).toContain(`republished 2 record(s): ${run.names.topics.transactions} 2`);
    expect(redrive.stdout).toContain('downstream is idempotent');
    await run.waitUntilProcessed();
    await es.indices.refresh({ index: [run.names.indices.volumeHourly, run.names.indices.transactions] });
    const after = await hourDoc(hour);
    expect(after).toEqual(await recountHour(hour));
    expect(after).toEqual({ tx_count: before.tx_count + 1, volume_sat: before.volume_sat + 12_345 });
    expect((await es.get({ index: run.names.indices.transactions, id: fresh.data.txid })).found).toBe(true);

    // Again: the same letters, republished a second time, change no count.
    expect((await runCommand('dlq.ts', ['redrive', '--topic', 'transactions', '--error', 'NoLivingConnections'], env)).code).toBe(0);
    await run.waitUntilProcessed();
    await es.indices.refresh({ index: run.names.indices.volumeHourly });
    expect(await hourDoc(hour)).toEqual(after);
    const raw = await rawTransactions();
    const docs = await es.count({ index: run.names.indices.transactions });
    expect(docs.count).toBe(raw.size);
  });
});

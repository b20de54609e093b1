import type { Client } from '@elastic/elasticsearch';
import { Block } from 'bitcoinjs-lib';
import { FEED_SERVER_PATHS } from '../../producers/feed-server/recorded-feed-api.js';
import type { ReorgReply, ReorgRequest } from '../../producers/feed-server/reorg-scenario.js';
import { utcBuckets } from '../../pipeline/topology/domain/utc-buckets.js';
import { type DemoWaitOptions, DemoTimeoutError, waitUntilProcessed } from './demo-waits.js';

/** Options of `runReorgFault`: the waits' clients and deadline, Elasticsearch, the feed server and what the competing block leaves out. */
export interface ReorgFaultOptions extends Omit<DemoWaitOptions, 'polls'> {
  es: Client;
  /** Base URL of the running feed server (e.g. `http://127.0.0.1:8999`). */
  feedUrl: string;
  /** Transactions the competing block leaves out (they must end up not confirmed); default 10. */
  dropTransactions?: number;
}

/** What the reorg fault did and what its checks found. */
export interface ReorgFaultReport {
  reorg: ReorgReply;
  /** From the switch on the feed server until the topology had processed everything. */
  appliedMs: number;
  /** Documents checked and the problems found (empty: the results follow the new chain). */
  checked: number;
  problems: string[];
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The `reorg` fault: while the pipeline runs on the feed server, replaces the served tip with a
 * competing block (same transactions but the last `dropTransactions`, more work), waits until the
 * block producer has republished it and the topology has processed everything, then checks the
 * documents the reorg touches: the old tip is marked orphaned and the new one is not; every
 * transaction of the new block has its document under it; every dropped one is marked orphaned;
 * the hour, day and month documents count exactly the blocks and transactions still confirmed
 * (counted against the block and transaction documents). The full recount from the raw topics is
 * the audit's (`npm run audit`), which should be run after this.
 */
export async function runReorgFault(options: ReorgFaultOptions): Promise<ReorgFaultReport> {
  const { es, feedUrl, log, names } = options;
  const request: ReorgRequest = { dropTransactions: options.dropTransactions ?? 10, variant: 1 };
  const started = Date.now();
  const response = await fetch(`${feedUrl}${FEED_SERVER_PATHS.control}/reorg`, { method: 'POST', body: JSON.stringify(request) });
  if (!response.ok) throw new Error(`feed server refused the reorg: ${response.status} ${await response.text()}`);
  const reorg = (await response.json()) as ReorgReply;
  log.warn({ height: reorg.height, replaced: reorg.replaced, by: reorg.by, dropped: reorg.dropped.length }, 'reorg injected');

  for (;;) {
    const doc = await es.get<{ orphaned: boolean }>({ index: names.indices.blocks, id: reorg.by }, { ignore: [404] }).catch(() => null);
    if (doc?.found === true) break;
    if (Date.now() > options.deadlineMs) throw new DemoTimeoutError('processing', { waitingFor: `block document ${reorg.by}` });
    await pause(options.intervalMs ?? 1_000);
  }
  await waitUntilProcessed(options);
  const appliedMs = Date.now() - started;

  const raw = Buffer.from(await (await fetch(`${feedUrl}${FEED_SERVER_PATHS.esplora}/block/${reorg.by}/raw`)).arrayBuffer());
  const competing = Block.fromBuffer(raw);
  const problems: string[] = [];
  let checked = 0;
  const expectDoc = async (index: string, id: string, want: Record<string, unknown>) => {
    checked += 1;
    const got = await es.get<Record<string, unknown>>({ index, id }, { ignore: [404] });
    if (got.found !== true) return problems.push(`${index}/${id}: missing`);
    for (const [field, value] of Object.entries(want)) {
      if (got._source?.[field] !== value) problems.push(`${index}/${id} ${field}: ${JSON.stringify(got._source?.[field])} != ${JSON.stringify(value)}`);
    }
    return 0;
  };
  await es.indices.refresh({ index: [names.indices.blocks, names.indices.transactions] });
  await expectDoc(names.indices.blocks, reorg.replaced, { orphaned: true });
  await expectDoc(names.indices.blocks, reorg.by, { orphaned: false, tx_count: competing.transactions?.length });
  for (const tx of competing.transactions ?? []) await expectDoc(names.indices.transactions, tx.getId(), { block_hash: reorg.by, orphaned: false });
  for (const txid of reorg.dropped) await expectDoc(names.indices.transactions, txid, { block_hash: reorg.replaced, orphaned: true });

  const b = utcBuckets(competing.timestamp);
  const pool = ((await es.get<{ pool: string }>({ index: names.indices.blocks, id: reorg.by }))._source as { pool: string }).pool;
  const count = async (index: string, filter: object[]) => (await es.count({ index, query: { bool: { filter } } })).count;
  const hourStart = new Date(competing.timestamp * 1000);
  hourStart.setUTCMinutes(0, 0, 0);
  const inHour = { range: { '@timestamp': { gte: hourStart.toISOString(), lt: new Date(hourStart.getTime() + 3_600_000).toISOString() } } };
  const confirmed = { term: { orphaned: false } };
  await expectDoc(names.indices.volumeHourly, b.hour, {
    blocks: await count(names.indices.blocks, [inHour, confirmed]),
    tx_count: await count(names.indices.transactions, [inHour, confirmed, { term: { is_coinbase: false } }]),
  });
  await expectDoc(names.indices.minersDaily, `${b.day}:${pool}`, {
    blocks: await count(names.indices.blocks, [{ term: { day: b.day } }, { term: { pool } }, confirmed]),
  });
  await expectDoc(names.indices.minersMonthly, `${b.month}:${pool}`, {
    blocks: await count(names.indices.blocks, [{ term: { month: b.month } }, { term: { pool } }, confirmed]),
  });
  log.warn({ appliedMs, checked, problems: problems.length }, 'reorg fault checked');
  return { reorg, appliedMs, checked, problems };
}

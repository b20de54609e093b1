import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlockEventSchema } from '../../../pipeline/contracts/block-event.js';
import { decodeJson } from '../../../pipeline/contracts/envelope.js';
import { TransactionEventSchema } from '../../../pipeline/contracts/transaction-event.js';
import { createLogger } from '../../../pipeline/runtime/index.js';
import { FeedServer, feedServerEnv } from '../../../producers/feed-server/feed-server.js';
import { RecordedFeedData } from '../../../producers/feed-server/recorded-feed-data.js';
import { waitFor } from '../../support/wait-for.js';
import { expectedBlocks, expectedTransactions, SHARED_DIR } from '../../unit/producers/recorded-data.js';
import { deleteNamespaceKeys, freshNamespace, TestTopics } from './kafka-helpers.js';
import { ProducerProcess } from './producer-process.js';

const log = createLogger({ name: 'test-kill-restart', level: 'warn' });

/** Groups records by key. */
function byKey(records: readonly { key: string | null; value: string }[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const r of records) groups.set(r.key ?? '', [...(groups.get(r.key ?? '') ?? []), r.value]);
  return groups;
}

/** The payload without `ingest_time`, the one field a republished fact may change. */
const withoutIngestTime = (value: string) => JSON.stringify({ ...(JSON.parse(value) as object), ingest_time: null });

describe('block producer killed with SIGKILL midway and restarted', () => {
  const namespace = freshNamespace('itkill');
  const blocks = expectedBlocks();
  const heights = [...blocks.keys()].sort((a, b) => a - b);
  const expectedHashes = new Set([...blocks.values()].map((b) => b.hash));
  const expectedTxids = new Set(heights.flatMap((h) => expectedTransactions(h).map((t) => t.txid)));
  const largestBlock = Math.max(...[...blocks.values()].map((b) => b.n_tx));
  let server: FeedServer;
  let topics: TestTopics;
  let redis: Redis;
  let env: Record<string, string>;
  const processes: ProducerProcess[] = [];

  beforeAll(async () => {
    server = new FeedServer(await RecordedFeedData.load(SHARED_DIR), log);
    const baseUrl = await server.listen(0);
    env = { ...feedServerEnv(baseUrl), NAMESPACE: namespace, FEED_BLOCKS_START_HEIGHT: '0', POLL_BLOCKS_MS: '500' };
    topics = new TestTopics(namespace, env);
    await topics.create();
    redis = new Redis(topics.config.redis.url);
  });

  afterAll(async () => {
    for (const p of processes) await p.stop();
    await server?.close();
    redis?.disconnect();
    await deleteNamespaceKeys(topics.config, namespace);
    await topics?.destroy();
  });

  it('skips no block, and dedup by record key gives exactly the expected events', async () => {
    expect(expectedHashes.size).toBe(17);
    expect(expectedTxids.size).toBe(15_617);
    const n = topics.names;

    // Kill while the transactions of a block are going out, well before the last block.
    const first = new ProducerProcess('blocks', env);
    processes.push(first);
    await waitFor(async () => (await topics.count(n.topics.transactions)) >= 7_000, { timeoutMs: 120_000, what: '7,000 transactions' });
    await first.kill('SIGKILL');
    expect(first.signalCode).toBe('SIGKILL');
    const cursorAtKill = await redis.hgetall(n.producerKeys.blocksCursor);
    const blocksAtKill = await topics.count(n.topics.blocks);
    expect(blocksAtKill).toBeGreaterThan(0);
    expect(blocksAtKill).toBeLessThan(17);
    expect(Number(cursorAtKill.height)).toBeLessThan(heights.at(-1) as number);

    const second = new ProducerProcess('blocks', env);
    processes.push(second);
    const tip = heights.at(-1) as number;
    await waitFor(async () => (await redis.hget(n.producerKeys.blocksCursor, 'height')) === String(tip), { timeoutMs: 150_000, what: 'cursor at the tip' });
    // Later polls past the tip must add nothing.
    const tipPolls = () => server.stats().requests['/esplora/blocks/tip/height'] ?? 0;
    const polled = tipPolls();
    await waitFor(() => tipPolls() >= polled + 2, { timeoutMs: 30_000, what: 'two more block polls' });
    expect(second.alive()).toBe(true);

    // The restarted producer resumed after the cursor; the two runs together published every height.
    const firstHeights = first.logged('block published').map((l) => l.height as number);
    const secondHeights = second.logged('block published').map((l) => l.height as number);
    expect(Math.min(...secondHeights)).toBeGreaterThan(Number(cursorAtKill.height));
    expect([...new Set([...firstHeights, ...secondHeights])].sort((a, b) => a - b)).toEqual(heights);

    const blockRecords = await topics.readAll(n.topics.blocks);
    const txRecords = await topics.readAll(n.topics.transactions);
    for (const r of blockRecords) expect(decodeJson('block', BlockEventSchema, r.value).data.hash).toBe(r.key);
    for (const r of txRecords) expect((decodeJson('tx', TransactionEventSchema, r.value).data as { txid: string }).txid).toBe(r.key);

    // A consumer that keys on the record key sees exactly the expected set.
    const blockGroups = byKey(blockRecords);
    const txGroups = byKey(txRecords);
    expect(new Set(blockGroups.keys())).toEqual(expectedHashes);
    expect(new Set(txGroups.keys())).toEqual(expectedTxids);

    // At-least-once: only the block in flight at the kill may come twice, as the same fact.
    expect(blockRecords.length - expectedHashes.size).toBeLessThanOrEqual(1);
    expect(txRecords.length - expectedTxids.size).toBeLessThanOrEqual(largestBlock);
    for (const values of [...blockGroups.values(), ...txGroups.values()]) {
      expect(new Set(values.map(withoutIngestTime)).size).toBe(1);
    }
    expect(await topics.count(n.deadLetter.blocks)).toBe(0);
  });
});

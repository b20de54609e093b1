import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfirmedTxData } from '../../../pipeline/contracts/transaction-event.js';
import { LuaScript } from '../../../pipeline/runtime/index.js';
import { APPLY_TRANSACTIONS } from '../../../pipeline/topology/state/analytics-scripts.js';
import { AnalyticsState } from '../../../pipeline/topology/state/analytics-state.js';
import { utcBuckets } from '../../../pipeline/topology/domain/utc-buckets.js';
import { type PrivateRedis, startPrivateRedis } from '../../support/private-redis.js';

/**
 * The transaction script on a batch (per-block hour parts accumulated, written once at the end)
 * against the same transactions applied one script call each: same replies, same state.
 */

let server: PrivateRedis;
beforeAll(async () => {
  server = await startPrivateRedis();
});
afterAll(async () => {
  await server.stop();
});

const hex = (n: number, c: string) => `${c}${n.toString(16)}`.padStart(64, c);
const T0 = Date.UTC(2024, 4, 1, 10, 5) / 1000;
const blockA = { hash: hex(1, 'a'), height: 840_000, time: T0 };
const blockB = { hash: hex(2, 'b'), height: 840_001, time: T0 + 600 };

function tx(block: typeof blockA, index: number, sats: number, txid = hex(index + block.height, 'c')): ConfirmedTxData {
  return {
    status: 'confirmed',
    txid,
    block_height: block.height,
    block_hash: block.hash,
    block_time: block.time,
    index_in_block: index,
    is_coinbase: index === 0,
    outputs: [{ n: 0, value_sat: sats, address: null }],
    output_total_sat: sats,
  };
}

const BIG = Number.MAX_SAFE_INTEGER - 10;
const batch: ConfirmedTxData[] = [
  tx(blockA, 0, 312_500_000),
  tx(blockA, 1, 5_000),
  tx(blockA, 2, 90_000),
  // Same amount as index 2: the earlier index stays the largest.
  tx(blockA, 3, 90_000),
  // A duplicate within the batch: counted once.
  tx(blockA, 1, 5_000),
  tx(blockB, 0, 312_500_000),
  // Two amounts whose sum passes 2^53: still exact.
  tx(blockB, 1, BIG),
  tx(blockB, 2, BIG - 1),
  // The same txid in two blocks: one document, homed in the lower block.
  tx(blockB, 3, 7_000, hex(841, 'd')),
  tx(blockA, 4, 7_000, hex(841, 'd')),
  tx(blockA, 5, 100_000),
];

async function hourState(prefix: string): Promise<Record<string, string>> {
  return server.redis.hgetall(`${prefix}hour:${utcBuckets(T0).hour}`);
}

describe('transaction script, whole batch in one call', () => {
  it('gives the replies and the state of one call per transaction', async () => {
    const whole = new AnalyticsState(server.redis, 'whole:');
    const single = new AnalyticsState(server.redis, 'single:');
    const together = await whole.applyTransactions(batch);
    const oneByOne = [];
    for (const t of batch) oneByOne.push(await single.applyTransaction(t));
    expect(together).toEqual(oneByOne);
    const hour = await hourState('whole:');
    expect(hour).toEqual(await hourState('single:'));
    // The recount, from the transactions themselves (coinbases and the second copy of a txid in a block left out).
    expect(hour[`n:${blockA.hash}`]).toBe('5');
    expect(hour[`sat:${blockA.hash}`]).toBe(String(5_000 + 90_000 + 90_000 + 7_000 + 100_000));
    expect(hour[`max:${blockA.hash}`]).toBe(`100000|5|${batch[10]?.txid}`);
    expect(hour[`sat:${blockB.hash}`]).toBe((BigInt(BIG) + BigInt(BIG - 1) + 7_000n).toString());
    expect(hour[`max:${blockB.hash}`]).toBe(`${BIG}|1|${batch[6]?.txid}`);
    // Applying the batch again changes nothing.
    await whole.applyTransactions(batch);
    expect(await hourState('whole:')).toEqual(hour);
  });

  it('refuses an argument that is not a transaction of 11 fields, naming its position, and changes nothing', async () => {
    const good = `${hex(1, 'c')}|${blockA.hash}|840000|${T0}|h|d|m|1|5000|1|0`;
    const run = new LuaScript(APPLY_TRANSACTIONS).run(server.redis, [], ['bad:', 'BTC-EUR', good, 'not|a|transaction']);
    await expect(run).rejects.toThrow(/malformed transaction argument 2/);
    expect(await server.redis.keys('bad:*')).toEqual([]);
  });
});

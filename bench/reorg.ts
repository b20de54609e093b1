// Cost of a reorg in the analytics state (real Redis, no Kafka or Elasticsearch): time to apply
// the block that triggers it (chain read, best-chain rule, the one Lua script that flips the
// statuses and re-homes the transactions) and to read back the flipped blocks for rendering, and
// the documents to rewrite. Blocks: the recorded 481815, 481824 and 481829 (about 2,000
// transactions each) linked into one branch and re-mined (nonce, more work) as a competing one.
// Usage: npx tsx bench/reorg.ts [--depth 1|2|3]
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { loadConfig } from '../pipeline/config/config.js';
import { AnalyticsState, type NewBlock } from '../pipeline/topology/state/analytics-state.js';
import { blockEarnings } from '../pipeline/topology/domain/subsidy.js';
import { decodeBlock, type DecodedBlock } from '../producers/block-decoder.js';
import { relinkBlock } from '../producers/feed-server/relinked-block.js';
import { moreWorkBits } from '../producers/feed-server/reorg-scenario.js';
import { deleteKeys } from '../pipeline/clients/delete-keys.js';

const HEIGHTS = [481_815, 481_824, 481_829] as const;
const { values } = parseArgs({ options: { depth: { type: 'string', default: '3' }, data: { type: 'string', default: '../shared/data' } } });
const depth = Number(values.depth);
const raw = (h: number) => readFileSync(`${values.data}/blocks/raw/${h}.hex`, 'utf8').trim();

function branch(variant: number, bits: (b: number) => number): DecodedBlock[] {
  const out: DecodedBlock[] = [];
  let parent: string | null = null;
  for (const h of HEIGHTS.slice(0, depth)) {
    const template = decodeBlock(raw(h), { height: h }).block;
    const r = relinkBlock(raw(h), { height: h, parentHash: parent, variant, bits: bits(template.bits ?? 0) });
    out.push(decodeBlock(r.raw, { height: h }));
    parent = r.hash;
  }
  return out;
}

const asNew = (d: DecodedBlock): NewBlock => ({
  hash: d.block.hash,
  previousHash: d.block.previous_hash,
  height: d.block.height,
  time: d.block.time,
  pool: 'bench',
  txCount: d.block.tx_count,
  bits: d.block.bits,
  ...blockEarnings(
    d.block.height,
    d.block.coinbase_outputs.map((o) => o.value_sat),
  ),
});

const config = loadConfig();
const redis = new Redis(config.redis.url);
const prefix = `bench-reorg-${randomBytes(4).toString('hex')}:`;
const state = new AnalyticsState(redis, prefix);
try {
  // The first branch's root keeps its real parent; the competing one hangs off the same parent.
  const first = branch(0, (b) => b);
  const competing = branch(1, moreWorkBits);
  for (const d of [...first, ...competing]) for (const tx of d.transactions) await state.applyTransaction(tx);
  const timings: { step: string; ms: number; flipped: number; transactionDocs: number; aggregates: number }[] = [];
  for (const [name, blocks] of [
    ['first branch', first],
    ['competing branch', competing],
  ] as const) {
    for (const d of blocks) {
      const t0 = performance.now();
      const result = await state.applyBlock(asNew(d));
      const applied = performance.now() - t0;
      let docs = 0;
      for (const hash of result.flipped) docs += (await state.snapshotBlock(hash)).transactions.length;
      timings.push({
        step: `${name} ${d.block.height} (${d.transactions.length} txs): apply`,
        ms: Math.round(applied),
        flipped: result.flipped.length,
        transactionDocs: docs,
        aggregates: result.touched.length,
      });
      if (result.flipped.length > 0)
        timings.push({
          step: '  read back the flipped blocks',
          ms: Math.round(performance.now() - t0 - applied),
          flipped: 0,
          transactionDocs: 0,
          aggregates: 0,
        });
    }
  }
  console.table(timings);
} finally {
  await deleteKeys(redis, [`${prefix}*`]);
  redis.disconnect();
}

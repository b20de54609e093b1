import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BlockData } from '../../pipeline/contracts/block-event.js';
import type { PriceData } from '../../pipeline/contracts/price-event.js';
import type { ConfirmedTxData } from '../../pipeline/contracts/transaction-event.js';
import { blockWork } from '../../pipeline/topology/domain/best-chain.js';
import { decodeBlock } from '../../producers/block-decoder.js';
import { relinkBlock, type RelinkOptions } from '../../producers/feed-server/relinked-block.js';

const DATA_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../shared/data');
/** The pre-BIP34 mainnet blocks of the recorded data (their coinbase does not pin a height). */
const TEMPLATE_HEIGHTS = [169_482, 176_149, 200_000] as const;
const template = (i: 0 | 1 | 2) => readFileSync(join(DATA_DIR, 'blocks/raw', `${TEMPLATE_HEIGHTS[i]}.hex`), 'utf8').trim();

/** The pools list of the recorded data. */
export const POOLS_FILE = join(DATA_DIR, 'pools/pools-v2.json');

/** A block of a scenario with the data of its events. */
export interface ScenarioBlock {
  name: string;
  block: BlockData;
  transactions: ConfirmedTxData[];
}

/** A reorg scenario: the chain as first published, then each later step (a competing branch, a reorg back). */
export interface ReorgScenario {
  name: string;
  steps: ScenarioBlock[][];
  prices: PriceData[];
}

function make(name: string, templateIndex: 0 | 1 | 2, parent: ScenarioBlock | null, options: Omit<RelinkOptions, 'parentHash'>): ScenarioBlock {
  const relinked = relinkBlock(template(templateIndex), { ...options, parentHash: parent?.block.hash ?? null });
  const decoded = decodeBlock(relinked.raw, { height: relinked.height });
  return { name, block: decoded.block, transactions: decoded.transactions };
}

const BASE = 1_000;

/**
 * Real blocks re-linked into competing branches (headers changed, transactions real):
 * - one-block: a0 <- a1, then b1 on a0 with more work (the bits of block 200000) replaces a1; a1's
 *   transactions are not mined again (no longer confirmed);
 * - two-block: a0 <- a1 <- a2, then b1 <- b2 on a0 with more work replaces a1 and a2; both bodies
 *   are mined again (b1 an hour later, b2 one height higher);
 * - reorg-back: the one-block case, then a2 on a1 gives the first branch more work again; a1 is
 *   restored and b1's transactions move to a2.
 */
export function reorgScenarios(): ReorgScenario[] {
  const prices: PriceData[] = [
    { pair: 'BTC-EUR', time: 1_330_000_000, price_eur: 3.81, source: 'test_daily' },
    { pair: 'BTC-EUR', time: 1_340_000_000, price_eur: 4.52, source: 'test_daily' },
  ];
  const a0 = make('a0', 0, null, { height: BASE });
  const a1 = make('a1', 1, a0, { height: BASE + 1 });
  const b1 = make('b1', 2, a0, { height: BASE + 1, variant: 1 });
  if (blockWork(b1.block.bits) <= blockWork(a1.block.bits)) throw new Error('scenario: b1 must carry more work than a1');
  const a2 = make('a2', 2, a1, { height: BASE + 2, variant: 2 });

  const t2 = make('a2', 2, a1, { height: BASE + 2 });
  const c1 = make('b1', 2, a0, { height: BASE + 1, variant: 3, timeShiftSeconds: 3_600 });
  const c2 = make('b2', 1, c1, { height: BASE + 2, variant: 3, bits: t2.block.bits });
  return [
    { name: 'one-block reorg', steps: [[a0, a1], [b1]], prices },
    {
      name: 'two-block reorg',
      steps: [
        [a0, a1, t2],
        [c1, c2],
      ],
      prices,
    },
    { name: 'reorg back', steps: [[a0, a1], [b1], [a2]], prices },
  ];
}

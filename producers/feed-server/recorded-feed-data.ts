import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Block } from 'bitcoinjs-lib';
import { z } from 'zod';

/** One recorded block as the feed server serves it. */
export interface ServedBlock {
  height: number;
  hash: string;
  previousHash: string;
  header: Block;
  raw: Buffer;
  txCount: number;
}

/** One recorded price point. */
export interface ServedPrice {
  t: number;
  priceEur: number;
  source: string;
}

/** An entry of `/mempool/recent`. */
export interface ServedMempoolTx {
  txid: string;
  fee: number;
  vsize: number;
  value: number;
}

const PriceLineSchema = z.looseObject({ t: z.number().int(), price_eur: z.number(), source: z.string() });

/** Fee rates (sat/vB) of real unconfirmed transactions (mempool.space sample in `../shared/data/samples`). */
const SAMPLE_FEE_RATES = [155, 2225, 151, 2134, 151, 156, 264, 1021, 621, 150];

/**
 * A recorded data directory loaded for serving: blocks by height and hash, hourly price points
 * (served as Kraken candles) and the others (served as CoinGecko points), and a rotating list of
 * real transactions presented as unconfirmed ones.
 */
export class RecordedFeedData {
  private constructor(
    readonly blocks: ServedBlock[],
    readonly hourlyPrices: ServedPrice[],
    readonly otherPrices: ServedPrice[],
    readonly mempool: ServedMempoolTx[],
  ) {}

  /** Loads `dir` (layout of `../shared/data`). */
  static async load(dir: string): Promise<RecordedFeedData> {
    const rawDir = join(dir, 'blocks/raw');
    const blocks: ServedBlock[] = [];
    const mempool: ServedMempoolTx[] = [];
    for (const name of (await readdir(rawDir)).filter((f) => /^\d+\.hex$/.test(f))) {
      const raw = Buffer.from((await readFile(join(rawDir, name), 'utf8')).trim(), 'hex');
      const block = Block.fromBuffer(raw);
      const txs = block.transactions ?? [];
      txs.slice(1, 60).forEach((tx, i) => {
        const vsize = tx.virtualSize();
        const rate = SAMPLE_FEE_RATES[i % SAMPLE_FEE_RATES.length] as number;
        mempool.push({ txid: tx.getId(), fee: Math.round((vsize * rate) / 10), vsize, value: Number(tx.outs.reduce((s, o) => s + o.value, 0n)) });
      });
      blocks.push({
        height: Number(name.slice(0, -4)),
        hash: block.getId(),
        previousHash: Buffer.from(block.prevHash ?? new Uint8Array(32))
          .reverse()
          .toString('hex'),
        header: block,
        raw,
        txCount: txs.length,
      });
    }
    blocks.sort((a, b) => a.height - b.height);

    const hourlyPrices: ServedPrice[] = [];
    const otherPrices: ServedPrice[] = [];
    let text = '';
    try {
      text = await readFile(join(dir, 'prices/btc_eur_points.ndjson'), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const p = PriceLineSchema.parse(JSON.parse(line));
      (p.source.includes('_1h_') ? hourlyPrices : otherPrices).push({ t: p.t, priceEur: p.price_eur, source: p.source });
    }
    hourlyPrices.sort((a, b) => a.t - b.t);
    otherPrices.sort((a, b) => a.t - b.t);
    return new RecordedFeedData(blocks, hourlyPrices, otherPrices, mempool);
  }

  /** Blocks no longer served at their height (replaced in a reorg), still fetchable by hash. */
  private readonly retired: ServedBlock[] = [];

  byHash(hash: string): ServedBlock | undefined {
    return this.blocks.find((b) => b.hash === hash) ?? this.retired.find((b) => b.hash === hash);
  }

  /** Serves `block` instead of the tip (a reorg at the tip); the old tip stays fetchable by hash. */
  replaceTip(block: ServedBlock): ServedBlock {
    const tip = this.blocks.at(-1);
    if (tip === undefined || tip.height !== block.height) throw new Error(`no served tip at height ${block.height}`);
    this.retired.push(tip);
    this.blocks[this.blocks.length - 1] = block;
    return tip;
  }

  tip(): ServedBlock | undefined {
    return this.blocks.at(-1);
  }
}

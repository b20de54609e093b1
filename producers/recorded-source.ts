import { open, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { RawFeed } from '../pipeline/contracts/names.js';
import type { PriceData } from '../pipeline/contracts/price-event.js';
import { SchemaError } from '../pipeline/runtime/index.js';
import { decodeBlock, type DecodedBlock } from './block-decoder.js';

/** A price line of `prices/btc_eur_points.ndjson` (other fields are ignored). */
const PricePointSchema = z.looseObject({
  t: z.number().int().nonnegative(),
  price_eur: z.number().positive().finite(),
  source: z.string().min(1),
});

/** One item of recorded data, in event-time order. */
export type RecordedItem =
  | { kind: 'block'; timeMs: number; block: DecodedBlock }
  | { kind: 'price'; timeMs: number; price: PriceData }
  | { kind: 'invalid'; timeMs: number; feed: RawFeed; key: string; value: string; error: SchemaError };

/** A raw block file with its header time, read without decoding the whole block. */
interface BlockFile {
  height: number;
  path: string;
  timeMs: number;
}

/** Header time of a raw block in hex: bytes 68..72 of the header, little-endian. */
function headerTimeMs(hex: string): number {
  const bytes = Buffer.from(hex.slice(0, 160), 'hex');
  if (bytes.length < 80) return Number.NaN;
  return bytes.readUInt32LE(68) * 1000;
}

/**
 * Reads a directory in the layout of `../shared/data` (`blocks/raw/<height>.hex`,
 * `prices/btc_eur_points.ndjson`) and yields its blocks (decoded one at a time) and price points
 * merged in event-time order; at equal times a price comes before a block, so that the price at
 * `t` is there when the block of `t` arrives. Lines or files that do not parse are yielded as
 * `invalid` items (for the dead-letter topic), never thrown.
 */
export async function* readRecorded(dir: string): AsyncGenerator<RecordedItem> {
  const blocks = await listBlocks(dir);
  const prices = await readPrices(dir);
  let p = 0;
  for (const file of blocks) {
    while (p < prices.length && (prices[p] as RecordedItem).timeMs <= file.timeMs) yield prices[p++] as RecordedItem;
    const hex = (await readFile(file.path, 'utf8')).trim();
    try {
      yield { kind: 'block', timeMs: file.timeMs, block: decodeBlock(hex, { height: file.height }) };
    } catch (err) {
      if (!(err instanceof SchemaError)) throw err;
      yield { kind: 'invalid', timeMs: file.timeMs, feed: 'blocks', key: `blocks/raw/${file.height}.hex`, value: hex.slice(0, 65_536), error: err };
    }
  }
  while (p < prices.length) yield prices[p++] as RecordedItem;
}

async function listBlocks(dir: string): Promise<BlockFile[]> {
  const rawDir = join(dir, 'blocks/raw');
  const names = (await readdir(rawDir)).filter((f) => /^\d+\.hex$/.test(f));
  const files: BlockFile[] = [];
  for (const name of names) {
    const path = join(rawDir, name);
    const handle = await open(path, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(160), 0, 160, 0);
      files.push({ height: Number(name.slice(0, -4)), path, timeMs: headerTimeMs(buffer.subarray(0, bytesRead).toString('utf8')) });
    } finally {
      await handle.close();
    }
  }
  return files.sort((a, b) => a.timeMs - b.timeMs || a.height - b.height);
}

async function readPrices(dir: string): Promise<RecordedItem[]> {
  let text: string;
  try {
    text = await readFile(join(dir, 'prices/btc_eur_points.ndjson'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const items: RecordedItem[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const key = `prices/btc_eur_points.ndjson:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (cause) {
      items.push({
        kind: 'invalid',
        timeMs: 0,
        feed: 'prices',
        key,
        value: line,
        error: new SchemaError('price point', [{ path: '', message: 'not valid JSON' }], { cause }),
      });
      return;
    }
    const parsed = PricePointSchema.safeParse(value);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((x) => ({ path: x.path.join('.'), message: x.message }));
      items.push({ kind: 'invalid', timeMs: 0, feed: 'prices', key, value: line, error: new SchemaError('price point', problems) });
      return;
    }
    const { t, price_eur, source } = parsed.data;
    items.push({ kind: 'price', timeMs: t * 1000, price: { pair: 'BTC-EUR', time: t, price_eur, source } });
  });
  // Stable: equal times keep file order.
  return items.sort((a, b) => a.timeMs - b.timeMs);
}

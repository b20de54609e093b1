import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** Root of the repository. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** The sample shipped in the repository (5 blocks). */
export const SAMPLE_DIR = join(REPO_ROOT, 'data/sample');
/** The full recorded data set beside the repository, when present. */
export const SHARED_DIR = resolve(REPO_ROOT, '../shared/data');

/** Heights of the raw blocks in `dir`, ascending. */
export function rawHeights(dir: string): number[] {
  return readdirSync(join(dir, 'blocks/raw'))
    .filter((f) => f.endsWith('.hex'))
    .map((f) => Number(f.slice(0, -4)))
    .sort((a, b) => a - b);
}

/** The raw block hex of `height` in `dir`. */
export function rawBlockHex(dir: string, height: number): string {
  return readFileSync(join(dir, 'blocks/raw', `${height}.hex`), 'utf8').trim();
}

/** Expected transactions of `height` from the normalized files of the shared data. */
export function expectedTransactions(height: number): Array<{
  txid: string;
  block_hash: string;
  block_time: number;
  index_in_block: number;
  is_coinbase: boolean;
  outputs: Array<{ n: number; value_sat: number; address: string | null }>;
  output_total_sat: number;
}> {
  const text = gunzipSync(readFileSync(join(SHARED_DIR, 'normalized/transactions', `${height}.ndjson.gz`))).toString('utf8');
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

/** Expected blocks from the normalized files of the shared data, by height. */
export function expectedBlocks(): Map<
  number,
  {
    hash: string;
    previousblockhash: string;
    time: number;
    n_tx: number;
    coinbase_script_hex: string;
    coinbase_outputs: Array<{ n: number; value_sat: number; address: string | null }>;
  }
> {
  const lines = readFileSync(join(SHARED_DIR, 'normalized/blocks.ndjson'), 'utf8').trim().split('\n');
  return new Map(lines.map((l) => JSON.parse(l)).map((b) => [b.height as number, b]));
}

/** Whether the full recorded data set is present beside the repository. */
export const hasSharedData = existsSync(join(SHARED_DIR, 'blocks/raw'));

import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { ConfirmedTxData, TransactionEvent } from '../pipeline/contracts/transaction-event.js';
import type { Clock } from '../pipeline/runtime/index.js';
import { EventBuilder } from './event-builder.js';
import type { EventPublisher } from './event-publisher.js';
import { RatePacer } from './rate-pacer.js';
import { readRecorded } from './recorded-source.js';

/** Producer id of generated events; their block hashes are synthetic too. */
export const LOADGEN_PRODUCER_ID = 'loadgen';

/** Transactions per synthetic block (about a real block's count). */
const BLOCK_SIZE = 2_500;

/**
 * Most transactions a lane sends at once, and the share of a second of the rate they may span: a
 * block confirms a few thousand at once, so a batch of up to 2,000 (0.4 s at x1000) is the feed's
 * real shape. Each send costs one produce request per partition; at 5,000 tx/s, 500-transaction
 * batches made 90 produce requests a second, 2,000-transaction ones 22 (docs/PRODUCERS.md).
 */
const BATCH_MAX = 2_000;
const BATCH_WINDOW_MS = 400;

/** Recorded confirmed transactions to resample, coinbases and the others apart (`loadTemplates`). */
export interface TransactionTemplates {
  coinbases: ConfirmedTxData[];
  others: ConfirmedTxData[];
}

/** Options of `generateLoad`. */
export interface LoadOptions {
  /** Recorded transactions to resample (`loadTemplates`). */
  templates: TransactionTemplates;
  /**
   * Publishers to send through, one batch in flight on each: more than one keeps the target rate
   * when a send's round trip (acks from every in-sync replica) outlasts a batch's share of a second.
   */
  publishers: readonly EventPublisher[];
  clock: Clock;
  log: Logger;
  /** Target transactions per second. */
  rate: number;
  durationSeconds: number;
  /** Seed of the synthetic txids and of the resampling; default 1. */
  seed?: number;
}

/** What a load run achieved. */
export interface LoadStats {
  published: number;
  elapsedMs: number;
  achievedPerSecond: number;
  targetPerSecond: number;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Reads the confirmed transactions of a recorded directory, to resample. */
export async function loadTemplates(dir: string): Promise<TransactionTemplates> {
  const coinbases: ConfirmedTxData[] = [];
  const others: ConfirmedTxData[] = [];
  for await (const item of readRecorded(dir)) {
    if (item.kind !== 'block') continue;
    for (const tx of item.block.transactions) (tx.is_coinbase ? coinbases : others).push(tx);
  }
  return { coinbases, others };
}

/**
 * Builds synthetic confirmed transactions: real outputs (values, addresses) of a recorded
 * transaction, a fresh txid, a synthetic block (hash derived from the seed and a counter, never a
 * real one) and the current time. Deterministic for a seed, apart from the times.
 */
export class SyntheticTransactions {
  private n = 0;
  private state: number;

  constructor(
    private readonly templates: TransactionTemplates,
    private readonly seed: number,
  ) {
    if (templates.coinbases.length === 0 || templates.others.length === 0) throw new Error('no recorded transactions to resample');
    this.state = seed >>> 0 || 1;
  }

  private random(): number {
    // xorshift32: cheap, seedable; quality is irrelevant here.
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 0x1_0000_0000;
  }

  /** The next transaction, with block time `timeSec`. */
  next(timeSec: number): ConfirmedTxData {
    const index = this.n % BLOCK_SIZE;
    const blockNo = Math.floor(this.n / BLOCK_SIZE);
    const pool = index === 0 ? this.templates.coinbases : this.templates.others;
    const template = pool[Math.floor(this.random() * pool.length)] as ConfirmedTxData;
    this.n++;
    return {
      ...template,
      txid: sha256(`loadgen:${this.seed}:tx:${this.n}`),
      block_hash: sha256(`loadgen:${this.seed}:block:${blockNo}`),
      block_time: timeSec,
      index_in_block: index,
      is_coinbase: index === 0,
      outputs: template.outputs.map((o) => ({ ...o })),
    };
  }
}

/**
 * Publishes resampled transactions at `rate` per second for `durationSeconds`: one loop per
 * publisher, each taking the next batch from the shared pacer when its last one is written. After
 * a failure no lane sends another batch; the failure is thrown once all lanes have stopped.
 */
export async function generateLoad(options: LoadOptions): Promise<LoadStats> {
  const { clock, log, rate, durationSeconds } = options;
  const synthetic = new SyntheticTransactions(options.templates, options.seed ?? 1);
  const builder = new EventBuilder({ producerId: LOADGEN_PRODUCER_ID, source: 'loadgen', clock });
  const pacer = new RatePacer(rate, clock);
  const batch = pacer.batchLimit(BATCH_MAX, BATCH_WINDOW_MS);
  const total = Math.max(1, Math.round(rate * durationSeconds));
  const started = clock.monotonicMs();
  let taken = 0;
  let published = 0;
  let failed = false;
  const lane = async (publisher: EventPublisher) => {
    while (!failed && taken < total) {
      const size = Math.min(batch, total - taken);
      taken += size;
      await pacer.take(size);
      if (failed) return;
      const timeSec = Math.floor(clock.nowMs() / 1000);
      const events: TransactionEvent[] = [];
      for (let i = 0; i < size; i++) events.push(builder.confirmedTransaction(synthetic.next(timeSec)));
      const written = await publisher.publish('transactions', events).catch((error: unknown) => {
        failed = true;
        throw error;
      });
      published += written; // after the await: lanes finish in any order
      if (published % 10_000 < size) log.info({ published, total }, 'load progress');
    }
  };
  const lanes = await Promise.allSettled(options.publishers.map(lane));
  const failure = lanes.find((l) => l.status === 'rejected');
  if (failure) throw failure.reason;
  const elapsedMs = clock.monotonicMs() - started;
  return { published, elapsedMs, achievedPerSecond: (published * 1000) / Math.max(1, elapsedMs), targetPerSecond: rate };
}

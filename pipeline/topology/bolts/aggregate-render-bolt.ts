import type { Names } from '../../contracts/names.js';
import {
  type Bolt,
  InvariantError,
  NonRetriableError,
  type OutputCollector,
  TICK_STREAM,
  type TopologyContext,
  type Tuple,
} from '../../runtime/index.js';
import { renderHourDoc } from '../domain/render-hour-doc.js';
import { renderMinerDoc } from '../domain/render-miner-doc.js';
import type { BulkItem, BulkWriter } from '../es/bulk-writer.js';
import type { AggregateKey, AnalyticsState } from '../state/analytics-state.js';

/** The part of the analytics state this bolt uses. */
export type AggregateStore = Pick<AnalyticsState, 'claimDirty' | 'snapshotAggregate' | 'clearDirty' | 'stillDirty'>;

/** Options of an `AggregateRenderBolt`. */
export interface AggregateRenderBoltOptions {
  store: AggregateStore;
  writer: Pick<BulkWriter, 'write'>;
  indices: Names['indices'];
  /** Dirty aggregates claimed per tick. */
  batch: number;
  /** How long a claim lasts before another task may claim the aggregate again. */
  leaseMs: number;
}

/**
 * Coalesces the writes of the aggregate documents (`btc-volume-hourly`, `btc-miners-daily`,
 * `btc-miners-monthly`). State bolts only mark aggregates dirty in Redis and tell this bolt on
 * the `dirty` stream; on each tick it claims dirty aggregates (from any task, including ones a
 * dead worker had claimed: the claim is a lease), renders each from one atomic snapshot whose
 * revision is the external version, writes them in bulk and clears each one that did not change
 * meanwhile. An input tuple is held and acked once its aggregate is no longer dirty, i.e. once a
 * document at least as new as its change is in Elasticsearch.
 */
export class AggregateRenderBolt implements Bolt {
  private collector: OutputCollector | undefined;
  private context: TopologyContext | undefined;
  private held: Tuple[] = [];

  constructor(private readonly options: AggregateRenderBoltOptions) {}

  prepare(context: TopologyContext, collector: OutputCollector): void {
    this.context = context;
    this.collector = collector;
  }

  async execute(tuple: Tuple): Promise<void> {
    if (tuple.stream !== TICK_STREAM) {
      this.held.push(tuple);
      return;
    }
    const held = this.held;
    this.held = [];
    try {
      await this.settle(held, await this.renderDirty());
    } catch (err) {
      // Keep what is held; the next tick tries again (the claims expire by themselves).
      this.held.push(...held);
      this.requireContext().log.warn({ err, held: held.length }, 'aggregate render failed; retrying on the next tick');
    }
  }

  /** Renders and writes claimed dirty aggregates; returns the ones Elasticsearch rejected, with the reason. */
  private async renderDirty(): Promise<Map<AggregateKey, string>> {
    const { store, writer, indices, batch, leaseMs } = this.options;
    const context = this.requireContext();
    const rejected = new Map<AggregateKey, string>();
    const keys = await store.claimDirty(context.clock.nowMs(), leaseMs, batch);
    if (keys.length === 0) return rejected;
    const rendered: { key: AggregateKey; rev: number; item: BulkItem }[] = [];
    for (const key of keys) {
      const snapshot = await store.snapshotAggregate(key);
      if ('hour' in snapshot) {
        const r = renderHourDoc(snapshot);
        rendered.push({ key, rev: snapshot.rev, item: { index: indices.volumeHourly, id: r.id, version: r.version, doc: r.doc } });
      } else {
        const r = renderMinerDoc(snapshot);
        const index = snapshot.period === 'day' ? indices.minersDaily : indices.minersMonthly;
        rendered.push({ key, rev: snapshot.rev, item: { index, id: r.id, version: r.version, doc: r.doc } });
      }
    }
    const outcomes = await writer.write(rendered.map((r) => r.item));
    for (const [i, r] of rendered.entries()) {
      const outcome = outcomes[i];
      if (outcome?.kind === 'written' || outcome?.kind === 'superseded') await store.clearDirty(r.key, r.rev);
      else if (outcome?.kind === 'rejected') {
        context.log.error({ aggregate: r.key, reason: outcome.reason }, 'aggregate document rejected by elasticsearch');
        rejected.set(r.key, outcome.reason);
      }
      // unavailable: the lease expires and a later tick renders it again
    }
    return rejected;
  }

  /** Acks the held tuples whose aggregate is written; fails those whose document was rejected; keeps the rest. */
  private async settle(held: Tuple[], rejected: Map<AggregateKey, string>): Promise<void> {
    if (held.length === 0) return;
    const collector = this.requireCollector();
    const dirty = await this.options.store.stillDirty([...new Set(held.map((t) => t.get<string>('agg')))]);
    for (const tuple of held) {
      const key = tuple.get<string>('agg');
      const reason = rejected.get(key);
      if (reason !== undefined) collector.fail(tuple, new NonRetriableError(`aggregate ${key} rejected by elasticsearch: ${reason}`));
      else if (dirty.has(key)) this.held.push(tuple);
      else collector.ack(tuple);
    }
  }

  private requireCollector(): OutputCollector {
    if (this.collector === undefined) throw new InvariantError('bolt used before prepare');
    return this.collector;
  }

  private requireContext(): TopologyContext {
    if (this.context === undefined) throw new InvariantError('bolt used before prepare');
    return this.context;
  }
}

import type { Names } from '../../contracts/names.js';
import { type Bolt, InvariantError, type OutputCollector, TICK_STREAM, type TopologyContext, type Tuple } from '../../runtime/index.js';
import { renderHourDoc } from '../domain/render-hour-doc.js';
import { renderMinerDoc } from '../domain/render-miner-doc.js';
import type { BulkItem, BulkWriter } from '../es/bulk-writer.js';
import type { AggregateKey, AnalyticsState } from '../state/analytics-state.js';

/** The part of the analytics state this bolt uses. */
export type AggregateStore = Pick<AnalyticsState, 'claimDirty' | 'snapshotAggregate' | 'clearDirty'>;

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
 * Writes the aggregate documents (`btc-volume-hourly`, `btc-miners-daily`, `btc-miners-monthly`)
 * from a durable outbox: the state scripts mark an aggregate dirty in Redis in the same atomic
 * step that changes it, so a record's offset can commit as soon as its state change is applied,
 * and this tick-driven bolt (it has no input stream) renders the dirty aggregates on its own
 * schedule. Each tick claims dirty aggregates (from any task, including ones a dead worker had
 * claimed: the claim is a lease), renders each from one atomic snapshot whose revision is the
 * external version, writes them in bulk and clears each one that did not change meanwhile. An
 * aggregate Elasticsearch could not take, or rejected, stays dirty and is tried again; the
 * topology is "processed" only when no aggregate is dirty.
 */
export class AggregateRenderBolt implements Bolt {
  private context: TopologyContext | undefined;

  constructor(private readonly options: AggregateRenderBoltOptions) {}

  prepare(context: TopologyContext, _collector: OutputCollector): void {
    this.context = context;
  }

  async execute(tuple: Tuple): Promise<void> {
    if (tuple.stream !== TICK_STREAM) throw new InvariantError('the aggregate render bolt reads ticks only', { stream: tuple.stream });
    try {
      await this.renderDirty();
    } catch (err) {
      // The claims expire by themselves; the next tick tries again.
      this.requireContext().log.warn({ err }, 'aggregate render failed; retrying on the next tick');
    }
  }

  /** Renders and writes claimed dirty aggregates; clears each one Elasticsearch confirmed. */
  private async renderDirty(): Promise<void> {
    const { store, writer, indices, batch, leaseMs } = this.options;
    const context = this.requireContext();
    const keys = await store.claimDirty(context.clock.nowMs(), leaseMs, batch);
    if (keys.length === 0) return;
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
        // Rendered from the state, never from input: a renderer or template bug an operator must fix.
        context.log.error({ aggregate: r.key, reason: outcome.reason }, 'aggregate document rejected by elasticsearch; it stays dirty');
      }
      // unavailable: the lease expires and a later tick renders it again
    }
  }

  private requireContext(): TopologyContext {
    if (this.context === undefined) throw new InvariantError('bolt used before prepare');
    return this.context;
  }
}

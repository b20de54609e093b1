import { ConfigError, type Problem } from './errors.js';
import type { BoltDefinition, BoltKind, Grouping, SpoutDefinition, Subscription, Topology } from './topology-definition.js';
import type { BasicBolt, BatchBolt, Bolt, Spout, Stream } from './types.js';

/** Options of `setSpout`. */
export interface SpoutOptions {
  /** Spout tasks per worker (for a Kafka spout: consumers per worker); default 1. */
  parallelism?: number;
  /** Un-acked tuples per spout task before fetching pauses; default `config.runtime.maxSpoutPending`. */
  maxPending?: number;
  /** Streams the spout emits on (`defineStream`); a spout with none emits nothing. */
  outputs?: readonly Stream[];
}

/** Options of `setBolt`, `setBasicBolt` and `setBatchBolt`. */
export interface BoltOptions {
  /** Tasks of the bolt across the whole fleet; default 1. Fixed per topology, spread over live workers. */
  parallelism?: number;
  /** Period of tick tuples (`TICK_STREAM`) delivered to each task; no ticks when omitted. */
  tickIntervalMs?: number;
  /** Inputs of one task executed but not yet acked before the task stops taking more; default 1000. */
  maxInFlight?: number;
  /** Streams the bolt emits on (`defineStream`); none for a sink. */
  outputs?: readonly Stream[];
}

/** Options of a grouping. */
export interface GroupingOptions {
  /** Stream of the source to read; default: the source's only output stream. */
  stream?: Stream;
}

/** A subscription as declared, before `build()` resolves its stream. */
interface DeclaredSubscription {
  source: string;
  stream: Stream | undefined;
  grouping: Grouping;
}

/** Declares the inputs of a bolt; every method returns the declarer for chaining. */
export class BoltDeclarer {
  /** @internal */
  readonly subscriptions: DeclaredSubscription[] = [];

  /** Each tuple goes to one task, spread evenly. */
  shuffleGrouping(source: string, options: GroupingOptions = {}): this {
    return this.add(source, options, { kind: 'shuffle' });
  }

  /** Tuples with equal values of `fields` always reach the same task. */
  fieldsGrouping(source: string, fields: readonly string[], options: GroupingOptions = {}): this {
    return this.add(source, options, { kind: 'fields', fields: [...fields] });
  }

  /** Each tuple goes to every task. */
  allGrouping(source: string, options: GroupingOptions = {}): this {
    return this.add(source, options, { kind: 'all' });
  }

  /** Every tuple goes to task 0. */
  globalGrouping(source: string, options: GroupingOptions = {}): this {
    return this.add(source, options, { kind: 'global' });
  }

  /** A task hosted by the emitting worker when there is one, else like shuffle. */
  localOrShuffleGrouping(source: string, options: GroupingOptions = {}): this {
    return this.add(source, options, { kind: 'local-or-shuffle' });
  }

  private add(source: string, options: GroupingOptions, grouping: Grouping): this {
    this.subscriptions.push({ source, stream: options.stream, grouping });
    return this;
  }
}

interface PendingBolt {
  id: string;
  impl: BoltKind;
  options: BoltOptions;
  declarer: BoltDeclarer;
}

const ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/;
const TOPOLOGY_NAME_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Wires spouts and bolts into a topology (like Storm's `TopologyBuilder`). `build()` validates the
 * whole graph and throws one `ConfigError` listing every problem.
 */
export class TopologyBuilder {
  private readonly spouts: { id: string; factory: () => Spout; options: SpoutOptions }[] = [];
  private readonly bolts: PendingBolt[] = [];

  /** `name` prefixes every queue and Redis key of the topology (lowercase letters, digits, `-`). */
  constructor(readonly name: string) {}

  /** Adds a spout; `factory` is called once per spout task. */
  setSpout(id: string, factory: () => Spout, options: SpoutOptions = {}): this {
    this.spouts.push({ id, factory, options });
    return this;
  }

  /** Adds a rich bolt (explicit `ack`/`fail`); `factory` is called once per task. */
  setBolt(id: string, factory: () => Bolt, options: BoltOptions = {}): BoltDeclarer {
    return this.addBolt(id, { kind: 'bolt', factory }, options);
  }

  /** Adds a basic bolt (acked when `execute` resolves, failed when it throws); `factory` is called once per task. */
  setBasicBolt(id: string, factory: () => BasicBolt, options: BoltOptions = {}): BoltDeclarer {
    return this.addBolt(id, { kind: 'basic-bolt', factory }, options);
  }

  /**
   * Adds a batch bolt (`executeBatch` per transport batch; each input acked when it resolves,
   * all failed when it throws); `factory` is called once per task.
   */
  setBatchBolt(id: string, factory: () => BatchBolt, options: BoltOptions = {}): BoltDeclarer {
    return this.addBolt(id, { kind: 'batch-bolt', factory }, options);
  }

  /** Validates and freezes the topology; throws a `ConfigError` listing every problem. */
  build(): Topology {
    const problems: Problem[] = [];
    const add = (path: string, message: string) => problems.push({ path, message });

    if (!TOPOLOGY_NAME_PATTERN.test(this.name)) add('name', `topology name "${this.name}" must match ${TOPOLOGY_NAME_PATTERN}`);
    if (this.spouts.length === 0) add('spouts', 'a topology needs at least one spout (setSpout)');

    const outputsOf = new Map<string, readonly Stream[]>();
    const streams = new Map<string, { stream: Stream; by: string }>();
    const all = [...this.spouts.map((s) => ({ id: s.id, options: s.options })), ...this.bolts];
    for (const component of all) {
      const { id } = component;
      if (id.startsWith('__')) add(id, 'ids starting with "__" are reserved for the runtime; rename the component');
      else if (!ID_PATTERN.test(id)) add(id, `component id must match ${ID_PATTERN}`);
      if (outputsOf.has(id)) add(id, 'duplicate component id; give each spout and bolt its own id');
      const outputs = component.options.outputs ?? [];
      outputsOf.set(id, outputs);
      const p = component.options.parallelism ?? 1;
      if (!Number.isInteger(p) || p < 1 || p > 1024) add(`${id}.parallelism`, `must be an integer in 1..1024, got ${p}`);
      for (const stream of outputs) {
        if (stream.id.startsWith('__')) add(`${id}.outputs.${stream.id}`, 'streams starting with "__" are reserved for the runtime');
        const known = streams.get(stream.id);
        if (known === undefined) streams.set(stream.id, { stream, by: id });
        else if (known.stream !== stream)
          add(
            `${id}.outputs.${stream.id}`,
            `stream "${stream.id}" is also defined by "${known.by}" with another schema; define it once (defineStream) and share it`,
          );
      }
      if (new Set(outputs).size !== outputs.length) add(`${id}.outputs`, 'a stream is listed twice');
    }
    for (const spout of this.spouts) {
      const m = spout.options.maxPending;
      if (m !== undefined && (!Number.isInteger(m) || m < 1)) add(`${spout.id}.maxPending`, `must be a positive integer, got ${m}`);
    }

    const subscriptionsOf = new Map<string, Subscription[]>();
    for (const bolt of this.bolts) {
      const { tickIntervalMs, maxInFlight } = bolt.options;
      if (tickIntervalMs !== undefined && (!Number.isFinite(tickIntervalMs) || tickIntervalMs < 1)) {
        add(`${bolt.id}.tickIntervalMs`, `must be a positive number of milliseconds, got ${tickIntervalMs}`);
      }
      if (maxInFlight !== undefined && (!Number.isInteger(maxInFlight) || maxInFlight < 1)) {
        add(`${bolt.id}.maxInFlight`, `must be a positive integer, got ${maxInFlight}`);
      }
      if (bolt.declarer.subscriptions.length === 0 && tickIntervalMs === undefined) {
        add(bolt.id, 'bolt has no input; declare one with shuffleGrouping, fieldsGrouping, ..., or give it a tickIntervalMs (a tick-driven bolt)');
      }
      const resolved: Subscription[] = [];
      const seen = new Set<string>();
      for (const sub of bolt.declarer.subscriptions) {
        const where = `${bolt.id} <- ${sub.source}${sub.stream ? `/${sub.stream.id}` : ''}`;
        if (sub.source === bolt.id) add(where, 'a bolt cannot read its own output (cycle)');
        const outputs = outputsOf.get(sub.source);
        if (outputs === undefined) {
          add(where, `unknown source "${sub.source}"; known components: ${[...outputsOf.keys()].join(', ') || '(none)'}`);
          continue;
        }
        const stream = this.streamOf(sub, outputs, where, add);
        if (stream === undefined) continue;
        if (seen.has(`${sub.source}/${stream.id}`)) add(where, 'the same stream is subscribed twice; keep one grouping');
        seen.add(`${sub.source}/${stream.id}`);
        if (sub.grouping.kind === 'fields') {
          if (sub.grouping.fields.length === 0) add(where, 'fieldsGrouping needs at least one field');
          for (const f of sub.grouping.fields) {
            if (!stream.fields.includes(f)) add(where, `field "${f}" is not a field of stream "${stream.id}" [${stream.fields.join(', ')}]`);
          }
        }
        resolved.push({ source: sub.source, stream: stream.id, grouping: sub.grouping });
      }
      subscriptionsOf.set(bolt.id, resolved);
    }

    const boltOrder = this.sortBolts(add);
    if (problems.length > 0) throw new ConfigError(`invalid topology "${this.name}"`, problems);

    const spouts = new Map<string, SpoutDefinition>();
    for (const s of this.spouts) {
      spouts.set(s.id, {
        kind: 'spout',
        id: s.id,
        parallelism: s.options.parallelism ?? 1,
        factory: s.factory,
        ...(s.options.maxPending !== undefined ? { maxPending: s.options.maxPending } : {}),
        outputs: [...(s.options.outputs ?? [])],
      });
    }
    const bolts = new Map<string, BoltDefinition>();
    for (const b of this.bolts) {
      const common = {
        id: b.id,
        parallelism: b.options.parallelism ?? 1,
        subscriptions: subscriptionsOf.get(b.id) ?? [],
        maxInFlight: b.options.maxInFlight ?? 1000,
        ...(b.options.tickIntervalMs !== undefined ? { tickIntervalMs: b.options.tickIntervalMs } : {}),
        outputs: [...(b.options.outputs ?? [])],
      };
      bolts.set(b.id, { ...common, ...b.impl });
    }
    return Object.freeze({ name: this.name, spouts, bolts, boltOrder, streams: new Map([...streams].map(([id, s]) => [id, s.stream])) });
  }

  /** The stream a subscription reads: the named one if the source emits it, else the source's only stream. */
  private streamOf(sub: DeclaredSubscription, outputs: readonly Stream[], where: string, add: (path: string, message: string) => void): Stream | undefined {
    const ids = outputs.map((s) => s.id).join(', ') || '(none)';
    if (sub.stream !== undefined) {
      if (outputs.includes(sub.stream)) return sub.stream;
      add(where, `"${sub.source}" does not emit stream "${sub.stream.id}" (its outputs: ${ids})`);
      return undefined;
    }
    if (outputs.length === 1) return outputs[0];
    add(where, outputs.length === 0 ? `"${sub.source}" declares no output stream` : `"${sub.source}" emits several streams (${ids}); name one with { stream }`);
    return undefined;
  }

  private addBolt(id: string, impl: BoltKind, options: BoltOptions): BoltDeclarer {
    const declarer = new BoltDeclarer();
    this.bolts.push({ id, impl, options, declarer });
    return declarer;
  }

  /** Topological order of the bolts (Kahn); reports the bolts left on a cycle. */
  private sortBolts(add: (path: string, message: string) => void): string[] {
    const boltIds = new Set(this.bolts.map((b) => b.id));
    const indegree = new Map<string, number>();
    const readers = new Map<string, string[]>();
    for (const b of this.bolts) {
      const sources = new Set(b.declarer.subscriptions.map((s) => s.source).filter((s) => boltIds.has(s) && s !== b.id));
      indegree.set(b.id, sources.size);
      for (const s of sources) readers.set(s, [...(readers.get(s) ?? []), b.id]);
    }
    const ready = [...indegree].filter(([, d]) => d === 0).map(([id]) => id);
    const order: string[] = [];
    while (ready.length > 0) {
      const id = ready.shift() as string;
      order.push(id);
      for (const r of readers.get(id) ?? []) {
        const d = (indegree.get(r) ?? 0) - 1;
        indegree.set(r, d);
        if (d === 0) ready.push(r);
      }
    }
    const stuck = [...indegree].filter(([, d]) => d > 0).map(([id]) => id);
    if (stuck.length > 0) add('bolts', `cycle between bolts ${stuck.join(', ')}; a topology must be a DAG`);
    return order;
  }
}

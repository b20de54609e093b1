import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../pipeline/runtime/errors.js';
import { TopologyBuilder } from '../../../pipeline/runtime/topology-builder.js';
import type { BasicBolt, Spout } from '../../../pipeline/runtime/types.js';

const spout = (): Spout => ({ open: async () => {}, nextTuple: async () => {}, ack: () => {}, fail: () => {}, close: async () => {} });
const bolt = (): BasicBolt => ({ execute: () => {} });

function problemsOf(build: () => unknown): string[] {
  try {
    build();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('build() did not throw');
}

describe('TopologyBuilder.build', () => {
  it('builds a valid topology with bolts in dependency order', () => {
    const b = new TopologyBuilder('t1');
    b.setSpout('src', spout, { parallelism: 2, outputs: { default: ['k', 'v'] } });
    b.setBasicBolt('sum', bolt, { parallelism: 3 }).fieldsGrouping('parse', ['k']);
    b.setBasicBolt('parse', bolt, { outputs: { default: ['k', 'v'] } }).shuffleGrouping('src');
    const t = b.build();
    expect(t.boltOrder).toEqual(['parse', 'sum']);
    expect(t.bolts.get('sum')).toMatchObject({
      kind: 'basic-bolt',
      parallelism: 3,
      subscriptions: [{ source: 'parse', stream: 'default', grouping: { kind: 'fields', fields: ['k'] } }],
    });
    expect(t.spouts.get('src')?.parallelism).toBe(2);
  });

  it.each([
    {
      name: 'unknown source',
      wire: (b: TopologyBuilder) => b.setBasicBolt('x', bolt).shuffleGrouping('nope'),
      expected: 'unknown source "nope"',
    },
    {
      name: 'duplicate id',
      wire: (b: TopologyBuilder) => {
        b.setBasicBolt('x', bolt).shuffleGrouping('src');
        b.setBasicBolt('x', bolt).shuffleGrouping('src');
      },
      expected: 'duplicate component id',
    },
    {
      name: 'cycle',
      wire: (b: TopologyBuilder) => {
        b.setBasicBolt('a', bolt).shuffleGrouping('src').shuffleGrouping('c');
        b.setBasicBolt('b', bolt).shuffleGrouping('a');
        b.setBasicBolt('c', bolt).shuffleGrouping('b');
      },
      expected: 'cycle between bolts a, b, c',
    },
    { name: 'self loop', wire: (b: TopologyBuilder) => b.setBasicBolt('a', bolt).shuffleGrouping('a'), expected: 'cannot read its own output' },
    { name: 'reserved id', wire: (b: TopologyBuilder) => b.setBasicBolt('__acker', bolt).shuffleGrouping('src'), expected: 'reserved for the runtime' },
    {
      name: 'bad parallelism',
      wire: (b: TopologyBuilder) => b.setBasicBolt('a', bolt, { parallelism: 0 }).shuffleGrouping('src'),
      expected: 'a.parallelism: must be an integer',
    },
    { name: 'no input', wire: (b: TopologyBuilder) => b.setBasicBolt('a', bolt), expected: 'bolt has no input' },
    {
      name: 'undeclared grouping field',
      wire: (b: TopologyBuilder) => b.setBasicBolt('a', bolt).fieldsGrouping('src', ['missing']),
      expected: 'field "missing" is not among the declared output fields [k, v]',
    },
    {
      name: 'undeclared stream',
      wire: (b: TopologyBuilder) => b.setBasicBolt('a', bolt).shuffleGrouping('src', { stream: 'other' }),
      expected: 'declares no stream "other"',
    },
  ])('rejects $name with a message that says what to fix', ({ wire, expected }) => {
    const b = new TopologyBuilder('t2');
    b.setSpout('src', spout, { outputs: { default: ['k', 'v'] } });
    wire(b);
    expect(problemsOf(() => b.build()).join('\n')).toContain(expected);
  });

  it('accepts a tick-driven bolt with no input stream', () => {
    const b = new TopologyBuilder('t3');
    b.setSpout('src', spout, { outputs: { default: ['k', 'v'] } });
    b.setBasicBolt('sink', bolt).shuffleGrouping('src');
    b.setBolt('render', () => ({ prepare: () => undefined, execute: async () => undefined }), { tickIntervalMs: 100 });
    const topology = b.build();
    expect(topology.bolts.get('render')?.tickIntervalMs).toBe(100);
    expect(topology.bolts.get('render')?.subscriptions).toEqual([]);
  });

  it('lists every problem at once', () => {
    const b = new TopologyBuilder('Bad Name');
    b.setBasicBolt('a', bolt, { parallelism: -1 }).shuffleGrouping('ghost');
    const problems = problemsOf(() => b.build());
    expect(problems.length).toBeGreaterThanOrEqual(4);
  });
});

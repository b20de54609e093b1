import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../../../pipeline/runtime/errors.js';
import { defineStream } from '../../../pipeline/runtime/stream.js';
import { TopologyBuilder } from '../../../pipeline/runtime/topology-builder.js';
import type { BasicBolt, Spout } from '../../../pipeline/runtime/types.js';

const KV = defineStream('kv', z.object({ k: z.string(), v: z.number() }));
const SUMS = defineStream('sums', z.object({ k: z.string(), total: z.number() }));
const out = { outputs: [KV] };

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
    b.setSpout('src', spout, { parallelism: 2, outputs: [KV] });
    b.setBasicBolt('sum', bolt, { parallelism: 3 }).fieldsGrouping('parse', ['k']);
    b.setBasicBolt('parse', bolt, { outputs: [KV] }).shuffleGrouping('src');
    const t = b.build();
    expect(t.boltOrder).toEqual(['parse', 'sum']);
    expect(t.bolts.get('sum')).toMatchObject({
      kind: 'basic-bolt',
      parallelism: 3,
      subscriptions: [{ source: 'parse', stream: 'kv', grouping: { kind: 'fields', fields: ['k'] } }],
    });
    expect(t.spouts.get('src')?.parallelism).toBe(2);
    expect([...t.streams]).toEqual([['kv', KV]]);
  });

  it('reads the named stream of a source that emits several, and one stream from several sources', () => {
    const b = new TopologyBuilder('t4');
    b.setSpout('src', spout, out);
    b.setBasicBolt('split', bolt, { outputs: [KV, SUMS] }).shuffleGrouping('src');
    b.setBasicBolt('totals', bolt).fieldsGrouping('split', ['total'], { stream: SUMS }).shuffleGrouping('src').shuffleGrouping('split', { stream: KV });
    const t = b.build();
    expect(t.bolts.get('totals')?.subscriptions.map((s) => `${s.source}/${s.stream}`)).toEqual(['split/sums', 'src/kv', 'split/kv']);
    expect([...t.streams.keys()].sort()).toEqual(['kv', 'sums']);
  });

  it('refuses a stream id that is not a plain name', () => {
    expect(() => defineStream('__tick', z.object({}))).toThrow(ConfigError);
    expect(() => defineStream('a b', z.object({}))).toThrow(ConfigError);
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
        b.setBasicBolt('a', bolt, out).shuffleGrouping('src').shuffleGrouping('c');
        b.setBasicBolt('b', bolt, out).shuffleGrouping('a');
        b.setBasicBolt('c', bolt, out).shuffleGrouping('b');
      },
      expected: 'cycle between bolts a, b, c',
    },
    { name: 'self loop', wire: (b: TopologyBuilder) => b.setBasicBolt('a', bolt, out).shuffleGrouping('a'), expected: 'cannot read its own output' },
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
      expected: 'field "missing" is not a field of stream "kv" [k, v]',
    },
    {
      name: 'a stream the source does not emit',
      wire: (b: TopologyBuilder) => b.setBasicBolt('a', bolt).shuffleGrouping('src', { stream: SUMS }),
      expected: '"src" does not emit stream "sums" (its outputs: kv)',
    },
    {
      name: 'a source with no output stream',
      wire: (b: TopologyBuilder) => {
        b.setBasicBolt('sink', bolt).shuffleGrouping('src');
        b.setBasicBolt('a', bolt).shuffleGrouping('sink');
      },
      expected: '"sink" declares no output stream',
    },
    {
      name: 'an unnamed stream of a source that emits several',
      wire: (b: TopologyBuilder) => {
        b.setBasicBolt('split', bolt, { outputs: [KV, SUMS] }).shuffleGrouping('src');
        b.setBasicBolt('a', bolt).shuffleGrouping('split');
      },
      expected: '"split" emits several streams (kv, sums); name one with { stream }',
    },
    {
      name: 'one stream id with two schemas',
      wire: (b: TopologyBuilder) => b.setBasicBolt('a', bolt, { outputs: [defineStream('kv', z.object({ k: z.number() }))] }).shuffleGrouping('src'),
      expected: 'stream "kv" is also defined by "src" with another schema',
    },
  ])('rejects $name with a message that says what to fix', ({ wire, expected }) => {
    const b = new TopologyBuilder('t2');
    b.setSpout('src', spout, out);
    wire(b);
    expect(problemsOf(() => b.build()).join('\n')).toContain(expected);
  });

  it('accepts a tick-driven bolt with no input stream', () => {
    const b = new TopologyBuilder('t3');
    b.setSpout('src', spout, out);
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

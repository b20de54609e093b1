import { describe, expect, it } from 'vitest';
import { bundleModules, summarizeCpuProfiles } from '../../../bench/worker-profile.js';
import type { CpuProfile, CpuProfileNode } from '../../../pipeline/runtime/index.js';

const BUNDLE = '/srv/app/.cache/worker/worker.mjs';

const node = (id: number, functionName: string, url: string, lineNumber = 0): CpuProfileNode => ({
  id,
  callFrame: { functionName, url, lineNumber, columnNumber: 0, scriptId: String(id) },
});

/** A profile whose samples are `[node id, microseconds]` pairs. */
const profile = (nodes: CpuProfileNode[], samples: [number, number][]): CpuProfile => ({
  nodes,
  startTime: 0,
  endTime: samples.reduce((s, [, us]) => s + us, 0),
  samples: samples.map(([id]) => id),
  timeDeltas: samples.map(([, us]) => us),
});

describe('bundleModules', () => {
  it("finds the line where each of esbuild's modules starts, and nothing else", () => {
    const text = [
      'var __defProp = Object.defineProperty;',
      '',
      '// pipeline/runtime/errors.ts',
      'var PipelineError = class extends Error {};',
      '// a comment that is not a path',
      '// pipeline/topology/bolts/validate-bolt.ts',
      'var ValidateBolt = class {};',
    ].join('\n');
    expect(bundleModules(text)).toEqual([
      { line: 2, path: 'pipeline/runtime/errors.ts' },
      { line: 5, path: 'pipeline/topology/bolts/validate-bolt.ts' },
    ]);
  });
});

describe('summarizeCpuProfiles', () => {
  const modules = [
    { line: 10, path: 'pipeline/runtime/kafka-spout.ts' },
    { line: 200, path: 'pipeline/topology/bolts/validate-bolt.ts' },
  ];
  const nodes = [
    node(1, '(root)', ''),
    node(2, '(idle)', ''),
    node(3, '(garbage collector)', ''),
    node(4, 'nextTuple', `file://${BUNDLE}`, 50),
    node(5, 'execute', `file://${BUNDLE}`, 210),
    node(6, 'decodeRecord', '/srv/app/node_modules/kafkajs/src/protocol/recordBatch/record/v0/decoder.js'),
    node(7, 'parse', ''),
    node(8, 'writeGeneric', 'node:internal/stream_base_commons'),
    node(9, 'run', '/srv/app/node_modules/@elastic/transport/lib/Transport.js'),
  ];

  it('sums self time by package, project directory or kind of native work, as shares of the busy time of every worker', () => {
    const a = profile(nodes, [
      [2, 4_000],
      [3, 1_500],
      [4, 1_000],
      [6, 500],
    ]);
    const b = profile(nodes, [
      [2, 2_000],
      [5, 1_000],
      [7, 500],
      [8, 250],
      [9, 250],
    ]);
    const summary = summarizeCpuProfiles([a, b], 20, BUNDLE, modules);
    expect(summary.workers).toBe(2);
    expect(summary.seconds).toBe(20);
    expect(summary.busyShare).toBeCloseTo(5_000 / 11_000, 10);
    expect(summary.groups).toEqual([
      { name: 'garbage collection', share: 0.3 },
      { name: 'pipeline/runtime', share: 0.2 },
      { name: 'pipeline/topology/bolts', share: 0.2 },
      { name: 'kafkajs', share: 0.1 },
      { name: 'built-ins, native and generated code', share: 0.1 },
      { name: "Node's JavaScript", share: 0.05 },
      { name: '@elastic/transport', share: 0.05 },
    ]);
    expect(summary.functions.slice(0, 3)).toEqual([
      { name: '(garbage collector) (V8)', share: 0.3 },
      { name: 'nextTuple (pipeline/runtime/kafka-spout.ts)', share: 0.2 },
      { name: 'execute (pipeline/topology/bolts/validate-bolt.ts)', share: 0.2 },
    ]);
    expect(summary.functions).toContainEqual({ name: 'decodeRecord (kafkajs/src/protocol/recordBatch/record/v0/decoder.js)', share: 0.1 });
  });

  it('keeps the largest rows and sums the rest into other', () => {
    const many = Array.from({ length: 20 }, (_, i) => node(100 + i, `f${i}`, `/srv/app/node_modules/pkg${i}/index.js`));
    const summary = summarizeCpuProfiles(
      [
        profile(
          many,
          many.map((n, i) => [n.id, 100 + i]),
        ),
      ],
      5,
      BUNDLE,
      [],
    );
    expect(summary.groups).toHaveLength(13);
    expect(summary.groups[0]?.name).toBe('pkg19');
    expect(summary.groups.at(-1)?.name).toBe('other');
    expect(summary.groups.reduce((s, g) => s + g.share, 0)).toBeCloseTo(1, 10);
    expect(summary.functions).toHaveLength(16);
  });

  it('gives zero shares, not NaN, for profiles that were idle throughout', () => {
    const summary = summarizeCpuProfiles([profile(nodes, [[2, 1_000]])], 1, BUNDLE, modules);
    expect(summary.busyShare).toBe(0);
    expect(summary.groups).toEqual([]);
  });
});

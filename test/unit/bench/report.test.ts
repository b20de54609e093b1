import { describe, expect, it } from 'vitest';
import type { BenchResults } from '../../../bench/bench-results.js';
import { componentCosts } from '../../../bench/component-costs.js';
import { formatFigure, renderBenchmarks } from '../../../bench/report.js';
import { aggregateMetrics } from '../../../pipeline/runtime/index.js';
import { taskSnapshot } from '../../support/task-snapshot.js';

const fig = (...runs: number[]) => {
  const sorted = [...runs].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)] as number, min: sorted[0] as number, max: sorted.at(-1) as number, runs };
};

const results = (): BenchResults => ({
  machine: {
    date: '2026-12-01T02:00:00.000Z',
    commit: 'abc123',
    cores: 2,
    cpuModel: 'Test CPU',
    memoryGb: 23.5,
    loadAverageAtStart: [3.1, 2.5, 2],
    loadAverageAtEnd: [4, 3, 2.2],
    node: 'v20.0.0',
    quick: false,
    runsPerFigure: 3,
    wallSeconds: 5_400,
  },
  warmUp: {
    seconds: 300,
    targetRate: 5_000,
    achievedRate: 4_870,
    sustained: false,
    cpuByProcess: [
      { process: 'elasticsearch', cpuSeconds: fig(300), microsPerRecord: fig(205), cores: fig(1) },
      { process: 'kafka', cpuSeconds: fig(130), microsPerRecord: fig(89), cores: fig(0.4) },
      { process: 'topology-worker', cpuSeconds: fig(130), microsPerRecord: fig(88.4), cores: fig(0.4) },
      { process: 'all', cpuSeconds: fig(600), microsPerRecord: fig(410), cores: fig(2) },
    ],
    compilerShare: { elasticsearch: 0.253, kafka: 0.2 },
  },
  compilerShareMeasured: { elasticsearch: 0.081, kafka: null },
  parts: [
    { part: 'Kafka produce', unit: 'records/s', how: 'acks=-1', rate: fig(9_000, 10_000, 11_000) },
    { part: 'Elasticsearch bulk', unit: 'documents/s', how: 'best bulk size 2000', rate: fig(3_000, 3_100, 2_900) },
  ],
  esBulkSizes: [
    { bulkSize: 500, rate: fig(2_000, 2_100, 2_200) },
    { bulkSize: 2_000, rate: fig(3_000, 3_100, 2_900) },
  ],
  maxRate: { records: 500_000, workers: 2, partitions: 9, rate: fig(600, 620, 580), startupSeconds: fig(8, 9, 10), publishRate: fig(4_500, 4_400, 4_600) },
  slowestPart: { part: 'Elasticsearch bulk', rate: 3_000, pipelineShare: 0.2 },
  reference: {
    records: 500_000,
    rate: fig(1_500, 1_400, 1_600),
    cpuByProcess: [
      { process: 'elasticsearch', cpuSeconds: fig(200, 190, 210), microsPerRecord: fig(400, 380, 420), cores: fig(0.6, 0.58, 0.62) },
      { process: 'reference-consumer', cpuSeconds: fig(50, 45, 55), microsPerRecord: fig(100, 90, 110), cores: fig(0.15, 0.14, 0.16) },
    ],
  },
  fixedRates: [
    {
      multiplier: 100,
      targetRate: 500,
      seconds: 60,
      achievedRate: fig(499, 500, 500),
      completeP50Ms: fig(120, 130, 110),
      completeP99Ms: fig(900, 950, 1_000),
      worstMinuteP99Ms: fig(2_500, 1_000, 8_000),
      maxLag: fig(400, 500, 450),
      endLag: fig(10, 20, 15),
      loadSeconds: fig(60, 61, 62),
      lagOverTime: [
        { share: 1 / 3, lag: null },
        { share: 2 / 3, lag: fig(300, 350, 320) },
        { share: 1, lag: fig(10, 20, 15) },
      ],
      mergingShare: fig(0.1, 0.25, 0.2),
      segmentsAtEnd: fig(14, 25, 19),
      lagSamples: [[{ atSeconds: 1, lag: 300 }], [{ atSeconds: 1, lag: 350 }], [{ atSeconds: 1, lag: 320 }]],
      sustainedRuns: 3,
      runs: 3,
      cpuByProcess: [
        { process: 'elasticsearch', cpuSeconds: fig(30, 33, 36), microsPerRecord: fig(1_000, 1_100, 1_200), cores: fig(0.5, 0.55, 0.6) },
        { process: 'loadgen', cpuSeconds: fig(6, 6, 6), microsPerRecord: fig(200, 200, 200), cores: fig(0.1, 0.1, 0.1) },
        { process: 'all', cpuSeconds: fig(36, 39, 42), microsPerRecord: fig(1_200, 1_300, 1_400), cores: fig(0.6, 0.65, 0.7) },
      ],
      workerProfile: null,
    },
  ],
  scaling: [],
  rebuild: { records: 500_000, workers: 2, rate: fig(700, 710, 690) },
  memory: [{ section: 'max-rate', process: 'topology-worker', peakRssMb: fig(180, 190, 200) }],
  whereTimeGoes: [{ component: 'transaction-state', capacity: 0.93, executeP50Ms: 12.25, executeP99Ms: 80, executed: 500_000 }],
  cpuByProcess: [{ process: 'elasticsearch', cpuSeconds: fig(60, 62, 70), microsPerRecord: fig(120, 124, 140), cores: fig(0.8, 0.85, 0.9) }],
  workerProfile: {
    workers: 2,
    seconds: 20,
    busyShare: 0.615,
    groups: [
      { name: 'garbage collection', share: 0.2 },
      { name: 'pipeline/runtime', share: 0.125 },
    ],
    functions: [{ name: 'parse (zod/v4/core/schemas.js)', share: 0.05 }],
  },
  notes: ['scaling: not run'],
});

describe('formatFigure', () => {
  it.each([
    [fig(1_000, 1_500, 1_250), 0, '1,250 (1,000–1,500)'],
    [fig(42.26), 1, '42.3'],
    [null, 0, 'n/a'],
  ])('%j -> %s', (figure, digits, text) => {
    expect(formatFigure(figure, digits)).toBe(text);
  });
});

describe('renderBenchmarks', () => {
  const md = renderBenchmarks(results());

  it('opens with where, when and under what load it was measured', () => {
    expect(md).toContain('on 2026-12-01');
    expect(md).toContain('commit `abc123`');
    expect(md).toContain('2 cores (Test CPU), 23.5 GB memory');
    expect(md).toContain('at the start: 3.1, 2.5, 2; at the end: 4, 3, 2.2');
    expect(md).toContain('median of 3 runs');
  });

  it('has a table a section, with the figures as median (min–max)', () => {
    expect(md).toContain('| Kafka produce | 10,000 (9,000–11,000) | records/s | acks=-1 |');
    expect(md).toContain('| 500,000 | 2 | 9 | 600 (580–620) | 9.0 (8.0–10.0) | 4,500 (4,400–4,600) |');
    expect(md).toContain('**20.0%** of it');
    expect(md).toContain(
      '| x100 | 500 | 60 | 500 (499–500) | 120 (110–130) | 950 (900–1,000) | 2,500 (1,000–8,000) | 450 (400–500) | 15 (10–20) | yes (3/3) |',
    );
    expect(md).toContain('| transaction-state | 0.93 | 12.3 | 80.0 | 500,000 |');
    expect(md).toContain('| elasticsearch | 62.0 (60.0–70.0) | 124 (120–140) | 0.85 (0.80–0.90) |');
    expect(md).toContain('| max-rate | topology-worker | 190 (180–200) |');
    expect(md).toMatch(/## 4\. Scaling\n\nNot measured in this run\./);
    expect(md).toContain('- scaling: not run');
  });

  it('shows the lag over time of each fixed rate, over the shares of its load, how much of it Elasticsearch spent merging and the segments it left', () => {
    expect(md).toContain('Kafka lag over time');
    expect(md).toContain('| rate | load s | 33% | 67% | end | ES merging % | ES segments at end |');
    expect(md).toContain('| x100 | 61 (60–62) | n/a | 320 (300–350) | 15 (10–20) | 20 (10–25) | 19 (14–25) |');
  });

  it('shows the CPU of each kind of process at each fixed rate, busiest first, per transaction and in cores', () => {
    expect(md).toContain('| rate | elasticsearch | loadgen | all |');
    expect(md).toContain('| x100 | 1,100 (1,000–1,200); 0.55 cores | 200 (200–200); 0.10 cores | 1,300 (1,200–1,400); 0.65 cores |');
  });

  it("compares the pipeline with the transaction job alone: its rate, its share of the slowest part, the pipeline's share of it and its CPU", () => {
    expect(md).toContain("| records | tx/s | of the slowest part | the pipeline's max rate, as a share of it |");
    expect(md).toContain('| 500,000 | 1,500 (1,400–1,600) | 50.0% | 40.0% |');
    expect(md).toContain('| reference-consumer | 50.0 (45.0–55.0) | 100 (90–110) | 0.15 (0.14–0.16) |');
  });

  it("shows where the workers' CPU went, by package or directory and by function, as shares of their busy time", () => {
    expect(md).toContain('each of the 2 workers over the first 20 s');
    expect(md).toContain('busy 61.5% of that time');
    expect(md).toContain('| garbage collection | 20.0% |');
    expect(md).toContain('| pipeline/runtime | 12.5% |');
    expect(md).toContain('| parse (zod/v4/core/schemas.js) | 5.0% |');
    const without = results();
    without.workerProfile = null;
    expect(renderBenchmarks(without)).not.toContain("Where the workers' CPU went");
  });

  it("shows where the workers' CPU went at a fixed rate when its first run was profiled, and nothing when it was not", () => {
    expect(md).not.toContain('the load of the first x100 run');
    const profiled = results();
    const [rate] = profiled.fixedRates;
    if (rate === undefined) throw new Error('the fixture has a fixed rate');
    rate.workerProfile = {
      workers: 2,
      seconds: 30,
      busyShare: 0.42,
      groups: [{ name: 'bullmq', share: 0.3 }],
      functions: [{ name: 'execute (pipeline/runtime/executor.ts)', share: 0.07 }],
    };
    const text = renderBenchmarks(profiled);
    expect(text).toContain('each of the 2 workers over the first 30 s of the load of the first x100 run');
    expect(text).toContain('busy 42.0% of that time');
    expect(text).toContain('| bullmq | 30.0% |');
    expect(text).toContain('| execute (pipeline/runtime/executor.ts) | 7.0% |');
    expect(text).toContain("the first 20 s of the first max-rate run's drain");
  });

  it("says how the stack was warmed up and how much of its JVMs' CPU went to their JIT compilers, during the warm-up and after", () => {
    expect(md).toContain('Warm-up: before the first section, x1,000 (5,000 tx/s) ran for 300 s on a namespace of its own; it counts in no figure.');
    expect(md).toContain('It reached 4,870 tx/s (not sustained) at 410 µs of CPU a transaction over all processes (Elasticsearch 205, Kafka 89, workers 88).');
    expect(md).toContain(
      "The share of the JVMs' CPU that went to their JIT compilers: during the warm-up, Elasticsearch 25.3% and Kafka 20.0%; during the measured sections, Elasticsearch 8.1% and Kafka not measured.",
    );
    const cold = results();
    cold.warmUp = null;
    const text = renderBenchmarks(cold);
    expect(text).not.toContain('Warm-up:');
    expect(text).toContain('No warm-up (`--warmup 0`, the default with `--quick` and `--only`)');
    expect(text).toContain(
      "The share of the JVMs' CPU that went to their JIT compilers during the measured sections: Elasticsearch 8.1% and Kafka not measured.",
    );
  });

  it('leaves the comparison out when the reference was not run', () => {
    const without = results();
    without.reference = null;
    expect(renderBenchmarks(without)).not.toContain('The transaction job alone');
  });

  it('labels a quick run as such', () => {
    const quick = results();
    quick.machine.quick = true;
    quick.machine.runsPerFigure = 1;
    const text = renderBenchmarks(quick);
    expect(text).toContain('a **quick** run');
    expect(text).toContain('Each figure is a single run.');
  });
});

describe('componentCosts', () => {
  const task = (capacity: number, executed: number, p50: number | null, p99: number | null) =>
    taskSnapshot({ capacity, executed, executeLatency: { count: executed, p50, p99 } });

  it('lists the components busiest first, with their tasks’ latencies', () => {
    const metrics = aggregateMetrics([
      {
        topology: 't',
        workerId: 'w1',
        queuedTuples: 0,
        backpressure: false,
        components: { index: { '0': task(0.2, 100, 4, 9) }, state: { '0': task(0.9, 300, 2, 20), '1': task(0.5, 200, 6, 30) } },
      },
      {
        topology: 't',
        workerId: 'w2',
        queuedTuples: 0,
        backpressure: false,
        components: { state: { '2': task(0.4, 100, 3, null) }, idle: { '0': task(0, 0, null, null) } },
      },
    ]);
    expect(componentCosts(metrics)).toEqual([
      { component: 'state', capacity: 0.9, executeP50Ms: 3, executeP99Ms: 30, executed: 600 },
      { component: 'index', capacity: 0.2, executeP50Ms: 4, executeP99Ms: 9, executed: 100 },
    ]);
  });
});

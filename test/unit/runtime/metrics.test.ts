import { describe, expect, it } from 'vitest';
import { LatencyWindow } from '../../../pipeline/runtime/latency-window.js';
import { RuntimeMetrics } from '../../../pipeline/runtime/metrics.js';

/** A clock the test moves by hand. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('LatencyWindow', () => {
  it('gives exact quantiles while every value fits the reservoir', () => {
    const clock = manualClock();
    const w = new LatencyWindow({ now: clock.now });
    for (let v = 1; v <= 100; v += 1) w.observe(v);
    expect(w.quantiles()).toEqual({ p50: 50, p99: 99 });
    expect(w.total).toBe(100);
  });

  it('forgets slices older than the window, but keeps counting them in the total', () => {
    const clock = manualClock();
    const w = new LatencyWindow({ now: clock.now, windowMs: 60_000, buckets: 6 });
    for (let i = 0; i < 50; i += 1) w.observe(1_000);
    clock.advance(30_000);
    for (let i = 0; i < 50; i += 1) w.observe(10);
    expect(w.quantiles().p99).toBe(1_000);
    clock.advance(40_000);
    expect(w.quantiles()).toEqual({ p50: 10, p99: 10 });
    clock.advance(60_000);
    expect(w.quantiles()).toEqual({ p50: null, p99: null });
    expect(w.total).toBe(100);
  });

  it('weights each slice by its count when its reservoir holds only a sample', () => {
    const clock = manualClock();
    // 10 slow observations in one slice, then 10,000 fast ones in the next, kept as a 16-value sample.
    const w = new LatencyWindow({ now: clock.now, reservoir: 16, random: () => 0.5 });
    for (let i = 0; i < 10; i += 1) w.observe(500);
    clock.advance(10_000);
    for (let i = 0; i < 10_000; i += 1) w.observe(2);
    const q = w.quantiles();
    // Unweighted, 10 of 26 sampled values are slow and p99 would be 500; weighted they are 0.1%.
    expect(q).toEqual({ p50: 2, p99: 2 });
  });
});

describe('RuntimeMetrics', () => {
  it('shows the same counts and quantiles in /metrics.json and in the Prometheus text', async () => {
    const clock = manualClock();
    const metrics = new RuntimeMetrics('topo', 'w1', clock.now);
    const task = metrics.task('split', 0);
    task.count('emitted', 3, 'default');
    task.count('emitted', 2, 'words');
    task.count('acked', 4);
    for (let v = 1; v <= 100; v += 1) task.latency('executeLatency', v);
    const snapshot = await metrics.snapshot();
    const split = snapshot.components.split?.['0'];
    expect(split?.emitted).toBe(5);
    expect(split?.acked).toBe(4);
    expect(split?.executeLatency).toEqual({ count: 100, p50: 50, p99: 99 });
    expect(split?.completeLatency).toEqual({ count: 0, p50: null, p99: null });

    const text = await metrics.registry.metrics();
    expect(text).toContain('storm_emitted_total{topology="topo",component="split",task="0",stream="default"} 3');
    expect(text).toContain('storm_emitted_total{topology="topo",component="split",task="0",stream="words"} 2');
    expect(text).toContain('storm_acked_total{topology="topo",component="split",task="0",stream=""} 4');
    expect(text).toContain('storm_execute_latency_ms{topology="topo",component="split",task="0",quantile="0.99"} 99');
    expect(text).toContain('storm_execute_latency_ms{topology="topo",component="split",task="0",quantile="count"} 100');
    // A second scrape reports totals, not what was added since the first.
    task.count('acked', 1);
    expect(await metrics.registry.metrics()).toContain('storm_acked_total{topology="topo",component="split",task="0",stream=""} 5');
  });

  it("adds the worker process's memory, heap and event-loop metrics, labelled with its topology and worker, once", async () => {
    const metrics = new RuntimeMetrics('topo', 'w1');
    metrics.collectProcessMetrics();
    metrics.collectProcessMetrics();
    const text = await metrics.registry.metrics();
    const rss = /^process_resident_memory_bytes\{topology="topo",worker="w1"\} (\d+)$/m.exec(text);
    expect(Number(rss?.[1])).toBeGreaterThan(0);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes\{topology="topo",worker="w1"\} \d+/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds\{topology="topo",worker="w1"\} /m);
    expect(text.match(/^# TYPE process_resident_memory_bytes /gm)).toHaveLength(1);
  });

  it("reports a spout's pending trees as of the scrape, and no pending gauge for a bolt", async () => {
    const metrics = new RuntimeMetrics('topo', 'w1');
    const spout = metrics.task('words-spout', 0);
    metrics.task('split', 0).count('acked', 1);
    spout.setPending(7);
    spout.setPending(3);
    const text = await metrics.registry.metrics();
    expect(text).toContain('storm_pending{topology="topo",component="words-spout",task="0"} 3');
    expect(text).not.toContain('storm_pending{topology="topo",component="split"');
    expect((await metrics.snapshot()).components['words-spout']?.['0']?.pending).toBe(3);
    expect((await metrics.snapshot()).components.split?.['0']?.pending).toBe(0);
  });

  it('reports capacity as the share of the last 10 s spent executing', async () => {
    const clock = manualClock();
    const metrics = new RuntimeMetrics('topo', 'w1', clock.now);
    const task = metrics.task('sum', 1);
    clock.advance(1_000);
    for (let i = 0; i < 40; i += 1) {
      task.busy(50); // 2 s of work over 4 s
      clock.advance(100);
    }
    expect((await metrics.snapshot()).components.sum?.['1']?.capacity).toBeCloseTo(0.2, 5);
    clock.advance(7_000);
    // The first 1.1 s of that work is older than 10 s now.
    expect((await metrics.snapshot()).components.sum?.['1']?.capacity).toBeCloseTo(0.145, 5);
    clock.advance(10_000);
    expect((await metrics.snapshot()).components.sum?.['1']?.capacity).toBe(0);
  });
});

// Throughput of the runtime's sample topology (keyed sum: KafkaSpout -> parse -> fields-grouped sum
// -> idempotent Redis sink) on the real stack, with 1 and with 2 worker processes.
// Usage: npx tsx bench/runtime.ts [--records N] [--workers 1,2]
import { parseArgs } from 'node:util';
import { countedRecords, SampleRun, sampleRecords } from './sample-run.js';
import { waitUntil } from '../stack/wait-until.js';

/** One measurement. */
export interface RuntimeBenchResult {
  workers: number;
  records: number;
  seconds: number;
  recordsPerSecond: number;
  /** Bolt executions per second (parse + sum: two per record, plus replays). */
  boltTuplesPerSecond: number;
  completeLatencyP50Ms: number | null;
  completeLatencyP99Ms: number | null;
  replayed: number;
}

/** Runs the sample topology over `records` records with `workers` workers and measures it. */
export async function benchRuntime(workers: number, records: number): Promise<RuntimeBenchResult> {
  const run = new SampleRun({ LOG_LEVEL: 'error', MESSAGE_TIMEOUT_MS: '30000', MAX_SPOUT_PENDING: '2000', TRANSPORT_BATCH_SIZE: '100' });
  try {
    await run.setup(6);
    for (let i = 1; i <= workers; i += 1) await run.startWorker(`bench-${i}`);
    // Let every spout join the group before the clock starts.
    await waitUntil(async () => (await run.metrics()).workers.length === workers, { what: 'every spout in the group', timeoutMs: 60_000 });
    const { records: data } = sampleRecords(records, 100);
    const started = performance.now();
    await run.produce(data);
    await waitUntil(async () => countedRecords(await run.sink()) >= records, { what: 'every record counted', timeoutMs: 600_000, intervalMs: 50 });
    const seconds = (performance.now() - started) / 1000;
    const metrics = await run.metrics();
    const p50s = metrics.workers.flatMap((w) => Object.values(w.components.records ?? {}).map((t) => t.completeLatency.p50 ?? 0));
    const executed = (metrics.components.parse?.totals.executed ?? 0) + (metrics.components.sum?.totals.executed ?? 0);
    return {
      workers,
      records,
      seconds: Number(seconds.toFixed(2)),
      recordsPerSecond: Math.round(records / seconds),
      boltTuplesPerSecond: Math.round(executed / seconds),
      completeLatencyP50Ms: p50s.length > 0 ? Math.round(Math.max(...p50s)) : null,
      completeLatencyP99Ms:
        metrics.components.records?.maxCompleteP99 === null || metrics.components.records === undefined
          ? null
          : Math.round(metrics.components.records.maxCompleteP99),
      replayed: metrics.components.records?.totals.replayed ?? 0,
    };
  } finally {
    await run.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { records: { type: 'string', default: '20000' }, workers: { type: 'string', default: '1,2' } } });
  const results: RuntimeBenchResult[] = [];
  for (const w of (values.workers ?? '1,2').split(',').map(Number)) results.push(await benchRuntime(w, Number(values.records)));
  console.table(results);
  process.exit(0);
}

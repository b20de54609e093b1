import { spawnSync } from 'node:child_process';
import type { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElasticsearch } from '../../pipeline/clients/elasticsearch.js';
import type { AuditReport } from '../../ops/audit.js';
import { type PipelineRun, runPipelineOnData } from '../support/run-pipeline.js';

/**
 * `npm run audit` on a namespace the pipeline processed (data/sample): zero drift and exit code
 * 0; then, with one transaction document deleted and one hourly volume edited by hand, exit code
 * 1 and exactly those two differences.
 */

const namespace = `audit${Math.random().toString(36).slice(2, 8)}`;
let run: PipelineRun;
let es: Client;

/** Runs the audit command as an operator would; returns its exit code and JSON report. */
function audit(): { status: number | null; report: AuditReport } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'cli/audit.ts', '--namespace', namespace, '--json'], {
    env: { ...process.env, POOLS_FILE: 'data/sample/pools/pools-v2.json', LOG_LEVEL: 'warn' },
    encoding: 'utf8',
  });
  if (result.status !== 0 && result.status !== 1) throw new Error(`audit failed (${result.status}): ${result.stderr}`);
  return { status: result.status, report: JSON.parse(result.stdout) as AuditReport };
}

beforeAll(async () => {
  run = await runPipelineOnData({ dataDir: 'data/sample', namespace, workers: 2 });
  es = createElasticsearch(run.config);
});

afterAll(async () => {
  await es?.close();
  await run?.stop();
});

describe('npm run audit', () => {
  it('finds no drift after a processed run', () => {
    const { status, report } = audit();
    expect(report.differences).toEqual([]);
    expect(report.exact).toBe(true);
    expect(status).toBe(0);
    expect(report.indices.transactions.found).toBe(run.replay.events.transactions);
    expect(report.indices.blocks.found).toBe(run.replay.events.blocks);
    expect(report.indices.prices.found).toBe(run.replay.events.prices);
  });

  it('names a transaction document deleted by hand and an hourly volume edited by hand', async () => {
    const n = run.names;
    const tx = await es.search<{ txid: string }>({ index: n.indices.transactions, size: 1, query: { term: { is_coinbase: false } } });
    const txid = tx.hits.hits[0]?._id as string;
    const hour = await es.search<{ volume_sat: number }>({ index: n.indices.volumeHourly, size: 1, query: { range: { tx_count: { gt: 0 } } } });
    const hourId = hour.hits.hits[0]?._id as string;
    const volume = hour.hits.hits[0]?._source?.volume_sat as number;
    await es.delete({ index: n.indices.transactions, id: txid, refresh: true });
    await es.update({ index: n.indices.volumeHourly, id: hourId, doc: { volume_sat: volume + 1 }, refresh: true });

    const { status, report } = audit();
    expect(status).toBe(1);
    expect(report.exact).toBe(false);
    expect(report.differences).toEqual([
      { kind: 'missing', index: 'transactions', id: txid },
      { kind: 'mismatch', index: 'volumeHourly', id: hourId, field: 'volume_sat', expected: volume, found: volume + 1 },
    ]);
    expect(report.indices.transactions).toMatchObject({ missing: 1, extra: 0, mismatched: 0 });
    expect(report.indices.volumeHourly).toMatchObject({ missing: 0, extra: 0, mismatched: 1 });
  });
});

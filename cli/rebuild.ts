import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createElasticsearch } from '../pipeline/clients/elasticsearch.js';
import { createKafka } from '../pipeline/clients/kafka.js';
import { createRedis } from '../pipeline/clients/redis.js';
import { loadConfig } from '../pipeline/config/config.js';
import { names } from '../pipeline/contracts/names.js';
import { exitOnError, reportRetry, warn } from '../ops/cli-output.js';
import { formatDuration, ProgressDisplay } from '../ops/progress-display.js';
import { countDocuments, prepareRebuild, type RebuildClients, restoreReplicas, runUntilRebuilt } from '../ops/rebuild.js';
import { retryTransient } from '../pipeline/clients/transient-retry.js';
import { UsageError } from '../ops/usage-error.js';
import { WorkerProcesses } from '../ops/worker-processes.js';

// npm run rebuild -- [--workers N] [--keep-running] [--stall-timeout S] [--namespace NS]
// Rebuilds every store derived from the raw topics (the namespace's indices, the topology's Redis
// state) by replaying the raw topics from their first offset; never deletes a topic. Refuses
// (exit 2) while topology workers run. Runs its own workers until everything is processed, then
// stops them (--keep-running: they keep following the topics until Ctrl-C).
const USAGE = 'usage: npm run rebuild -- [--workers N] [--keep-running] [--stall-timeout SECONDS] [--namespace NS]';

const { values } = parseArgs({
  options: {
    workers: { type: 'string' },
    'keep-running': { type: 'boolean', default: false },
    'stall-timeout': { type: 'string', default: '600' },
    namespace: { type: 'string' },
  },
});
const out = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const count = Number(values.workers ?? process.env.TOPOLOGY_WORKERS ?? 2);
  if (!(Number.isInteger(count) && count > 0)) throw new UsageError('--workers must be a positive whole number');
  const stallSec = Number(values['stall-timeout']);
  if (!(stallSec > 0)) throw new UsageError('--stall-timeout must be a positive number of seconds');
  const env = values.namespace === undefined ? process.env : { ...process.env, NAMESPACE: values.namespace };
  const config = loadConfig(env);
  const n = names(config.namespace);
  const admin = createKafka(config, { clientIdSuffix: 'rebuild' }).admin();
  const es = createElasticsearch(config);
  const redis = createRedis(config, { connectionName: 'rebuild' });
  const clients: RebuildClients = { admin, es, redis };
  const retry = { onRetry: reportRetry, onStep: (step: string) => out(`- ${step}`) };
  let workers: WorkerProcesses | undefined;
  const interrupted = () => {
    warn(
      '\ninterrupted: stopping the rebuild workers; the indices are incomplete, and without replicas, until `npm run rebuild` runs to its end (`npm run setup` gives the replicas back)',
    );
    void (workers?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    await retryTransient('connecting to Kafka', () => admin.connect(), retry);
    out(`rebuilding namespace ${n.namespace} from its raw topics (${Object.values(n.topics).join(', ')}); pools file ${config.analytics.poolsFile}`);
    const reset = await prepareRebuild(clients, n, config, retry);
    out(`- ${reset.redisKeysDeleted} Redis keys deleted; indices recreated empty, without replicas until the end of the rebuild`);

    const logDir = join('.run', 'rebuild', n.namespace);
    workers = new WorkerProcesses({
      env: { ...env, NAMESPACE: n.namespace },
      count,
      logDir,
      onExit: ({ index, code, signal, restarting }) =>
        warn(`topology worker ${index} exited (code ${code}, signal ${signal})${restarting ? '; restarting it' : ''}; log: ${logDir}/worker-${index}.log`),
    });
    out(`- starting ${count} topology worker(s) (logs in ${logDir}/)`);
    const started = performance.now();
    workers.start();
    const display = new ProgressDisplay(process.stdout, { unit: 'records' });
    const final = await runUntilRebuilt(clients, n, {
      workers,
      stallTimeoutMs: stallSec * 1000,
      onProgress: (p) => display.update({ done: p.committed, total: p.total, note: `dirty aggregates ${p.dirtyAggregates}` }),
      onRetry: (r) => {
        display.end();
        reportRetry(r);
      },
    });
    display.end();
    out(`- every record processed; giving the indices their ${config.elasticsearch.replicas} replica(s) back (copied, not indexed again)`);
    await restoreReplicas(clients, n, config, { timeoutMs: stallSec * 1000, onRetry: reportRetry });
    const elapsedSec = (performance.now() - started) / 1000;
    const after = await retryTransient('counting the documents', () => countDocuments(es, n), retry);
    out(
      `rebuilt ${final.total.toLocaleString('en-US')} records in ${formatDuration(elapsedSec)}: ${Math.round(final.total / Math.max(elapsedSec, 0.001)).toLocaleString('en-US')} records/s`,
    );
    const width = Math.max(...Object.keys(after).map((k) => k.length));
    out(`  ${'index'.padEnd(width)}  documents before  after`);
    for (const [index, docs] of Object.entries(after)) out(`  ${index.padEnd(width)}  ${String(reset.documentsBefore[index] ?? '-').padStart(16)}  ${docs}`);

    if (values['keep-running']) {
      out(`the ${count} rebuild worker(s) keep processing new records (pids ${workers.pids().join(', ')}); Ctrl-C stops them`);
      process.removeListener('SIGINT', interrupted);
      process.removeListener('SIGTERM', interrupted);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
    }
    out('- stopping the rebuild workers (each drains and commits)');
    await workers.stop();
    out("done. Start the pipeline's workers again: npx pm2 start topology-worker");
  } catch (err) {
    await workers?.stop();
    throw err;
  } finally {
    await admin.disconnect().catch(() => undefined);
    await es.close();
    redis.disconnect();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => exitOnError(err, USAGE),
);

import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { createElasticsearch } from '../../pipeline/clients/elasticsearch.js';
import { DemoTimeoutError } from '../demo/demo-waits.js';
import { PoolIdentifier } from '../../pipeline/topology/domain/pool-identifier.js';
import { type AuditReport, auditNamespace } from '../audit.js';
import type { Recount } from '../raw-recount.js';
import { type LetterSummary, scanDeadLetters } from './dead-letter-scan.js';
import { type FaultInjected, type FaultScenario, whileFaulty } from './fault-scenario.js';
import { buildVerdict, type FaultVerdict } from './fault-verdict.js';
import { type FlowSample, FlowMonitor } from './flow-monitor.js';
import { groundTruthDifferences } from './ground-truth-check.js';
import { PipelineUnderTest } from './pipeline-under-test.js';
import { RecordedFeedData } from '../../producers/feed-server/recorded-feed-data.js';

/** Options of `runScenario`. */
export interface RunScenarioOptions {
  dataDir: string;
  /** Events per second each producer publishes at most. */
  rate: number;
  /** Fault duration; null: the scenario's default. */
  seconds: number | null;
  /** Time allowed for the whole scenario (flow, fault, recovery). */
  timeoutMs: number;
  /** Keep the namespace (topics, indices, keys) afterwards for inspection. */
  keep: boolean;
  /** Share of the recorded transactions processed (published, for a scenario with `injectOn: 'published'`) before the fault is injected (default: the scenario's, else 0.3). */
  injectAt?: number;
  log: Logger;
}

/** Namespace of one run: `fault-<scenario>-<random>`. */
export function faultNamespace(scenario: string): string {
  return `fault-${scenario}-${randomBytes(3).toString('hex')}`;
}

/**
 * One fault scenario end to end: the pipeline on the recorded data in a fresh namespace and pm2
 * home; once `injectAt` of the transactions are processed (or published: `injectOn`), the fault;
 * then the wait until the flow is back at its pre-fault lag (time to recover) and until
 * everything is published and processed; then the audit (independent recount of the raw topics
 * against Elasticsearch), the dead letters and the data set's expected results; then the apps
 * stopped and the namespace deleted.
 * Never throws for a failed scenario: every failure is in the verdict.
 */
export async function runScenario(scenario: FaultScenario, options: RunScenarioOptions): Promise<FaultVerdict> {
  const { log } = options;
  const namespace = faultNamespace(scenario.name);
  const seconds = options.seconds ?? scenario.defaultSeconds;
  const deadlineMs = Date.now() + options.timeoutMs;
  const failures: string[] = [];
  const end: { injected: FaultInjected | null; audit: AuditReport | null; recount: Recount | null; letters: LetterSummary[]; truth: string[] | null } = {
    injected: null,
    audit: null,
    recount: null,
    letters: [],
    truth: null,
  };
  const steps: string[] = [];
  const timings = { detectMs: null as number | null, detectSign: null as string | null, recoverMs: null as number | null, caughtUpMs: null as number | null };
  const pipeline = await PipelineUnderTest.start({ dataDir: options.dataDir, rate: options.rate, namespace, log });
  const monitor = new FlowMonitor(pipeline, log.child({ component: 'flow-monitor' }));
  monitor.start();
  const cleanup = async () => {
    await monitor.stop();
    await pipeline.stop({ keepData: options.keep }).catch((err: unknown) => {
      log.warn({ err, namespace }, 'cleanup failed');
    });
  };
  await whileFaulty(async () => {
    try {
      await injectAndRecover();
      await judgeEndState();
    } catch (err) {
      log.error({ err, scenario: scenario.name }, 'scenario failed');
      failures.push(`scenario error: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    }
  }, cleanup);
  return buildVerdict({
    scenario: scenario.name,
    namespace,
    dataDir: options.dataDir,
    rate: options.rate,
    fault: end.injected?.description ?? (steps.length > 0 ? `${steps.join('; ')}; then failed` : 'not injected'),
    // What the fault itself published (a reorg's competing block) joins what the data holds.
    recorded: {
      blocks: pipeline.target.events.blocks + (end.injected?.addsRecords?.blocks ?? 0),
      transactions: pipeline.target.events.transactions + (end.injected?.addsRecords?.transactions ?? 0),
      prices: pipeline.target.events.prices + (end.injected?.addsRecords?.prices ?? 0),
    },
    audit: end.audit,
    recount: end.recount,
    letters: end.letters,
    poisonKeys: end.injected?.poisonKeys ?? null,
    truth: end.truth,
    timings,
    peakWorkerRssBytes: monitor.peakWorkerRssBytes,
    failures,
  });

  async function injectAndRecover(): Promise<void> {
    const injectAt = Math.max(1, Math.ceil((options.injectAt ?? scenario.injectAt ?? 0.3) * pipeline.target.events.transactions));
    const on = scenario.injectOn ?? 'processed';
    const counted = (s: FlowSample) => (on === 'published' ? s.publishedTransactions : s.committedTransactions) ?? 0;
    log.info({ scenario: scenario.name, namespace, injectAt, on }, 'waiting for the injection point');
    const ready = await monitor.waitFor((s) => counted(s) >= injectAt, deadlineMs);
    if (ready === null) throw new Error(`the flow never reached ${injectAt} ${on} transactions`);
    const faultStart = Date.now();
    log.info({ scenario: scenario.name, seconds }, 'injecting the fault');
    end.injected = await scenario.inject({ pipeline, log, seconds, note: (step) => steps.push(step) });
    const faultEnd = Date.now();
    const baseline = monitor.baselineLag(faultStart);
    log.info({ fault: end.injected.description, baselineLag: baseline }, 'fault over; waiting for the flow to recover');
    const back = await monitor.waitFor((s) => s.atMs >= faultEnd && s.lag !== null && s.lag <= baseline && s.workersDown === 0, deadlineMs);
    if (back !== null) timings.recoverMs = back.atMs - faultEnd;
    try {
      await pipeline.waitUntilDone(deadlineMs);
      timings.caughtUpMs = Date.now() - faultEnd;
    } catch (err) {
      if (!(err instanceof DemoTimeoutError)) throw err;
      failures.push(`not done ${err.stage} before the deadline: ${JSON.stringify(err.last)}`);
      const diagnosis = await pipeline.diagnosis().catch((e: unknown) => ({ error: String(e) }));
      log.error({ scenario: scenario.name, namespace, diagnosis }, "the flow did not finish: partitions behind and the workers' last errors");
    }
    const sign = monitor.firstSign(faultStart);
    timings.detectMs = sign?.afterMs ?? null;
    timings.detectSign = sign?.sign ?? null;
  }

  async function judgeEndState(): Promise<void> {
    const es = createElasticsearch(pipeline.config);
    const auditDeadline = Math.max(deadlineMs, Date.now() + 300_000);
    try {
      end.audit = await auditNamespace({
        kafka: pipeline.kafka,
        es,
        names: pipeline.names,
        log,
        deadlineMs: auditDeadline,
        maxDifferences: 100_000,
        pools: PoolIdentifier.fromFile(pipeline.config.analytics.poolsFile, pipeline.config.analytics.poolMatchOrder),
        onRecount: (r) => {
          end.recount = r;
        },
      });
      end.letters = await scanDeadLetters(pipeline.kafka, pipeline.names, log, auditDeadline);
    } finally {
      await es.close();
    }
    if (end.recount === null) return;
    // A fault that changes the chain (reorg) changes the results: the recount from the raw topics is the reference then.
    if (end.injected?.changesChain !== true) end.truth = groundTruthDifferences(options.dataDir, end.recount);
    const check = end.injected?.check;
    if (check !== undefined) failures.push(...(await check({ recount: end.recount, letters: end.letters })));
  }
}

/**
 * A rate (events per second per producer) at which the recorded transactions take about 75 s to
 * publish, so that a fault lands mid-stream, capped at 150 (what the topology sustains on a small
 * machine): 10 for `data/sample`, 150 for `../shared/data`.
 */
export async function defaultFaultRate(dataDir: string): Promise<number> {
  const data = await RecordedFeedData.load(dataDir);
  const transactions = data.blocks.reduce((s, b) => s + b.txCount, 0);
  return Math.min(150, Math.max(5, Math.ceil(transactions / 75)));
}

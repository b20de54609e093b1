import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@elastic/elasticsearch';
import type { Logger } from 'pino';
import { createElasticsearch } from '../../pipeline/clients/elasticsearch.js';
import { RAW_FEEDS } from '../../pipeline/contracts/names.js';
import { processingProgress } from '../../pipeline/topology/processing-progress.js';
import type { PipelineUnderTest } from './pipeline-under-test.js';

/** One look at the pipeline. Fields are null when they could not be read at that moment. */
export interface FlowSample {
  atMs: number;
  /** Records of the raw topics not yet committed, and committed so far (all topics; transactions). */
  lag: number | null;
  committed: number | null;
  committedTransactions: number | null;
  /** Records in the transactions topic (the producers' progress). */
  publishedTransactions: number | null;
  dirtyAggregates: number | null;
  /** Records in the dead-letter topics. */
  deadLetters: number | null;
  /** Restarts of the topology workers (pm2) and workers not `online`. */
  workerRestarts: number | null;
  workersDown: number | null;
  /** Kafka brokers in the metadata, Elasticsearch status (`unreachable` when no answer), Redis answers PING. */
  brokers: number | null;
  esStatus: string | null;
  redisUp: boolean | null;
}

/** The first sign of a fault after it was injected. */
export interface FaultSign {
  afterMs: number;
  sign: string;
}

const STALL_MS = 10_000;

/**
 * Samples the pipeline under test about once a second (progress, dead letters, service health;
 * pm2 and RSS every other sample: a pm2 CLI call costs a Node start) so that a scenario can tell
 * when its fault showed (time to detect), when the flow was back to its pre-fault lag (time to
 * recover), and the workers' peak resident memory. A sample that cannot be read is itself a sign,
 * never a crash; each read has a timeout so that a hung service does not stall the sampling.
 */
export class FlowMonitor {
  readonly samples: FlowSample[] = [];
  /** Largest resident set of one topology worker (bytes), from /proc, else pm2. */
  peakWorkerRssBytes = 0;
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly es: Client;
  private workerPids: number[] = [];

  constructor(
    private readonly pipeline: PipelineUnderTest,
    private readonly log: Logger,
  ) {
    this.es = createElasticsearch(pipeline.config, { requestTimeoutMs: 2_000, maxRetries: 0 });
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.es.close();
  }

  /** The latest sample, if any. */
  last(): FlowSample | undefined {
    return this.samples.at(-1);
  }

  /** Waits until a sample satisfies `condition`; false when `deadlineMs` passed first. */
  async waitFor(condition: (s: FlowSample) => boolean, deadlineMs: number): Promise<FlowSample | null> {
    let seen = this.samples.length;
    while (Date.now() < deadlineMs) {
      for (; seen < this.samples.length; seen += 1) {
        const s = this.samples[seen] as FlowSample;
        if (condition(s)) return s;
      }
      await sleep(250);
    }
    return null;
  }

  /** The first sample after `faultMs` that differs from the last one before it in a way that shows the fault. */
  firstSign(faultMs: number): FaultSign | null {
    return firstSign(this.samples, faultMs);
  }

  /** Largest lag seen in the `windowMs` before `faultMs` (the steady state the flow must return to). */
  baselineLag(faultMs: number, windowMs = 10_000): number {
    const lags = this.samples.filter((s) => s.atMs < faultMs && s.atMs >= faultMs - windowMs && s.lag !== null).map((s) => s.lag as number);
    return Math.max(0, ...lags);
  }

  private async run(): Promise<void> {
    for (let tick = 0; this.running; tick += 1) {
      const started = Date.now();
      try {
        this.samples.push(await this.sample(tick % 2 === 0));
      } catch (err) {
        this.log.warn({ err }, 'flow sample failed');
      }
      await sleep(Math.max(0, 1_000 - (Date.now() - started)));
    }
  }

  private async sample(withPm2: boolean): Promise<FlowSample> {
    const p = this.pipeline;
    const n = p.names;
    const [progress, deadLetters, brokers, esStatus, redisUp] = await Promise.all([
      timed(processingProgress(p.admin, p.redis, n)),
      timed(Promise.all(RAW_FEEDS.map((f) => p.admin.fetchTopicOffsets(n.deadLetter[f])))).then((all) =>
        all === null ? null : all.flat().reduce((s, o) => s + Number(o.high) - Number(o.low), 0),
      ),
      timed(p.admin.describeCluster()).then((c) => c?.brokers.length ?? null),
      timed(this.es.cluster.health()).then((h) => h?.status ?? 'unreachable'),
      timed(p.redis.ping()).then((r) => r === 'PONG'),
    ]);
    let workerRestarts: number | null = this.samples.at(-1)?.workerRestarts ?? null;
    let workersDown: number | null = this.samples.at(-1)?.workersDown ?? null;
    if (withPm2) {
      try {
        const workers = p.apps().filter((a) => a.name === 'topology-worker');
        workerRestarts = workers.reduce((s, a) => s + a.restarts, 0);
        workersDown = workers.filter((a) => a.status !== 'online').length;
        this.workerPids = workers.map((a) => a.pid).filter((pid) => pid > 0);
        for (const a of workers) this.peakWorkerRssBytes = Math.max(this.peakWorkerRssBytes, a.memoryBytes);
      } catch (err) {
        this.log.warn({ err }, 'pm2 not readable');
      }
    }
    for (const pid of this.workerPids) this.peakWorkerRssBytes = Math.max(this.peakWorkerRssBytes, residentBytes(pid));
    return {
      atMs: Date.now(),
      lag: progress?.lag ?? null,
      committed: progress === null ? null : progress.records - progress.lag,
      committedTransactions: progress === null ? null : progress.topics.transactions.records - progress.topics.transactions.lag,
      publishedTransactions: progress?.topics.transactions.records ?? null,
      dirtyAggregates: progress?.dirtyAggregates ?? null,
      deadLetters,
      workerRestarts,
      workersDown,
      brokers,
      esStatus,
      redisUp: redisUp ?? false,
    };
  }
}

/**
 * The first of `samples` after `faultMs` that shows a fault: a change from the last sample before
 * it (`signOf`), or records waiting while nothing was committed for `STALL_MS`. A sample with
 * nothing waiting (lag 0) counts as progress: a pause of the producers is not a stall, and the
 * first records after it must not look like records stuck since the pause began.
 */
export function firstSign(samples: readonly FlowSample[], faultMs: number): FaultSign | null {
  const before = [...samples].reverse().find((s) => s.atMs < faultMs);
  let lastProgress: { atMs: number; committed: number } | null = null;
  for (const s of samples) {
    if (s.atMs < faultMs) continue;
    const sign = signOf(s, before);
    if (sign !== null) return { afterMs: s.atMs - faultMs, sign };
    if (s.committed !== null && s.lag !== null) {
      if (lastProgress === null || s.committed > lastProgress.committed || s.lag === 0) lastProgress = { atMs: s.atMs, committed: s.committed };
      else if (s.atMs - lastProgress.atMs >= STALL_MS) return { afterMs: s.atMs - faultMs, sign: `processing stalled ${STALL_MS / 1000} s with lag ${s.lag}` };
    }
  }
  return null;
}

/** What in `s` shows a fault compared with `before` (the last sample before it), or null. */
function signOf(s: FlowSample, before: FlowSample | undefined): string | null {
  if (s.workerRestarts !== null && s.workerRestarts > (before?.workerRestarts ?? 0)) return 'pm2 restarted a topology worker';
  if ((s.workersDown ?? 0) > (before?.workersDown ?? 0)) return 'a topology worker not online';
  if (s.brokers === null) return 'Kafka metadata not readable';
  if (s.brokers < (before?.brokers ?? 3)) return `Kafka brokers ${s.brokers}`;
  if (s.esStatus !== before?.esStatus && s.esStatus !== 'green') return `Elasticsearch ${s.esStatus}`;
  if (s.redisUp === false) return 'Redis not answering';
  if (s.lag === null) return 'progress not readable';
  if ((s.deadLetters ?? 0) > (before?.deadLetters ?? 0)) return `dead letters +${(s.deadLetters ?? 0) - (before?.deadLetters ?? 0)}`;
  return null;
}

/** The promise's value, or null when it failed or took longer than `ms`. */
async function timed<T>(promise: Promise<T>, ms = 4_000): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  try {
    return await Promise.race([promise.catch(() => null), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resident set size of a process (VmRSS), 0 when it is gone. */
function residentBytes(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? 0 : Number(match[1]) * 1024;
  } catch {
    return 0;
  }
}

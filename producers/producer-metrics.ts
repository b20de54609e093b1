import { Counter, Registry } from 'prom-client';

/** Counters of the producers, registered on one registry (served by the process's /metrics). */
export class ProducerMetrics {
  readonly registry: Registry;
  /** Events written to a raw topic, by topic. */
  readonly published: Counter<'topic'>;
  /** Records written to a dead-letter topic, by topic and reason. */
  readonly deadLettered: Counter<'topic' | 'reason'>;
  /** Feed requests that failed (before any retry), by feed and kind of failure. */
  readonly httpFailures: Counter<'feed' | 'kind'>;
  /** Retries of feed requests, by feed. */
  readonly httpRetries: Counter<'feed'>;
  /** Polls that ended in an error, by feed. */
  readonly pollFailures: Counter<'feed'>;
  /** Duplicates skipped (mempool txids already published), by feed. */
  readonly duplicatesSkipped: Counter<'feed'>;

  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    const registers = [registry];
    this.published = new Counter({ name: 'producer_events_published_total', help: 'events written to a raw topic', labelNames: ['topic'], registers });
    this.deadLettered = new Counter({
      name: 'producer_dead_letters_total',
      help: 'records written to a dead-letter topic',
      labelNames: ['topic', 'reason'],
      registers,
    });
    this.httpFailures = new Counter({ name: 'producer_http_failures_total', help: 'failed feed requests', labelNames: ['feed', 'kind'], registers });
    this.httpRetries = new Counter({ name: 'producer_http_retries_total', help: 'retried feed requests', labelNames: ['feed'], registers });
    this.pollFailures = new Counter({ name: 'producer_poll_failures_total', help: 'polls that ended in an error', labelNames: ['feed'], registers });
    this.duplicatesSkipped = new Counter({
      name: 'producer_duplicates_skipped_total',
      help: 'events not republished because already seen',
      labelNames: ['feed'],
      registers,
    });
  }
}

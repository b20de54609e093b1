import type { Admin, ITopicConfig } from 'kafkajs';
import type { Config } from '../config/config.js';
import { RAW_FEEDS, type Names } from '../contracts/names.js';
import { RetriableError } from '../runtime/index.js';

/** Partitions of each dead-letter topic: few records, ordering per key is not needed. */
export const DEAD_LETTER_PARTITIONS = 3;

/** The Kafka topic settings of the application (tuning knobs from config). */
export type TopicSettings = Pick<Config['kafka'], 'partitions' | 'replicationFactor' | 'minInsyncReplicas'>;

/**
 * The raw topics and their dead-letter topics. Raw events are the source of truth: they are
 * kept forever (`retention.ms=-1`) and acknowledged only once `min.insync.replicas` have them.
 */
export function topicSpecs(names: Names, settings: TopicSettings): ITopicConfig[] {
  const configEntries = [
    { name: 'min.insync.replicas', value: String(settings.minInsyncReplicas) },
    { name: 'retention.ms', value: '-1' },
    { name: 'cleanup.policy', value: 'delete' },
  ];
  return [
    ...RAW_FEEDS.map((feed) => ({
      topic: names.topics[feed],
      numPartitions: settings.partitions,
      replicationFactor: settings.replicationFactor,
      configEntries,
    })),
    ...RAW_FEEDS.map((feed) => ({
      topic: names.deadLetter[feed],
      numPartitions: Math.min(DEAD_LETTER_PARTITIONS, settings.partitions),
      replicationFactor: settings.replicationFactor,
      configEntries,
    })),
  ];
}

/** What `setupTopics` did. */
export interface TopicSetupResult {
  created: string[];
  existing: string[];
}

/** Creates every missing topic of the namespace and waits until every partition has a leader and a full ISR; existing topics are left as they are. */
export async function setupTopics(admin: Admin, names: Names, settings: TopicSettings, timeoutMs = 60_000): Promise<TopicSetupResult> {
  const specs = topicSpecs(names, settings);
  const present = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !present.has(s.topic));
  if (missing.length > 0) {
    // kafkajs resolves false (no error) for topics that another process created meanwhile. Its
    // own leader wait fails on a freshly formed cluster, hence the wait below.
    await admin.createTopics({ topics: missing, waitForLeaders: false, timeout: 30_000 });
  }
  await waitForReplicas(
    admin,
    specs.map((s) => s.topic),
    settings.replicationFactor,
    timeoutMs,
  );
  return {
    created: missing.map((s) => s.topic),
    existing: specs.filter((s) => present.has(s.topic)).map((s) => s.topic),
  };
}

/** Waits until every partition of `topics` has a leader and `replicas` in-sync replicas. */
export async function waitForReplicas(admin: Admin, topics: string[], replicas: number, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      // Asking for a topic the broker does not know yet makes kafkajs log an error: list first.
      const listed = new Set(await admin.listTopics());
      const meta = topics.every((t) => listed.has(t)) ? await admin.fetchTopicMetadata({ topics }) : { topics: [] };
      const ready =
        meta.topics.length === topics.length &&
        meta.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0 && p.isr.length >= replicas));
      if (ready) return;
    } catch (err) {
      // Metadata of a topic created a moment ago may not have reached every broker yet.
      lastError = err;
    }
    if (performance.now() > deadline) throw new RetriableError(`partitions of ${topics.join(', ')} not fully replicated`, { cause: lastError });
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Every topic of the namespace that exists (raw topics, dead-letter topics, anything under `${ns}.`). */
export async function namespaceTopics(admin: Admin, names: Names): Promise<string[]> {
  const prefix = `${names.namespace}.`;
  return (await admin.listTopics()).filter((t) => t.startsWith(prefix)).sort();
}

/** Deletes the given topics (those that exist) and waits until the cluster no longer lists them. */
export async function deleteTopics(admin: Admin, topics: string[], timeoutMs = 60_000): Promise<void> {
  const present = new Set(await admin.listTopics());
  const doomed = topics.filter((t) => present.has(t));
  if (doomed.length === 0) return;
  await admin.deleteTopics({ topics: doomed, timeout: timeoutMs });
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const left = new Set(await admin.listTopics());
    if (!doomed.some((t) => left.has(t))) return;
    if (performance.now() > deadline) throw new RetriableError(`topics still listed after deletion: ${doomed.filter((t) => left.has(t)).join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

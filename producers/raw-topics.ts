import type { Kafka } from 'kafkajs';
import type { Config } from '../pipeline/config/config.js';
import type { Names } from '../pipeline/contracts/names.js';
import { ConfigError } from '../pipeline/runtime/index.js';
import { setupTopics } from '../pipeline/setup/index.js';

/**
 * Makes sure the topics a one-shot publisher (replay, load generator) writes to exist before it
 * starts: with `create`, the namespace's topics are set up as `npm run stack` does; without, a
 * missing topic is a `ConfigError` naming it and the fix, rather than a kafkajs failure after
 * its retries (the producers never create topics on the fly).
 */
export async function ensureTopics(kafka: Kafka, config: Config, names: Names, topics: readonly string[], options: { create: boolean }): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // Metadata of a topic just created may not have reached the broker that answers the listing.
    const ready = options.create ? await setupTopics(admin, names, config.kafka) : { created: [], existing: [] };
    const present = new Set([...ready.created, ...ready.existing, ...(await admin.listTopics())]);
    const missing = topics.filter((t) => !present.has(t));
    if (missing.length > 0) {
      throw new ConfigError(
        'missing topics',
        missing.map((t) => ({ path: t, message: `topic does not exist; pass --create-topics to set up namespace "${names.namespace}", or create it` })),
      );
    }
  } finally {
    await admin.disconnect();
  }
}

/** For CLIs: prints a `ConfigError` (its problems listed) and exits 2; rethrows anything else. */
export function exitOnConfigError(err: unknown): never {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(2);
}

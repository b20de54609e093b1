import { createElasticsearch } from '../../pipeline/clients/elasticsearch.js';
import { createKafka } from '../../pipeline/clients/kafka.js';
import { createRedis } from '../../pipeline/clients/redis.js';
import { deleteKeys } from '../../pipeline/clients/delete-keys.js';
import type { Config } from '../../pipeline/config/config.js';
import type { Names } from '../../pipeline/contracts/names.js';
import { teardown } from '../../pipeline/setup/index.js';

/** Redis key patterns of a namespace: the application's keys, the producers' queues, the runtime's queues and state. */
export function namespaceKeyPatterns(n: Names): string[] {
  return [`${n.namespace}:*`, `${n.producerQueuePrefix}:*`, `rt:${n.topology}:*`];
}

/** Deletes a namespace made for one run: its topics (dead-letter topics included), indices, templates and Redis keys. */
export async function deleteNamespace(config: Config, n: Names): Promise<void> {
  const admin = createKafka(config, { clientIdSuffix: 'fault-cleanup' }).admin();
  const es = createElasticsearch(config);
  const redis = createRedis(config);
  try {
    await admin.connect();
    await teardown(admin, es, n);
    await deleteKeys(redis, namespaceKeyPatterns(n));
  } finally {
    await admin.disconnect().catch(() => undefined);
    await es.close();
    redis.disconnect();
  }
}

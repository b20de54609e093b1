import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';
import type { Admin, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { createElasticsearch } from '../pipeline/clients/elasticsearch.js';
import { createKafka } from '../pipeline/clients/kafka.js';
import { createRedis } from '../pipeline/clients/redis.js';
import { type Config, loadConfig } from '../pipeline/config/config.js';
import { type Names, names } from '../pipeline/contracts/names.js';
import { runSetup } from '../pipeline/setup/index.js';
import { deleteNamespace } from '../ops/fault/namespace-cleanup.js';

/** Options of `BenchNamespace.create`. */
export interface BenchNamespaceOptions {
  /** What the namespace is for; part of its name (lowercase letters and dashes). */
  purpose: string;
  log: Logger;
  /** Partitions of each raw topic; default the configured KAFKA_PARTITIONS (9). */
  partitions?: number;
}

/**
 * A fresh namespace set up by the project's own setup (raw topics with the configured partitions
 * and RF 3, index templates, mappings and replicas), with clients on it; `delete()` removes its
 * topics, indices, templates, Redis keys and the logs of its workers.
 */
export class BenchNamespace {
  private constructor(
    /** The environment of every process of this namespace (workers, loadgen). */
    readonly env: NodeJS.ProcessEnv,
    readonly config: Config,
    readonly names: Names,
    readonly kafka: Kafka,
    readonly admin: Admin,
    readonly es: Client,
    readonly redis: Redis,
    /** Directory of the logs of this namespace's processes. */
    readonly logDir: string,
  ) {}

  /** Makes the namespace `bench-<purpose>-<random>` and sets it up. */
  static async create(options: BenchNamespaceOptions): Promise<BenchNamespace> {
    const namespace = `bench-${options.purpose}-${randomBytes(3).toString('hex')}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NAMESPACE: namespace,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      ...(options.partitions === undefined ? {} : { KAFKA_PARTITIONS: String(options.partitions) }),
    };
    const config = loadConfig(env);
    const quiet = options.log.child({ namespace });
    await runSetup(config, { log: quiet });
    const kafka = createKafka(config, { clientIdSuffix: 'bench', log: quiet.child({ component: 'kafkajs' }) });
    const admin = kafka.admin();
    await admin.connect();
    const logDir = resolve('.run', 'bench', namespace);
    return new BenchNamespace(
      env,
      config,
      names(namespace),
      kafka,
      admin,
      createElasticsearch(config),
      createRedis(config, { connectionName: 'bench' }),
      logDir,
    );
  }

  /** Path of a log file of this namespace. */
  logFile(name: string): string {
    return join(this.logDir, name);
  }

  /** Closes the clients and deletes everything of the namespace; its logs too, unless `keepLogs`. */
  async delete(options: { keepLogs?: boolean } = {}): Promise<void> {
    await this.admin.disconnect().catch(() => undefined);
    await this.es.close().catch(() => undefined);
    this.redis.disconnect();
    await deleteNamespace(this.config, this.names);
    if (!options.keepLogs) rmSync(this.logDir, { recursive: true, force: true });
  }
}

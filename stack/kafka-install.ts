import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StackContext } from './context.js';
import { requireMaven } from './prerequisites.js';
import { StackError } from './stack-error.js';

/** The Kafka version pinned in stack/pom.xml. */
export const KAFKA_VERSION = '3.9.2';

/** Whether the Kafka jars are already in the cache. */
export function kafkaInstalled(ctx: StackContext): boolean {
  return existsSync(join(ctx.paths.kafkaLibs, `kafka_2.13-${KAFKA_VERSION}.jar`));
}

/** Copies Kafka and its dependencies from Maven Central into `.cache/kafka/libs` (first run only). */
export function ensureKafkaInstalled(ctx: StackContext): void {
  if (kafkaInstalled(ctx)) return;
  const mvn = requireMaven();
  mkdirSync(ctx.paths.kafkaLibs, { recursive: true });
  ctx.log.info({ version: KAFKA_VERSION, dir: ctx.paths.kafkaLibs }, 'downloading kafka jars with maven');
  try {
    execFileSync(mvn, ['-q', '-B', '-f', ctx.paths.pom, 'dependency:copy-dependencies', `-DoutputDirectory=${ctx.paths.kafkaLibs}`], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  } catch (err) {
    throw new StackError('maven could not fetch the kafka jars', {
      service: 'kafka',
      hint: 'check network access to Maven Central and ~/.m2/settings.xml',
      cause: err,
    });
  }
  if (!kafkaInstalled(ctx)) throw new StackError('kafka jars missing after the maven run', { service: 'kafka' });
}

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StackContext } from './context.js';
import { ELASTICSEARCH_VERSION } from './paths.js';
import { requireMaven, which } from './prerequisites.js';
import { StackError } from './stack-error.js';

/** Maven coordinates of the minimal Elasticsearch distribution (no bundled JDK, no x-pack features). */
export const ELASTICSEARCH_ARTIFACT = `org.elasticsearch.distribution.integ-test-zip:elasticsearch:${ELASTICSEARCH_VERSION}:zip`;

/** Whether the distribution is already unpacked in the cache. */
export function elasticsearchInstalled(ctx: StackContext): boolean {
  return existsSync(join(ctx.paths.elasticsearchHome, 'bin', 'elasticsearch'));
}

/** Fetches the distribution from Maven Central (through ~/.m2) and unpacks it into `.cache/` (first run only). */
export function ensureElasticsearchInstalled(ctx: StackContext): void {
  if (elasticsearchInstalled(ctx)) return;
  const zip = join(ctx.paths.elasticsearchZipDir, `elasticsearch-${ELASTICSEARCH_VERSION}.zip`);
  if (!existsSync(zip)) {
    const mvn = requireMaven();
    mkdirSync(ctx.paths.elasticsearchZipDir, { recursive: true });
    ctx.log.info({ artifact: ELASTICSEARCH_ARTIFACT }, 'downloading elasticsearch with maven');
    try {
      execFileSync(
        mvn,
        ['-q', '-B', '-f', ctx.paths.pom, 'dependency:copy', `-Dartifact=${ELASTICSEARCH_ARTIFACT}`, `-DoutputDirectory=${ctx.paths.elasticsearchZipDir}`],
        { stdio: ['ignore', 'inherit', 'inherit'] },
      );
    } catch (err) {
      throw new StackError('maven could not fetch elasticsearch', { service: 'es', hint: 'check network access to Maven Central', cause: err });
    }
  }
  if (!which('unzip')) throw new StackError('unzip not found on PATH', { service: 'es', hint: 'apt-get install -y unzip' });
  ctx.log.info({ zip, dir: ctx.paths.cache }, 'unpacking elasticsearch');
  execFileSync('unzip', ['-q', '-o', zip, '-d', ctx.paths.cache], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (!elasticsearchInstalled(ctx)) throw new StackError('elasticsearch missing after unpacking', { service: 'es' });
}

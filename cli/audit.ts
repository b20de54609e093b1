import { parseArgs } from 'node:util';
import { createElasticsearch } from '../pipeline/clients/elasticsearch.js';
import { createKafka } from '../pipeline/clients/kafka.js';
import { loadConfig } from '../pipeline/config/config.js';
import { names } from '../pipeline/contracts/names.js';
import { ConfigError } from '../pipeline/runtime/index.js';
import { PoolIdentifier } from '../pipeline/topology/domain/pool-identifier.js';
import { auditNamespace } from '../ops/audit.js';
import { formatAudit } from '../ops/audit-format.js';
import { stderrLogger } from '../ops/stderr-logger.js';
import { TransientTimeoutError } from '../ops/retry-transient.js';

// npm run audit -- [--namespace NS] [--json] [--timeout SECONDS] [--limit N]
// Recounts the namespace's raw topics from offset 0 (a throwaway consumer; nothing of the
// pipeline moves) and compares the recount with every index the topology writes. Prints each
// difference and a summary; exit code 0 when exact, 1 on any drift, 2 when it could not audit
// (bad arguments, a service still unreachable at the deadline).
const USAGE = 'usage: npm run audit -- [--namespace NS] [--json] [--timeout SECONDS] [--limit DIFFERENCES]';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      namespace: { type: 'string' },
      json: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '300' },
      limit: { type: 'string', default: '1000' },
    },
  });
  const timeoutSec = Number(values.timeout);
  const limit = Number(values.limit);
  if (!(timeoutSec > 0) || !(Number.isInteger(limit) && limit >= 0)) {
    process.stderr.write(`--timeout must be a positive number of seconds, --limit a whole number\n${USAGE}\n`);
    return 2;
  }
  const config = loadConfig({ ...process.env, ...(values.namespace === undefined ? {} : { NAMESPACE: values.namespace }) });
  const log = stderrLogger('audit', config.logLevel);
  const kafka = createKafka(config, { clientIdSuffix: 'audit', log });
  const es = createElasticsearch(config);
  try {
    const report = await auditNamespace({
      kafka,
      es,
      names: names(config.namespace),
      pools: PoolIdentifier.fromFile(config.analytics.poolsFile, config.analytics.poolMatchOrder),
      log,
      deadlineMs: Date.now() + timeoutSec * 1000,
      maxDifferences: limit,
    });
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatAudit(report)}\n`);
    return report.exact ? 0 : 1;
  } finally {
    await es.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof TransientTimeoutError) {
      const cause = err.cause instanceof Error ? `${err.cause.name}: ${err.cause.message}` : String(err.cause);
      process.stderr.write(`audit: not done: ${err.message} (last error: ${cause}); is the stack up? npm run stack -- status\n`);
    } else if (err instanceof ConfigError) {
      process.stderr.write(`audit: ${err.message}\n`);
    } else {
      process.stderr.write(`audit: failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}\n`);
    }
    process.exit(2);
  },
);

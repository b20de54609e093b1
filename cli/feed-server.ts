import { parseArgs } from 'node:util';
import { createLogger } from '../pipeline/runtime/index.js';
import { FaultSchema } from '../producers/feed-server/fault-plan.js';
import { FeedServer, feedServerEnv } from '../producers/feed-server/feed-server.js';
import { RecordedFeedData } from '../producers/feed-server/recorded-feed-data.js';

// npm run feed-server -- --data DIR --port P [--fault MODE:COUNT[:PATH_PREFIX]]...
const { values } = parseArgs({
  options: { data: { type: 'string' }, port: { type: 'string', default: '8999' }, fault: { type: 'string', multiple: true } },
});
if (values.data === undefined) {
  process.stderr.write('usage: npm run feed-server -- --data DIR --port P [--fault error|timeout|rate-limit|malformed:COUNT[:PATH_PREFIX]]\n');
  process.exit(2);
}
const log = createLogger({ name: 'feed-server' });
const server = new FeedServer(await RecordedFeedData.load(values.data), log);
for (const spec of values.fault ?? []) {
  const [mode, count, pathPrefix] = spec.split(':');
  server.faults.add(FaultSchema.parse({ mode, count: Number(count), ...(pathPrefix ? { pathPrefix } : {}) }));
}
const baseUrl = await server.listen(Number(values.port));
log.info({ baseUrl, env: feedServerEnv(baseUrl) }, 'feed server listening');
process.stdout.write(`${JSON.stringify({ baseUrl, env: feedServerEnv(baseUrl) })}\n`);
const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

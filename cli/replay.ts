import { parseArgs } from 'node:util';
import { loadConfig } from '../pipeline/config/config.js';
import { names } from '../pipeline/contracts/names.js';
import { systemClock } from '../pipeline/runtime/index.js';
import { createLogger } from '../pipeline/runtime/index.js';
import { EventPublisher } from '../producers/event-publisher.js';
import { createKafka } from '../pipeline/clients/kafka.js';
import { KafkaRecordSink } from '../producers/kafka-record-sink.js';
import { ProducerMetrics } from '../producers/producer-metrics.js';
import { ensureTopics, exitOnConfigError } from '../producers/raw-topics.js';
import { replay } from '../producers/replay.js';

// npm run replay -- --data DIR [--rate N] [--namespace NS] [--create-topics]
const { values } = parseArgs({
  options: { data: { type: 'string' }, rate: { type: 'string' }, namespace: { type: 'string' }, 'create-topics': { type: 'boolean', default: false } },
});
if (values.data === undefined) {
  process.stderr.write('usage: npm run replay -- --data DIR [--rate EVENTS_PER_SECOND] [--namespace NS] [--create-topics]\n');
  process.exit(2);
}
const rate = values.rate === undefined ? null : Number(values.rate);
if (rate !== null && !(rate > 0)) {
  process.stderr.write('--rate must be a positive number of events per second\n');
  process.exit(2);
}
const config = loadConfig(values.namespace === undefined ? process.env : { ...process.env, NAMESPACE: values.namespace });
const log = createLogger({ name: 'replay', level: config.logLevel });
const n = names(config.namespace);
const kafka = createKafka(config, { clientIdSuffix: 'replay', log });
await ensureTopics(kafka, config, n, [...Object.values(n.topics), ...Object.values(n.deadLetter)], { create: values['create-topics'] }).catch(
  exitOnConfigError,
);
const sink = new KafkaRecordSink(kafka);
const publisher = new EventPublisher({ sink, names: n, component: 'replay', clock: systemClock, log, metrics: new ProducerMetrics() });
try {
  const stats = await replay({ dir: values.data, publisher, clock: systemClock, log, rate });
  log.info({ ...stats, namespace: config.namespace }, 'replay finished');
  process.stdout.write(`${JSON.stringify(stats)}\n`);
} finally {
  await sink.close();
}

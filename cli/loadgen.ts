import { parseArgs } from 'node:util';
import { loadConfig } from '../pipeline/config/config.js';
import { names } from '../pipeline/contracts/names.js';
import { systemClock } from '../pipeline/runtime/index.js';
import { createLogger } from '../pipeline/runtime/index.js';
import { EventPublisher } from '../producers/event-publisher.js';
import { createKafka } from '../pipeline/clients/kafka.js';
import { KafkaRecordSink } from '../producers/kafka-record-sink.js';
import { generateLoad, loadTemplates } from '../producers/load-generator.js';
import { ProducerMetrics } from '../producers/producer-metrics.js';
import { ensureTopics, exitOnConfigError } from '../producers/raw-topics.js';

// npm run loadgen -- --rate N --duration S [--data DIR] [--topic T] [--namespace NS] [--seed K] [--lanes L] [--create-topics]
const { values } = parseArgs({
  options: {
    rate: { type: 'string' },
    duration: { type: 'string', default: '10' },
    data: { type: 'string', default: 'data/sample' },
    topic: { type: 'string' },
    namespace: { type: 'string' },
    seed: { type: 'string', default: '1' },
    lanes: { type: 'string', default: '4' },
    'create-topics': { type: 'boolean', default: false },
  },
});
const rate = Number(values.rate);
const duration = Number(values.duration);
const lanes = Number(values.lanes);
if (!(rate > 0) || !(duration > 0) || !Number.isInteger(lanes) || lanes < 1) {
  process.stderr.write(
    'usage: npm run loadgen -- --rate TX_PER_SECOND --duration SECONDS [--data DIR] [--topic T] [--namespace NS] [--seed K] [--lanes L] [--create-topics]\n',
  );
  process.exit(2);
}
const config = loadConfig(values.namespace === undefined ? process.env : { ...process.env, NAMESPACE: values.namespace });
const log = createLogger({ name: 'loadgen', level: config.logLevel });
const base = names(config.namespace);
const target = { ...base, topics: { ...base.topics, transactions: values.topic ?? base.topics.transactions } };
const kafka = createKafka(config, { clientIdSuffix: 'loadgen', log });
await ensureTopics(kafka, config, base, [target.topics.transactions, target.deadLetter.transactions], { create: values['create-topics'] }).catch(
  exitOnConfigError,
);
// One producer per lane: each keeps one send in flight, so a slow round trip does not cap the rate.
const sinks = Array.from({ length: lanes }, () => new KafkaRecordSink(kafka));
const metrics = new ProducerMetrics();
const publishers = sinks.map((sink) => new EventPublisher({ sink, names: target, component: 'loadgen', clock: systemClock, log, metrics }));
try {
  const templates = await loadTemplates(values.data);
  const stats = await generateLoad({ templates, publishers, clock: systemClock, log, rate, durationSeconds: duration, seed: Number(values.seed) });
  log.info({ ...stats, topic: target.topics.transactions }, 'load finished');
  process.stdout.write(`${JSON.stringify({ ...stats, topic: target.topics.transactions })}\n`);
} finally {
  await Promise.all(sinks.map((sink) => sink.close()));
}

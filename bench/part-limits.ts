import type { Logger } from 'pino';
import { runtimeConnections } from '../pipeline/clients/runtime-connections.js';
import type { BenchOptions } from './bench-options.js';
import type { BulkSizeResult, PartLimit } from './bench-results.js';
import { BenchNamespace } from './bench-namespace.js';
import { figureOf, repeatRuns } from './figure.js';
import { measureEsBulk } from './parts/elasticsearch.js';
import { measureKafkaConsume, measureKafkaProduce } from './parts/kafka.js';
import { measureAcker, measureQueues } from './parts/redis.js';

/** Options of `measurePartLimits`. */
export type PartLimitsOptions = Pick<BenchOptions, 'sections' | 'runs' | 'kafkaRecords' | 'esDocuments' | 'esBulkSizes' | 'redisTuples'> & { log: Logger };

/**
 * The limits of the parts, each alone with the pipeline's data shape, on one fresh namespace set
 * up by the project's setup (the raw transaction topic, the transactions index with its mapping,
 * shards and replicas; the runtime's keys under the namespace's topology).
 */
export async function measurePartLimits(options: PartLimitsOptions): Promise<{ parts: PartLimit[]; esBulkSizes: BulkSizeResult[] }> {
  const { runs, log } = options;
  const ns = await BenchNamespace.create({ purpose: 'parts', log });
  const parts: PartLimit[] = [];
  const esBulkSizes: BulkSizeResult[] = [];
  const step = (what: string, value: number) => log.info({ what, perSecond: Math.round(value) }, 'part measured');
  try {
    if (options.sections.includes('kafka')) {
      const topic = ns.names.topics.transactions;
      const produced = await repeatRuns(runs, async (run) => {
        const rate = await measureKafkaProduce(ns.kafka, topic, options.kafkaRecords, 1_000 + run);
        step('kafka produce', rate);
        return rate;
      });
      parts.push({
        part: 'Kafka produce',
        unit: 'records/s',
        how: `${options.kafkaRecords.toLocaleString('en-US')} transaction records, acks=-1, 1,000 a request, 4 in flight, to the raw topic (${ns.config.kafka.partitions} partitions, RF ${ns.config.kafka.replicationFactor})`,
        rate: figureOf(produced),
      });
      const total = options.kafkaRecords * runs;
      const consumed = await repeatRuns(runs, async (run) => {
        const rate = await measureKafkaConsume(ns.kafka, topic, total, `${ns.names.namespace}-bench-consume-${run}`);
        step('kafka consume', rate);
        return rate;
      });
      parts.push({
        part: 'Kafka consume',
        unit: 'records/s',
        how: `the same topic (${total.toLocaleString('en-US')} records) from offset 0, a fresh group, eachBatch, no parsing`,
        rate: figureOf(consumed),
      });
    }
    if (options.sections.includes('elasticsearch')) {
      for (const bulkSize of options.esBulkSizes) {
        const rates = await repeatRuns(runs, async (run) => {
          const rate = await measureEsBulk(ns.es, ns.names.indices.transactions, options.esDocuments, bulkSize, 2_000 + bulkSize + run);
          step(`elasticsearch bulk ${bulkSize}`, rate);
          return rate;
        });
        esBulkSizes.push({ bulkSize, rate: figureOf(rates) });
      }
      const best = [...esBulkSizes].sort((a, b) => (b.rate?.median ?? 0) - (a.rate?.median ?? 0))[0];
      if (best !== undefined) {
        parts.push({
          part: 'Elasticsearch bulk',
          unit: 'documents/s',
          how: `${options.esDocuments.toLocaleString('en-US')} btc-transactions documents, external versions, 2 requests in flight, best bulk size ${best.bulkSize} (${ns.config.elasticsearch.shards} shards x ${ns.config.elasticsearch.replicas} replicas)`,
          rate: best.rate,
        });
      }
    }
    if (options.sections.includes('redis')) {
      const runtime = ns.config.runtime;
      const acker = await repeatRuns(runs, async () => {
        const rate = await measureAcker(ns.redis, ns.names.topology, runtime, options.redisTuples);
        step('redis acker', rate);
        return rate;
      });
      parts.push({
        part: 'Redis acker (Lua)',
        unit: 'trees/s',
        how: `${options.redisTuples.toLocaleString('en-US')} tuple trees: init + ack scripts and the completion pop, ${runtime.batchSize} trees a call, 4 callers on one connection`,
        rate: figureOf(acker),
      });
      const queues = await repeatRuns(runs, async (run) => {
        const rate = await measureQueues(runtimeConnections(ns.config), ns.names.topology, runtime, options.redisTuples, 3_000 + run);
        step('bullmq queues', rate);
        return rate;
      });
      parts.push({
        part: 'BullMQ task queues',
        unit: 'tuples/s',
        how: `${options.redisTuples.toLocaleString('en-US')} transaction tuples, ${runtime.batchSize} a job, runtime transport into 4 task queues, one BullMQ worker each (concurrency 1), jobs parsed`,
        rate: figureOf(queues),
      });
    }
    return { parts, esBulkSizes };
  } finally {
    await ns.delete();
  }
}

import type { Config } from '../pipeline/config/config.js';
import { names } from '../pipeline/contracts/names.js';
import { createElasticsearch } from '../pipeline/clients/elasticsearch.js';
import { createKafka } from '../pipeline/clients/kafka.js';
import { createRedis } from '../pipeline/clients/redis.js';
import { deleteIndices } from '../pipeline/setup/indices.js';
import { runSetup, type SetupResult } from '../pipeline/setup/run-setup.js';
import { deleteTopics, namespaceTopics } from '../pipeline/setup/topics.js';
import type { StackContext } from './context.js';
import { ensureElasticsearchInstalled } from './elasticsearch-install.js';
import { ensureKafkaInstalled } from './kafka-install.js';
import { ES_NODE_COUNT, KAFKA_NODE_COUNT, allNodes, esNodes, kafkaNodes, redisNode, type NodeSpec } from './layout.js';
import { localStackConfig } from './local-config.js';
import { findNodeProcess } from './node-process.js';
import { launchNode, stopNode, waitForNode } from './nodes.js';
import { findJava, isPortFree } from './prerequisites.js';
import { esClusterHealth, kafkaBrokers, nodeAnswers } from './probes.js';
import { ensureRedisInstalled } from './redis-server.js';
import { StackError } from './stack-error.js';
import { waitUntil } from './wait-until.js';

/** How long `up` waits for each service to become ready. */
export const READY_TIMEOUT_MS = { redis: 30_000, kafka: 180_000, es: 240_000 } as const;

/** What `up` found and did for one node. */
export interface NodeUpOutcome {
  node: string;
  outcome: 'started' | 'running' | 'foreign';
}

/** The result of `up`. */
export interface UpResult {
  nodes: NodeUpOutcome[];
  setup: SetupResult;
  elapsedMs: number;
}

async function classify(ctx: StackContext, node: NodeSpec): Promise<{ outcome: NodeUpOutcome['outcome'] | 'start'; problem?: string }> {
  const found = findNodeProcess(ctx, node);
  if (found.pid !== undefined) return { outcome: 'running' };
  if (found.listening) {
    if (await nodeAnswers(node)) return { outcome: 'foreign' };
    return { outcome: 'start', problem: `port ${node.port} (${node.id}) is taken by another program (pid ${found.foreignPid ?? 'unknown'})` };
  }
  if (node.peerPort !== undefined && !(await isPortFree(node.peerPort))) {
    return { outcome: 'start', problem: `port ${node.peerPort} (${node.id}) is taken by another program` };
  }
  return { outcome: 'start' };
}

/**
 * Brings the local stack up: installs what is missing (first run downloads), starts every node
 * that does not run, waits until each service is really ready, then runs the setup step.
 * Nodes that already run are left alone.
 */
export async function up(ctx: StackContext, config: Config): Promise<UpResult> {
  const started = performance.now();
  findJava();
  ensureRedisInstalled(ctx);
  ensureKafkaInstalled(ctx);
  ensureElasticsearchInstalled(ctx);

  const plan = await Promise.all(allNodes().map(async (node) => ({ node, ...(await classify(ctx, node)) })));
  const problems = plan.flatMap((p) => (p.problem ? [p.problem] : []));
  if (problems.length > 0) {
    throw new StackError(`cannot start the stack:\n  - ${problems.join('\n  - ')}`, { service: 'stack', hint: 'free the ports or stop the other programs' });
  }
  for (const p of plan) {
    if (p.outcome === 'start') launchNode(ctx, p.node);
    else ctx.log.info({ node: p.node.id, outcome: p.outcome }, 'node already running');
  }

  await waitForNode(ctx, redisNode(), READY_TIMEOUT_MS.redis);
  ctx.log.info({}, 'redis ready');
  await waitUntil(async () => (await kafkaBrokers()).length === KAFKA_NODE_COUNT, {
    timeoutMs: READY_TIMEOUT_MS.kafka,
    intervalMs: 500,
    what: `${KAFKA_NODE_COUNT} kafka brokers in the cluster metadata`,
  }).catch((err: unknown) => {
    throw new StackError('kafka did not become ready', { service: 'kafka', hint: `see ${ctx.paths.logs}/kafka-*.log`, cause: err });
  });
  ctx.log.info({ brokers: KAFKA_NODE_COUNT }, 'kafka ready');
  await waitForEsGreen(ctx, READY_TIMEOUT_MS.es);
  ctx.log.info({ nodes: ES_NODE_COUNT }, 'elasticsearch ready');

  const setup = await runSetup(localStackConfig(config), { log: ctx.log });
  await waitForEsGreen(ctx, READY_TIMEOUT_MS.es);
  const elapsedMs = Math.round(performance.now() - started);
  return {
    nodes: plan.map((p) => ({ node: p.node.id, outcome: p.outcome === 'start' ? 'started' : p.outcome })),
    setup,
    elapsedMs,
  };
}

/** Waits until the cluster is green with all nodes. */
export async function waitForEsGreen(ctx: StackContext, timeoutMs: number): Promise<void> {
  await waitUntil(
    async () => {
      const health = await esClusterHealth({ waitForGreen: { nodes: ES_NODE_COUNT, timeoutSec: 10 } });
      return health.status === 'green' && health.number_of_nodes === ES_NODE_COUNT;
    },
    { timeoutMs, intervalMs: 500, what: `elasticsearch green with ${ES_NODE_COUNT} nodes` },
  ).catch((err: unknown) => {
    throw new StackError('elasticsearch did not become green', { service: 'es', hint: `see ${ctx.paths.run}/es-*/logs/`, cause: err });
  });
}

/**
 * Stops every node of this checkout's stack (SIGTERM, then SIGKILL after `timeoutMs`); returns the
 * nodes it stopped. Nodes started by another checkout are left running.
 */
export async function down(ctx: StackContext, options: { timeoutMs?: number } = {}): Promise<string[]> {
  const stopped: string[] = [];
  const stopAll = async (nodes: NodeSpec[]) => {
    await Promise.all(
      nodes.map(async (node) => {
        if (findNodeProcess(ctx, node).pid === undefined) return;
        const pid = await stopNode(node.kind, node.index, { ctx, timeoutMs: options.timeoutMs ?? 30_000 });
        if (pid !== undefined) {
          stopped.push(node.id);
          ctx.log.info({ node: node.id, pid }, 'node stopped');
        }
      }),
    );
  };
  // Clients first would be nicer, but the stack has none: stop search, then the log, then Redis.
  await stopAll(esNodes());
  await stopAll(kafkaNodes());
  await stopAll([redisNode()]);
  return stopped;
}

/**
 * Empties the stack: deletes every topic of the namespace (dead-letter topics included), every
 * index and template of the namespace, FLUSHALL on the project's Redis, then recreates the
 * topics and indices empty.
 */
export async function reset(ctx: StackContext, config: Config): Promise<SetupResult> {
  const missing = (await Promise.all(allNodes().map(async (node) => ((await nodeAnswers(node)) ? [] : [node.id])))).flat();
  if (missing.length > 0) {
    throw new StackError(`cannot reset: ${missing.join(', ')} not running`, { service: 'stack', hint: 'run npm run stack -- up first' });
  }
  const local = localStackConfig(config);
  const n = names(local.namespace);
  const admin = createKafka(local, { clientIdSuffix: 'reset' }).admin();
  const es = createElasticsearch(local);
  const redis = createRedis(local);
  try {
    await admin.connect();
    const topics = await namespaceTopics(admin, n);
    await deleteTopics(admin, topics);
    ctx.log.info({ topics }, 'topics deleted');
    await deleteIndices(es, n);
    ctx.log.info({ namespace: n.namespace }, 'indices deleted');
    await redis.flushall();
    ctx.log.info({}, 'redis flushed');
  } finally {
    await admin.disconnect();
    await es.close();
    redis.disconnect();
  }
  const setup = await runSetup(local, { log: ctx.log });
  await waitForEsGreen(ctx, READY_TIMEOUT_MS.es);
  return setup;
}

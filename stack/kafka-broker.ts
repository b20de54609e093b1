import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackContext } from './context.js';
import { HOST, kafkaNodes, type NodeSpec } from './layout.js';
import { findJava } from './prerequisites.js';
import { startDetached } from './processes.js';
import { renderTemplate } from './render-template.js';

/** Heap of each broker; three of them must fit beside Elasticsearch on a small machine. */
export const KAFKA_HEAP = '512m';

/** Files of one broker under `.run/`. */
export interface KafkaBrokerFiles {
  dir: string;
  dataDir: string;
  config: string;
  log4j: string;
  pidFile: string;
  logFile: string;
  stdoutFile: string;
}

/** Where broker `node` keeps its config, data, pid and logs. */
export function kafkaBrokerFiles(ctx: StackContext, node: NodeSpec): KafkaBrokerFiles {
  const dir = join(ctx.paths.run, node.id);
  return {
    dir,
    dataDir: join(dir, 'data'),
    config: join(dir, 'server.properties'),
    log4j: join(dir, 'log4j.properties'),
    pidFile: join(ctx.paths.run, `${node.id}.pid`),
    logFile: join(ctx.paths.logs, `${node.id}.log`),
    stdoutFile: join(ctx.paths.logs, `${node.id}.out`),
  };
}

/** The cluster id shared by every broker: generated once and kept in `.run/kafka-cluster-id`. */
export function kafkaClusterId(ctx: StackContext): string {
  const file = ctx.paths.kafkaClusterIdFile;
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  let id: string;
  // Kafka's Uuid is 16 random bytes in URL-safe base64; ids starting with '-' are awkward on command lines.
  do id = randomBytes(16).toString('base64url');
  while (id.startsWith('-'));
  mkdirSync(ctx.paths.run, { recursive: true });
  writeFileSync(file, `${id}\n`);
  return id;
}

/** Writes the broker's server.properties and log4j.properties from the templates. */
export function writeKafkaConfig(ctx: StackContext, node: NodeSpec): KafkaBrokerFiles {
  const files = kafkaBrokerFiles(ctx, node);
  mkdirSync(files.dataDir, { recursive: true });
  mkdirSync(ctx.paths.logs, { recursive: true });
  const voters = kafkaNodes()
    .map((n) => `${n.index}@${HOST}:${n.peerPort}`)
    .join(',');
  writeFileSync(
    files.config,
    renderTemplate(join(ctx.paths.templates, 'kafka-server.properties'), {
      nodeId: node.index,
      quorumVoters: voters,
      host: HOST,
      port: node.port,
      controllerPort: node.peerPort ?? 0,
      dataDir: files.dataDir,
    }),
  );
  writeFileSync(files.log4j, renderTemplate(join(ctx.paths.templates, 'kafka-log4j.properties'), { logFile: files.logFile }));
  return files;
}

function classpath(ctx: StackContext): string {
  return `${ctx.paths.kafkaLibs}/*`;
}

/** Formats the broker's storage with the shared cluster id unless it is already formatted. */
export function formatKafkaStorage(ctx: StackContext, node: NodeSpec): void {
  const files = kafkaBrokerFiles(ctx, node);
  if (existsSync(join(files.dataDir, 'meta.properties'))) return;
  const java = findJava();
  ctx.log.info({ node: node.id }, 'formatting kafka storage');
  execFileSync(
    java.javaBin,
    [
      `-Dlog4j.configuration=file:${files.log4j}`,
      '-cp',
      classpath(ctx),
      'kafka.tools.StorageTool',
      'format',
      '-t',
      kafkaClusterId(ctx),
      '-c',
      files.config,
      '--ignore-formatted',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

/** Starts broker `node` as a detached JVM; its pid goes to `.run/kafka-N.pid`. */
export function startKafkaBroker(ctx: StackContext, node: NodeSpec): number {
  const files = writeKafkaConfig(ctx, node);
  formatKafkaStorage(ctx, node);
  const java = findJava();
  const pid = startDetached({
    command: java.javaBin,
    args: [
      `-Xms${KAFKA_HEAP}`,
      `-Xmx${KAFKA_HEAP}`,
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-XX:InitiatingHeapOccupancyPercent=35',
      '-XX:+ExplicitGCInvokesConcurrent',
      '-Djava.awt.headless=true',
      `-Dlog4j.configuration=file:${files.log4j}`,
      `-Dkafka.logs.dir=${ctx.paths.logs}`,
      '-cp',
      classpath(ctx),
      'kafka.Kafka',
      files.config,
    ],
    cwd: files.dir,
    env: { ...process.env, JAVA_HOME: java.javaHome },
    logFile: files.stdoutFile,
    pidFile: files.pidFile,
  });
  ctx.log.info({ node: node.id, pid, port: node.port }, 'kafka broker started');
  return pid;
}

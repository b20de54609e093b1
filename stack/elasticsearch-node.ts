import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackContext } from './context.js';
import { ES_CLUSTER_NAME, HOST, esNodes, type NodeSpec } from './layout.js';
import { findJava } from './prerequisites.js';
import { startDetached } from './processes.js';
import { renderTemplate } from './render-template.js';
import { asServiceUser, chownToServiceUser, ensureServiceUser, isRoot } from './service-user.js';

/** Heap of each Elasticsearch node. */
export const ES_HEAP = '512m';

/** Files of one Elasticsearch node under `.run/`. */
export interface EsNodeFiles {
  dir: string;
  config: string;
  dataDir: string;
  logsDir: string;
  pidFile: string;
  stdoutFile: string;
}

/** Where node `node` keeps its config (ES_PATH_CONF), data, logs and pid. */
export function esNodeFiles(ctx: StackContext, node: NodeSpec): EsNodeFiles {
  const dir = join(ctx.paths.run, node.id);
  return {
    dir,
    config: join(dir, 'config'),
    dataDir: join(dir, 'data'),
    logsDir: join(dir, 'logs'),
    // Inside the node's own directory: the node (not root) writes it.
    pidFile: join(dir, `${node.id}.pid`),
    stdoutFile: join(ctx.paths.logs, `${node.id}.out`),
  };
}

/** The node name inside the cluster: es1, es2, es3. */
export const esNodeName = (node: NodeSpec): string => `es${node.index}`;

/** Copies the distribution's config dir (first time) and writes the node's elasticsearch.yml. */
export function writeEsConfig(ctx: StackContext, node: NodeSpec): EsNodeFiles {
  const files = esNodeFiles(ctx, node);
  mkdirSync(files.dataDir, { recursive: true });
  mkdirSync(files.logsDir, { recursive: true });
  mkdirSync(ctx.paths.logs, { recursive: true });
  if (!existsSync(join(files.config, 'jvm.options'))) {
    cpSync(join(ctx.paths.elasticsearchHome, 'config'), files.config, { recursive: true });
  }
  const all = esNodes();
  writeFileSync(
    join(files.config, 'elasticsearch.yml'),
    renderTemplate(join(ctx.paths.templates, 'elasticsearch.yml'), {
      clusterName: ES_CLUSTER_NAME,
      nodeName: esNodeName(node),
      host: HOST,
      httpPort: node.port,
      transportPort: node.peerPort ?? 0,
      seedHosts: all.map((n) => `"${HOST}:${n.peerPort}"`).join(', '),
      initialMasterNodes: all.map((n) => `"${esNodeName(n)}"`).join(', '),
      dataDir: files.dataDir,
      logsDir: files.logsDir,
    }),
  );
  return files;
}

/**
 * Starts node `node` detached (`-d -p pidfile`); the launcher exits once the node runs and the
 * node writes its own pid file. As root, the node runs as the service user.
 */
export function startEsNode(ctx: StackContext, node: NodeSpec): void {
  const files = writeEsConfig(ctx, node);
  const java = findJava();
  if (isRoot()) {
    ensureServiceUser();
    chownToServiceUser([files.dir]);
  }
  const env = {
    ES_PATH_CONF: files.config,
    ES_JAVA_HOME: java.javaHome,
    ES_JAVA_OPTS: `-Xms${ES_HEAP} -Xmx${ES_HEAP}`,
  };
  const launcher = join(ctx.paths.elasticsearchHome, 'bin', 'elasticsearch');
  // `env` sets the variables after runuser has switched users, so that they survive the switch.
  const { command, args } = asServiceUser('env', [...Object.entries(env).map(([k, v]) => `${k}=${v}`), launcher, '-d', '-p', files.pidFile]);
  startDetached({ command, args, cwd: files.dir, env: { ...process.env, ...env }, logFile: files.stdoutFile });
  ctx.log.info({ node: node.id, port: node.port }, 'elasticsearch node starting');
}

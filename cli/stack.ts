import { loadConfig } from '../pipeline/config/config.js';
import { ConfigError } from '../pipeline/runtime/index.js';
import { defaultStackContext } from '../stack/default-context.js';
import { parseNodeId } from '../stack/layout.js';
import { startNode, stopNode } from '../stack/nodes.js';
import { down, reset, up } from '../stack/stack.js';
import { formatStatus, stackStatus } from '../stack/status-report.js';
import { StackError } from '../stack/stack-error.js';

const USAGE = `usage: npm run stack -- <command>
  up                 install (first run), start and set up the local stack; idempotent
  down               stop every node (SIGTERM, then SIGKILL after 30 s)
  status             processes, ports, health, topics and indices; exit 1 when not healthy
  reset              delete the namespace's topics and indices, FLUSHALL the project's Redis, recreate them empty
  kill <node> [-9]   stop one node (kafka-1..3, es-1..3, redis); -9 sends SIGKILL
  start <node>       start one node and wait until it answers`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const ctx = defaultStackContext(process.env.LOG_LEVEL ?? 'info');
  const config = loadConfig();
  switch (command) {
    case 'up': {
      const result = await up(ctx, config);
      ctx.log.info({ elapsedMs: result.elapsedMs, nodes: result.nodes }, 'stack up');
      process.stdout.write(`${formatStatus(await stackStatus(ctx, config))}\n`);
      process.stdout.write(`up in ${(result.elapsedMs / 1000).toFixed(1)} s\n`);
      return 0;
    }
    case 'down': {
      const stopped = await down(ctx);
      process.stdout.write(stopped.length > 0 ? `stopped: ${stopped.join(', ')}\n` : 'nothing of this checkout was running\n');
      return 0;
    }
    case 'status': {
      const status = await stackStatus(ctx, config);
      process.stdout.write(`${formatStatus(status)}\n`);
      return status.healthy ? 0 : 1;
    }
    case 'reset': {
      await reset(ctx, config);
      process.stdout.write(`${formatStatus(await stackStatus(ctx, config))}\n`);
      return 0;
    }
    case 'kill':
    case 'start': {
      const node = rest[0] ? parseNodeId(rest[0]) : undefined;
      if (!node) {
        process.stderr.write(`${USAGE}\n`);
        return 2;
      }
      if (command === 'kill') {
        const pid = await stopNode(node.kind, node.index, { ctx, signal: rest.includes('-9') ? 'SIGKILL' : 'SIGTERM' });
        process.stdout.write(pid === undefined ? `${node.id}: not running\n` : `${node.id}: stopped pid ${pid}\n`);
      } else {
        const outcome = await startNode(node.kind, node.index, { ctx });
        process.stdout.write(`${node.id}: ${outcome}\n`);
      }
      return 0;
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof StackError || err instanceof ConfigError) {
      process.stderr.write(`stack: ${err.message}\n`);
    } else {
      process.stderr.write(`stack: unexpected failure\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
    process.exit(1);
  },
);

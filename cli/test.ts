import { spawnSync } from 'node:child_process';
import { loadConfig } from '../pipeline/config/config.js';
import { defaultStackContext } from '../stack/default-context.js';
import { allNodes, parseNodeId } from '../stack/layout.js';
import { stopNode } from '../stack/nodes.js';
import { nodeAnswers } from '../stack/probes.js';
import { up } from '../stack/stack.js';

/**
 * `npm test`: typecheck, format and lint (Biome), import-cycle check, layering check (dependency-cruiser), unit tests; then makes sure the local stack is up
 * (starting it when needed), runs the integration and e2e projects and the quick benchmark suite
 * (`npm run bench -- --quick --warmup 15`, results in .run/bench-smoke/), and stops only the nodes it
 * started. Extra arguments go to vitest. Exits non-zero when any step fails.
 */

interface StepResult {
  step: string;
  ok: boolean;
}

function run(step: string, command: string, args: string[]): StepResult {
  process.stdout.write(`\n== ${step}: ${command} ${args.join(' ')}\n`);
  const res = spawnSync(command, args, { stdio: 'inherit', env: process.env });
  return { step, ok: res.status === 0 };
}

async function ensureStack(): Promise<{ started: string[]; ok: boolean }> {
  const answers = await Promise.all(allNodes().map((n) => nodeAnswers(n)));
  if (answers.every(Boolean)) {
    process.stdout.write('\n== stack: already running, left as found\n');
    return { started: [], ok: true };
  }
  process.stdout.write('\n== stack: not running, starting it (npm run stack -- up)\n');
  const ctx = defaultStackContext('info');
  try {
    const result = await up(ctx, loadConfig());
    return { started: result.nodes.filter((n) => n.outcome === 'started').map((n) => n.node), ok: true };
  } catch (err) {
    ctx.log.error({ err }, 'stack did not come up');
    return { started: [], ok: false };
  }
}

async function stopStarted(started: string[]): Promise<void> {
  const ctx = defaultStackContext('warn');
  // Reverse start order: Elasticsearch, Kafka, then Redis.
  for (const id of [...started].reverse()) {
    const node = parseNodeId(id);
    if (node) await stopNode(node.kind, node.index, { ctx });
  }
}

async function main(extra: string[]): Promise<number> {
  const results: StepResult[] = [];
  results.push(run('typecheck', 'npm', ['run', '-s', 'typecheck']));
  results.push(run('format and lint', 'npm', ['run', '-s', 'lint']));
  results.push(run('import cycles', 'npm', ['run', '-s', 'lint:cycles']));
  results.push(run('layering', 'npm', ['run', '-s', 'lint:layers']));
  results.push(run('unit tests', 'npx', ['vitest', 'run', '--project', 'unit', '--passWithNoTests', ...extra]));

  const stack = await ensureStack();
  results.push({ step: 'stack', ok: stack.ok });
  try {
    if (stack.ok) {
      results.push(run('integration and e2e tests', 'npx', ['vitest', 'run', '--project', 'integration', '--project', 'e2e', '--passWithNoTests', ...extra]));
      // A smoke run: it fails only when the suite crashes or a run does not complete, never on a speed.
      // A short warm-up (a full run's is 300 s; --quick has none) so that the smoke run takes that path too.
      results.push(run('benchmarks (quick smoke run)', 'npm', ['run', '-s', 'bench', '--', '--quick', '--warmup', '15', '--out', '.run/bench-smoke']));
    }
  } finally {
    if (stack.started.length > 0) await stopStarted(stack.started);
  }

  const failed = results.filter((r) => !r.ok).map((r) => r.step);
  process.stdout.write(
    failed.length === 0
      ? `npm test: all steps passed (${results.map((r) => r.step).join(', ')})${stack.started.length > 0 ? '; stopped the stack it started' : ''}\n`
      : `npm test: FAILED: ${failed.join(', ')}\n`,
  );
  return failed.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`npm test: unexpected failure\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);

import { randomBytes } from 'node:crypto';
import type { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElasticsearch } from '../../../pipeline/clients/elasticsearch.js';
import { loadConfig } from '../../../pipeline/config/config.js';
import { startNode, stopNode } from '../../../stack/nodes.js';
import { waitFor } from '../../support/wait-for.js';

const config = loadConfig();
const index = `t-esfail-${randomBytes(4).toString('hex')}`;
let es: Client;
let killed: number | undefined;
/**
 * Upper bound for a node restart plus replica recovery: on a 2-core machine with every other
 * test's indices in the cluster (hundreds of shard copies) this takes minutes, not seconds.
 */
const RECOVERY_BUDGET_MS = 420_000;

/** The stack's node number (1..3) of the node holding the primary of shard 0: node names are es1..es3. */
async function primaryNode(): Promise<number> {
  const rows = await es.cat.shards({ index, format: 'json', h: 'shard,prirep,state,node' });
  const primary = rows.find((r) => r.shard === '0' && r.prirep === 'p' && r.state === 'STARTED');
  const match = /^es(\d)$/.exec(primary?.node ?? '');
  if (!match?.[1]) throw new Error(`no started primary for ${index}`);
  return Number(match[1]);
}

beforeAll(async () => {
  es = createElasticsearch(config);
  await es.indices.create({
    index,
    settings: { number_of_shards: 1, number_of_replicas: 2 },
    mappings: { dynamic: 'strict', properties: { value: { type: 'keyword' } } },
    wait_for_active_shards: 'all',
  });
});

afterAll(async () => {
  if (killed !== undefined) await startNode('es', killed);
  await waitFor(async () => (await es.cluster.health({ wait_for_nodes: '3', timeout: '5s' })).number_of_nodes === 3, {
    timeoutMs: 300_000,
    what: 'three elasticsearch nodes again',
  });
  await es.indices.delete({ index, ignore_unavailable: true });
  await es.close();
}, RECOVERY_BUDGET_MS);

describe('an Elasticsearch node killed with SIGKILL', () => {
  it('does not lose a document indexed with two replicas', async () => {
    await es.index({ index, id: 'doc-1', document: { value: 'survives' }, refresh: 'wait_for', wait_for_active_shards: 'all' });
    killed = await primaryNode();
    expect(await stopNode('es', killed, { signal: 'SIGKILL' })).toBeTypeOf('number');

    await waitFor(async () => (await es.cluster.health({ timeout: '5s' })).number_of_nodes === 2, { timeoutMs: 60_000, what: 'cluster sees two nodes' });
    const doc = await waitFor(() => es.get<{ value: string }>({ index, id: 'doc-1' }), { timeoutMs: 60_000, what: 'document readable' });
    expect(doc.found).toBe(true);
    expect(doc._source).toEqual({ value: 'survives' });
    expect((await es.cluster.health({ index })).status).toBe('yellow');
  });

  it(
    'returns to green with three nodes when the node is started again',
    async () => {
      expect(killed).toBeTypeOf('number');
      const node = killed as number;
      expect(['started', 'running']).toContain(await startNode('es', node));
      killed = undefined;
      const health = await waitFor(
        async () => {
          const h = await es.cluster.health({ wait_for_status: 'green', wait_for_nodes: '3', timeout: '10s' });
          return h.status === 'green' && h.number_of_nodes === 3 ? h : undefined;
        },
        { timeoutMs: RECOVERY_BUDGET_MS - 20_000, what: 'cluster green with three nodes' },
      );
      expect(health.status).toBe('green');
      const doc = await es.get<{ value: string }>({ index, id: 'doc-1' });
      expect(doc._source).toEqual({ value: 'survives' });
    },
    RECOVERY_BUDGET_MS,
  );
});

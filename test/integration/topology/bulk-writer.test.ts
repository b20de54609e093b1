import { randomBytes } from 'node:crypto';
import type { Client } from '@elastic/elasticsearch';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElasticsearch } from '../../../pipeline/clients/elasticsearch.js';
import { loadConfig } from '../../../pipeline/config/config.js';
import { names } from '../../../pipeline/contracts/names.js';
import { systemClock } from '../../../pipeline/runtime/index.js';
import { deleteIndices, setupIndices } from '../../../pipeline/setup/indices.js';
import { BulkWriter } from '../../../pipeline/topology/es/bulk-writer.js';

const config = loadConfig();
const n = names(`t-bulk-${randomBytes(4).toString('hex')}`);
let es: Client;

beforeAll(async () => {
  es = createElasticsearch(config);
  await setupIndices(es, n, { shards: 1, smallIndexShards: 1, replicas: 0 });
});

afterAll(async () => {
  await deleteIndices(es, n);
  await es.close();
});

describe('BulkWriter on the real cluster (with the bulk response cut to the fields it reads)', () => {
  it('tells written, superseded and rejected documents apart, in item order', async () => {
    const writer = new BulkWriter(es, systemClock, pino({ level: 'silent' }), { retries: 0 });
    const index = n.indices.prices;
    const doc = (price: number) => ({ '@timestamp': '2026-12-01T00:00:00.000Z', pair: 'BTC-EUR', price_eur: price });
    const outcomes = await writer.write([
      { index, id: 'a', version: 2, doc: doc(2) },
      { index, id: 'b', version: 1, doc: { ...doc(1), unknown_field: true } },
      { index, id: 'a', version: 1, doc: doc(1) },
      { index, id: 'c', version: 1, doc: doc(3) },
    ]);
    expect(outcomes[0]).toEqual({ kind: 'written' });
    // The template's mapping is strict: Elasticsearch refuses the document itself.
    expect(outcomes[1]).toMatchObject({ kind: 'rejected', status: 400 });
    expect((outcomes[1] as { reason: string }).reason).toContain('strict_dynamic_mapping_exception');
    expect(outcomes[2]).toEqual({ kind: 'superseded' });
    expect(outcomes[3]).toEqual({ kind: 'written' });
    const stored = await es.mget<{ price_eur: number }>({ index, ids: ['a', 'b', 'c'] });
    expect(stored.docs.map((d) => ('found' in d && d.found ? d._source?.price_eur : null))).toEqual([2, null, 3]);
  });
});

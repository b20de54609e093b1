import { errors } from '@elastic/elasticsearch';
import type { Client } from '@elastic/elasticsearch';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { classifyBulkItemFailure, classifyRequestError } from '../../../pipeline/clients/elasticsearch-failure.js';
import { BulkWriter } from '../../../pipeline/topology/es/bulk-writer.js';
import { FakeClock } from '../../../pipeline/runtime/testing/index.js';

const log = pino({ level: 'silent' });
const item = (id: string) => ({ index: 'i', id, version: 1, doc: { id } });

/** The diagnostic the transport attaches when no node answered (status 0, as @elastic/transport sets it). */
const noAnswer = {
  body: undefined,
  statusCode: 0,
  headers: {},
  warnings: null,
  meta: {
    context: null,
    name: 'es',
    request: { params: { method: 'POST', path: '/_bulk' }, options: {}, id: 1 },
    connection: null,
    attempts: 5,
    aborted: false,
  },
};

const responseError = (statusCode: number, type: string) =>
  new errors.ResponseError({ ...noAnswer, statusCode, body: { error: { type, reason: `${type} reason` }, status: statusCode } } as never);

describe('classifyRequestError: a whole request that failed is about the cluster, not a document', () => {
  it.each([
    { name: 'NoLivingConnectionsError (status 0)', err: new errors.NoLivingConnectionsError('There are no living connections', noAnswer as never) },
    { name: 'ConnectionError', err: new errors.ConnectionError('connect ECONNREFUSED 127.0.0.1:9201', noAnswer as never) },
    { name: 'TimeoutError', err: new errors.TimeoutError('Request timed out', noAnswer as never) },
    { name: '429', err: responseError(429, 'es_rejected_execution_exception') },
    { name: '503 unavailable shards', err: responseError(503, 'unavailable_shards_exception') },
    { name: '403 cluster block', err: responseError(403, 'cluster_block_exception') },
    { name: '401 credentials refused', err: responseError(401, 'security_exception') },
    { name: 'a plain Error', err: new Error('socket hang up') },
  ])('$name: retriable', ({ err }) => {
    expect(classifyRequestError(err).retriable).toBe(true);
  });

  it('a 400 about the content itself: not retriable', () => {
    expect(classifyRequestError(responseError(400, 'mapper_parsing_exception'))).toMatchObject({
      retriable: false,
      status: 400,
      type: 'mapper_parsing_exception',
    });
  });
});

describe('classifyBulkItemFailure', () => {
  it.each([
    { status: 429, type: 'es_rejected_execution_exception', retriable: true },
    { status: 503, type: 'unavailable_shards_exception', retriable: true },
    { status: 500, type: 'exception', retriable: true },
    { status: 403, type: 'cluster_block_exception', retriable: true },
    { status: 404, type: 'index_not_found_exception', retriable: true },
    { status: 400, type: 'mapper_parsing_exception', retriable: false },
    { status: 400, type: 'document_parsing_exception', retriable: false },
    { status: 400, type: 'strict_dynamic_mapping_exception', retriable: false },
  ])('$status $type: retriable $retriable', ({ status, type, retriable }) => {
    expect(classifyBulkItemFailure(status, { type, reason: 'r' }).retriable).toBe(retriable);
  });
});

/** An Elasticsearch client whose `bulk` answers from a script, one entry per call. */
function scriptedClient(script: ((operations: unknown[]) => unknown)[]): { client: Client; calls: number } {
  const state = { calls: 0 };
  const client = {
    bulk: async ({ operations }: { operations: unknown[] }) => {
      const step = script[Math.min(state.calls, script.length - 1)] as (ops: unknown[]) => unknown;
      state.calls += 1;
      return step(operations);
    },
  } as unknown as Client;
  return {
    client,
    get calls() {
      return state.calls;
    },
  };
}

const allOk = (operations: unknown[]) => ({ items: Array.from({ length: operations.length / 2 }, () => ({ index: { status: 201 } })) });

describe('BulkWriter', () => {
  it('never rejects a document because the cluster was unreachable: unavailable after its retries', async () => {
    const clock = new FakeClock();
    const es = scriptedClient([
      () => {
        throw new errors.NoLivingConnectionsError('There are no living connections', noAnswer as never);
      },
    ]);
    const writer = new BulkWriter(es.client, clock, log, { retries: 2, backoffBaseMs: 10, backoffMaxMs: 10 });
    const outcomes = await clock.settle(writer.write([item('a'), item('b')]));
    expect(outcomes.map((o) => o.kind)).toEqual(['unavailable', 'unavailable']);
    expect(es.calls).toBe(3);
  });

  it('writes once the cluster is back within its retries', async () => {
    const clock = new FakeClock();
    const refused = () => {
      throw new errors.ConnectionError('connect ECONNREFUSED', noAnswer as never);
    };
    const es = scriptedClient([refused, refused, allOk]);
    const writer = new BulkWriter(es.client, clock, log, { retries: 5, backoffBaseMs: 10, backoffMaxMs: 10 });
    const outcomes = await clock.settle(writer.write([item('a'), item('b')]));
    expect(outcomes.map((o) => o.kind)).toEqual(['written', 'written']);
  });

  it('rejects only the document Elasticsearch itself refused; retries the items the cluster could not take', async () => {
    const clock = new FakeClock();
    const es = scriptedClient([
      () => ({
        items: [
          { index: { status: 400, error: { type: 'mapper_parsing_exception', reason: 'failed to parse field' } } },
          { index: { status: 403, error: { type: 'cluster_block_exception', reason: 'index read-only' } } },
          { index: { status: 409 } },
        ],
      }),
      allOk,
    ]);
    const writer = new BulkWriter(es.client, clock, log, { retries: 5, backoffBaseMs: 10, backoffMaxMs: 10 });
    const outcomes = await clock.settle(writer.write([item('a'), item('b'), item('c')]));
    expect(outcomes[0]).toMatchObject({ kind: 'rejected', status: 400 });
    expect(outcomes.slice(1).map((o) => o.kind)).toEqual(['written', 'superseded']);
  });
});

describe('BulkWriter logging', () => {
  it('says once per request how many items it retries and why (a slowdown of the cluster shows in the log)', async () => {
    const clock = new FakeClock();
    const lines: Record<string, unknown>[] = [];
    const recording = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
    const busy = { index: { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'queue full' } } };
    const es = scriptedClient([() => ({ items: [busy, { index: { status: 201 } }, busy] }), allOk]);
    const writer = new BulkWriter(es.client, clock, recording, { retries: 5, backoffBaseMs: 10, backoffMaxMs: 10 });
    const outcomes = await clock.settle(writer.write([item('a'), item('b'), item('c')]));
    expect(outcomes.map((o) => o.kind)).toEqual(['written', 'written', 'written']);
    const retried = lines.filter((l) => l.msg === 'bulk items retrying');
    expect(retried).toHaveLength(1);
    expect(retried[0]).toMatchObject({ attempt: 0, items: 2, of: 3, status: 429, reason: 'es_rejected_execution_exception: queue full' });
  });
});

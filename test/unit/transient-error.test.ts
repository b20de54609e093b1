import { errors } from '@elastic/elasticsearch';
import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { isTransientError } from '../../pipeline/clients/transient-error.js';

// kafkajs's error classes are not named exports under Node's ESM loader.
const { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } = kafkajs;

const noAnswer = {
  body: undefined,
  statusCode: 0,
  headers: {},
  warnings: null,
  meta: { context: null, name: 'es', request: { params: { method: 'GET', path: '/' }, options: {}, id: 1 }, connection: null, attempts: 0, aborted: false },
};
const notCoordinator = () =>
  new KafkaJSProtocolError({ type: 'NOT_COORDINATOR', code: 16, retriable: true, message: 'This is not the correct coordinator for this group' } as never);
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6380'), { code: 'ECONNREFUSED' });

describe('isTransientError', () => {
  it.each([
    { name: 'kafkajs NOT_COORDINATOR', err: notCoordinator() },
    {
      name: 'kafkajs retries exceeded on NOT_COORDINATOR',
      err: new KafkaJSNumberOfRetriesExceeded(notCoordinator(), { retryCount: 5, retryTime: 3000 } as never),
    },
    { name: 'kafkajs connection error', err: new KafkaJSConnectionError('Connection error: read ECONNRESET') },
    { name: 'ES no living connections', err: new errors.NoLivingConnectionsError('There are no living connections', noAnswer as never) },
    { name: 'a refused socket (Redis)', err: refused() },
    { name: 'ioredis closed connection', err: new Error('Connection is closed.') },
  ])('$name: transient', ({ err }) => {
    expect(isTransientError(err)).toBe(true);
  });

  it.each([
    { name: 'kafkajs non-retriable', err: new KafkaJSNonRetriableError('Invalid topic') },
    {
      name: 'kafkajs unknown topic (not retriable)',
      err: new KafkaJSProtocolError({ type: 'TOPIC_AUTHORIZATION_FAILED', code: 29, retriable: false, message: 'Not authorized' } as never),
    },
    { name: 'a plain bug', err: new TypeError("Cannot read properties of undefined (reading 'x')") },
    { name: 'not an error', err: 'oops' },
  ])('$name: not transient', ({ err }) => {
    expect(isTransientError(err)).toBe(false);
  });
});

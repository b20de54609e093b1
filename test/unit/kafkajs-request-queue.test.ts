import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * kafkajs 2.2.4's request queue (one per broker connection), patched by `patches/` at install
 * (kafkajs issue #1556). These tests hold the patch: an idle connection runs no timer, and a
 * request held back by a broker's throttle still goes out when the throttle ends.
 */
interface Entry {
  correlationId: number;
  apiName: string;
  apiKey: number;
  apiVersion: number;
  resolve: (response: unknown) => void;
  reject: (err: unknown) => void;
}
interface RequestQueue {
  pending: unknown[];
  push(request: { entry: Entry; expectResponse: boolean; sendRequest: () => void }): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer; size: number }): void;
  maybeThrottle(ms: number): void;
  checkPendingRequests(): void;
  destroy(): void;
}
type RequestQueueClass = new (options: Record<string, unknown>) => RequestQueue;

const RequestQueueImpl = createRequire(import.meta.url)('kafkajs/src/network/requestQueue/index.js') as RequestQueueClass;
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

describe('kafkajs request queue (patched)', () => {
  let queue: RequestQueue;
  const sent: number[] = [];
  const request = (correlationId: number) => ({
    entry: { correlationId, apiName: 'Fetch', apiKey: 1, apiVersion: 11, resolve: () => {}, reject: () => {} },
    expectResponse: true,
    sendRequest: () => sent.push(correlationId),
  });

  beforeEach(() => {
    vi.useFakeTimers();
    sent.length = 0;
    queue = new RequestQueueImpl({
      maxInFlightRequests: 1,
      requestTimeout: 30_000,
      enforceRequestTimeout: false,
      clientId: 'test',
      broker: 'b:9092',
      logger: quiet,
    });
  });
  afterEach(() => {
    queue.destroy();
    vi.useRealTimers();
  });

  it('runs no timer once nothing is pending, where 2.2.4 checked again every millisecond', () => {
    const checks = vi.spyOn(queue, 'checkPendingRequests');
    queue.push(request(1));
    queue.push(request(2)); // held back: one request in flight at most
    expect(sent).toEqual([1]);
    queue.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });
    queue.fulfillRequest({ correlationId: 2, payload: Buffer.alloc(0), size: 0 });
    expect(sent).toEqual([1, 2]);
    vi.advanceTimersByTime(50); // the check scheduled while 2 was pending finds nothing
    checks.mockClear();
    vi.advanceTimersByTime(1_000);
    expect(checks).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('sends a request held back by a throttle once the throttle ends', () => {
    queue.maybeThrottle(200);
    queue.push(request(7));
    expect(sent).toEqual([]);
    expect(queue.pending).toHaveLength(1);
    vi.advanceTimersByTime(150);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([7]);
    expect(queue.pending).toHaveLength(0);
  });
});

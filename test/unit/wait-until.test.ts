import { describe, expect, it } from 'vitest';
import { waitUntil, WaitTimeoutError } from '../../stack/wait-until.js';

class Transient extends Error {}

describe('waitUntil', () => {
  it('tells onRetry about each error it retries, with the number of that check, and returns the value', async () => {
    let checks = 0;
    const retried: [string, number][] = [];
    const value = await waitUntil(
      () => {
        checks += 1;
        if (checks < 3) throw new Transient(`down ${checks}`);
        return checks === 3 ? false : 'green';
      },
      {
        timeoutMs: 5_000,
        intervalMs: 1,
        retryIf: (err) => err instanceof Transient,
        onRetry: (err, attempt) => retried.push([(err as Error).message, attempt]),
      },
    );
    expect(value).toBe('green');
    expect(checks).toBe(4);
    expect(retried).toEqual([
      ['down 1', 1],
      ['down 2', 2],
    ]);
  });

  it('throws an error retryIf refuses at once, without telling onRetry', async () => {
    const retried: unknown[] = [];
    const wait = waitUntil(
      () => {
        throw new Error('bad request');
      },
      { timeoutMs: 5_000, intervalMs: 1, retryIf: (err) => err instanceof Transient, onRetry: (err) => retried.push(err) },
    );
    await expect(wait).rejects.toThrow('bad request');
    expect(retried).toEqual([]);
  });

  it('times out with the last retried error as the cause', async () => {
    const wait = waitUntil(
      () => {
        throw new Transient('still down');
      },
      { timeoutMs: 20, intervalMs: 5, what: 'the replicas' },
    );
    const err = await wait.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect((err as WaitTimeoutError).message).toContain('waiting for the replicas; last error: still down');
  });
});

import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../../pipeline/runtime/backoff.js';
import { decideOnFailure } from '../../../pipeline/runtime/replay-decision.js';
import { NonRetriableError, RetriableError, SchemaError } from '../../../pipeline/runtime/errors.js';

const backoff = { baseMs: 100, maxMs: 1000 };

describe('backoffDelayMs', () => {
  it.each([
    { attempts: 1, ceiling: 100 },
    { attempts: 2, ceiling: 200 },
    { attempts: 3, ceiling: 400 },
    { attempts: 4, ceiling: 800 },
    { attempts: 5, ceiling: 1000 },
    { attempts: 60, ceiling: 1000 },
  ])('has ceiling $ceiling after $attempts failures (full jitter)', ({ attempts, ceiling }) => {
    expect(backoffDelayMs(attempts, backoff, () => 0)).toBe(0);
    expect(backoffDelayMs(attempts, backoff, () => 0.5)).toBe(ceiling / 2);
    expect(backoffDelayMs(attempts, backoff, () => 0.999999)).toBe(ceiling - 1);
  });
});

describe('decideOnFailure', () => {
  it('replays a retriable failure with the next attempt number', () => {
    expect(decideOnFailure({ attempt: 1, maxAttempts: 3, error: new RetriableError('x'), backoff, random: () => 0.5 })).toEqual({
      action: 'replay',
      delayMs: 50,
      nextAttempt: 2,
    });
    expect(decideOnFailure({ attempt: 2, maxAttempts: 3, error: new Error('plain'), backoff, random: () => 0.5 })).toEqual({
      action: 'replay',
      delayMs: 100,
      nextAttempt: 3,
    });
  });

  it('dead-letters after the last attempt', () => {
    expect(decideOnFailure({ attempt: 3, maxAttempts: 3, error: new Error('x'), backoff })).toEqual({ action: 'dead-letter', reason: 'failed 3 attempts' });
  });

  it('without a limit, replays a retriable failure for ever (an unavailable service is not bad input)', () => {
    for (const attempt of [5, 100, 10_000]) {
      for (const error of [new RetriableError('no living connections'), new Error('ECONNRESET')]) {
        expect(decideOnFailure({ attempt, maxAttempts: null, error, backoff, random: () => 0.5 })).toEqual({
          action: 'replay',
          delayMs: 500,
          nextAttempt: attempt + 1,
        });
      }
    }
    expect(decideOnFailure({ attempt: 1, maxAttempts: null, error: new RetriableError('x'), backoff, random: () => 0.5 }).action).toBe('replay');
  });

  it('dead-letters a non-retriable error at once', () => {
    for (const error of [new NonRetriableError('bad'), new SchemaError('tx', [{ path: 'a', message: 'missing' }])]) {
      expect(decideOnFailure({ attempt: 1, maxAttempts: 5, error, backoff }).action).toBe('dead-letter');
      expect(decideOnFailure({ attempt: 1, maxAttempts: null, error, backoff }).action).toBe('dead-letter');
    }
  });
});

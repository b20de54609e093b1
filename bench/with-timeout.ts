import { PipelineError } from '../pipeline/runtime/index.js';

/** A benchmark step did not finish in time (the run does not complete: the suite fails). */
export class BenchTimeoutError extends PipelineError {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(`${what}: not done after ${Math.round(timeoutMs / 1000)} s`);
  }
}

/** `promise`, or a `BenchTimeoutError` after `timeoutMs`. */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BenchTimeoutError(what, timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

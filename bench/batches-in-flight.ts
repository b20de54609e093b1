/**
 * Sends `items` in consecutive batches of `batchSize`, `inFlight` batches at a time (each lane
 * takes the next batch when its last one is done); resolves with the seconds it took.
 */
export async function sendBatchesInFlight<T>(
  items: readonly T[],
  options: { batchSize: number; inFlight: number },
  send: (batch: readonly T[], index: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  let index = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < items.length) {
      const batch = items.slice(next, next + options.batchSize);
      next += batch.length;
      await send(batch, index++);
    }
  };
  await Promise.all(Array.from({ length: options.inFlight }, lane));
  return (performance.now() - started) / 1000;
}

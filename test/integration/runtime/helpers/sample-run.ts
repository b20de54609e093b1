import { expect } from 'vitest';
import { countedRecords, SampleRun as SampleCluster } from '../../../../bench/sample-run.js';
import { waitFor } from './wait-for.js';

export { countedRecords, sampleRecords } from '../../../../bench/sample-run.js';

/** The sample topology on the real stack (bench/sample-run.ts) with the tests' expectation on its sink. */
export class SampleRun extends SampleCluster {
  /**
   * Waits until the sink has counted every record the topic holds, then checks that the sink
   * equals the topic's contents, and the sent sums when the topic holds no duplicate. The topic is
   * the reference because a producer retry across a broker hiccup can store a record twice, and
   * the sink counts each stored record (offset) once.
   */
  async expectSinkMatchesTopic(
    sent: { records: readonly unknown[]; sums: Record<string, number> },
    options: { timeoutMs: number; intervalMs?: number; onPoll?: () => Promise<unknown> },
  ): Promise<void> {
    const topic = await this.topicContents();
    expect(topic.records).toBeGreaterThanOrEqual(sent.records.length);
    await waitFor(
      'every record counted',
      async () => {
        await options.onPoll?.();
        return countedRecords(await this.sink()) >= topic.records;
      },
      options.timeoutMs,
      options.intervalMs,
    ).catch(async (err: unknown) => {
      throw new Error(`${String(err)}: ${await this.describe()}`);
    });
    const sink = await this.sink();
    expect(sink.counts).toEqual(topic.counts);
    expect(sink.sums).toEqual(topic.sums);
    if (topic.records === sent.records.length) expect(sink.sums).toEqual(sent.sums);
  }
}

import type { OutgoingRecord, RecordSink } from '../../../producers/event-publisher.js';

/** A `RecordSink` that keeps what was sent, in order; `failNext` makes one send to a topic fail. */
export class MemorySink implements RecordSink {
  readonly records: { topic: string; key: string | null; value: string }[] = [];
  private readonly failures = new Map<string, Error>();

  async send(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    const failure = this.failures.get(topic);
    if (failure !== undefined) {
      this.failures.delete(topic);
      throw failure;
    }
    for (const r of records) this.records.push({ topic, key: r.key, value: r.value });
  }

  /** The next send to `topic` rejects with `error` (as a broker outage or a crash would). */
  failNext(topic: string, error: Error): void {
    this.failures.set(topic, error);
  }

  /** Records sent to `topic`, payloads parsed. */
  on(topic: string): { key: string | null; value: Record<string, unknown> & { data: Record<string, unknown> } }[] {
    return this.records.filter((r) => r.topic === topic).map((r) => ({ key: r.key, value: JSON.parse(r.value) }));
  }

  /** Forgets what was sent so far. */
  clear(): void {
    this.records.length = 0;
  }
}

import { InvariantError } from './errors.js';

/**
 * Tracks the offsets of one partition that were handed to the topology and which of them are
 * complete. Only the contiguous prefix of complete offsets can be committed: the commit offset is
 * the first offset not yet complete (Kafka's "next offset to read"), so nothing is ever skipped.
 * Offsets are decimal strings (Kafka's int64), handled as bigint.
 */
export class OffsetManager {
  /** Offsets in flight, ascending, with their completion flag. */
  private readonly inFlight: { offset: bigint; done: boolean }[] = [];
  private head = 0;
  private readonly byOffset = new Map<bigint, { offset: bigint; done: boolean }>();
  /** Next offset to commit when nothing is in flight. */
  private next: bigint | undefined;
  private lastCommitted: bigint | undefined;

  /** Registers an offset fetched from Kafka; offsets must be added in ascending order. */
  add(offset: string): void {
    const o = BigInt(offset);
    const last = this.inFlight[this.inFlight.length - 1];
    if ((last && o <= last.offset) || (this.next !== undefined && o < this.next)) {
      throw new InvariantError('offsets must be added in ascending order', { offset, last: last?.offset.toString() });
    }
    const entry = { offset: o, done: false };
    this.inFlight.push(entry);
    this.byOffset.set(o, entry);
  }

  /** Marks an offset complete (its tree was acked, or its record was dead-lettered). Unknown offsets are ignored. */
  complete(offset: string): void {
    const entry = this.byOffset.get(BigInt(offset));
    if (!entry) return;
    entry.done = true;
    this.byOffset.delete(entry.offset);
    while (this.head < this.inFlight.length && (this.inFlight[this.head] as { done: boolean }).done) {
      this.next = (this.inFlight[this.head] as { offset: bigint }).offset + 1n;
      this.head += 1;
    }
    if (this.head > 1024 && this.head * 2 > this.inFlight.length) {
      this.inFlight.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Offsets added but not complete. */
  get pending(): number {
    return this.byOffset.size;
  }

  /** The offset to commit (first not complete), or undefined when nothing new is committable. */
  committable(): string | undefined {
    if (this.next === undefined || this.next === this.lastCommitted) return undefined;
    return this.next.toString();
  }

  /** Records that `offset` was committed. */
  markCommitted(offset: string): void {
    this.lastCommitted = BigInt(offset);
  }
}

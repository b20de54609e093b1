/** Records what happened to each spout message in a local topology (Storm's AckTracker). */
export class AckTracker {
  readonly acked: string[] = [];
  readonly failed: { messageId: string; reason: unknown; attempt: number }[] = [];
  readonly deadLettered: { messageId: string; reason: string; error: unknown; attempts: number }[] = [];
  readonly emitted: { messageId: string; attempt: number }[] = [];

  isAcked(messageId: string): boolean {
    return this.acked.includes(messageId);
  }

  isDeadLettered(messageId: string): boolean {
    return this.deadLettered.some((d) => d.messageId === messageId);
  }

  /** Messages neither acked nor dead-lettered among `messageIds`. */
  unfinished(messageIds: readonly string[]): string[] {
    return messageIds.filter((m) => !this.isAcked(m) && !this.isDeadLettered(m));
  }
}

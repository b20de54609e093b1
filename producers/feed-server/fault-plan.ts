import { z } from 'zod';

/** What the feed server does instead of answering normally. */
export const FaultSchema = z
  .object({
    mode: z.enum(['error', 'timeout', 'rate-limit', 'malformed']),
    /** How many matching requests get this fault. */
    count: z.number().int().positive(),
    /** Only requests whose path starts with this get the fault; default: all. */
    pathPrefix: z.string().default('/'),
    /** Retry-After seconds sent with `rate-limit`. */
    retryAfterSeconds: z.number().int().nonnegative().default(1),
    /** HTTP status of `error`. */
    status: z.number().int().min(500).max(599).default(503),
  })
  .strict();
export type Fault = z.infer<typeof FaultSchema>;

/** Faults queued for the next requests, consumed in order. */
export class FaultPlan {
  private readonly queue: { fault: Fault; left: number }[] = [];
  /** How many faults were served, by mode. */
  readonly served: Record<Fault['mode'], number> = { error: 0, timeout: 0, 'rate-limit': 0, malformed: 0 };

  add(fault: Fault): void {
    this.queue.push({ fault, left: fault.count });
  }

  clear(): void {
    this.queue.length = 0;
  }

  /** The fault for a request to `path`, if one is queued for it (and counts it). */
  take(path: string): Fault | null {
    const entry = this.queue.find((e) => path.startsWith(e.fault.pathPrefix));
    if (entry === undefined) return null;
    entry.left -= 1;
    if (entry.left <= 0) this.queue.splice(this.queue.indexOf(entry), 1);
    this.served[entry.fault.mode] += 1;
    return entry.fault;
  }

  /** Faults still queued. */
  pending(): number {
    return this.queue.reduce((n, e) => n + e.left, 0);
  }
}

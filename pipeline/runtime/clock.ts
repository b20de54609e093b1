/**
 * Time sources. Results use event time from the data; timeouts use `monotonicMs`; wall time is
 * only for timestamps shown to people (ingest time, logs).
 */
export interface Clock {
  /** Milliseconds since the Unix epoch (wall clock, may jump). */
  nowMs(): number;
  /** Milliseconds on a clock that never goes backwards; only differences are meaningful. */
  monotonicMs(): number;
  /** Calls `fn` after `ms` monotonic milliseconds; returns a function that cancels it. */
  setTimer(ms: number, fn: () => void): () => void;
}

/** The real clock of the process. */
export const systemClock: Clock = {
  nowMs: () => Date.now(),
  monotonicMs: () => performance.now(),
  setTimer(ms, fn) {
    const handle = setTimeout(fn, ms);
    handle.unref?.();
    return () => clearTimeout(handle);
  },
};

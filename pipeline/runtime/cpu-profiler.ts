import { Session } from 'node:inspector/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { RetriableError } from './errors.js';

/** A V8 CPU profile (the `.cpuprofile` format Chrome DevTools and speedscope open). */
export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  /** Node id of each sample. */
  samples?: number[];
  /** Microseconds from the previous sample to each sample. */
  timeDeltas?: number[];
}

/** One call-tree node of a `CpuProfile`. */
export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number; scriptId: string };
  children?: number[];
}

/** Longest profile one request may ask for. */
export const MAX_PROFILE_SECONDS = 300;

/** A profile was asked for while another one of this process was still running: ask again when it ends. */
export class ProfilerBusyError extends RetriableError {}

/**
 * Samples this process's CPU with V8's profiler (through `node:inspector`, in process: no
 * debugger port is opened) for a while, one profile at a time, as Storm's worker profiler does
 * on request. Sampling every `intervalUs` costs the profiled process a few percent while it runs.
 * A profile running never keeps the process alive.
 */
export class CpuProfiler {
  private running = false;

  /** Profiles the next `seconds` (1 to `MAX_PROFILE_SECONDS`), sampling every `intervalUs` (default 1 000). */
  async capture(seconds: number, intervalUs = 1_000): Promise<CpuProfile> {
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_PROFILE_SECONDS) {
      throw new RangeError(`a profile lasts 1 to ${MAX_PROFILE_SECONDS} whole seconds, not ${seconds}`);
    }
    if (this.running) throw new ProfilerBusyError('a CPU profile of this worker is already running; ask again when it ends');
    this.running = true;
    const session = new Session();
    session.connect();
    try {
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
      await session.post('Profiler.start');
      await sleep(seconds * 1_000, undefined, { ref: false });
      const { profile } = await session.post('Profiler.stop');
      return profile as CpuProfile;
    } finally {
      session.disconnect();
      this.running = false;
    }
  }
}

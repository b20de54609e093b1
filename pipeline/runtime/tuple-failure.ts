import { PipelineError } from './errors.js';

/** Why a tuple tree failed, as it travels from a bolt through the acker to the spout (JSON). */
export interface FailureInfo {
  component: string;
  task: number;
  errorName: string;
  message: string;
  retriable: boolean;
  /**
   * The spout messages the failed tuples descend from, when the failure is not retriable: the
   * owner of a batch tree dead-letters these and replays the others of the batch.
   */
  messageIds?: string[];
}

/** The reason a spout receives in `fail` when a bolt failed the tree; retriable unless the bolt's error was not. */
export class TupleFailedError extends PipelineError {
  readonly component: string;
  readonly task: number;
  readonly errorName: string;
  /** Message of the bolt's error. */
  readonly errorMessage: string;

  constructor(info: FailureInfo) {
    super(`${info.component}[${info.task}] failed the tuple: ${info.errorName}: ${info.message}`, { retriable: info.retriable });
    this.component = info.component;
    this.task = info.task;
    this.errorName = info.errorName;
    this.errorMessage = info.message;
  }
}

/**
 * The reason a spout receives in `fail` for a message whose batch tree failed because of another
 * message (a non-retriable failure that does not descend from it): the message itself is not known
 * to be bad, so it is replayed at once, in a tree of its own, and never dead-lettered for this.
 */
export class TreeAbortedError extends PipelineError {
  /** The failure of the other message. */
  readonly failure: FailureInfo;

  constructor(failure: FailureInfo) {
    super(`another record of its batch failed in ${failure.component}[${failure.task}]: ${failure.errorName}: ${failure.message}`, { retriable: true });
    this.failure = failure;
  }
}

/** The reason a spout receives in `fail` when a tree was not complete within the message timeout. */
export class TupleTimeoutError extends PipelineError {
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super(`tuple tree not complete within ${timeoutMs} ms`, { retriable: true });
    this.timeoutMs = timeoutMs;
  }
}

/** Whether a failure may be fixed by a replay (plain `Error`s count as transient). */
export function isRetriable(err: unknown): boolean {
  return err instanceof PipelineError ? err.retriable : true;
}

/** Describes `err` for the acker (name, message, retriable flag). */
export function failureInfo(component: string, task: number, err: unknown, messageIds?: readonly string[]): FailureInfo {
  const e = err instanceof Error ? err : new Error(String(err));
  const retriable = isRetriable(err);
  const info: FailureInfo = { component, task, errorName: e.name, message: e.message.slice(0, 2000), retriable };
  if (!retriable && messageIds !== undefined) info.messageIds = [...messageIds];
  return info;
}

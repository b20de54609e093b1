/**
 * Error classes of the runtime and of everything built on it.
 *
 * Contract: data problems (a record that can never be processed) are `NonRetriableError`s and go
 * to the dead-letter topic without replay; transient problems are `RetriableError`s and replay with
 * backoff; broken invariants (`InvariantError`) crash the process so that pm2 restarts it.
 * Match errors with `instanceof` and their fields, never with message text.
 */

/** Base class of every error this project throws on purpose. */
export class PipelineError extends Error {
  /** Whether repeating the same work later may succeed. */
  readonly retriable: boolean;

  constructor(message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retriable = options.retriable ?? false;
  }
}

/** A transient failure: the tuple is replayed with backoff. */
export class RetriableError extends PipelineError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, retriable: true });
  }
}

/** Options of a `NonRetriableError`. */
export interface NonRetriableErrorOptions {
  cause?: unknown;
  /**
   * The spout messages that are bad, when the failed tuple carries several (a record batch): only
   * these are dead-lettered, and the others replay at once. Absent: every message the tuple
   * descends from.
   */
  messageIds?: readonly string[];
}

/** A failure that no replay can fix: the tuple goes to the dead-letter topic at once. */
export class NonRetriableError extends PipelineError {
  /** The bad spout messages among the tuple's (see `NonRetriableErrorOptions.messageIds`). */
  readonly messageIds: readonly string[] | undefined;

  constructor(message: string, options: NonRetriableErrorOptions = {}) {
    super(message, { cause: options.cause, retriable: false });
    this.messageIds = options.messageIds;
  }
}

/** One problem found in a value that failed validation. */
export interface Problem {
  /** Dotted path of the offending field, empty for the value itself. */
  path: string;
  message: string;
}

/** A value that does not match its schema (bad input); never retriable. */
export class SchemaError extends NonRetriableError {
  readonly schema: string;
  readonly problems: readonly Problem[];

  constructor(schema: string, problems: readonly Problem[], options: NonRetriableErrorOptions = {}) {
    super(`invalid ${schema}: ${problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('; ')}`, options);
    this.schema = schema;
    this.problems = problems;
  }
}

/** A configuration that cannot work; lists every problem so that one run shows them all. */
export class ConfigError extends PipelineError {
  readonly problems: readonly Problem[];

  constructor(message: string, problems: readonly Problem[] = []) {
    super(problems.length === 0 ? message : `${message}\n${problems.map((p) => `  - ${p.path || '(root)'}: ${p.message}`).join('\n')}`);
    this.problems = problems;
  }
}

/** A broken invariant: a bug or corrupted state. The process should crash and be restarted. */
export class InvariantError extends PipelineError {
  readonly details: Readonly<Record<string, unknown>>;

  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.details = details;
  }
}

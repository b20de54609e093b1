import { PipelineError } from '../pipeline/runtime/errors.js';

/** An operator command asked for something that cannot be done as given (bad argument, unknown group); commands exit 2 on it. */
export class UsageError extends PipelineError {}

import { PipelineError } from '../pipeline/runtime/index.js';

/** An operator command asked for something that cannot be done as given (bad argument, unknown group); commands exit 2 on it. */
export class UsageError extends PipelineError {}

/** An operator command refused to act because the pipeline is running (commands exit 2 and say what to stop). */
export class RefusalError extends UsageError {}

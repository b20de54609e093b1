import { PipelineError } from '../pipeline/runtime/index.js';

/** The local stack cannot be brought to the requested state; `hint` says what the operator can do. */
export class StackError extends PipelineError {
  readonly service: string;
  readonly hint: string | undefined;

  constructor(message: string, data: { service: string; hint?: string; cause?: unknown }) {
    super(data.hint ? `${message} (${data.hint})` : message, { cause: data.cause });
    this.service = data.service;
    this.hint = data.hint;
  }
}

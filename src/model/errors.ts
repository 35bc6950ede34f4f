// The one error class of the engine and everything around it, with a code the UI maps to words.

export type ErrorCode =
  | 'INVALID_RECORD'
  | 'INVALID_REQUEST'
  | 'INVALID_INPUT'
  | 'QUOTA_EXCEEDED'
  | 'SINK_CLOSED'
  | 'SINK_FAILED'
  | 'VERIFY_FAILED'
  | 'UNSUPPORTED'
  | 'NETWORK'
  | 'AUTH'
  | 'ABORTED'
  | 'INTERNAL';

export class ExportError extends Error {
  override readonly name = 'ExportError';
  readonly code: ErrorCode;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** True for the error an aborted AbortSignal throws; cancellation is not failure. */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

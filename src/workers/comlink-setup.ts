// Comlink's default `throw` handler keeps only name, message and stack. This one also keeps an
// ExportError's code, retryable flag and cause, and an AbortError stays an AbortError, so the UI can map
// codes to words and stay quiet on cancellation. Both sides of every worker import this module.

import { transferHandlers, type TransferHandler } from 'comlink';
import { ExportError, type ErrorCode } from '../model/errors.ts';

/** What crosses the boundary for a thrown value. */
export type SerializedThrow =
  | { isError: true; name: string; message: string; stack?: string; code?: ErrorCode; retryable?: boolean; cause?: string }
  | { isError: false; value: unknown };

const defaultThrowHandler = transferHandlers.get('throw') as TransferHandler<unknown, unknown>;

/** Turns a thrown value into plain data that survives structured cloning. */
export function serializeThrown(value: unknown): SerializedThrow {
  if (!(value instanceof Error) && !(value instanceof DOMException)) return { isError: false, value };
  const error = value as Error;
  const serialized: SerializedThrow = { isError: true, name: error.name, message: error.message, stack: error.stack };
  if (error instanceof ExportError) {
    serialized.code = error.code;
    serialized.retryable = error.retryable;
  }
  if (error.cause !== undefined) serialized.cause = error.cause instanceof Error ? `${error.cause.name}: ${error.cause.message}` : String(error.cause);
  return serialized;
}

/** Rebuilds the error on the receiving side: an ExportError with its code, a DOMException for AbortError. */
export function deserializeThrown(serialized: SerializedThrow): unknown {
  if (!serialized.isError) return serialized.value;
  if (serialized.code !== undefined) {
    const error = new ExportError(serialized.code, serialized.message, {
      retryable: serialized.retryable,
      cause: serialized.cause,
    });
    if (serialized.stack) error.stack = serialized.stack;
    return error;
  }
  if (serialized.name === 'AbortError' || serialized.name === 'QuotaExceededError' || serialized.name === 'NotAllowedError') {
    return new DOMException(serialized.message, serialized.name);
  }
  const error = new Error(serialized.message, serialized.cause === undefined ? undefined : { cause: serialized.cause });
  error.name = serialized.name;
  if (serialized.stack) error.stack = serialized.stack;
  return error;
}

const throwHandler: TransferHandler<{ value: unknown }, SerializedThrow> = {
  canHandle: (value): value is { value: unknown } => defaultThrowHandler.canHandle(value),
  serialize: ({ value }) => [serializeThrown(value), []],
  deserialize: (serialized) => {
    throw deserializeThrown(serialized);
  },
};

transferHandlers.set('throw', throwHandler as TransferHandler<unknown, unknown>);

// Validates the body of `POST /api/exports`: an ExportRequest (src/model/request-schema.ts) whose `createdAtMs`
// and `options` may be left out. Unknown fields are refused (which records API to read is server configuration,
// not client input).

import { FORMAT_REGISTRY } from '../formats/registry.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest } from '../model/request.ts';
import { parseExportRequest, RequestError } from '../model/request-schema.ts';

/** A refused body: the field path (`filter.kinds[0]`, `` for the body itself) and what is wrong with it. */
export class BodyError extends Error {
  constructor(readonly field: string, message: string) {
    super(field ? `${field}: ${message}` : message);
  }
}

/**
 * The ExportRequest of a parsed JSON body, with `createdAtMs` defaulting to `nowMs` and `options` to
 * DEFAULT_EXPORT_OPTIONS. Throws BodyError naming the first offending field.
 */
export function parseExportRequestBody(body: unknown, nowMs: number): ExportRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BodyError('', 'expected a JSON object');
  const { createdAtMs = nowMs, options = structuredClone(DEFAULT_EXPORT_OPTIONS), ...rest } = body as Record<string, unknown>;
  try {
    return parseExportRequest({ createdAtMs, options, ...rest }, FORMAT_REGISTRY);
  } catch (error) {
    if (error instanceof RequestError) throw new BodyError(error.field, error.problem);
    throw error;
  }
}

// A typed client for the records API (docs/api.md). Web-standard fetch only, so it runs in a worker, in Node
// and in the server. It reports failures as ExportError with a code; retrying is the caller's business (retry.ts).

import { ExportError, isAbortError } from '../model/errors.ts';
import type { RecordKind } from '../model/records.ts';
import { parseRetryAfterMs } from './retry.ts';

/** Path segment of each record kind in the API. */
export const API_KIND_PATHS: Record<RecordKind, string> = {
  activity: 'activities',
  steps: 'steps',
  weight: 'weight',
  sleep: 'sleep',
  record: 'records',
};

/** A record deleted on the server. */
export interface Tombstone {
  id: string;
  /** Epoch ms UTC. */
  deletedAtMs: number;
}

/** One page of changes of a kind. `items` are unvalidated: the caller validates each one. */
export interface RecordsPage {
  items: unknown[];
  tombstones: Tombstone[];
  /** Null on the last page. */
  nextCursor: string | null;
}

/** One page of an activity's samples: track chunks in the JSON-lines track-line shape, unvalidated. */
export interface SamplesPage {
  chunks: unknown[];
  nextCursor: string | null;
}

export interface ListRecordsOptions {
  /** Epoch ms, inclusive; absent for everything. */
  updatedSinceMs?: number;
  cursor?: string;
  /** Changes per page, 1–1000 (the server's default when absent). */
  limit?: number;
  signal?: AbortSignal;
}

export interface RecordsClient {
  /** `GET /v1/{kind}`: one page of changes. */
  listRecords(kind: RecordKind, options?: ListRecordsOptions): Promise<RecordsPage>;
  /** `GET /v1/activities/{id}/samples`: one page of track chunks. */
  listSamples(activityId: string, options?: { cursor?: string; signal?: AbortSignal }): Promise<SamplesPage>;
}

export interface RecordsClientOptions {
  /** API origin, optionally with a path prefix: `https://api.example.com/`. */
  baseUrl: string;
  /** Bearer token. */
  token: string;
  /** Defaults to the global `fetch`, looked up on every call (so a mock installed later is used). */
  fetch?: typeof fetch;
  /** Clock for HTTP-date `Retry-After` headers; default `Date.now`. */
  now?: () => number;
  /**
   * Longest a request may take, headers and body, ms; past it the request is abandoned as a retryable `NETWORK`
   * failure ("no answer in 30 s"). Default: no limit of its own (the browser's).
   */
  timeoutMs?: number;
}

/**
 * An API failure. `code` is `AUTH` (401: sign in again), `INVALID_REQUEST` (400, 404, a malformed body),
 * or `NETWORK` (no response, a cut body, 429, 5xx; these are `retryable`). `status` is the HTTP status when
 * there was one; `retryAfterMs` the server's `Retry-After`.
 */
export class RecordsApiError extends ExportError {
  readonly status?: number;
  readonly retryAfterMs?: number;
  /** The `error.code` of the response body, e.g. `rate_limited`. */
  readonly apiCode?: string;

  constructor(
    code: ExportError['code'], message: string,
    options: { status?: number; retryAfterMs?: number; apiCode?: string; cause?: unknown; retryable?: boolean } = {},
  ) {
    super(code, message, { cause: options.cause, retryable: options.retryable });
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.apiCode = options.apiCode;
  }
}

/** Makes a client for the records API; see `docs/api.md` for the contract. */
export function createRecordsClient(options: RecordsClientOptions): RecordsClient {
  const base = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
  const now = options.now ?? Date.now;

  async function getJson(path: string, query: Record<string, string | number | undefined>, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const url = new URL(path, base);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
    const doFetch = options.fetch ?? globalThis.fetch;
    const timeout = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
    const requestSignal = timeout && signal ? AbortSignal.any([signal, timeout]) : timeout ?? signal;
    // A timeout is the API's failure, retried like no response; an abort of the caller's own signal is not.
    const timedOut = (error: unknown) => timeout?.aborted === true && !signal?.aborted
      ? new RecordsApiError('NETWORK', `GET ${url.pathname}: no answer in ${options.timeoutMs! / 1000} s`, { cause: error, retryable: true })
      : undefined;
    let response: Response;
    try {
      response = await doFetch(url, { headers: { authorization: `Bearer ${options.token}`, accept: 'application/json' }, signal: requestSignal });
    } catch (error) {
      const late = timedOut(error);
      if (late) throw late;
      if (isAbortError(error) || signal?.aborted) throw signal?.reason ?? error;
      throw new RecordsApiError('NETWORK', `GET ${url.pathname}: no response (${messageOf(error)})`, { cause: error, retryable: true });
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      const late = timedOut(error);
      if (late) throw late;
      if (isAbortError(error) || signal?.aborted) throw signal?.reason ?? error;
      throw new RecordsApiError('NETWORK', `GET ${url.pathname}: connection cut while reading the response (${messageOf(error)})`, {
        status: response.status, cause: error, retryable: true,
      });
    }
    if (!response.ok) throw errorOf(response, text, url.pathname, now());
    try {
      const body: unknown = JSON.parse(text);
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new TypeError('the body is not a JSON object');
      return body as Record<string, unknown>;
    } catch (error) {
      // A 200 with a truncated body is what a proxy cutting the connection looks like; worth a retry.
      throw new RecordsApiError('NETWORK', `GET ${url.pathname}: unreadable response body (${messageOf(error)})`, {
        status: response.status, cause: error, retryable: true,
      });
    }
  }

  return {
    async listRecords(kind, { updatedSinceMs, cursor, limit, signal } = {}) {
      const body = await getJson(`v1/${API_KIND_PATHS[kind]}`, { updated_since: updatedSinceMs, cursor, limit }, signal);
      const items = body.items;
      const tombstones = body.tombstones ?? [];
      if (!Array.isArray(items) || !Array.isArray(tombstones)) {
        throw new RecordsApiError('INVALID_REQUEST', `GET v1/${API_KIND_PATHS[kind]}: response lacks the items or tombstones array`);
      }
      return { items, tombstones: tombstones.map(readTombstone), nextCursor: readCursor(body.next_cursor) };
    },
    async listSamples(activityId, { cursor, signal } = {}) {
      const body = await getJson(`v1/activities/${encodeURIComponent(activityId)}/samples`, { cursor }, signal);
      if (!Array.isArray(body.chunks)) throw new RecordsApiError('INVALID_REQUEST', `samples of activity ${activityId}: response lacks the chunks array`);
      return { chunks: body.chunks, nextCursor: readCursor(body.next_cursor) };
    },
  };
}

function errorOf(response: Response, text: string, path: string, nowMs: number): RecordsApiError {
  let apiCode: string | undefined;
  let apiMessage = text.slice(0, 200);
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') apiCode = body.error.code;
    if (typeof body.error?.message === 'string') apiMessage = body.error.message;
  } catch {
    // Not JSON (a proxy's HTML error page): the raw text above is the best description there is.
  }
  const { status } = response;
  // A web page where JSON belongs is a static host's fallback, not the records API: say so, not its markup.
  const said = /^\s*</.test(apiMessage) ? 'a web page, not the records API' : apiMessage.trim();
  const detail = `GET ${path}: HTTP ${status}${apiCode ? ` ${apiCode}` : ''}${said ? `: ${said}` : ''}`;
  if (status === 404) return new RecordsApiError('INVALID_REQUEST', `the records API has no ${path} (${detail}); check the records API address`, { status, apiCode });
  if (status === 401) return new RecordsApiError('AUTH', `sign in again: the records API refused the token (${detail})`, { status, apiCode });
  if (status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'), nowMs);
    return new RecordsApiError('NETWORK', detail, { status, apiCode, retryAfterMs, retryable: true });
  }
  return new RecordsApiError('INVALID_REQUEST', detail, { status, apiCode });
}

function readTombstone(value: unknown): Tombstone {
  const t = value as Partial<Tombstone> | null;
  if (typeof t?.id !== 'string' || typeof t.deletedAtMs !== 'number' || !Number.isFinite(t.deletedAtMs)) {
    throw new RecordsApiError('INVALID_REQUEST', `malformed tombstone ${JSON.stringify(value)?.slice(0, 200)}`);
  }
  return { id: t.id, deletedAtMs: t.deletedAtMs };
}

function readCursor(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw new RecordsApiError('INVALID_REQUEST', `next_cursor ${JSON.stringify(value)} is not a string or null`);
  return value;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// The export server's API (docs/server.md) from the page: start, list, download, delete server exports.
// Every call carries the person's bearer token; failures become ExportError with the server's message.

import { ExportError, type ErrorCode } from '../model/errors.ts';
import type { ExportRequest } from '../model/request.ts';
import type { ServerJobView } from '../model/server-job.ts';

export type { ServerJobView };

/** Where the server is (base URL ending in `/`, its API under `api/`) and the bearer token. */
export interface ServerConnection {
  baseUrl: string;
  token: string;
}

const STATUS_CODES: Record<number, ErrorCode> = { 400: 'INVALID_REQUEST', 401: 'AUTH', 403: 'AUTH', 413: 'INVALID_REQUEST', 429: 'NETWORK' };

async function call(server: ServerConnection, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${server.token}`);
  let response: Response;
  try {
    response = await fetch(new URL(path, server.baseUrl), { ...init, headers });
  } catch (error) {
    throw new ExportError('NETWORK', 'The export server could not be reached.', { cause: error, retryable: true });
  }
  if (response.ok) return response;
  const body = await readJson<{ error?: { message?: string; field?: string } }>(response).catch(() => undefined);
  const detail = body?.error?.message ?? response.statusText;
  const code = STATUS_CODES[response.status] ?? (response.status >= 500 ? 'NETWORK' : 'INTERNAL');
  throw new ExportError(code, `The export server answered ${response.status}: ${detail}${body?.error?.field ? ` (${body.error.field})` : ''}`, { retryable: code === 'NETWORK' });
}

/**
 * The JSON body of an answer, or an ExportError in words when it is something else: a web page where the API
 * should be (a static host's "page not found" or its app fallback) means no export server is at that address.
 */
async function readJson<T>(response: Response): Promise<T> {
  const text = await response.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    const what = /^\s*</.test(text) ? 'a web page' : text.trim() === '' ? 'nothing' : 'something that is not JSON';
    throw new ExportError('INVALID_REQUEST', `No export server answers at ${new URL(response.url || '/', location.href).host}: it sent ${what} instead of the export server's API. Check the export server address on the Data screen (an export server is optional; see docs/server.md).`);
  }
}

/**
 * Whether an export server answers at `baseUrl` (its `healthz`, no token needed): undefined when it does, else why
 * not in words, so the offer never names an address where nothing would take the export.
 */
export async function probeExportServer(baseUrl: string): Promise<string | undefined> {
  try {
    const response = await fetch(new URL('healthz', baseUrl));
    const body = await readJson<{ ok?: unknown }>(response);
    return body.ok === true ? undefined : `No export server answers at ${new URL(baseUrl).host}.`;
  } catch (error) {
    return error instanceof ExportError ? error.message : `The export server at ${new URL(baseUrl).host} could not be reached.`;
  }
}

/** `POST /api/exports`: starts an export of `request` on the server; resolves with its id. */
export async function createServerExport(server: ServerConnection, request: ExportRequest): Promise<string> {
  const response = await call(server, 'api/exports', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
  return (await readJson<{ id: string }>(response)).id;
}

/** `GET /api/exports`: the caller's server exports, newest first. */
export async function listServerExports(server: ServerConnection): Promise<ServerJobView[]> {
  const response = await call(server, 'api/exports');
  return (await readJson<{ exports: ServerJobView[] }>(response)).exports;
}

/** `GET /api/exports/:id/download?…` through the signed link of a COMPLETED export, as a named zip File. */
export async function downloadServerExport(server: ServerConnection, view: ServerJobView): Promise<File> {
  if (!view.downloadUrl) throw new ExportError('INVALID_REQUEST', 'This server export has no download link (it is not finished, or it expired).');
  const response = await call(server, view.downloadUrl.replace(/^\//, ''));
  return new File([await response.blob()], view.fileName, { type: 'application/zip' });
}

/** `DELETE /api/exports/:id`: stops it if running and deletes its file and row. */
export async function deleteServerExport(server: ServerConnection, id: string): Promise<void> {
  await call(server, `api/exports/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** `GET /api/push/vapid-public-key`. */
export async function serverVapidKey(server: ServerConnection): Promise<string> {
  const response = await call(server, 'api/push/vapid-public-key');
  return (await readJson<{ publicKey: string }>(response)).publicKey;
}

/** `POST /api/push/subscriptions` with `PushSubscription.toJSON()`. */
export async function registerPushSubscription(server: ServerConnection, subscription: PushSubscriptionJSON): Promise<void> {
  await call(server, 'api/push/subscriptions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(subscription) });
}

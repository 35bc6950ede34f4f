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
  const body = await response.json().catch(() => undefined) as { error?: { message?: string; field?: string } } | undefined;
  const detail = body?.error?.message ?? response.statusText;
  const code = STATUS_CODES[response.status] ?? (response.status >= 500 ? 'NETWORK' : 'INTERNAL');
  throw new ExportError(code, `The export server answered ${response.status}: ${detail}${body?.error?.field ? ` (${body.error.field})` : ''}`, { retryable: code === 'NETWORK' });
}

/** `POST /api/exports`: starts an export of `request` on the server; resolves with its id. */
export async function createServerExport(server: ServerConnection, request: ExportRequest): Promise<string> {
  const response = await call(server, 'api/exports', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
  return ((await response.json()) as { id: string }).id;
}

/** `GET /api/exports`: the caller's server exports, newest first. */
export async function listServerExports(server: ServerConnection): Promise<ServerJobView[]> {
  const response = await call(server, 'api/exports');
  return ((await response.json()) as { exports: ServerJobView[] }).exports;
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
  return ((await response.json()) as { publicKey: string }).publicKey;
}

/** `POST /api/push/subscriptions` with `PushSubscription.toJSON()`. */
export async function registerPushSubscription(server: ServerConnection, subscription: PushSubscriptionJSON): Promise<void> {
  await call(server, 'api/push/subscriptions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(subscription) });
}

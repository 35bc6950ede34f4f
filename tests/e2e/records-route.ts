// The emulated records API (tests/mocks/records-api.ts, the msw handlers) served to the browser through
// page.route(): each request the app's sync worker makes to /v1/ is answered by the same handlers, run here in
// the test process with msw's getResponse. A "network error" fault aborts the request; a cut body aborts it too.

import { test, type Page, type Route } from '@playwright/test';
import { getResponse } from 'msw';
import { createRecordsApi, type RecordsApi, type RecordsApiOptions } from '../mocks/records-api.ts';

/** The app's origin: the project's baseURL (the records API must be same-origin under the CSP). */
export function appOrigin(): string {
  return new URL('/', test.info().project.use.baseURL ?? 'http://127.0.0.1:4173').href;
}

/** Starts an emulated account on the app's origin (the CSP allows no other) and routes /v1/ to it. */
export async function routeRecordsApi(page: Page, options: Omit<RecordsApiOptions, 'baseUrl'> = {}): Promise<RecordsApi> {
  const origin = appOrigin();
  const api = createRecordsApi({ ...options, baseUrl: origin });
  await page.context().route(`${origin}v1/**`, (route) => answer(api, route));
  return api;
}

async function answer(api: RecordsApi, route: Route): Promise<void> {
  const request = route.request();
  const response = await getResponse(api.handlers, new Request(request.url(), { method: request.method(), headers: await request.allHeaders() }));
  if (!response || response.type === 'error') {
    await route.abort('connectionreset');
    return;
  }
  let body: Buffer;
  try {
    body = Buffer.from(await response.arrayBuffer());
  } catch {
    await route.abort('connectionreset');
    return;
  }
  await route.fulfill({ status: response.status, headers: Object.fromEntries(response.headers), body });
}

// The emulated records API for Vitest: an msw/node server around the handlers of ./records-api.ts.

import { setupServer } from 'msw/node';
import { createRecordsApi, type RecordsApi, type RecordsApiOptions } from './records-api.ts';

/** Creates the API and a not yet listening server for its handlers; call `server.listen()` in `beforeAll`. */
export function createRecordsApiServer(options: RecordsApiOptions = {}): { api: RecordsApi; server: ReturnType<typeof setupServer> } {
  const api = createRecordsApi(options);
  return { api, server: setupServer(...api.handlers) };
}

// The sync worker: a Comlink shell over src/sync and the store. Sync never runs on the main thread.

import './comlink-setup.ts';
import { expose } from 'comlink';
import { TakeawayDb } from '../store/db.ts';
import { CircuitBreaker } from '../sync/retry.ts';
import { createRecordsClient } from '../sync/client.ts';
import type { SyncWorkerApi } from './sync-api.ts';
import { runSync } from './sync-run.ts';

const db = new TakeawayDb();
// One breaker for the worker's life, so a failing API stays paused between "Sync now" clicks.
const breaker = new CircuitBreaker();
const runs = new Map<string, AbortController>();

const api: SyncWorkerApi = {
  async sync(runId, connection, onProgress) {
    const controller = new AbortController();
    runs.set(runId, controller);
    try {
      const client = createRecordsClient({ baseUrl: connection.baseUrl, token: connection.token });
      return await runSync(db, client, { breaker, signal: controller.signal, onProgress, pageSize: connection.pageSize });
    } finally {
      runs.delete(runId);
    }
  },
  async cancel(runId) {
    const controller = runs.get(runId);
    controller?.abort(new DOMException('The sync was cancelled.', 'AbortError'));
    return controller !== undefined;
  },
  pausedUntil: async () => {
    const until = breaker.pausedUntilMs;
    return until !== undefined && until > Date.now() ? until : undefined;
  },
};

expose(api);

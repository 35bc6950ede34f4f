// The page's door to the sync worker (the same pattern as bridge.ts): started on the first call, one run at a
// time, cancellable with an AbortSignal. It stays alive between runs so its circuit breaker remembers failures.

import './comlink-setup.ts';
import { proxy, releaseProxy, wrap, type Remote } from 'comlink';
import type { KindSyncProgress, SyncConnection, SyncOutcome, SyncWorkerApi } from './sync-api.ts';

export class SyncBridge {
  private worker: Worker | undefined;
  private remote: Remote<SyncWorkerApi> | undefined;

  private start(): Remote<SyncWorkerApi> {
    if (!this.remote) {
      this.worker = new Worker(new URL('./sync.worker.ts', import.meta.url), { type: 'module', name: 'takeaway-sync' });
      this.remote = wrap<SyncWorkerApi>(this.worker);
    }
    return this.remote;
  }

  /** Runs a sync; aborting `signal` stops it between requests (the outcome is then `cancelled`). */
  async sync(connection: SyncConnection, onProgress: (progress: KindSyncProgress) => void, signal?: AbortSignal): Promise<SyncOutcome> {
    const api = this.start();
    const runId = crypto.randomUUID();
    const cancel = () => { void api.cancel(runId); };
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      return await api.sync(runId, connection, proxy(onProgress));
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
  }

  /** Epoch ms until which the breaker refuses calls (undefined when closed or the worker is not running). */
  async pausedUntil(): Promise<number | undefined> {
    return this.remote?.pausedUntil();
  }

  /** Stops the worker now (a run in flight stops where it is; its cursor is saved). */
  terminate(): void {
    this.remote?.[releaseProxy]();
    this.worker?.terminate();
    this.worker = undefined;
    this.remote = undefined;
  }
}

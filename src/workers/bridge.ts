// The page's only door to the export worker (the Squoosh worker-bridge pattern): the worker starts on the
// first call, every call can take an AbortSignal, and the worker shuts down after a quiet spell.

import './comlink-setup.ts';
import { proxy, releaseProxy, wrap, type Remote } from 'comlink';
import type { ExportProgress } from '../engine/progress.ts';
import type { ExportWorkerApi, DemoLoadProgress, ImportEta, ImportFileResult, RunOutcome, StartExport } from './api.ts';

/** The worker is terminated after this long with no call in flight. */
export const IDLE_SHUTDOWN_MS = 60_000;

type Api = Remote<ExportWorkerApi>;

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

export class WorkerBridge {
  private worker: Worker | undefined;
  private remote: Api | undefined;
  private inFlight = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly idleShutdownMs = IDLE_SHUTDOWN_MS) {}

  private start(): Api {
    if (!this.remote) {
      this.worker = new Worker(new URL('./export.worker.ts', import.meta.url), { type: 'module', name: 'takeaway-export' });
      this.remote = wrap<ExportWorkerApi>(this.worker);
    }
    return this.remote;
  }

  /** Terminates the worker now; calls in flight reject. Exports in it stop (their jobs show as interrupted). */
  terminate(): void {
    clearTimeout(this.idleTimer);
    this.remote?.[releaseProxy]();
    this.worker?.terminate();
    this.worker = undefined;
    this.remote = undefined;
  }

  /**
   * Runs one call. Aborting `signal` rejects the call at once; `onAbort` says what the worker should do
   * about it (an export cancels its job; a plain call that is alone in the worker terminates it).
   */
  private async call<T>(run: (api: Api) => Promise<T>, signal?: AbortSignal, onAbort?: (api: Api) => void): Promise<T> {
    signal?.throwIfAborted();
    clearTimeout(this.idleTimer);
    const api = this.start();
    this.inFlight += 1;
    let removeAbort = () => {};
    try {
      const aborted = new Promise<never>((_, reject) => {
        if (!signal) return;
        const listener = () => {
          if (onAbort) onAbort(api);
          else if (this.inFlight === 1) this.terminate();
          reject(abortError(signal));
        };
        signal.addEventListener('abort', listener, { once: true });
        removeAbort = () => signal.removeEventListener('abort', listener);
      });
      return await Promise.race([run(api), aborted]);
    } finally {
      removeAbort();
      this.inFlight -= 1;
      if (this.inFlight === 0 && this.remote) {
        this.idleTimer = setTimeout(() => { if (this.inFlight === 0) this.terminate(); }, this.idleShutdownMs);
      }
    }
  }

  plan(request: Parameters<ExportWorkerApi['plan']>[0], previewRows = 0, signal?: AbortSignal) {
    return this.call((api) => api.plan(request, previewRows), signal);
  }

  /** Runs an export; aborting `signal` cancels the job in the worker (its history row says CANCELLED). */
  async runExport(job: StartExport, onProgress: (progress: ExportProgress) => void, signal?: AbortSignal): Promise<RunOutcome> {
    // The run's own promise settles once the worker has cleaned up, so wait for it rather than racing the abort.
    const callback = proxy(onProgress);
    const cancel = () => { void this.remote?.cancel(job.jobId); };
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      return await this.call((api) => api.runExport(job, callback));
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
  }

  cancel(jobId: string) {
    return this.call((api) => api.cancel(jobId));
  }

  verify(historyId: string, password?: string, signal?: AbortSignal) {
    return this.call((api) => api.verify(historyId, password), signal);
  }

  savedZip(historyId: string) {
    return this.call((api) => api.savedZip(historyId));
  }

  shareCandidates(historyId: string) {
    return this.call((api) => api.shareCandidates(historyId));
  }

  deleteExport(historyId: string) {
    return this.call((api) => api.deleteExport(historyId));
  }

  recoverInterrupted() {
    return this.call((api) => api.recoverInterrupted());
  }

  loadDemo(options: Parameters<ExportWorkerApi['loadDemo']>[0], onProgress?: (progress: DemoLoadProgress) => void) {
    return this.call((api) => api.loadDemo(options, onProgress ? proxy(onProgress) : undefined));
  }

  importFiles(files: File[], onResult?: (result: ImportFileResult) => void, onProgress?: (progress: ImportEta) => void) {
    return this.call((api) => api.importFiles(files, onResult ? proxy(onResult) : undefined, onProgress ? proxy(onProgress) : undefined));
  }

  clearAll() {
    return this.call((api) => api.clearAll());
  }

  summary() {
    return this.call((api) => api.summary());
  }

  formats() {
    return this.call((api) => api.formats());
  }

  setZipWorkers(useWebWorkers: boolean) {
    return this.call((api) => api.setZipWorkers(useWebWorkers));
  }
}

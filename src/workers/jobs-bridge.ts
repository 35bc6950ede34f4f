// The page's door to the background-jobs worker. Unlike the export bridge it never shuts the worker down when
// idle: the worker runs the job queue and the schedule timer for as long as the page is open.

import './comlink-setup.ts';
import { proxy, releaseProxy, wrap, type Remote } from 'comlink';
import type { ExportProgress } from '../engine/progress.ts';
import type { JobsWorkerApi } from './jobs-api.ts';

export class JobsBridge {
  private worker: Worker | undefined;
  private remote: Remote<JobsWorkerApi> | undefined;
  /** Read when the worker starts: how long finished exports are kept, ms. */
  retentionMs: () => number = () => 30 * 86_400_000;
  private readonly progressListeners = new Set<(jobId: string, progress: ExportProgress) => void>();

  /** The worker, started (and its runner started) on first use. */
  api(): Remote<JobsWorkerApi> {
    if (!this.remote) {
      this.worker = new Worker(new URL('./jobs.worker.ts', import.meta.url), { type: 'module', name: 'takeaway-jobs' });
      // A worker that dies of an uncaught error is replaced; the new one resumes its jobs from their checkpoints.
      this.worker.addEventListener('error', () => { this.terminate(); this.api(); });
      const remote = wrap<JobsWorkerApi>(this.worker);
      this.remote = remote;
      void remote.watch(proxy((jobId: string, progress: ExportProgress) => {
        for (const listener of this.progressListeners) listener(jobId, progress);
      }));
      // Messages are handled in order: the retention is set before the runner starts and expires anything.
      void remote.setRetention(this.retentionMs());
      void remote.start();
    }
    return this.remote;
  }

  get isStarted(): boolean {
    return this.remote !== undefined;
  }

  onProgress(listener: (jobId: string, progress: ExportProgress) => void): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }

  /**
   * Kills the worker mid-write, as a crash would (test hook and "restart"): running jobs stay PROCESSING in the
   * database until the next worker finds them and resumes them from their checkpoints.
   */
  terminate(): void {
    this.remote?.[releaseProxy]();
    this.worker?.terminate();
    this.worker = undefined;
    this.remote = undefined;
  }
}

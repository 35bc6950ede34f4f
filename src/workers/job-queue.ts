// A small queue of export jobs: at most `limit` run at once (per device), the rest wait in order.
// Each job gets its own AbortController; cancelling a waiting job removes it before it ever starts.

/** Default number of exports that run at the same time: two keep both cores of a phone busy without starving the page. */
export const DEFAULT_JOB_CONCURRENCY = 2;

interface Waiting {
  id: string;
  start: () => void;
  controller: AbortController;
}

export class JobQueue {
  private running = new Map<string, AbortController>();
  private waiting: Waiting[] = [];

  constructor(private readonly limit: number = DEFAULT_JOB_CONCURRENCY) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`job concurrency must be a positive integer, got ${limit}`);
  }

  /** Ids of the jobs running now and of those waiting, in order. */
  get state(): { running: string[]; waiting: string[] } {
    return { running: [...this.running.keys()], waiting: this.waiting.map((w) => w.id) };
  }

  /**
   * Runs `task` when a slot is free. `onStart` fires when it leaves the queue. Rejects with an AbortError
   * when `cancel(id)` is called, whether the job was waiting or running (the task sees its signal abort).
   */
  async run<T>(id: string, task: (signal: AbortSignal) => Promise<T>, onStart?: () => void): Promise<T> {
    if (this.running.has(id) || this.waiting.some((w) => w.id === id)) throw new Error(`job ${id} is already queued`);
    const controller = new AbortController();
    if (this.running.size >= this.limit) {
      await new Promise<void>((resolve, reject) => {
        const entry: Waiting = { id, controller, start: resolve };
        controller.signal.addEventListener('abort', () => {
          this.waiting = this.waiting.filter((w) => w !== entry);
          reject(controller.signal.reason);
        }, { once: true });
        this.waiting.push(entry);
      });
    }
    this.running.set(id, controller);
    try {
      onStart?.();
      return await task(controller.signal);
    } finally {
      this.running.delete(id);
      this.waiting.shift()?.start();
    }
  }

  /** Cancels a waiting or running job; returns false when no such job is known. */
  cancel(id: string, reason: unknown = new DOMException('The export was cancelled.', 'AbortError')): boolean {
    const controller = this.running.get(id) ?? this.waiting.find((w) => w.id === id)?.controller;
    if (!controller) return false;
    controller.abort(reason);
    return true;
  }
}

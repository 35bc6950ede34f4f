import { describe, expect, it } from 'vitest';
import { JobQueue } from './job-queue.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

describe('JobQueue', () => {
  it('runs at most the limit at once and starts waiting jobs in order', async () => {
    const queue = new JobQueue(2);
    const gates = [deferred(), deferred(), deferred()];
    const started: string[] = [];
    const runs = ['a', 'b', 'c'].map((id, i) => queue.run(id, async () => { started.push(id); await gates[i].promise; return id; }));
    await Promise.resolve();
    expect(started).toEqual(['a', 'b']);
    expect(queue.state.waiting).toEqual(['c']);
    gates[0].resolve();
    await runs[0];
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual(['a', 'b', 'c']);
    gates[1].resolve();
    gates[2].resolve();
    expect(await Promise.all(runs)).toEqual(['a', 'b', 'c']);
  });

  it('aborts the signal of a running job on cancel', async () => {
    const queue = new JobQueue(1);
    const run = queue.run('a', (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))));
    await Promise.resolve();
    expect(queue.cancel('a')).toBe(true);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('removes a waiting job on cancel without ever starting it', async () => {
    const queue = new JobQueue(1);
    const gate = deferred();
    const first = queue.run('a', () => gate.promise);
    let secondStarted = false;
    const second = queue.run('b', async () => { secondStarted = true; });
    expect(queue.cancel('b')).toBe(true);
    await expect(second).rejects.toMatchObject({ name: 'AbortError' });
    gate.resolve();
    await first;
    expect(secondStarted).toBe(false);
    expect(queue.state).toEqual({ running: [], waiting: [] });
  });
});

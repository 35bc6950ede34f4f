import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttleProgress } from './throttle-progress.ts';

describe('throttleProgress', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it('sends the first value at once and at most one value per interval after it', () => {
    const seen: number[] = [];
    const send = throttleProgress((n: number) => seen.push(n), 250, () => Date.now());
    send(1);
    send(2);
    send(3);
    expect(seen).toEqual([1]);
    vi.advanceTimersByTime(250);
    expect(seen).toEqual([1, 3]);
  });

  it('flush sends the value held back, so the last progress is never lost', () => {
    const seen: number[] = [];
    const send = throttleProgress((n: number) => seen.push(n), 250, () => Date.now());
    send(1);
    send(2);
    send.flush();
    expect(seen).toEqual([1, 2]);
    vi.advanceTimersByTime(1000);
    expect(seen).toEqual([1, 2]);
  });

  it('a listener that throws or rejects does not reach the caller', async () => {
    const send = throttleProgress(() => Promise.reject(new Error('page gone')), 250, () => Date.now());
    expect(() => send(1)).not.toThrow();
    const sync = throttleProgress(() => { throw new Error('boom'); }, 250, () => Date.now());
    expect(() => sync(1)).not.toThrow();
  });
});

// Progress crossing to the page: every message is a task on the main thread (a Comlink call, a reply and
// a render), so the worker forwards at most a few per second and always the last one.

/** Progress messages the page gets per second at most (the bar moves smoothly enough at 4). */
export const PAGE_PROGRESS_INTERVAL_MS = 250;

/**
 * Wraps a listener so it sees at most one value per `intervalMs`; a value held back is sent once the
 * interval has passed (by timer), and `flush()` sends the held one at once (call it when the run ends).
 */
export function throttleProgress<T>(listener: (value: T) => void, intervalMs = PAGE_PROGRESS_INTERVAL_MS, now: () => number = () => Date.now()) {
  let lastSentMs = -Infinity;
  let held: { value: T } | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const send = () => {
    clearTimeout(timer);
    timer = undefined;
    if (!held) return;
    const { value } = held;
    held = undefined;
    lastSentMs = now();
    try {
      // A proxied listener returns a promise; a page that went away rejects it, which must not fail the run.
      const result = listener(value) as unknown;
      if (result instanceof Promise) result.catch(() => undefined);
    } catch {
      // Progress is best effort.
    }
  };
  const throttled = (value: T) => {
    held = { value };
    const waitMs = lastSentMs + intervalMs - now();
    if (waitMs <= 0) send();
    else timer ??= setTimeout(send, waitMs);
  };
  return Object.assign(throttled, { flush: send, cancel: () => { clearTimeout(timer); timer = undefined; held = undefined; } });
}

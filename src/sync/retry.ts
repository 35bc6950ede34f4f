// Failure handling as data: a retry policy, its backoff schedule, Retry-After parsing and a circuit breaker.
// No timers here: `sleep` and `now` are injected so tests run on fake time.

import { ExportError, isAbortError } from '../model/errors.ts';

/** How the sync retries a failing request. Every field is data, so a test can state the schedule it expects. */
export interface RetryPolicy {
  /** Attempts per request, including the first. Default 8 (the breaker usually opens before). */
  maxAttempts: number;
  /** Delay before the first retry, ms. Default 1000. Doubles on each further retry. */
  baseDelayMs: number;
  /** Longest computed backoff, ms. Default 60 000. */
  maxDelayMs: number;
  /** Share of each delay that is random, 0–1: the delay is `d × (1 − jitter + jitter × random())`. Default 0.5. */
  jitter: number;
  /** Longest `Retry-After` honoured, ms; a longer one is capped. Default 10 minutes. */
  maxRetryAfterMs: number;
  /** Consecutive failed requests that open the circuit breaker. Default 5. */
  breakerThreshold: number;
  /** How long an open breaker refuses calls, ms. Default 5 minutes. */
  breakerCooldownMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  jitter: 0.5,
  maxRetryAfterMs: 10 * 60_000,
  breakerThreshold: 5,
  breakerCooldownMs: 5 * 60_000,
};

/** Waits `ms`, rejecting with the signal's reason when it aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** A real `setTimeout` sleep that an AbortSignal cuts short. */
export const realSleep: Sleep = (ms, signal) => new Promise<void>((resolve, reject) => {
  signal?.throwIfAborted();
  const onAbort = () => {
    clearTimeout(timer);
    reject(signal?.reason);
  };
  const timer = setTimeout(() => {
    signal?.removeEventListener('abort', onAbort);
    resolve();
  }, ms);
  signal?.addEventListener('abort', onAbort, { once: true });
});

/**
 * Backoff before retry number `retry` (1 = the first retry): `baseDelayMs × 2^(retry−1)` capped at `maxDelayMs`,
 * with the `jitter` share of it randomised by `random()` (0 ≤ r < 1) so clients that failed together spread out.
 */
export function backoffDelayMs(policy: RetryPolicy, retry: number, random: () => number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(exponential * (1 - policy.jitter + policy.jitter * random()));
}

/**
 * A `Retry-After` header in ms: delta seconds (`"30"`) or an HTTP date relative to `nowMs`.
 * Undefined when absent or unreadable; a date in the past gives 0.
 */
export function parseRetryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const dateMs = Date.parse(text);
  return Number.isNaN(dateMs) ? undefined : Math.max(0, dateMs - nowMs);
}

/** `HH:MM` of an epoch ms in the runtime's local time zone, as a person reads a clock. */
export function clockText(timeMs: number): string {
  const date = new Date(timeMs);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

/** The error an open breaker throws: code `NETWORK`, not retryable until `pausedUntilMs`. */
export class CircuitOpenError extends ExportError {
  readonly pausedUntilMs: number;

  constructor(pausedUntilMs: number, cause?: unknown) {
    super('NETWORK', `the records API is failing; paused until ${clockText(pausedUntilMs)}`, { cause, retryable: false });
    this.pausedUntilMs = pausedUntilMs;
  }
}

/**
 * Counts consecutive failed requests; at `breakerThreshold` it opens for `breakerCooldownMs` and every call
 * is refused with a `CircuitOpenError`. After the cool-down one call is let through (half-open): a success
 * closes it, a failure opens it again. Keep one per client so separate syncs share what they learnt.
 */
export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openUntilMs: number | undefined;
  private lastError: unknown;

  constructor(private readonly policy: RetryPolicy = DEFAULT_RETRY_POLICY) {}

  /** Throws `CircuitOpenError` while open. */
  check(nowMs: number): void {
    if (this.openUntilMs !== undefined && nowMs < this.openUntilMs) throw new CircuitOpenError(this.openUntilMs, this.lastError);
  }

  recordSuccess(): void {
    this.consecutiveFailures = 0;
    this.openUntilMs = undefined;
  }

  /** Counts a failure; returns the `CircuitOpenError` when this failure opened the breaker. */
  recordFailure(nowMs: number, error: unknown): CircuitOpenError | undefined {
    this.consecutiveFailures += 1;
    this.lastError = error;
    const isHalfOpenProbe = this.openUntilMs !== undefined;
    if (this.consecutiveFailures < this.policy.breakerThreshold && !isHalfOpenProbe) return undefined;
    this.openUntilMs = nowMs + this.policy.breakerCooldownMs;
    return new CircuitOpenError(this.openUntilMs, error);
  }

  /** Epoch ms until which calls are refused, or undefined when closed. */
  get pausedUntilMs(): number | undefined {
    return this.openUntilMs;
  }
}

/** What `withRetry` needs besides the call. */
export interface RetryContext {
  policy: RetryPolicy;
  breaker: CircuitBreaker;
  sleep: Sleep;
  now: () => number;
  random: () => number;
  signal?: AbortSignal;
  /** Told about each wait before a retry (for progress and logs). */
  onRetry?: (info: { attempt: number; delayMs: number; error: ExportError }) => void;
}

/** A failure the API asked us to wait for: `ExportError` with `retryable` and an optional server-given delay. */
export interface RetryHint {
  retryAfterMs?: number;
}

/**
 * Runs `call` until it succeeds, retrying retryable `ExportError`s (network, 429, 5xx) after the server's
 * `Retry-After` when it gave one (capped at `maxRetryAfterMs`), else after `backoffDelayMs`.
 * Non-retryable errors and aborts go straight through. Every failure counts towards the breaker.
 */
export async function withRetry<T>(call: () => Promise<T>, context: RetryContext): Promise<T> {
  const { policy, breaker, signal } = context;
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    breaker.check(context.now());
    try {
      const result = await call();
      breaker.recordSuccess();
      return result;
    } catch (error) {
      if (isAbortError(error) || signal?.aborted) throw signal?.reason ?? error;
      if (!(error instanceof ExportError) || !error.retryable) {
        // An auth or request error says nothing about the API's health; it neither opens nor closes the breaker.
        throw error;
      }
      const opened = breaker.recordFailure(context.now(), error);
      if (opened) throw opened;
      if (attempt >= policy.maxAttempts) throw error;
      const hinted = (error as ExportError & RetryHint).retryAfterMs;
      const delayMs = hinted !== undefined ? Math.min(hinted, policy.maxRetryAfterMs) : backoffDelayMs(policy, attempt, context.random);
      context.onRetry?.({ attempt, delayMs, error });
      await context.sleep(delayMs, signal);
    }
  }
}

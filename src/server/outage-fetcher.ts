// A job's records-API calls ride out an outage: the sync's retry policy and circuit breaker around every call,
// and while the breaker is open the job waits (paused) instead of failing, probes once when it half-opens, and
// gives up only when the API has kept failing for longer than the outage budget.

import { ExportError } from '../model/errors.ts';
import { CircuitBreaker, CircuitOpenError, clockText, withRetry, type RetryContext, type RetryPolicy, type Sleep } from '../sync/retry.ts';
import type { RecordFetcher } from './record-fetcher.ts';

export interface OutageOptions {
  policy: RetryPolicy;
  /** How long the API may keep failing (from the breaker's first opening) before calls fail for good, ms. */
  outageBudgetMs: number;
  sleep: Sleep;
  now: () => number;
  random: () => number;
  signal: AbortSignal;
  /** The breaker opened: calls wait until `untilMs`. */
  onPause(untilMs: number, reason: string): void;
  /** A call succeeded after a pause: the breaker is closed again. */
  onResume(): void;
}

/**
 * Wraps `client` so that each call retries (backoff, `Retry-After`), waits out an open breaker, and fails with
 * code `NETWORK` only past `outageBudgetMs`. After a cool-down exactly one waiting call goes first (the half-open
 * probe); the others follow once it has answered, so a still-dead API gets one request per cool-down.
 */
export function outageTolerantFetcher(client: RecordFetcher, options: OutageOptions): RecordFetcher {
  const { now, signal } = options;
  const breaker = new CircuitBreaker(options.policy);
  const context: RetryContext = { policy: options.policy, breaker, sleep: options.sleep, now, random: options.random, signal };
  /** Epoch ms the breaker first opened in the current outage; undefined while the API answers. */
  let outageSinceMs: number | undefined;
  /** The half-open probe in flight, which the other callers wait for. */
  let probe: Promise<void> | undefined;

  async function call<T>(request: () => Promise<T>): Promise<T> {
    for (;;) {
      while (probe) await probe;
      const untilMs = breaker.pausedUntilMs;
      const isProbe = untilMs !== undefined && now() >= untilMs;
      const attempt = withRetry(request, context);
      if (isProbe) {
        const settled = attempt.then(() => undefined, () => undefined);
        probe = settled.finally(() => {
          probe = undefined;
        });
      }
      try {
        const result = await attempt;
        if (outageSinceMs !== undefined) {
          outageSinceMs = undefined;
          options.onResume();
        }
        return result;
      } catch (error) {
        if (!(error instanceof CircuitOpenError)) throw error;
        outageSinceMs ??= now();
        const cause = error.cause instanceof Error ? error.cause.message : String(error.cause);
        if (error.pausedUntilMs - outageSinceMs > options.outageBudgetMs) {
          throw new ExportError('NETWORK', `the records API has been failing for ${spanText(now() - outageSinceMs)}, longer than this server waits `
            + `(${spanText(options.outageBudgetMs)}); last error: ${cause}`, { cause: error });
        }
        options.onPause(error.pausedUntilMs, `the records API is failing (${cause}); trying again at ${clockText(error.pausedUntilMs)}`);
        await options.sleep(Math.max(0, error.pausedUntilMs - now()), signal);
      }
    }
  }

  return {
    listRecords: (kind, callOptions) => call(() => client.listRecords(kind, callOptions)),
    listSamples: (id, callOptions) => call(() => client.listSamples(id, callOptions)),
  };
}

/** A span as "45 s" below two minutes, else "12 min". */
function spanText(ms: number): string {
  return ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}

// Public entry of the sync: the records API client, the resumable sync and the retry policy.

export {
  API_KIND_PATHS, createRecordsClient, RecordsApiError,
  type ListRecordsOptions, type RecordsClient, type RecordsClientOptions, type RecordsPage, type SamplesPage, type Tombstone,
} from './client.ts';
export {
  backoffDelayMs, CircuitBreaker, CircuitOpenError, clockText, DEFAULT_RETRY_POLICY, parseRetryAfterMs, realSleep, withRetry,
  type RetryContext, type RetryPolicy, type Sleep,
} from './retry.ts';
export { syncAll, type KindSyncProgress, type SyncOptions, type SyncSummary } from './sync.ts';

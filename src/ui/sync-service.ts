// The page's sync singleton: one SyncBridge, the state of the current run, and a hook to follow it.

import { useSyncExternalStore } from 'react';
import { RECORD_KINDS, type RecordKind } from '../model/records.ts';
import type { KindSyncProgress, SyncOutcome } from '../workers/sync-api.ts';
import { SyncBridge } from '../workers/sync-bridge.ts';
import { loadConnection, withTrailingSlash } from './connection.ts';

export const syncBridge = new SyncBridge();

export interface SyncRunState {
  isRunning: boolean;
  progress: Partial<Record<RecordKind, KindSyncProgress>>;
  outcome?: SyncOutcome;
}

let state: SyncRunState = { isRunning: false, progress: {} };
let controller: AbortController | undefined;
const listeners = new Set<() => void>();

function set(next: SyncRunState): void {
  state = next;
  for (const listener of listeners) listener();
}

export function useSyncRun(): SyncRunState {
  return useSyncExternalStore((l) => { listeners.add(l); return () => listeners.delete(l); }, () => state);
}

/** Starts a sync with the saved connection (one at a time); resolves with how it ended. */
export async function startSync(options: { pageSize?: number } = {}): Promise<SyncOutcome> {
  if (state.isRunning && controller) throw new Error('a sync is already running');
  const connection = loadConnection();
  controller = new AbortController();
  set({ isRunning: true, progress: {} });
  try {
    const outcome = await syncBridge.sync(
      { baseUrl: withTrailingSlash(connection.recordsUrl), token: connection.token, pageSize: options.pageSize },
      (progress) => set({ ...state, progress: { ...state.progress, [progress.kind]: progress } }),
      controller.signal,
    );
    set({ isRunning: false, progress: state.progress, outcome });
    return outcome;
  } catch (error) {
    const outcome: SyncOutcome = { status: 'failed', summary: state.progress, code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
    set({ isRunning: false, progress: state.progress, outcome });
    return outcome;
  } finally {
    controller = undefined;
  }
}

/** Stops the running sync between requests; the next one resumes from the saved cursors. */
export function stopSync(): void {
  controller?.abort();
}

/** Kinds in display order. */
export const SYNC_KINDS: readonly RecordKind[] = RECORD_KINDS;

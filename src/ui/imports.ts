// Importing files from the page: the drop zone, the file picker, shared files and "open with" all come
// here; the work runs in the worker, and this keeps the per-file results for the Data screen.

import { useSyncExternalStore } from 'react';
import type { ImportEta, ImportFileResult } from '../workers/api.ts';
import { bridge } from './services.ts';

export interface ImportState {
  running: boolean;
  /** Names of the files of the current batch, in order. */
  pending: string[];
  results: ImportFileResult[];
  /** Where the batch came from, for the status line. */
  origin?: 'picked' | 'shared' | 'opened';
  /** How far the file being read is, with an ETA (a large account export takes minutes). */
  progress?: ImportEta;
}

let state: ImportState = { running: false, pending: [], results: [] };
const listeners = new Set<() => void>();

function set(next: ImportState): void {
  state = next;
  for (const listener of listeners) listener();
}

/** The import state, re-rendering on each finished file. */
export function useImports(): ImportState {
  return useSyncExternalStore((l) => { listeners.add(l); return () => listeners.delete(l); }, () => state);
}

/** Imports files in the worker, one result per file; batches queue behind each other. */
let chain: Promise<unknown> = Promise.resolve();
export function importFiles(files: File[], origin: ImportState['origin'] = 'picked'): Promise<ImportFileResult[]> {
  const run = async () => {
    set({ running: true, pending: files.map((f) => f.name), results: [], origin, progress: undefined });
    const results: ImportFileResult[] = [];
    try {
      return await bridge.importFiles(files, (result) => {
        results.push(result);
        set({ ...state, results: [...results], progress: undefined });
      }, (progress) => set({ ...state, progress }));
    } finally {
      set({ ...state, running: false, progress: undefined });
    }
  };
  const next = chain.then(run, run);
  chain = next.catch(() => undefined);
  return next;
}

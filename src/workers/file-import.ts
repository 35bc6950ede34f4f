// Imports files the person dropped, picked, shared or opened with the app: each file on its own through
// the importers and importIntoStore, so every file gets its own result line and one bad file stops nothing.

import { blobRandomAccess, importFiles, type ImportFile, type ImportProgress } from '../import/index.ts';
import { importEta, type ImportEta } from '../import/import-progress.ts';
import { throttleProgress } from './throttle-progress.ts';
import { importIntoStore } from '../import/store-import.ts';
import type { TakeawayDb } from '../store/db.ts';
import type { ImportFileResult } from './api.ts';

/** Reads a Blob as a stream of chunks, so a big zip is never held whole. */
function chunksOf(file: Blob): () => AsyncIterable<Uint8Array> {
  return async function* read() {
    const reader = file.stream().getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  };
}

/**
 * Imports the files one by one into the store; `onResult` hears about each as it ends, `onProgress` (a few times a
 * second at most) how far the current file is read, with an ETA.
 */
export async function importDroppedFiles(
  db: TakeawayDb, files: readonly File[], onResult?: (result: ImportFileResult) => void, onProgress?: (progress: ImportEta) => void,
): Promise<ImportFileResult[]> {
  const results: ImportFileResult[] = [];
  const progress = onProgress && throttleProgress(onProgress);
  for (const file of files) {
    const startMs = performance.now();
    const tell = progress && ((p: ImportProgress) => progress(importEta(p, (performance.now() - startMs) / 1000)));
    // Read at offsets, so a zip is opened by its central directory and only the member being read is in memory.
    const input: ImportFile = { name: file.name, bytes: chunksOf(file), randomAccess: async () => blobRandomAccess(file) };
    let result: ImportFileResult;
    try {
      const stored = await importIntoStore(db, importFiles([input], { onProgress: tell }));
      progress?.flush();
      result = {
        file: file.name, activities: stored.activities, records: stored.records,
        skippedDuplicates: stored.skippedDuplicates, supersededRecords: stored.supersededRecords,
        errors: stored.errors.map((e) => (e.file === file.name ? e.message : `${e.file}: ${e.message}`)),
        warnings: stored.warnings.map((w) => (w.file === file.name ? w.message : `${w.file}: ${w.message}`)),
      };
    } catch (error) {
      result = { file: file.name, activities: 0, records: 0, skippedDuplicates: 0, supersededRecords: 0, errors: [error instanceof Error ? error.message : String(error)], warnings: [] };
    }
    results.push(result);
    try {
      onResult?.(result);
    } catch {
      // Progress is best effort.
    }
  }
  return results;
}

// Exports kept after they ended: read back from OPFS (or the picked file), verified, shared, deleted.

import { BlobReader, ZipReader, type FileEntry } from '@zip.js/zip.js';
import { verifyExport, type VerifyReport } from '../engine/index.ts';
import { ExportError } from '../model/errors.ts';
import type { TakeawayDb } from '../store/db.ts';
import { deleteOpfsExport, exportDirectory, readOpfsZip, shareDirName } from '../platform/worker-sinks.ts';
import { OPFS_EXPORT_DIR } from '../platform/save-target.ts';
import { appendAudit } from '../jobs/audit.ts';
import type { HistoryRow } from './api.ts';

/** Types the share sheet of Chromium accepts and an export holds. */
const SHAREABLE_TYPES: Record<string, string> = { pdf: 'application/pdf', csv: 'text/csv' };
/** At most this many files go to the share sheet at once. */
const MAX_SHARE_FILES = 10;

async function historyRow(db: TakeawayDb, id: string): Promise<HistoryRow> {
  const row = (await db.exportHistory.get(id)) as HistoryRow | undefined;
  if (!row) throw new ExportError('INVALID_INPUT', `no export with id ${id} in the history`);
  return row;
}

/** The finished zip of a history row: the OPFS copy, or the picked file; undefined when gone. */
export async function keptZip(db: TakeawayDb, id: string): Promise<File | undefined> {
  const row = await historyRow(db, id);
  if (row.status !== 'DONE') return undefined;
  if (row.opfsPath) return readOpfsZip(row.opfsPath);
  if (row.handle) return row.handle.getFile();
  return undefined;
}

/** Verifies a kept export; an encrypted one needs its `password` (used here only, never stored). */
export async function verifyKept(db: TakeawayDb, id: string, password?: string): Promise<VerifyReport> {
  const file = await keptZip(db, id);
  if (!file) throw new ExportError('INVALID_INPUT', 'this export is no longer kept on this device');
  const report = await verifyExport(new BlobReader(file), { password });
  // A missing or wrong password says nothing about the archive: the last verify result stays as it was.
  const known = report.locked ? {} : { verified: { ok: report.ok, atMs: Date.now(), problems: report.problems.length } };
  await db.exportHistory.update(id, { ...known, ...(report.encrypted ? { encrypted: true } : {}) } as never);
  return report;
}

/**
 * Extracts the PDF and CSV files of a kept zip into the workspace (streamed entry by entry through a sync
 * access handle) and returns them as disk-backed Files for the share sheet.
 */
export async function extractShareable(db: TakeawayDb, id: string): Promise<File[]> {
  const row = await historyRow(db, id);
  const zip = await keptZip(db, id);
  if (!zip) return [];
  const dir = await exportDirectory();
  const zipName = row.opfsPath ? row.opfsPath.slice(OPFS_EXPORT_DIR.length + 1) : `${id}.zip`;
  const shareDir = await dir.getDirectoryHandle(shareDirName(zipName), { create: true });
  const reader = new ZipReader(new BlobReader(zip));
  const files: File[] = [];
  try {
    const entries = (await reader.getEntries()).filter((e): e is FileEntry => !e.directory);
    for (const entry of entries) {
      const extension = entry.filename.split('.').pop()?.toLowerCase() ?? '';
      const type = SHAREABLE_TYPES[extension];
      if (!type || files.length >= MAX_SHARE_FILES) continue;
      const baseName = entry.filename.split('/').pop() ?? entry.filename;
      const handle = await shareDir.getFileHandle(baseName, { create: true });
      const writable = await handle.createWritable();
      await entry.getData(writable as unknown as WritableStream<Uint8Array>);
      const file = await handle.getFile();
      files.push(new File([file], baseName, { type }));
    }
  } finally {
    await reader.close();
  }
  return files;
}

/**
 * Deletes a History entry at the person's request: the zip kept in app storage (if any) goes with it, a file they
 * saved themselves stays where it is, and the audit log says which (`DELETED`, actor `user`).
 */
export async function deleteKept(db: TakeawayDb, id: string, nowMs = Date.now()): Promise<void> {
  const row = (await db.exportHistory.get(id)) as HistoryRow | undefined;
  if (row?.opfsPath) await deleteOpfsExport(row.opfsPath);
  const detail = row?.opfsPath ? `History entry and its zip in app storage (${row.fileName}) deleted`
    : row?.target === 'file-handle' ? `History entry deleted; the file ${row.fileName} saved where the person chose stays`
      : `History entry deleted${row ? ` (${row.fileName})` : ''}`;
  await db.transaction('rw', db.exportHistory, db.exportJobs, db.auditLog, async () => {
    await db.exportHistory.delete(id);
    await db.exportJobs.delete(id);
    await appendAudit(db, { atMs: nowMs, jobId: id, action: 'DELETED', actor: 'user', detail, sizeBytes: row?.sizeBytes, formats: row?.formats });
  });
}

/** Empties the whole export workspace. */
export async function clearWorkspace(): Promise<void> {
  const root = await navigator.storage.getDirectory();
  await root.removeEntry(OPFS_EXPORT_DIR, { recursive: true }).catch(() => undefined);
}

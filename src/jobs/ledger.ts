// The export ledger: what each template last exported and when, so the next run can take only what changed.

import type { Table } from 'dexie';
import type { Manifest } from '../engine/manifest.ts';
import { ExportError } from '../model/errors.ts';
import type { ExportRequest } from '../model/request.ts';
import type { TakeawayDb } from '../store/db.ts';
import type { ExportHistoryRow } from '../store/rows.ts';

/** One finished export in the v1 `exportHistory` table: the ledger entry of its template. */
export interface LedgerRow extends ExportHistoryRow {
  /** The template the export ran from; absent for a one-off export. */
  templateId?: string;
  /** The finished export's manifest (its request, counts and per-file hashes). */
  manifest: Manifest;
}

function table(db: TakeawayDb): Table<LedgerRow, string> {
  return db.table<LedgerRow, string>('exportHistory');
}

/** Records a finished export (`id` is the job id; `createdAtMs` comes from the manifest's request). */
export async function recordExport(db: TakeawayDb, id: string, manifest: Manifest, templateId?: string): Promise<void> {
  await table(db).put({ id, createdAtMs: manifest.request.createdAtMs, manifest, ...(templateId ? { templateId } : {}) });
}

/** The newest finished export of a template, or undefined when it never ran. */
export async function lastExportOf(db: TakeawayDb, templateId: string): Promise<LedgerRow | undefined> {
  const rows = await table(db).orderBy('createdAtMs').reverse().filter((row) => row.templateId === templateId).limit(1).toArray();
  return rows[0];
}

/**
 * The request limited to records changed since `previous` was made. Uses the previous request's `createdAtMs`
 * (the moment that export started reading), so a record changed while it ran is taken again, never lost.
 */
export function requestSince(request: ExportRequest, previous: Pick<Manifest, 'request'> | undefined): ExportRequest {
  if (!previous) return request;
  return { ...request, filter: { ...request.filter, updatedSinceMs: previous.request.createdAtMs } };
}

/** Reads a previous export's manifest.json text (the CLI's `--since`), with a clear error when it is not one. */
export function parsePreviousManifest(text: string, name: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ExportError('INVALID_INPUT', `${name} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const manifest = value as Partial<Manifest>;
  if (manifest?.schema !== 'takeaway-export' || typeof manifest.request?.createdAtMs !== 'number') {
    throw new ExportError('INVALID_INPUT', `${name} is not a Takeaway manifest.json (no schema "takeaway-export" with request.createdAtMs)`);
  }
  return manifest as Manifest;
}

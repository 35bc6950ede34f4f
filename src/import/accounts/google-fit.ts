// Google Takeout's Fit folder: Takeout/Fit/Activities/*.tcx (one per session) and the daily aggregation table
// `Takeout/Fit/Daily activity metrics/Daily activity metrics.csv` (older takeouts: `Daily Summaries.csv`).

import { importCsv, type CsvMapping } from '../csv.ts';
import type { ImportItem } from '../types.ts';
import type { AccountArchive } from './account-archive.ts';

const SOURCE = 'import:google-fit';
const ACTIVITY = /^(?:[^/]+\/)?Takeout\/Fit\/(Activities|Aktivitäten)\/[^/]+\.tcx$/i;
const DAILY = /^(?:[^/]+\/)?Takeout\/Fit\/Daily activity metrics\/(Daily activity metrics|Daily Summaries)\.csv$/i;

/** True when `paths` lay out a Google Takeout with Fit data. */
export function isGoogleFitTakeout(paths: readonly string[]): boolean {
  return paths.some((p) => ACTIVITY.test(p) || DAILY.test(p));
}

/** The daily table's columns for each kind it holds (the per-day tables of 15-minute rows beside it are not read). */
const MAPPINGS: CsvMapping[] = [
  { kind: 'steps', columns: { Date: 'date', 'Step count': 'stepCount' } },
  { kind: 'weight', columns: { Date: 'timestamp', 'Average weight (kg)': 'weightKg' } },
];

async function* dailyRecords(account: AccountArchive, path: string): AsyncIterable<ImportItem> {
  const file = `${account.name}/${path}`;
  const member = await account.archive.read(path, account.signal);
  if ('error' in member) {
    yield { type: 'error', file, message: `${file}: ${member.error}` };
    return;
  }
  const text = new TextDecoder().decode(member.bytes);
  for (const mapping of MAPPINGS) {
    let result;
    try {
      result = importCsv(text, { nowMs: account.nowMs, mapping });
    } catch {
      continue; // this takeout's table has no such column (no weight logged, say)
    }
    for (const record of result.records) yield { type: 'record', file, record: { ...record, id: `google-fit-${record.id}`, source: SOURCE } };
    // A day without steps or weight leaves its cell empty: that is no error.
    for (const message of result.rowErrors) if (!/ is empty$/.test(message)) yield { type: 'error', file, message: `${file}: ${message}` };
  }
}

/** Imports a Google Takeout Fit folder: each activity TCX through the TCX importer, and daily steps and weight. */
export async function* importGoogleFitTakeout(account: AccountArchive): AsyncIterable<ImportItem> {
  const paths = account.archive.paths;
  for (const path of paths.filter((p) => ACTIVITY.test(p))) yield* account.importMember(path);
  for (const path of paths.filter((p) => DAILY.test(p))) yield* dailyRecords(account, path);
}

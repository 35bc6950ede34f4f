// The door for records from outside (records API, JSON/JSONL import): validate each, store the good ones,
// quarantine the bad ones with their reason and raw JSON. Nothing is dropped silently.

import type { TakeawayRecord } from '../model/records.ts';
import { validateRecord, type RecordIssue } from '../model/validate.ts';
import type { TakeawayDb } from './db.ts';
import { putRecords } from './queries.ts';
import type { QuarantineRow } from './rows.ts';

export interface IngestResult {
  stored: number;
  quarantined: number;
  /** One per quarantined input, in input order. */
  issues: RecordIssue[];
}

/** Longest raw JSON kept per quarantined record, characters (a huge bad record must not fill the quota). */
const MAX_RAW_JSON_CHARS = 100_000;

/**
 * Validates `inputs` with `validateRecord` and, in one transaction, stores the valid records (setting `source`
 * where a record has none) and adds a quarantine row for each invalid one. `atMs` stamps the quarantine rows
 * (default now). Activities are stored without a track; write tracks with `putActivity`.
 */
export async function ingestRecords(db: TakeawayDb, inputs: Iterable<unknown>, source: string, atMs = Date.now()): Promise<IngestResult> {
  const valid: TakeawayRecord[] = [];
  const rejected: Omit<QuarantineRow, 'seq'>[] = [];
  const issues: RecordIssue[] = [];
  let position = 0;
  for (const input of inputs) {
    const result = validateRecord(input, position);
    if (result.ok) {
      valid.push(result.value.source === undefined ? { ...result.value, source } : result.value);
    } else {
      issues.push(result.error);
      rejected.push({
        kind: result.error.kind ?? 'unknown', source, recordId: result.error.id, field: result.error.field,
        reason: result.error.message, rawJson: rawJsonOf(input), atMs,
      });
    }
    position += 1;
  }
  await db.transaction('rw', [db.quarantine, db.activities, db.steps, db.weights, db.sleeps, db.records], async () => {
    await putRecords(db, valid);
    if (rejected.length > 0) await db.quarantine.bulkAdd(rejected);
  });
  return { stored: valid.length, quarantined: rejected.length, issues };
}

/** JSON of a rejected input for the quarantine; a description when it cannot be serialised (cycles, BigInt…). */
function rawJsonOf(input: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(input, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value));
  } catch (error) {
    json = `unserialisable input: ${error instanceof Error ? error.message : 'unknown error'}`;
  }
  if (json === undefined) json = `unserialisable input of type ${typeof input}`;
  return json.length > MAX_RAW_JSON_CHARS ? `${json.slice(0, MAX_RAW_JSON_CHARS)}…` : json;
}

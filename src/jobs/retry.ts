// "Retry what failed": from a failed or partial export, the requests that cover exactly what it left out, and a
// sentence saying what they retry. Pure planning; the records' times come through a lookup (the store in the app).

import type { Manifest, ManifestFile } from '../engine/manifest.ts';
import { FORMAT_ORDER } from '../engine/format-order.ts';
import { FORMAT_META } from '../formats/meta.ts';
import type { SkippedRecord } from '../formats/types.ts';
import { recordTimeMs } from '../model/filter.ts';
import { RECORD_KINDS, type RecordKind } from '../model/records.ts';
import type { ExportRequest, FormatId, TimeRange } from '../model/request.ts';
import type { TakeawayDb } from '../store/db.ts';
import { appendRetryLink } from './audit.ts';
import { tableOf } from '../store/record-tables.ts';

/** Skipped records closer in time than this fall into one retried range. */
export const RETRY_RANGE_GAP_MS = 7 * 86_400_000;
/** At most this many ranges per kind (each range is one job); the closest ranges are merged past it. */
export const MAX_RETRY_RANGES_PER_KIND = 3;

/** The export to retry: its request and what it left behind. */
export interface RetrySubject {
  jobId: string;
  /** The request as the job stored it (not the manifest's copy, which privacy options may have redacted). */
  request: ExportRequest;
  /** Files written before a failed job stopped: its newest checkpoint's `files` (none when it had no checkpoint). */
  writtenFiles?: readonly ManifestFile[];
  /**
   * A completed export's manifest; a non-empty `skipped` makes it partial. Records a format left out by design
   * (`leftOut`) are no failure and never retried. Absent for a failed job.
   */
  manifest?: Pick<Manifest, 'skipped'>;
}

/** Epoch ms UTC a stored record is ordered by (`recordTimeMs`), or undefined when it is no longer stored. */
export type RecordTimeLookup = (kind: RecordKind, ids: readonly string[]) => Promise<(number | undefined)[]>;

/** Why records were skipped, as far as a retry is concerned. */
export type SkipCause = 'invalid' | 'other';

export interface RetryPlan {
  /** The job whose leftovers these are. */
  ofJobId: string;
  /** One new export per retried range (a failed job: one request). */
  requests: ExportRequest[];
  /** What will be retried, in words: "activities from 2025-03-01 to 2025-03-09 (3 skipped records)". */
  description: string;
  /** True when the same data will be skipped again: the records must be fixed or re-synced first. */
  willSkipAgain: boolean;
}

/**
 * The retry of `subject`: for a failed job, the kinds whose files were not all written, each with only its
 * unfinished formats; for a partial export, the kinds and time ranges of the skipped records (looked up with
 * `lookup`, coalesced when closer than `RETRY_RANGE_GAP_MS`). Returns undefined when nothing is left to retry.
 * `nowMs` becomes the new requests' `createdAtMs`.
 */
export async function planRetry(subject: RetrySubject, lookup: RecordTimeLookup, nowMs: number): Promise<RetryPlan | undefined> {
  if (subject.manifest) return planPartialRetry(subject, subject.manifest.skipped, lookup, nowMs);
  return planFailedRetry(subject, nowMs);
}

/**
 * Starts `plan` as new exports through `enqueue` (the jobs worker in the app) and links each new job to the one it
 * retries in the audit log. Returns the new job ids.
 */
export async function startRetry(db: TakeawayDb, plan: RetryPlan, enqueue: (request: ExportRequest) => Promise<{ id: string }>, now: () => number): Promise<string[]> {
  const ids: string[] = [];
  for (const request of plan.requests) {
    const { id } = await enqueue(request);
    ids.push(id);
    await appendRetryLink(db, { retryJobId: id, ofJobId: plan.ofJobId, what: plan.description, actor: 'user', nowMs: now() });
  }
  return ids;
}

/** Formats of each kind that a failed run did not finish, in the engine's format order. */
export function unfinishedFormats(request: ExportRequest, writtenFiles: readonly ManifestFile[]): Partial<Record<RecordKind, FormatId[]>> {
  const requested = FORMAT_ORDER.filter((f) => request.filter.kinds.some((k) => request.formats[k]?.includes(f)));
  const last = [...writtenFiles].reverse().find((f) => f.format !== 'readme');
  // Formats run one after another: those before the last one that wrote a file are finished; that one may not be.
  const firstUnfinished = last ? requested.indexOf(last.format as FormatId) : 0;
  const unfinished = new Set(requested.slice(Math.max(0, firstUnfinished)));
  const result: Partial<Record<RecordKind, FormatId[]>> = {};
  for (const kind of request.filter.kinds) {
    const formats = (request.formats[kind] ?? []).filter((f) => unfinished.has(f));
    if (formats.length) result[kind] = FORMAT_ORDER.filter((f) => formats.includes(f));
  }
  return result;
}

function planFailedRetry(subject: RetrySubject, nowMs: number): RetryPlan | undefined {
  const formats = unfinishedFormats(subject.request, subject.writtenFiles ?? []);
  const kinds = RECORD_KINDS.filter((k) => formats[k]);
  if (kinds.length === 0) return undefined;
  const request = narrowRequest(subject.request, kinds, subject.request.filter.range, nowMs, formats);
  const parts = kinds.map((k) => `${KIND_NOUNS[k]} as ${formats[k]!.map((f) => FORMAT_META[f]?.label ?? f).join(', ')}`);
  const written = (subject.writtenFiles ?? []).filter((f) => f.format !== 'readme').length;
  const before = written ? `the ${written} file(s) written before the failure are not redone` : 'nothing was written before the failure';
  return { ofJobId: subject.jobId, requests: [request], description: `${joinWords(parts)}${rangeWords(subject.request.filter.range)} (${before}).`, willSkipAgain: false };
}

async function planPartialRetry(subject: RetrySubject, skipped: readonly SkippedRecord[], lookup: RecordTimeLookup, nowMs: number): Promise<RetryPlan | undefined> {
  const requests: ExportRequest[] = [];
  const parts: string[] = [];
  let missing = 0;
  const located: SkippedRecord[] = [];
  for (const kind of RECORD_KINDS) {
    if (!subject.request.filter.kinds.includes(kind)) continue;
    const ofKind = skipped.filter((s) => s.kind === kind);
    if (ofKind.length === 0) continue;
    const ids = [...new Set(ofKind.map((s) => s.id))];
    const times = await lookup(kind, ids);
    const found = times.filter((t): t is number => t !== undefined);
    missing += ids.length - found.length;
    located.push(...ofKind.filter((s) => times[ids.indexOf(s.id)] !== undefined));
    for (const cluster of clusterTimes(found)) {
      const range = intersectRange(subject.request.filter.range, { fromMs: cluster.fromMs, toMs: cluster.lastMs + 1 });
      requests.push(narrowRequest(subject.request, [kind], range, nowMs));
      parts.push(`${KIND_NOUNS[kind]} ${cluster.fromMs === cluster.lastMs ? `on ${day(cluster.fromMs)}` : `from ${day(cluster.fromMs)} to ${day(cluster.lastMs)}`} (${cluster.count} skipped record${cluster.count === 1 ? '' : 's'})`);
    }
  }
  if (requests.length === 0) return undefined;
  const causes = new Set(located.map((s) => skipCause(s.reason)));
  const notes: string[] = [];
  if (missing) notes.push(`${missing} skipped record(s) are no longer stored and are left out`);
  if (causes.has('invalid')) notes.push('records skipped as invalid will fail again: fix them or re-sync them first');
  const description = `${joinWords(parts)}.${notes.length ? ` Note: ${notes.join('; ')}.` : ''}`;
  return { ofJobId: subject.jobId, requests, description, willSkipAgain: causes.has('invalid') };
}

/**
 * Whether a skip reason will recur on the same data: validation failures (`records API: …`, `line 12: …`) do
 * until the record is fixed; anything else may not.
 */
export function skipCause(reason: string): SkipCause {
  return /^(records API:|line \d+:)|invalid|validation|not a valid/i.test(reason) ? 'invalid' : 'other';
}

/** A lookup over the store: each id's `recordTimeMs`, undefined for ids no longer stored. */
export function storeTimeLookup(db: TakeawayDb): RecordTimeLookup {
  return async (kind, ids) => (await tableOf(db, kind).bulkGet([...ids])).map((r) => (r ? recordTimeMs(r) : undefined));
}

/** Reads `manifest.json` from an export zip (loads zip.js only when called). */
export async function readArchiveManifest(zip: Blob): Promise<Manifest> {
  const { BlobReader, TextWriter, ZipReader } = await import('@zip.js/zip.js');
  const reader = new ZipReader(new BlobReader(zip));
  try {
    const entry = (await reader.getEntries()).find((e) => e.filename === 'manifest.json');
    if (!entry || entry.directory) throw new Error('the archive has no manifest.json');
    return JSON.parse(await entry.getData(new TextWriter())) as Manifest;
  } finally {
    await reader.close();
  }
}

const KIND_NOUNS: Record<RecordKind, string> = {
  activity: 'activities', steps: 'daily steps', weight: 'weight entries', sleep: 'sleep records', record: 'other records',
};

interface TimeCluster { fromMs: number; lastMs: number; count: number }

/** Sorted times grouped where neighbours are at most `RETRY_RANGE_GAP_MS` apart, then merged down to the per-kind cap. */
function clusterTimes(times: readonly number[]): TimeCluster[] {
  const clusters: TimeCluster[] = [];
  for (const t of [...times].sort((a, b) => a - b)) {
    const last = clusters.at(-1);
    if (last && t - last.lastMs <= RETRY_RANGE_GAP_MS) {
      last.lastMs = t;
      last.count += 1;
    } else {
      clusters.push({ fromMs: t, lastMs: t, count: 1 });
    }
  }
  while (clusters.length > MAX_RETRY_RANGES_PER_KIND) {
    let i = 0;
    for (let j = 1; j < clusters.length - 1; j++) if (clusters[j + 1].fromMs - clusters[j].lastMs < clusters[i + 1].fromMs - clusters[i].lastMs) i = j;
    clusters.splice(i, 2, { fromMs: clusters[i].fromMs, lastMs: clusters[i + 1].lastMs, count: clusters[i].count + clusters[i + 1].count });
  }
  return clusters;
}

function intersectRange(outer: TimeRange | undefined, inner: Required<TimeRange>): TimeRange {
  return {
    fromMs: Math.max(outer?.fromMs ?? -Infinity, inner.fromMs),
    toMs: Math.min(outer?.toMs ?? Infinity, inner.toMs),
  };
}

/** The original request cut to `kinds`, `range` and (for a failed job) the unfinished formats. */
function narrowRequest(request: ExportRequest, kinds: RecordKind[], range: TimeRange | undefined, nowMs: number, formats?: Partial<Record<RecordKind, FormatId[]>>): ExportRequest {
  const kept: Partial<Record<RecordKind, FormatId[]>> = {};
  for (const kind of kinds) kept[kind] = [...(formats?.[kind] ?? request.formats[kind] ?? [])];
  const filter = { ...request.filter, kinds: [...kinds] };
  if (range) filter.range = { ...range };
  else delete filter.range;
  return { ...request, createdAtMs: nowMs, filter, formats: kept };
}

function day(timeMs: number): string {
  return new Date(timeMs).toISOString().slice(0, 10);
}

function rangeWords(range: TimeRange | undefined): string {
  if (range?.fromMs === undefined && range?.toMs === undefined) return '';
  const from = range.fromMs !== undefined ? ` from ${day(range.fromMs)}` : '';
  const to = range.toMs !== undefined ? ` to ${day(range.toMs - 1)}` : '';
  return `${from}${to}`;
}

function joinWords(parts: readonly string[]): string {
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

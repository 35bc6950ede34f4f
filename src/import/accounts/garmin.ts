// Garmin's "Export Your Data" zip: DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_*.zip hold every device file
// (FIT, some GPX/TCX) as uploaded; DI-Connect-Wellness and DI-Connect-Aggregator hold JSON for sleep, weight and
// daily steps. The device files go through the ordinary importers; the JSON is read here.

import type { DailySteps, Sleep, Weight } from '../../model/records.ts';
import type { ImportItem } from '../types.ts';
import { parseGmtTime } from './account-dates.ts';
import type { AccountArchive } from './account-archive.ts';
import { isCalendarDate } from '../../model/validate.ts';

const SOURCE = 'import:garmin-export';
const UPLOADED = /^(?:[^/]+\/)?DI_CONNECT\/DI-Connect-Uploaded-Files\/[^/]+\.(zip|fit|gpx|tcx)$/i;
const SLEEP = /^(?:[^/]+\/)?DI_CONNECT\/DI-Connect-Wellness\/[^/]*sleepData[^/]*\.json$/i;
const BIOMETRICS = /^(?:[^/]+\/)?DI_CONNECT\/DI-Connect-Wellness\/[^/]*userBioMetrics[^/]*\.json$/i;
const DAILY = /^(?:[^/]+\/)?DI_CONNECT\/DI-Connect-Aggregator\/UDSFile[^/]*\.json$/i;

/** True when `paths` lay out a Garmin account export. */
export function isGarminExport(paths: readonly string[]): boolean {
  return paths.some((p) => UPLOADED.test(p) || SLEEP.test(p) || DAILY.test(p));
}

type Json = Record<string, unknown>;

function number(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function sleepOf(entry: Json, nowMs: number): Sleep | undefined {
  const startMs = parseGmtTime(entry.sleepStartTimestampGMT);
  const endMs = parseGmtTime(entry.sleepEndTimestampGMT);
  if (startMs === undefined || endMs === undefined || endMs <= startMs) return undefined;
  const localStart = parseGmtTime(entry.sleepStartTimestampLocal);
  const deepS = number(entry.deepSleepSeconds);
  const lightS = number(entry.lightSleepSeconds);
  const remS = number(entry.remSleepSeconds);
  const awakeS = number(entry.awakeSleepSeconds);
  const asleep = (deepS ?? 0) + (lightS ?? 0) + (remS ?? 0);
  const sleep: Sleep = {
    kind: 'sleep', id: `garmin-sleep-${startMs}`, updatedAtMs: nowMs, source: SOURCE, startTimeMs: startMs, endTimeMs: endMs,
    utcOffsetMin: localStart === undefined ? 0 : Math.round((localStart - startMs) / 60_000),
    durationAsleepS: asleep > 0 ? asleep : (endMs - startMs) / 1000 - (awakeS ?? 0),
  };
  if (deepS !== undefined) sleep.deepS = deepS;
  if (lightS !== undefined) sleep.lightS = lightS;
  if (remS !== undefined) sleep.remS = remS;
  if (awakeS !== undefined) sleep.awakeS = awakeS;
  const score = number((entry.sleepScores as Json | undefined)?.overallScore);
  if (score !== undefined && score >= 0 && score <= 100) sleep.score = score;
  return sleep;
}

function weightOf(entry: Json, nowMs: number): Weight | undefined {
  // The weigh-in is a nested object, in grams, timed in GMT (ms or text).
  const weight = (entry.weight ?? entry) as Json;
  const grams = number(weight.weight);
  const timeMs = parseGmtTime(weight.timestampGMT) ?? parseGmtTime((entry.metaData as Json | undefined)?.calendarDate);
  if (grams === undefined || grams <= 0 || timeMs === undefined) return undefined;
  const record: Weight = { kind: 'weight', id: `garmin-weight-${timeMs}`, updatedAtMs: nowMs, source: SOURCE, timestampMs: timeMs, utcOffsetMin: 0, weightKg: Math.round(grams) / 1000 };
  const bodyFat = number(weight.bodyFat);
  if (bodyFat !== undefined && bodyFat > 0 && bodyFat <= 100) record.bodyFatPct = bodyFat;
  return record;
}

function stepsOf(entry: Json, nowMs: number): DailySteps | undefined {
  const date = typeof entry.calendarDate === 'string' ? entry.calendarDate.slice(0, 10) : '';
  const steps = number(entry.totalSteps);
  if (!isCalendarDate(date) || steps === undefined || steps < 0) return undefined;
  return { kind: 'steps', id: `garmin-steps-${date}`, updatedAtMs: nowMs, source: SOURCE, date, stepCount: Math.round(steps) };
}

async function* jsonRecords<T extends Sleep | Weight | DailySteps>(account: AccountArchive, path: string, read: (entry: Json, nowMs: number) => T | undefined): AsyncIterable<ImportItem> {
  const file = `${account.name}/${path}`;
  const member = await account.archive.read(path, account.signal);
  if ('error' in member) {
    yield { type: 'error', file, message: `${file}: ${member.error}` };
    return;
  }
  let entries: unknown;
  try {
    entries = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(member.bytes).replace(/^\uFEFF/, ''));
  } catch (error) {
    yield { type: 'error', file, message: `${file}: not valid JSON: ${(error as Error).message}` };
    return;
  }
  if (!Array.isArray(entries)) {
    yield { type: 'error', file, message: `${file}: expected a JSON array of daily entries` };
    return;
  }
  // Entries without the fields (days not worn, a weigh-in without weight) are passed over, as Garmin Connect does.
  const seen = new Set<string>();
  for (const entry of entries) {
    const record = entry && typeof entry === 'object' ? read(entry as Json, account.nowMs) : undefined;
    if (!record || seen.has(record.id)) continue;
    seen.add(record.id);
    yield { type: 'record', file, record };
  }
}

/**
 * Imports a Garmin export: every device file in the uploaded-files zips (FIT activities, and weight-scale or
 * monitoring FIT as the FIT importer reads them), nights from `*sleepData.json` (deep, light, REM, awake, score),
 * weigh-ins from `*userBioMetrics.json` (grams, body fat) and daily steps from `UDSFile*.json`. The other JSON
 * (summaries of activities the FIT files hold, goals, gear, profile) is not read.
 */
export async function* importGarminExport(account: AccountArchive): AsyncIterable<ImportItem> {
  const paths = account.archive.paths;
  for (const path of paths.filter((p) => UPLOADED.test(p))) yield* account.importMember(path);
  for (const path of paths.filter((p) => SLEEP.test(p))) yield* jsonRecords(account, path, sleepOf);
  for (const path of paths.filter((p) => BIOMETRICS.test(p))) yield* jsonRecords(account, path, weightOf);
  for (const path of paths.filter((p) => DAILY.test(p))) yield* jsonRecords(account, path, stepsOf);
}

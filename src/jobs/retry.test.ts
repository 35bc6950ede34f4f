import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { runExport } from '../engine/run.ts';
import { runResumableExport, type ResumableSink } from '../engine/resume.ts';
import { GPX_NO_GPS_REASON } from '../formats/gpx/encode.ts';
import { FORMAT_REGISTRY } from '../formats/registry.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest } from '../model/request.ts';
import type { TakeawayDb } from '../store/db.ts';
import { DexieRecordSource } from '../store/dexie-record-source.ts';
import { deleteRecord, putActivity, putRecords } from '../store/queries.ts';
import { freshDb, makeActivity, makeChunk, makeSleep, makeWeight } from '../store/test-fixtures.ts';
import { RETRIED_AS_ACTION, RETRY_OF_ACTION, searchAudit } from './audit.ts';
import { checkpointSaver, loadCheckpoints } from './checkpoints.ts';
import { createJob } from './lifecycle.ts';
import { planRetry, skipCause, startRetry, storeTimeLookup } from './retry.ts';

const NOW_MS = Date.UTC(2025, 6, 1, 12);
const open: TakeawayDb[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.delete();
});

function db(label: string): TakeawayDb {
  const d = freshDb(`retry-${label}`);
  open.push(d);
  return d;
}

function request(formats: ExportRequest['formats'], range?: ExportRequest['filter']['range']): ExportRequest {
  return { createdAtMs: Date.UTC(2025, 5, 1), filter: { kinds: Object.keys(formats) as ExportRequest['filter']['kinds'], range }, formats, options: DEFAULT_EXPORT_OPTIONS };
}

/** Activities with a GPS track on `gpsDays`, without positions (GPX skips them) on `indoorDays`, as UTC dates. */
async function storeActivities(d: TakeawayDb, gpsDays: string[], indoorDays: string[]): Promise<void> {
  for (const date of gpsDays) {
    const startMs = Date.parse(`${date}T07:00:00Z`);
    const activity = makeActivity(`gps-${date}`, startMs, { sampleCount: 30, channels: ['lat', 'lon', 'heartRateBpm'] });
    await putActivity(d, activity, [makeChunk(activity.id, 0, 30, startMs)]);
  }
  for (const date of indoorDays) {
    const activity = makeActivity(`indoor-${date}`, Date.parse(`${date}T18:00:00Z`), { sport: 'training', subSport: 'generic' });
    await putActivity(d, activity, []);
  }
}

/** Activities the records API sent invalid: left out of the export as `skipped` (as the server and CLI do). */
function invalid(ids: string[]): { kind: 'activity'; id: string; reason: string }[] {
  return ids.map((id) => ({ kind: 'activity', id, reason: 'records API: totals.elapsedS must be ≥ 0, got -5' }));
}

/** A resumable sink in memory that throws on the first write after `shouldDie()` turns true. */
function dyingSink(shouldDie: () => boolean): ResumableSink {
  let bytes = 0;
  return {
    size: async () => bytes,
    truncate: async (offset) => { bytes = offset; },
    write: async (chunk) => {
      if (shouldDie()) throw new Error('disk went away');
      bytes += chunk.byteLength;
    },
    close: async () => {},
    abort: async () => {},
    release: async () => {},
  };
}

describe('planRetry of a failed job', () => {
  it('retries only the kinds whose files were not all written, with only their unfinished formats', async () => {
    const d = db('failed');
    await storeActivities(d, ['2025-03-02', '2025-03-04'], []);
    await putRecords(d, [makeWeight('w1', Date.UTC(2025, 2, 3)), makeSleep('s1', Date.UTC(2025, 2, 3, 22))]);
    const original = request({ activity: ['fit', 'gpx'], weight: ['csv'], sleep: ['csv'] });
    let isDead = false;
    const save = checkpointSaver(d, 'job-1', () => NOW_MS);
    await expect(runResumableExport(original, new DexieRecordSource(d), dyingSink(() => isDead), {
      registry: FORMAT_REGISTRY,
      // The disk dies while the second CSV table is written: FIT and GPX are done, one CSV table is.
      saveCheckpoint: async (checkpoint) => { await save(checkpoint); if (checkpoint.files.at(-1)!.format === 'csv') isDead = true; },
    })).rejects.toThrow('disk went away');
    const [newest] = await loadCheckpoints(d, 'job-1');
    expect(newest.files.map((f) => f.format)).toEqual(['readme', 'fit', 'fit', 'gpx', 'gpx', 'csv']);

    const plan = await planRetry({ jobId: 'job-1', request: original, writtenFiles: newest.files }, storeTimeLookup(d), NOW_MS);
    expect(plan!.requests).toHaveLength(1);
    expect(plan!.requests[0]).toEqual({ ...original, createdAtMs: NOW_MS, filter: { kinds: ['weight', 'sleep'] }, formats: { weight: ['csv'], sleep: ['csv'] } });
    expect(plan!.description).toBe('weight entries as CSV and sleep records as CSV (the 5 file(s) written before the failure are not redone).');
    expect(plan!.willSkipAgain).toBe(false);
  });

  it('retries the whole request, range kept, when the job failed before its first file', async () => {
    const d = db('failed-early');
    await storeActivities(d, ['2025-03-02'], []);
    const original = request({ activity: ['fit', 'gpx'] }, { fromMs: Date.UTC(2025, 2, 1), toMs: Date.UTC(2025, 3, 1) });
    await expect(runResumableExport(original, new DexieRecordSource(d), dyingSink(() => true), {
      registry: FORMAT_REGISTRY, saveCheckpoint: checkpointSaver(d, 'job-2', () => NOW_MS),
    })).rejects.toThrow('disk went away');
    const checkpoints = await loadCheckpoints(d, 'job-2');
    expect(checkpoints).toEqual([]);
    const plan = await planRetry({ jobId: 'job-2', request: original, writtenFiles: [] }, storeTimeLookup(d), NOW_MS);
    expect(plan!.requests).toEqual([{ ...original, createdAtMs: NOW_MS }]);
    expect(plan!.description).toBe('activities as FIT, GPX 1.1 from 2025-03-01 to 2025-03-31 (nothing was written before the failure).');
  });
});

describe('planRetry of a partial export', () => {
  it('is not partial and offers no retry when GPX only left out activities without GPS (a pool swim)', async () => {
    const d = db('left-out');
    await storeActivities(d, ['2025-03-02'], ['2025-03-01', '2025-03-05']);
    const original = request({ activity: ['gpx', 'csv'] });
    const { manifest } = await runExport(original, new DexieRecordSource(d), new WritableStream(), { registry: FORMAT_REGISTRY });
    expect(manifest.skipped).toEqual([]);
    expect(manifest.leftOut).toEqual({ gpx: ['indoor-2025-03-01', 'indoor-2025-03-05'].map((id) => ({ kind: 'activity', id, reason: GPX_NO_GPS_REASON })) });
    expect(manifest.counts.records.activity).toBe(3);
    expect(await planRetry({ jobId: 'job-3a', request: original, manifest }, storeTimeLookup(d), NOW_MS)).toBeUndefined();
  });

  it('retries only the one invalid record, not the pool swim GPX left out, and the retry writes exactly it', async () => {
    const d = db('one-invalid');
    await storeActivities(d, ['2025-03-02', '2025-04-15'], ['2025-03-10']);
    const original = request({ activity: ['gpx'] });
    const { manifest } = await runExport(original, new DexieRecordSource(d), new WritableStream(), { registry: FORMAT_REGISTRY, skipped: invalid(['gps-2025-03-20']) });
    expect(manifest.skipped.map((s) => s.id)).toEqual(['gps-2025-03-20']);
    expect(manifest.leftOut.gpx?.map((s) => s.id)).toEqual(['indoor-2025-03-10']);
    // A re-sync since has stored the record fixed.
    await storeActivities(d, ['2025-03-20'], []);

    const plan = (await planRetry({ jobId: 'job-3b', request: original, manifest: { skipped: manifest.skipped } }, storeTimeLookup(d), NOW_MS))!;
    const at = Date.parse('2025-03-20T07:00:00Z');
    expect(plan.requests.map((r) => r.filter)).toEqual([{ kinds: ['activity'], range: { fromMs: at, toMs: at + 1 } }]);
    expect(plan.description).toBe('activities on 2025-03-20 (1 skipped record). Note: records skipped as invalid will fail again: fix them or re-sync them first.');
    const retried = await runExport(plan.requests[0], new DexieRecordSource(d), new WritableStream(), { registry: FORMAT_REGISTRY });
    expect(retried.manifest.files.filter((f) => f.format === 'gpx').map((f) => f.path)).toEqual(['activities/gpx/2025-03-20_0900_run-gps-2025-03-20.gpx']);
    expect(retried.manifest.skipped).toEqual([]);
    expect(retried.manifest.leftOut).toEqual({});
  });

  it('retries the kind and the two time ranges of records skipped over two months, and the retry covers exactly them', async () => {
    const d = db('partial');
    const badDays = ['2025-03-01', '2025-03-05', '2025-03-09', '2025-05-10', '2025-05-12'];
    await storeActivities(d, ['2025-04-15'], ['2025-03-03']);
    await putRecords(d, [makeWeight('w1', Date.UTC(2025, 2, 3))]);
    const original = request({ activity: ['gpx'], weight: ['csv'] });
    const { manifest } = await runExport(original, new DexieRecordSource(d), new WritableStream(), { registry: FORMAT_REGISTRY, skipped: invalid(badDays.map((day) => `gps-${day}`)) });
    expect(manifest.skipped).toHaveLength(5);
    await storeActivities(d, badDays, []);

    const plan = (await planRetry({ jobId: 'job-3', request: original, manifest }, storeTimeLookup(d), NOW_MS))!;
    expect(plan.requests.map((r) => r.filter)).toEqual([
      { kinds: ['activity'], range: { fromMs: Date.parse('2025-03-01T07:00:00Z'), toMs: Date.parse('2025-03-09T07:00:00Z') + 1 } },
      { kinds: ['activity'], range: { fromMs: Date.parse('2025-05-10T07:00:00Z'), toMs: Date.parse('2025-05-12T07:00:00Z') + 1 } },
    ]);
    expect(plan.requests.every((r) => r.createdAtMs === NOW_MS && JSON.stringify(r.formats) === '{"activity":["gpx"]}')).toBe(true);
    expect(plan.description).toMatch(/^activities from 2025-03-01 to 2025-03-09 \(3 skipped records\) and activities from 2025-05-10 to 2025-05-12 \(2 skipped records\)\. /);
    expect(plan.willSkipAgain).toBe(true);

    // Run as exports, the two retries write exactly the skipped records; the indoor one in range is left out again, not skipped.
    const written: string[] = [];
    for (const r of plan.requests) {
      const { manifest: m } = await runExport(r, new DexieRecordSource(d), new WritableStream(), { registry: FORMAT_REGISTRY });
      expect(m.skipped).toEqual([]);
      written.push(...m.files.filter((f) => f.format === 'gpx').map((f) => f.path.slice(-14, -4)));
      if (m.leftOut.gpx) expect(m.leftOut.gpx.map((l) => l.id)).toEqual(['indoor-2025-03-03']);
    }
    expect(written.sort()).toEqual(badDays);
  });

  it('says invalid records must be fixed or re-synced first, and leaves out records no longer stored', async () => {
    const d = db('invalid');
    await putRecords(d, [makeWeight('w1', Date.UTC(2025, 0, 5)), makeWeight('w2', Date.UTC(2025, 0, 6))]);
    await deleteRecord(d, 'weight', 'w2');
    const skipped = [
      { kind: 'weight' as const, id: 'w1', reason: 'records API: weightKg must be a positive number, got -3' },
      { kind: 'weight' as const, id: 'w2', reason: 'records API: weightKg must be a positive number, got 0' },
    ];
    const plan = (await planRetry({ jobId: 'job-4', request: request({ weight: ['csv'] }), manifest: { skipped } }, storeTimeLookup(d), NOW_MS))!;
    expect(plan.description).toBe('weight entries on 2025-01-05 (1 skipped record). Note: 1 skipped record(s) are no longer stored and are left out; records skipped as invalid will fail again: fix them or re-sync them first.');
    expect(plan.willSkipAgain).toBe(true);
    expect(plan.requests[0].filter.range).toEqual({ fromMs: Date.UTC(2025, 0, 5), toMs: Date.UTC(2025, 0, 5) + 1 });
  });

  it('returns undefined when the export skipped nothing, or only records no longer stored', async () => {
    const d = db('nothing');
    await storeActivities(d, ['2025-03-02'], []);
    const original = request({ activity: ['gpx'] });
    const { manifest } = await runExport(original, new DexieRecordSource(d), new WritableStream(), { registry: FORMAT_REGISTRY });
    expect(manifest.skipped).toEqual([]);
    expect(await planRetry({ jobId: 'job-5', request: original, manifest }, storeTimeLookup(d), NOW_MS)).toBeUndefined();
    const gone = { skipped: invalid(['deleted-since']) };
    expect(await planRetry({ jobId: 'job-5', request: original, manifest: gone }, storeTimeLookup(d), NOW_MS)).toBeUndefined();
  });

  it('merges the closest ranges so one kind never makes more than three jobs', async () => {
    const d = db('many');
    const days = ['2025-01-01', '2025-02-01', '2025-02-20', '2025-04-01', '2025-06-01'];
    await storeActivities(d, days, []);
    const original = request({ activity: ['gpx'] });
    const manifest = { skipped: invalid(days.map((day) => `gps-${day}`)) };
    const plan = (await planRetry({ jobId: 'job-6', request: original, manifest }, storeTimeLookup(d), NOW_MS))!;
    expect(plan.requests.map((r) => [r.filter.range!.fromMs, r.filter.range!.toMs! - 1].map((t) => new Date(t!).toISOString().slice(0, 10)))).toEqual([
      ['2025-01-01', '2025-02-20'], ['2025-04-01', '2025-04-01'], ['2025-06-01', '2025-06-01'],
    ]);
    expect(plan.requests.map((r) => r.filter.range!.toMs! - r.filter.range!.fromMs!)).toContain(1);
  });
});

describe('skipCause', () => {
  it('tells validation failures from other reasons', () => {
    expect(skipCause('records API: totals.elapsedS must be ≥ 0')).toBe('invalid');
    expect(skipCause('line 12: unknown kind "run"')).toBe('invalid');
    expect(skipCause('FIT: start time NaN is not a valid instant')).toBe('invalid');
    expect(skipCause('the source timed out')).toBe('other');
  });
});

describe('startRetry', () => {
  it('enqueues each retry request as a new job and links it to the retried job in the audit log', async () => {
    const d = db('start');
    await storeActivities(d, ['2025-03-01', '2025-05-01'], []);
    const original = request({ activity: ['gpx'] });
    const manifest = { skipped: invalid(['gps-2025-03-01', 'gps-2025-05-01']) };
    const plan = (await planRetry({ jobId: 'job-7', request: original, manifest }, storeTimeLookup(d), NOW_MS))!;
    let n = 0;
    const ids = await startRetry(d, plan, async (r) => createJob(d, { id: `retry-${++n}`, request: r, trigger: 'manual', userId: 'local', destination: 'opfs:exports' }, 'user', NOW_MS), () => NOW_MS);
    expect(ids).toEqual(['retry-1', 'retry-2']);
    const links = await searchAudit(d, { action: RETRY_OF_ACTION });
    expect(links.map((e) => [e.jobId, e.detail]).sort()).toEqual(ids.map((id) => [id, `retry of job job-7: ${plan.description}`]));
    const back = await searchAudit(d, { jobId: 'job-7' });
    expect(back.map((e) => e.action)).toEqual([RETRIED_AS_ACTION, RETRIED_AS_ACTION]);
    expect((await d.table('exportJobs').get('retry-2')).request).toEqual(plan.requests[1]);
  });
});

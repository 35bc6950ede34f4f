// Job lifecycle, queue and audit over real Dexie on fake-indexeddb.

import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { createDemoDataset, DemoRecordSource } from '../../src/demo/index.ts';
import { runResumableExport, chooseCheckpoint, type ResumableSink } from '../../src/engine/resume.ts';
import { sha256Hex } from '../../src/engine/sha256.ts';
import { FORMAT_REGISTRY } from '../../src/formats/registry.ts';
import { ExportError } from '../../src/model/errors.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest } from '../../src/model/request.ts';
import { auditToCsv, exportStats, searchAudit } from '../../src/jobs/audit.ts';
import { checkpointSaver, loadCheckpoints } from '../../src/jobs/checkpoints.ts';
import { createJob, failureFromError, jobsTable, markInterruptedJobs, transitionJob, type JobRow, type NewJob } from '../../src/jobs/lifecycle.ts';
import { JobQueue, pickJobsToStart, type JobRunResult } from '../../src/jobs/queue.ts';
import { TakeawayDb } from '../../src/store/db.ts';
import Papa from 'papaparse';

let dbCount = 0;
const freshDb = () => new TakeawayDb(`jobs-queue-${++dbCount}`);
const T0 = Date.UTC(2026, 10, 24, 8, 0, 0);
const request: ExportRequest = { createdAtMs: T0, filter: { kinds: ['steps'] }, formats: { steps: ['csv'] }, options: DEFAULT_EXPORT_OPTIONS };
const newJob = (id: string, extra: Partial<NewJob> = {}): NewJob => ({ id, request, trigger: 'manual', userId: 'u1', destination: `opfs:exports/${id}.zip`, ...extra });

/** A runner the test finishes by hand, recording which jobs it started. */
function manualRunner() {
  const started: string[] = [];
  const pending = new Map<string, { resolve(r: JobRunResult): void; reject(e: unknown): void }>();
  const runner = (job: JobRow, signal: AbortSignal) => new Promise<JobRunResult>((resolve, reject) => {
    started.push(job.id);
    pending.set(job.id, { resolve, reject });
    signal.addEventListener('abort', () => reject(signal.reason));
  });
  const result = { sizeBytes: 1234, sha256: 'ab'.repeat(32), fileNames: ['x.zip'], manifest: { files: [{ path: 'steps.csv', format: 'csv', size: 900, sha256: '00', records: {} }] } } as unknown as JobRunResult;
  const settle = async (id: string) => { pending.get(id)!.resolve(result); await new Promise((r) => setTimeout(r, 20)); };
  return { runner, started, settle, fail: (id: string, e: unknown) => pending.get(id)!.reject(e) };
}

const tick = () => new Promise((r) => setTimeout(r, 20));

describe('job lifecycle', () => {
  it('walks INITIATED → PROCESSING → COMPLETED and audits each step with who, what, when, size and hash', async () => {
    const db = freshDb();
    await createJob(db, newJob('j1'), 'user', T0);
    await transitionJob(db, 'j1', 'PROCESSING', { actor: 'user', nowMs: T0 + 1000 });
    const done = await transitionJob(db, 'j1', 'COMPLETED', {
      actor: 'system', nowMs: T0 + 61_000,
      completed: { sizeBytes: 5000, sha256: 'cd'.repeat(32), fileNames: ['a.zip'], manifest: { files: [{ path: 'a.csv', format: 'csv', size: 4000, sha256: '', records: {} }] } as never },
    });
    expect(done.status).toBe('COMPLETED');
    const log = await searchAudit(db, { jobId: 'j1' });
    expect(log.map((e) => [e.action, e.fromStatus, e.actor])).toEqual([['COMPLETED', 'PROCESSING', 'system'], ['PROCESSING', 'INITIATED', 'user'], ['INITIATED', undefined, 'user']]);
    expect(log[0]).toMatchObject({ sizeBytes: 5000, sha256: 'cd'.repeat(32), durationMs: 60_000, formats: ['csv'], bytesByFormat: { csv: 4000 } });
  });

  it('refuses an illegal transition and names both statuses, leaving the job and the log unchanged', async () => {
    const db = freshDb();
    await createJob(db, newJob('j1'), 'user', T0);
    await expect(transitionJob(db, 'j1', 'COMPLETED', { actor: 'system', nowMs: T0 })).rejects.toThrow('cannot go from INITIATED to COMPLETED');
    expect((await jobsTable(db).get('j1'))!.status).toBe('INITIATED');
    expect(await searchAudit(db, { jobId: 'j1' })).toHaveLength(1);
  });

  it('stores a failure with its code and a next step a person can act on', async () => {
    const failure = failureFromError(new ExportError('QUOTA_EXCEEDED', 'the destination is full: ENOSPC'));
    expect(failure).toMatchObject({ code: 'QUOTA_EXCEEDED', action: expect.stringMatching(/Free some space/) });
    expect(failureFromError(new TypeError('boom'))).toMatchObject({ code: 'INTERNAL', message: 'boom', retryable: true });
  });

  it('marks jobs left PROCESSING at start as paused by interruption', async () => {
    const db = freshDb();
    await createJob(db, newJob('j1'), 'user', T0);
    await transitionJob(db, 'j1', 'PROCESSING', { actor: 'user', nowMs: T0 });
    expect(await markInterruptedJobs(db, T0 + 5000)).toEqual(['j1']);
    expect(await jobsTable(db).get('j1')).toMatchObject({ status: 'PAUSED', pauseReason: 'INTERRUPTED' });
  });
});

describe('JobQueue', () => {
  it('runs at most two jobs at once and starts the next when one finishes', async () => {
    const db = freshDb();
    const r = manualRunner();
    const queue = new JobQueue(db, { runner: r.runner, now: () => T0 });
    for (const id of ['a', 'b', 'c', 'd']) await queue.enqueue(newJob(id));
    await tick();
    expect(r.started).toEqual(['a', 'b']);
    await r.settle('a');
    await vi.waitFor(() => expect(r.started).toEqual(['a', 'b', 'c']));
    expect((await jobsTable(db).get('a'))).toMatchObject({ status: 'COMPLETED', sizeBytes: 1234, expiresAtMs: T0 + 30 * 86_400_000 });
  });

  it('starts manual jobs before scheduled ones that were queued earlier', () => {
    const job = (id: string, trigger: 'manual' | 'scheduled', createdAtMs: number) => ({ ...newJob(id, { trigger }), status: 'INITIATED', createdAtMs, updatedAtMs: createdAtMs }) as JobRow;
    const picked = pickJobsToStart([job('s1', 'scheduled', 1), job('s2', 'scheduled', 2), job('m1', 'manual', 3), job('m2', 'manual', 4)], 0, 3);
    expect(picked.map((j) => j.id)).toEqual(['m1', 'm2', 's1']);
    expect(pickJobsToStart([job('m1', 'manual', 3)], 2, 2)).toEqual([]);
  });

  it('refuses an eleventh unfinished job of the same user, but not of another user', async () => {
    const db = freshDb();
    const queue = new JobQueue(db, { runner: manualRunner().runner, now: () => T0 });
    for (let i = 0; i < 10; i++) await queue.enqueue(newJob(`j${i}`));
    await expect(queue.enqueue(newJob('j10'))).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED', message: expect.stringMatching(/limit is 10/) });
    await expect(queue.enqueue(newJob('other', { userId: 'u2' }))).resolves.toMatchObject({ status: 'INITIATED' });
  });

  it('pauses, resumes, cancels and fails jobs through the lifecycle, with the audit trail', async () => {
    const db = freshDb();
    const r = manualRunner();
    const discarded: string[] = [];
    const queue = new JobQueue(db, { runner: r.runner, now: () => T0, concurrency: 1, discard: async (job) => { discarded.push(job.id); } });
    await queue.enqueue(newJob('a'));
    await queue.enqueue(newJob('b'));
    await tick();
    await queue.pause('a');
    await tick();
    expect((await jobsTable(db).get('a'))).toMatchObject({ status: 'PAUSED', pauseReason: 'USER' });
    expect(r.started).toEqual(['a', 'b']); // the freed slot went to b; a hand-paused job waits
    await queue.cancel('b');
    expect(discarded).toEqual(['b']);
    await queue.resume('a');
    await tick();
    expect(r.started).toEqual(['a', 'b', 'a']);
    r.fail('a', new ExportError('SINK_FAILED', 'disk gone', { retryable: true }));
    await tick();
    expect((await jobsTable(db).get('a'))!.failure).toMatchObject({ code: 'SINK_FAILED', retryable: true });
    await queue.resume('a');
    await tick();
    expect(r.started).toEqual(['a', 'b', 'a', 'a']);
    const actions = (await searchAudit(db, { jobId: 'a' })).reverse().map((e) => e.action);
    expect(actions).toEqual(['INITIATED', 'PROCESSING', 'PAUSED', 'PROCESSING', 'FAILED', 'PROCESSING']);
    await expect(queue.resume('b')).rejects.toThrow(/CANCELLED/);
  });

  it('runs a real export that is paused mid-way and resumed from its Dexie checkpoint to the same manifest', async () => {
    const db = freshDb();
    const dataset = createDemoDataset({ seed: 2, days: 10, activityCount: 4, samplesPerActivity: 1500, genericCount: 10 });
    const fullRequest: ExportRequest = { ...request, filter: { kinds: ['activity', 'steps'] }, formats: { activity: ['fit', 'gpx'], steps: ['csv'] } };
    const bytes: Uint8Array[] = [];
    let size = 0;
    const sink: ResumableSink = {
      size: async () => size,
      async truncate(offset) { size = offset; },
      async write(chunk) { bytes[size] = chunk.slice(); size += chunk.byteLength; },
      close: async () => undefined, abort: async () => undefined, release: async () => undefined,
    };
    let queue: JobQueue;
    let entries = 0;
    const runner = async (job: JobRow, signal: AbortSignal): Promise<JobRunResult> => {
      const checkpoint = chooseCheckpoint(await loadCheckpoints(db, job.id), await sink.size());
      const saver = checkpointSaver(db, job.id, () => T0);
      const result = await runResumableExport(job.request, new DemoRecordSource(dataset), sink, {
        registry: FORMAT_REGISTRY, signal, checkpoint,
        saveCheckpoint: async (c) => { await saver(c); if (++entries === 3) void queue.pause(job.id); },
      });
      return { sizeBytes: result.bytesWritten, sha256: await sha256Hex(new TextEncoder().encode(JSON.stringify(result.manifest))), fileNames: ['x.zip'], manifest: result.manifest };
    };
    queue = new JobQueue(db, { runner, now: () => T0 });
    await queue.enqueue(newJob('real', { request: fullRequest }));
    await tick();
    await queue.idle();
    expect((await jobsTable(db).get('real'))!.status).toBe('PAUSED');
    expect((await loadCheckpoints(db, 'real'))[0].entryIndex).toBeGreaterThanOrEqual(2);
    await queue.resume('real');
    await queue.idle();
    const job = (await jobsTable(db).get('real'))!;
    expect(job.status).toBe('COMPLETED');
    expect(await loadCheckpoints(db, 'real')).toEqual([]);
    const { sink: plain, bytes: plainBytes } = (await import('../helpers/zip-files.ts')).memorySink();
    const { runExport } = await import('../../src/engine/index.ts');
    const uninterrupted = await runExport(fullRequest, new DemoRecordSource(dataset), plain, { registry: FORMAT_REGISTRY });
    expect(job.sizeBytes).toBe(plainBytes().byteLength);
    expect(job.sha256).toBe(await sha256Hex(new TextEncoder().encode(JSON.stringify(uninterrupted.manifest))));
  });
});

describe('audit search, CSV and stats', () => {
  it('finds entries by words, exports CSV that papaparse reads back, and sums per format and month', async () => {
    const db = freshDb();
    await createJob(db, newJob('nov', { destination: 'folder:NAS, "Backups"' }), 'user', T0);
    await transitionJob(db, 'nov', 'PROCESSING', { actor: 'user', nowMs: T0 });
    await transitionJob(db, 'nov', 'COMPLETED', { actor: 'system', nowMs: T0 + 10_000, completed: { sizeBytes: 100, sha256: 'aa', fileNames: [], manifest: { files: [{ path: 'x', format: 'csv', size: 70, sha256: '', records: {} }] } as never } });
    await createJob(db, newJob('dec'), 'schedule', Date.UTC(2026, 11, 2));
    await transitionJob(db, 'dec', 'PROCESSING', { actor: 'schedule', nowMs: Date.UTC(2026, 11, 2) });
    await transitionJob(db, 'dec', 'COMPLETED', { actor: 'system', nowMs: Date.UTC(2026, 11, 2) + 5000, completed: { sizeBytes: 50, sha256: 'bb', fileNames: [], manifest: { files: [{ path: 'y', format: 'csv', size: 30, sha256: '', records: {} }] } as never } });
    expect((await searchAudit(db, { text: 'nas backups' })).map((e) => e.jobId)).toEqual(['nov']);
    expect((await searchAudit(db, { action: 'COMPLETED' })).map((e) => e.jobId)).toEqual(['dec', 'nov']);
    const all = await searchAudit(db);
    const parsed = Papa.parse<Record<string, string>>(auditToCsv(all), { header: true, skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data.find((row) => row.action === 'INITIATED' && row.job_id === 'nov')!.detail).toBe('folder:NAS, "Backups"');
    const stats = exportStats(all);
    expect(stats.total).toEqual({ exports: 2, bytes: 150, durationMs: 15_000 });
    expect(stats.byFormat.csv).toEqual({ exports: 2, bytes: 100 });
    expect(stats.byMonth).toEqual({ '2026-11': { exports: 1, bytes: 100, durationMs: 10_000 }, '2026-12': { exports: 1, bytes: 50, durationMs: 5000 } });
  });
});

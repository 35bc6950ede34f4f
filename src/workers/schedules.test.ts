import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../engine/manifest.ts';
import { searchAudit } from '../jobs/audit.ts';
import { recordExport } from '../jobs/ledger.ts';
import type { NewJob } from '../jobs/lifecycle.ts';
import { saveSchedule } from '../jobs/schedule.ts';
import { freshDb } from '../store/test-fixtures.ts';
import { startDueRuns, type AppSchedule } from './schedules.ts';

const HOUR_MS = 3_600_000;
const NOW_MS = Date.parse('2026-11-24T09:00:00Z');
const base: Omit<AppSchedule, 'nextRunMs'> = {
  id: 's1', name: 'Daily GPX', templateId: 'builtin:gpx-mapping', destination: 'opfs:exports', frequency: 'daily',
  timeOfDay: '03:00', timeZone: 'UTC', isPaused: false,
};

async function collect(db: ReturnType<typeof freshDb>, nowMs: number): Promise<NewJob[]> {
  const jobs: NewJob[] = [];
  await startDueRuns(db, async (job) => { jobs.push(job); }, nowMs);
  return jobs;
}

describe('startDueRuns', () => {
  it('starts one scheduled job for three missed days and none on the next check', async () => {
    const db = freshDb('due-runs');
    await saveSchedule(db, base, NOW_MS - 3 * 24 * HOUR_MS);
    const jobs = await collect(db, NOW_MS);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ trigger: 'scheduled', scheduleId: 's1', templateId: 'builtin:gpx-mapping', destination: 'opfs:exports' });
    expect(jobs[0].request.createdAtMs).toBe(NOW_MS);
    expect(jobs[0].request.formats).toEqual({ activity: ['gpx'] });
    expect(await collect(db, NOW_MS + HOUR_MS)).toEqual([]);
  });

  it('limits a since-last-export schedule to records changed after its template last ran', async () => {
    const db = freshDb('since-last');
    const previousCreatedAtMs = NOW_MS - 7 * 24 * HOUR_MS;
    await recordExport(db, 'earlier', { schema: 'takeaway-export', request: { createdAtMs: previousCreatedAtMs } } as Manifest, 'builtin:gpx-mapping');
    await saveSchedule(db, { ...base, isSinceLastExport: true } as AppSchedule, NOW_MS - 2 * 24 * HOUR_MS);
    const [job] = await collect(db, NOW_MS);
    expect(job.request.filter.updatedSinceMs).toBe(previousCreatedAtMs);
  });

  it('skips a paused schedule, and audits one whose template was deleted instead of failing the others', async () => {
    const db = freshDb('paused-missing');
    await saveSchedule(db, { ...base, id: 'paused', isPaused: true }, NOW_MS - 2 * 24 * HOUR_MS);
    await saveSchedule(db, { ...base, id: 'orphan', name: 'Orphan', templateId: 'user:gone' }, NOW_MS - 2 * 24 * HOUR_MS);
    await saveSchedule(db, base, NOW_MS - 2 * 24 * HOUR_MS);
    const jobs = await collect(db, NOW_MS);
    expect(jobs.map((j) => j.scheduleId)).toEqual(['s1']);
    const [skipped] = await searchAudit(db, { action: 'SCHEDULE_SKIPPED' });
    expect(skipped.detail).toBe('schedule "Orphan" could not start: its template "user:gone" was deleted');
  });
});

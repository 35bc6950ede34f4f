// Schedules with a fake clock: local times across DST, catch-up once, paused, cron typos.

import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { cronPatternOf, dueRuns, findDueRuns, listSchedules, markScheduleRan, nextRun, saveSchedule, setSchedulePaused, validateSchedule, type Schedule } from '../../src/jobs/schedule.ts';
import { TakeawayDb } from '../../src/store/db.ts';

const base: Schedule = { id: 's1', name: 'Nightly', templateId: 't1', destination: 'opfs:exports', frequency: 'daily', timeOfDay: '03:00', timeZone: 'Europe/Berlin', isPaused: false, nextRunMs: 0 };
const utc = (text: string) => Date.parse(text);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** Every firing from `fromMs` for `count` runs, as a scheduler with a fake clock would see them. */
function firings(schedule: Schedule, fromMs: number, count: number): string[] {
  const out: string[] = [];
  let at = fromMs;
  for (let i = 0; i < count; i++) {
    at = nextRun(schedule, at)!;
    out.push(iso(at)!);
  }
  return out;
}

describe('nextRun', () => {
  it('fires a daily 03:00 Berlin schedule at 03:00 local across the March change to summer time', () => {
    expect(firings(base, utc('2026-03-27T12:00:00Z'), 4)).toEqual([
      '2026-03-28T02:00:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T01:00:00.000Z', '2026-03-31T01:00:00.000Z',
    ]);
  });

  it('fires at 03:00 local across the October change back, and once in the repeated 02:30 hour', () => {
    expect(firings(base, utc('2026-10-23T12:00:00Z'), 3)).toEqual(['2026-10-24T01:00:00.000Z', '2026-10-25T02:00:00.000Z', '2026-10-26T02:00:00.000Z']);
    const twoThirty = { ...base, timeOfDay: '02:30' };
    expect(firings(twoThirty, utc('2026-10-24T12:00:00Z'), 2)).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });

  it('runs a 02:30 schedule at 03:00 on the March day that has no 02:30', () => {
    expect(firings({ ...base, timeOfDay: '02:30' }, utc('2026-03-28T12:00:00Z'), 2)).toEqual(['2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
  });

  it('places weekly, monthly and quarterly runs on their days', () => {
    expect(firings({ ...base, frequency: 'weekly', dayOfWeek: 0, timeOfDay: '20:15' }, utc('2026-11-24T00:00:00Z'), 2)).toEqual(['2026-11-29T19:15:00.000Z', '2026-12-06T19:15:00.000Z']);
    expect(firings({ ...base, frequency: 'monthly', dayOfMonth: 28 }, utc('2026-01-30T00:00:00Z'), 2)).toEqual(['2026-02-28T02:00:00.000Z', '2026-03-28T02:00:00.000Z']);
    expect(firings({ ...base, frequency: 'quarterly' }, utc('2026-02-01T00:00:00Z'), 3)).toEqual(['2026-04-01T01:00:00.000Z', '2026-07-01T01:00:00.000Z', '2026-10-01T01:00:00.000Z']);
    expect(cronPatternOf({ frequency: 'quarterly', dayOfMonth: 15, timeOfDay: '06:05' })).toBe('5 6 15 1,4,7,10 *');
  });

  it('follows a cron expression in the schedule’s own time zone', () => {
    const weekdays = { ...base, frequency: 'cron' as const, cron: '0 9 * * 1-5', timeZone: 'America/New_York' };
    expect(firings(weekdays, utc('2026-11-27T00:00:00Z'), 2)).toEqual(['2026-11-27T14:00:00.000Z', '2026-11-30T14:00:00.000Z']);
  });

  it('never fires a paused schedule', () => {
    expect(nextRun({ ...base, isPaused: true }, utc('2026-03-27T12:00:00Z'))).toBeUndefined();
    expect(dueRuns([{ ...base, isPaused: true }], utc('2026-01-01T00:00:00Z'), utc('2026-03-01T00:00:00Z'))).toEqual([]);
  });
});

describe('dueRuns', () => {
  it('catches up a schedule missed many times exactly once, for its latest occurrence', () => {
    const runs = dueRuns([base], utc('2026-11-01T12:00:00Z'), utc('2026-11-24T12:00:00Z'));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ missedCount: 23, dueAtMs: utc('2026-11-24T02:00:00Z') });
  });

  it('has nothing due before the first firing and one run right at it', () => {
    expect(dueRuns([base], utc('2026-11-24T00:00:00Z'), utc('2026-11-24T01:59:59Z'))).toEqual([]);
    expect(dueRuns([base], utc('2026-11-24T00:00:00Z'), utc('2026-11-24T02:00:00Z'))).toHaveLength(1);
  });
});

describe('validation', () => {
  it('rejects a cron expression with a typo, quoting it and the bad field', () => {
    expect(() => validateSchedule({ ...base, frequency: 'cron', cron: '0 3 * * mon-fryday' })).toThrow(/cron expression "0 3 \* \* mon-fryday" is not valid: .*illegal characters/);
    expect(() => validateSchedule({ ...base, frequency: 'cron', cron: '61 3 * * *' })).toThrow(/Invalid value for minute: 61/);
    expect(() => validateSchedule({ ...base, frequency: 'cron', cron: '' })).toThrow(/needs a cron expression/);
  });

  it('rejects unknown time zones and impossible times', () => {
    expect(() => validateSchedule({ ...base, timeZone: 'Europe/Berlinn' })).toThrow(/"Europe\/Berlinn" is not an IANA time zone/);
    expect(() => validateSchedule({ ...base, timeOfDay: '24:00' })).toThrow(/HH:MM/);
    expect(() => validateSchedule({ ...base, frequency: 'monthly', dayOfMonth: 31 })).toThrow(/1–28/);
  });
});

describe('stored schedules', () => {
  it('finds a missed run once on the next start, then not again after it ran; paused ones stay quiet', async () => {
    const db = new TakeawayDb('jobs-schedule-1');
    await saveSchedule(db, base, utc('2026-11-01T12:00:00Z'));
    await saveSchedule(db, { ...base, id: 's2', isPaused: true }, utc('2026-11-01T12:00:00Z'));
    const now = utc('2026-11-10T08:00:00Z');
    const due = await findDueRuns(db, now);
    expect(due.map((d) => [d.schedule.id, d.missedCount])).toEqual([['s1', 9]]);
    await markScheduleRan(db, 's1', now);
    expect(await findDueRuns(db, now + 60_000)).toEqual([]);
    expect((await findDueRuns(db, utc('2026-11-11T02:00:00Z'))).map((d) => d.schedule.id)).toEqual(['s1']);
    await setSchedulePaused(db, 's2', false, utc('2026-11-11T02:00:00Z'));
    expect((await findDueRuns(db, utc('2026-11-11T02:00:00Z'))).map((d) => d.schedule.id)).toEqual(['s1']);
  });
});

describe('schedule rows as people see them', () => {
  it('has no last run until one happens (saving and resuming are no run), needs a name, and lists by name', async () => {
    const db = new TakeawayDb('jobs-schedule-2');
    const saved = await saveSchedule(db, { ...base, id: 'b', name: '  Weekly backup ' }, utc('2026-11-01T12:00:00Z'));
    expect(saved.lastRunMs).toBeUndefined();
    expect(saved.name).toBe('Weekly backup');
    await setSchedulePaused(db, 'b', true, utc('2026-11-02T12:00:00Z'));
    expect((await setSchedulePaused(db, 'b', false, utc('2026-11-03T12:00:00Z'))).lastRunMs).toBeUndefined();
    await markScheduleRan(db, 'b', utc('2026-11-04T12:00:00Z'));
    expect((await listSchedules(db))[0].lastRunMs).toBe(utc('2026-11-04T12:00:00Z'));
    await expect(saveSchedule(db, { ...base, id: 'c', name: '   ' }, utc('2026-11-01T12:00:00Z'))).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('needs a name') });
    await saveSchedule(db, { ...base, id: 'a', name: 'Archive' }, utc('2026-11-01T12:00:00Z'));
    expect((await listSchedules(db)).map((s) => s.name)).toEqual(['Archive', 'Weekly backup']);
  });
});

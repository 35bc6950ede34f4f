// Recurring exports: when a schedule fires (daily, weekly, monthly, quarterly or cron, in its own IANA time zone,
// via croner), which runs are due after a gap (missed runs are caught up once), and storage in Dexie.

import { Cron } from 'croner';
import type { Table } from 'dexie';
import { ExportError } from '../model/errors.ts';
import type { TakeawayDb } from '../store/db.ts';
import type { ScheduleRow } from '../store/rows.ts';

export type ScheduleFrequency = 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'cron';

export interface Schedule extends ScheduleRow {
  name: string;
  /** The saved template to run. */
  templateId: string;
  /** Where each run goes (`opfs:exports`, `folder:<handle id>`), as the platform layer names it. */
  destination: string;
  frequency: ScheduleFrequency;
  /** Five- or six-field cron expression, for `cron` only. */
  cron?: string;
  /** Local time of day `HH:MM`, 24 h. Default `03:00`. */
  timeOfDay?: string;
  /** Weekly: 0 = Sunday … 6 = Saturday. Default 1 (Monday). */
  dayOfWeek?: number;
  /** Monthly and quarterly: 1–28 (every month has it). Default 1. */
  dayOfMonth?: number;
  /** IANA time zone the times are read in, e.g. `Europe/Berlin`. */
  timeZone: string;
  isPaused: boolean;
  /** Last time a run was started for it, epoch ms UTC; absent until it first runs (saving or resuming is no run). */
  lastRunMs?: number;
}

/** A run to start now. */
export interface DueRun {
  schedule: Schedule;
  /** The (latest) missed occurrence this run stands for, epoch ms UTC. */
  dueAtMs: number;
  /** Occurrences between the last check and now; above 1 they are folded into this one run. */
  missedCount: number;
}

/** The cron expression a schedule stands for. Throws `INVALID_REQUEST` for out-of-range fields. */
export function cronPatternOf(schedule: Pick<Schedule, 'frequency' | 'cron' | 'timeOfDay' | 'dayOfWeek' | 'dayOfMonth'>): string {
  if (schedule.frequency === 'cron') {
    if (!schedule.cron?.trim()) throw new ExportError('INVALID_REQUEST', 'a cron schedule needs a cron expression, e.g. "0 3 * * 1"');
    return schedule.cron.trim();
  }
  const time = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(schedule.timeOfDay ?? '03:00');
  if (!time) throw new ExportError('INVALID_REQUEST', `time of day "${schedule.timeOfDay}" is not HH:MM (00:00–23:59)`);
  const [minute, hour] = [Number(time[2]), Number(time[1])];
  const day = schedule.dayOfMonth ?? 1;
  if ((schedule.frequency === 'monthly' || schedule.frequency === 'quarterly') && !(Number.isInteger(day) && day >= 1 && day <= 28)) {
    throw new ExportError('INVALID_REQUEST', `day of month ${day} must be 1–28 so that every month has it`);
  }
  const weekday = schedule.dayOfWeek ?? 1;
  if (schedule.frequency === 'weekly' && !(Number.isInteger(weekday) && weekday >= 0 && weekday <= 6)) {
    throw new ExportError('INVALID_REQUEST', `day of week ${weekday} must be 0 (Sunday) to 6 (Saturday)`);
  }
  switch (schedule.frequency) {
    case 'daily': return `${minute} ${hour} * * *`;
    case 'weekly': return `${minute} ${hour} * * ${weekday}`;
    case 'monthly': return `${minute} ${hour} ${day} * *`;
    case 'quarterly': return `${minute} ${hour} ${day} 1,4,7,10 *`;
  }
}

/** Checks a schedule's pattern and time zone; throws `INVALID_REQUEST` quoting the expression and what is wrong. */
export function validateSchedule(schedule: Schedule): void {
  if (typeof schedule.name !== 'string' || schedule.name.trim() === '') throw new ExportError('INVALID_REQUEST', 'a schedule needs a name (it is the heading of its card and of its exports)');
  cronOf(schedule);
}

function cronOf(schedule: Schedule): Cron {
  const pattern = cronPatternOf(schedule);
  try {
    new Intl.DateTimeFormat('en', { timeZone: schedule.timeZone });
  } catch {
    throw new ExportError('INVALID_REQUEST', `time zone "${schedule.timeZone}" is not an IANA time zone such as Europe/Berlin`);
  }
  try {
    // paused: croner only computes times here, it never sets a timer.
    return new Cron(pattern, { timezone: schedule.timeZone, paused: true });
  } catch (error) {
    throw new ExportError('INVALID_REQUEST', `cron expression "${pattern}" is not valid: ${(error as Error).message.replace(/^CronPattern: /, '')}`, { cause: error });
  }
}

/**
 * The first time strictly after `afterMs` the schedule fires, epoch ms UTC; undefined when paused. A local time
 * skipped by a DST change fires at the first valid minute after it (croner), one repeated fires once.
 */
export function nextRun(schedule: Schedule, afterMs: number): number | undefined {
  if (schedule.isPaused) return undefined;
  return cronOf(schedule).nextRun(new Date(afterMs))?.getTime();
}

/**
 * Runs due between `lastCheckMs` (exclusive) and `nowMs` (inclusive): one per unpaused schedule that fired in
 * that window, however many times it fired, so a device that slept a month catches up once, not 30 times.
 */
export function dueRuns(schedules: readonly Schedule[], lastCheckMs: number, nowMs: number): DueRun[] {
  const due: DueRun[] = [];
  for (const schedule of schedules) {
    if (schedule.isPaused) continue;
    const cron = cronOf(schedule);
    let missedCount = 0;
    let dueAtMs = 0;
    for (let at = cron.nextRun(new Date(lastCheckMs)); at && at.getTime() <= nowMs; at = cron.nextRun(at)) {
      missedCount += 1;
      dueAtMs = at.getTime();
      if (missedCount >= 10_000) break; // a per-minute cron after years offline: the count is only informative
    }
    if (missedCount > 0) due.push({ schedule, dueAtMs, missedCount });
  }
  return due;
}

function table(db: TakeawayDb): Table<Schedule, string> {
  return db.table<Schedule, string>('schedules');
}

/** Validates and stores a schedule, with `nextRunMs` computed from `nowMs` (`Infinity`-free: paused → MAX_SAFE_INTEGER). */
export async function saveSchedule(db: TakeawayDb, schedule: Omit<Schedule, 'nextRunMs'>, nowMs: number): Promise<Schedule> {
  const row = { ...schedule, name: schedule.name.trim(), nextRunMs: 0 } as Schedule;
  validateSchedule(row);
  row.nextRunMs = nextRun(row, nowMs) ?? Number.MAX_SAFE_INTEGER;
  await table(db).put(row);
  return row;
}

/** Pauses or resumes a schedule (a resumed one fires next at its next time after `nowMs`, never for the pause). */
export async function setSchedulePaused(db: TakeawayDb, id: string, isPaused: boolean, nowMs: number): Promise<Schedule> {
  const schedule = await table(db).get(id);
  if (!schedule) throw new ExportError('INVALID_REQUEST', `no schedule "${id}"`);
  return saveSchedule(db, { ...schedule, isPaused }, nowMs);
}

/** Records that a run started at `ranAtMs` and moves `nextRunMs` on. */
export async function markScheduleRan(db: TakeawayDb, id: string, ranAtMs: number): Promise<void> {
  const schedule = await table(db).get(id);
  if (!schedule) return;
  await table(db).put({ ...schedule, lastRunMs: ranAtMs, nextRunMs: nextRun(schedule, ranAtMs) ?? Number.MAX_SAFE_INTEGER });
}

/** All schedules, by name (then id), so the list keeps its order between visits. */
export async function listSchedules(db: TakeawayDb): Promise<Schedule[]> {
  const schedules = await table(db).toArray();
  return schedules.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/**
 * The runs to start now from stored schedules: due since each schedule's `nextRunMs` (set when it was saved,
 * resumed or last ran). Call on app start, on a timer while open and from Periodic Background Sync; then `markScheduleRan`.
 */
export async function findDueRuns(db: TakeawayDb, nowMs: number): Promise<DueRun[]> {
  const schedules = await listSchedules(db);
  return schedules.flatMap((s) => (s.nextRunMs <= nowMs ? dueRuns([s], s.nextRunMs - 1, nowMs) : []));
}

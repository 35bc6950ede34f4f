// Due schedule runs become scheduled jobs: each due schedule once (missed periods folded into one run), its
// template's request made now, limited to what changed since its last export when the schedule says so.

import { appendAudit } from '../jobs/audit.ts';
import { lastExportOf, requestSince } from '../jobs/ledger.ts';
import type { NewJob } from '../jobs/lifecycle.ts';
import { findDueRuns, markScheduleRan, type Schedule } from '../jobs/schedule.ts';
import { getTemplate, requestFromTemplate } from '../jobs/templates.ts';
import type { TakeawayDb } from '../store/db.ts';

/** A schedule as the app stores it: the jobs schedule plus the "since the last export" choice. */
export interface AppSchedule extends Schedule {
  /** Export only records added or changed since this template's previous export. */
  isSinceLastExport?: boolean;
}

/**
 * Enqueues one scheduled job per due schedule and moves each schedule on. The schedule is marked as run
 * first, so a crash in between skips a run rather than starting it twice. Returns the new job ids.
 */
export async function startDueRuns(db: TakeawayDb, enqueue: (job: NewJob) => Promise<unknown>, nowMs: number): Promise<string[]> {
  const started: string[] = [];
  for (const run of await findDueRuns(db, nowMs)) {
    const schedule = run.schedule as AppSchedule;
    await markScheduleRan(db, schedule.id, nowMs);
    const template = await getTemplate(db, schedule.templateId);
    const id = crypto.randomUUID();
    try {
      if (!template) throw new Error(`its template "${schedule.templateId}" was deleted`);
      let request = requestFromTemplate(template, nowMs);
      if (schedule.isSinceLastExport) request = requestSince(request, (await lastExportOf(db, template.id))?.manifest);
      await enqueue({ id, request, trigger: 'scheduled', userId: 'local', destination: schedule.destination, templateId: template.id, scheduleId: schedule.id });
      started.push(id);
    } catch (error) {
      await appendAudit(db, {
        atMs: nowMs, jobId: id, action: 'SCHEDULE_SKIPPED', actor: 'schedule',
        detail: `schedule "${schedule.name}" could not start: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
  return started;
}

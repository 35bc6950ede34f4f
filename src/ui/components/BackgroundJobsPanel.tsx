// Background (resumable) exports: progress, why one is paused, Pause / Resume / Cancel, and the finished
// archive or its parts, each offered for download on its own. Shown on the Progress and History screens.

import { useState } from 'react';
import type { JobRow } from '../../jobs/lifecycle.ts';
import { downloadFile, pickerSaveMethod } from '../../platform/save.ts';
import type { ExportProgress } from '../../engine/progress.ts';
import { readOpfsPath } from '../../platform/opfs-resumable-sink.ts';
import type { WizardJobRow } from '../../workers/jobs-api.ts';
import { enqueueBackgroundJob, jobsBridge, useBackgroundJobs, useJobProgress } from '../background-jobs.ts';
import { formatBytes, formatCount, formatDateTime } from '../format.ts';
import { support } from '../services.ts';

const STATUS_TEXT: Record<JobRow['status'], string> = {
  INITIATED: 'Waiting', PROCESSING: 'Running', PAUSED: 'Paused', COMPLETED: 'Done', CANCELLED: 'Cancelled', FAILED: 'Failed', EXPIRED: 'Expired',
};

/** Download name of a stored file: the archive, or part n as `takeaway-YYYY-MM-DD-00n.zip`. */
function downloadName(job: JobRow, path: string, index: number, count: number): string {
  const day = new Date(job.request.createdAtMs).toISOString().slice(0, 10);
  return count > 1 || /-part-\d+\.zip$/.test(path) ? `takeaway-${day}-${String(index + 1).padStart(3, '0')}.zip` : `takeaway-${day}.zip`;
}

/** Copies a finished archive from app storage into a file the person picks (the resumable way to a picked file). */
async function saveToPickedFile(path: string, name: string): Promise<string | undefined> {
  const target = await pickerSaveMethod.chooseTarget(name);
  if (!target || target.kind !== 'file-handle') return undefined;
  const file = await readOpfsPath(path);
  if (!file) throw new Error('This file is no longer in app storage.');
  await file.stream().pipeTo(await target.handle.createWritable());
  return `Saved to ${target.handle.name}.`;
}

function JobItem({ job, progress }: { job: JobRow; progress?: ExportProgress }) {
  const percent = Math.floor((progress?.fraction ?? 0) * 100);
  const [note, setNote] = useState<string>();
  const api = () => jobsBridge.api();
  const act = (task: () => Promise<unknown>) => { setNote(undefined); void task().catch((e: unknown) => setNote(e instanceof Error ? e.message : String(e))); };
  const isActive = job.status === 'INITIATED' || job.status === 'PROCESSING' || job.status === 'PAUSED';
  const files = job.fileNames ?? [];
  return (
    <li className="card job background-job" data-status={job.status} data-id={job.id} data-pause-reason={job.pauseReason}>
      <div className="history-head">
        <h3>{job.trigger === 'scheduled' ? 'Scheduled export' : 'Background export'} · {formatDateTime(job.createdAtMs)}</h3>
        <span className={`badge ${job.status.toLowerCase()}`}>{STATUS_TEXT[job.status]}</span>
      </div>
      {job.status === 'PROCESSING' && (
        <>
          <progress max={100} value={percent} aria-label="Progress">{percent}%</progress>
          <p><span data-testid="background-percent">{percent}%</span> · {formatCount(progress?.filesDone ?? 0)} files, {formatBytes(progress?.bytesOut ?? 0)} written{progress?.currentFile ? <> · <code>{progress.currentFile}</code></> : null}</p>
        </>
      )}
      {job.status === 'PAUSED' && job.pauseReason === 'INTERRUPTED' && (
        <p className="warning">Interrupted (the tab closed or the worker stopped). It continues from its last checkpoint by itself; nothing done is lost.</p>
      )}
      {job.status === 'PAUSED' && job.pauseReason === 'USER' && <p className="muted">Paused by you. Resume continues from the last finished file.</p>}
      {job.status === 'FAILED' && job.failure && <p className="error">{job.failure.message}. <em>{job.failure.action}</em></p>}
      {job.status === 'COMPLETED' && (
        <p>{formatBytes(job.sizeBytes ?? 0)}{files.length > 1 ? ` in ${files.length} parts` : ''}{job.expiresAtMs ? ` · kept until ${formatDateTime(job.expiresAtMs)}` : ''}{files.length === 0 ? ' · mirrored into your folder' : ''}</p>
      )}
      <div className="actions">
        {(job.status === 'PROCESSING' || job.status === 'INITIATED') && <button type="button" onClick={() => act(() => api().pause(job.id))}>Pause</button>}
        {(job.status === 'PAUSED' || (job.status === 'FAILED' && job.failure?.retryable)) && (
          <button type="button" onClick={() => act(() => api().resume(job.id))}>{job.status === 'FAILED' ? 'Retry' : 'Resume'}</button>
        )}
        {job.status === 'FAILED' && job.failure?.code === 'VERIFY_FAILED' && (
          <button type="button" onClick={() => act(() => enqueueBackgroundJob({ request: { ...job.request, createdAtMs: Date.now() }, destination: job.destination, templateId: job.templateId }))}>Start again</button>
        )}
        {isActive && <button type="button" className="secondary danger" onClick={() => act(() => api().cancel(job.id))}>Cancel</button>}
        {job.status === 'COMPLETED' && files.map((path, i) => (
          <button type="button" key={path} onClick={() => act(async () => {
            const file = await readOpfsPath(path);
            if (!file) throw new Error('This file is no longer in app storage.');
            downloadFile(file, downloadName(job, path, i, files.length));
          })}>Download {downloadName(job, path, i, files.length)}</button>
        ))}
        {job.status === 'COMPLETED' && files.length === 1 && support.hasSavePicker && (
          <button type="button" className="secondary" onClick={() => act(async () => setNote(await saveToPickedFile(files[0], downloadName(job, files[0], 0, 1))))}>Save to a file…</button>
        )}
      </div>
      {note && <p role="status">{note}</p>}
    </li>
  );
}

/** The background jobs list; `limit` caps how many finished ones are shown. */
export function BackgroundJobsPanel({ limit = 10 }: { limit?: number }) {
  // The wizard's "Start export" jobs are shown as export cards on the Progress screen and as History rows.
  const jobs = useBackgroundJobs().filter((job) => !(job as WizardJobRow).handOff);
  const progress = useJobProgress();
  if (jobs.length === 0) return null;
  const active = jobs.filter((j) => ['INITIATED', 'PROCESSING', 'PAUSED', 'FAILED'].includes(j.status));
  const ended = jobs.filter((j) => !active.includes(j)).slice(0, limit);
  return (
    <section aria-labelledby="background-jobs-title" className="background-jobs">
      <h2 id="background-jobs-title">Background exports</h2>
      <p className="muted">These survive a closed tab or a reload: they checkpoint after every file and continue where they stopped.</p>
      <ul className="history-list">
        {[...active, ...ended].map((job) => (
          <JobItem key={job.id} job={job} progress={progress.get(job.id)} />
        ))}
      </ul>
    </section>
  );
}

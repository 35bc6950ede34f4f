// Job: live progress of the wizard's exports (this page's, and unfinished ones of earlier pages, which continue
// here), with Cancel, Resume, and what to do once one ends.

import { memo, useState } from 'react';
import { cancelJob, resumeJob, saveToPickedFile, useLiveJobs, type LiveJob } from '../jobs.ts';
import { describeError } from '../error-text.ts';
import { formatBytes, formatCount, formatDuration } from '../format.ts';
import { downloadFile } from '../../platform/save.ts';
import { ShareButton } from '../components/ShareButton.tsx';
import { BackgroundJobsPanel } from '../components/BackgroundJobsPanel.tsx';

// Memoised: a progress update re-renders only the card of the job that moved.
const JobCard = memo(function JobCard({ job }: { job: LiveJob }) {
  const p = job.progress;
  const percent = job.status === 'DONE' || job.status === 'NEEDS_PERMISSION' ? 100 : Math.floor((p?.fraction ?? 0) * 100);
  const isRunning = job.status === 'PROCESSING' || job.status === 'INTERRUPTED';
  // A cancelled or failed export shows how it ended, not how far a bar got.
  const endState = job.status === 'CANCELLED' ? 'Cancelled' : job.status === 'FAILED' ? 'Failed' : undefined;
  const [note, setNote] = useState<string>();
  const act = (task: () => Promise<unknown>) => {
    setNote(undefined);
    void task().catch((e: unknown) => { const text = describeError(e); setNote(`${text.title}: ${text.detail} ${text.action}`); });
  };
  return (
    <article className="card job" aria-labelledby={`job-${job.id}`} data-status={job.status} data-id={job.id}
      data-resumable={job.isResumable} data-was-interrupted={job.wasInterrupted ? 'true' : undefined}>
      <h2 id={`job-${job.id}`}>{job.fileName}</h2>
      <p className="muted">
        Destination: {job.method.label}{job.method.isHeldInMemory ? ' — the zip is held in memory' : ''}
        {job.isResumable
          ? ` · resumable: built in app storage with a checkpoint after every file${job.method.kind === 'picker' ? ', then saved to your file' : ''}`
          : ' · written in one go: it starts over if the tab closes'}
      </p>
      {job.wasInterrupted && job.status !== 'INTERRUPTED' && (
        <p className="warning" data-testid="job-resumed">Interrupted earlier (the tab closed or the worker stopped); it continued from its last checkpoint, nothing done was lost.</p>
      )}
      {endState
        ? <p className="job-end">{statusText(job)}</p>
        : <>
          <label htmlFor={`bar-${job.id}`}>{statusText(job)}</label>
          <progress id={`bar-${job.id}`} max={100} value={percent} aria-valuetext={`${percent}%`}>{percent}%</progress>
        </>}
      <dl className="facts">
        <div><dt>{endState ? 'Ended' : 'Done'}</dt><dd data-testid="job-percent">{endState ?? `${percent}%`}</dd></div>
        <div><dt>Records</dt><dd data-testid="job-records">{formatCount(p?.recordsRead ?? 0)}{p?.samplesRead ? ` + ${formatCount(p.samplesRead)} samples` : ''}</dd></div>
        <div><dt>Written</dt><dd>{formatBytes(job.bytesWritten ?? p?.bytesOut ?? 0)}</dd></div>
        <div><dt>Time left</dt><dd>{isRunning ? (p?.etaS !== undefined ? formatDuration(p.etaS) : 'estimating…') : '—'}</dd></div>
      </dl>
      {job.status === 'PROCESSING' && <p className="current-file">Writing <code>{p?.currentFile || '…'}</code></p>}
      <div className="actions">
        {(job.status === 'INTERRUPTED' || job.status === 'PAUSED' || (job.status === 'FAILED' && job.isRetryable)) && (
          <button type="button" onClick={() => act(() => resumeJob(job.id))}>{job.status === 'FAILED' ? 'Retry' : 'Resume'}</button>
        )}
        {job.status === 'NEEDS_PERMISSION' && (
          <button type="button" onClick={() => act(() => saveToPickedFile(job))}>Save to {job.handle?.name ?? job.fileName}</button>
        )}
        {(isRunning || job.status === 'PAUSED') && <button type="button" className="danger" onClick={() => cancelJob(job.id)}>Cancel</button>}
        {job.status === 'DONE' && job.saved?.file && (
          <button type="button" onClick={() => downloadFile(job.saved!.file!, job.fileName)}>Download again</button>
        )}
        {job.status === 'DONE' && <ShareButton historyId={job.id} zip={job.saved?.file} />}
      </div>
      {note && <p role="status">{note}</p>}
      {job.error && (
        <div role="alert" className="error">
          <strong>{job.error.title}.</strong> {job.error.detail} <em>{job.error.action}</em>
        </div>
      )}
    </article>
  );
});

function statusText(job: LiveJob): string {
  switch (job.status) {
    case 'PROCESSING': return 'Exporting…';
    case 'INTERRUPTED': return 'Interrupted (the tab closed or the worker stopped): continuing from the last checkpoint…';
    case 'PAUSED': return 'Paused: Resume continues from the last finished file.';
    case 'NEEDS_PERMISSION': return `Built. The browser needs your permission again to write ${job.handle?.name ?? job.fileName}: click Save.`;
    case 'DONE': return job.method.kind === 'picker' ? `Done: saved to ${job.handle?.name ?? job.saved?.fileName ?? job.fileName}.` : `Done: ${formatBytes(job.bytesWritten ?? 0)}.`;
    case 'CANCELLED': return 'Cancelled: no zip was kept.';
    case 'FAILED': return 'Failed.';
  }
}

export function JobScreen() {
  const jobs = useLiveJobs();
  return (
    <section aria-labelledby="job-title" className="screen">
      <h1 id="job-title">Exports of this session</h1>
      <BackgroundJobsPanel />
      {jobs.length === 0 && <p className="muted">No export started in this session. Start one from Export; past ones are in History.</p>}
      <div aria-live="polite">
        {jobs.map((job) => <JobCard key={job.id} job={job} />)}
      </div>
    </section>
  );
}

// Job: live progress of the exports started in this page, with Cancel, and what to do once one ends.

import { memo } from 'react';
import { cancelJob, useLiveJobs, type LiveJob } from '../jobs.ts';
import { formatBytes, formatCount, formatDuration } from '../format.ts';
import { downloadFile } from '../../platform/save.ts';
import { ShareButton } from '../components/ShareButton.tsx';
import { BackgroundJobsPanel } from '../components/BackgroundJobsPanel.tsx';

// Memoised: a progress update re-renders only the card of the job that moved.
const JobCard = memo(function JobCard({ job }: { job: LiveJob }) {
  const p = job.progress;
  const percent = job.status === 'DONE' ? 100 : Math.floor((p?.fraction ?? 0) * 100);
  return (
    <article className="card job" aria-labelledby={`job-${job.id}`} data-status={job.status}>
      <h2 id={`job-${job.id}`}>{job.fileName}</h2>
      <p className="muted">Destination: {job.method.label}{job.method.isHeldInMemory ? ' — the zip is held in memory' : ''}</p>
      <label htmlFor={`bar-${job.id}`}>{statusText(job)}</label>
      <progress id={`bar-${job.id}`} max={100} value={percent} aria-valuetext={`${percent}%`}>{percent}%</progress>
      <dl className="facts">
        <div><dt>Done</dt><dd data-testid="job-percent">{percent}%</dd></div>
        <div><dt>Records</dt><dd>{formatCount(p?.recordsRead ?? 0)}{p?.samplesRead ? ` + ${formatCount(p.samplesRead)} samples` : ''}</dd></div>
        <div><dt>Written</dt><dd>{formatBytes(job.bytesWritten ?? p?.bytesOut ?? 0)}</dd></div>
        <div><dt>Time left</dt><dd>{job.status === 'PROCESSING' ? (p?.etaS !== undefined ? formatDuration(p.etaS) : 'estimating…') : '—'}</dd></div>
      </dl>
      {job.status === 'PROCESSING' && <p className="current-file">Writing <code>{p?.currentFile || '…'}</code></p>}
      <div className="actions">
        {job.status === 'PROCESSING' && <button type="button" className="danger" onClick={() => cancelJob(job.id)}>Cancel</button>}
        {job.status === 'DONE' && job.saved?.file && (
          <button type="button" onClick={() => downloadFile(job.saved!.file!, job.fileName)}>Download again</button>
        )}
        {job.status === 'DONE' && <ShareButton historyId={job.id} zip={job.saved?.file} />}
      </div>
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
    case 'DONE': return job.method.kind === 'picker' ? `Done: saved to ${job.saved?.fileName ?? job.fileName}.` : `Done: ${formatBytes(job.bytesWritten ?? 0)}.`;
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

// History: every export that ended, with re-download, share, verify and delete while the zip is kept.

import { useEffect, useId, useRef, useState } from 'react';
import { liveQuery } from 'dexie';
import { FORMAT_META } from '../../formats/meta.ts';
import type { FormatId } from '../../model/request.ts';
import type { HistoryRow } from '../../workers/api.ts';
import type { VerifyReport } from '../../engine/verify.ts';
import { LOCKED_TEXT } from '../../engine/verify-words.ts';
import { downloadFile } from '../../platform/save.ts';
import { bridge, readDb } from '../services.ts';
import { formatBytes, formatCount, formatDate, formatDateTime, fromDateInput } from '../format.ts';
import { asSentence } from '../../model/sentence.ts';
import { ShareButton } from '../components/ShareButton.tsx';
import { BackgroundJobsPanel } from '../components/BackgroundJobsPanel.tsx';
import { ServerExportsList } from '../components/ServerExportsList.tsx';
import { useBusyAction } from '../use-busy-action.ts';
import { loadCheckpoints } from '../../jobs/checkpoints.ts';
import type { JobRow as BackgroundJobRow } from '../../jobs/lifecycle.ts';
import { planRetry, readArchiveManifest, startRetry, storeTimeLookup, type RetryPlan } from '../../jobs/retry.ts';
import type { ExportRequest } from '../../model/request.ts';
import { readOpfsPath } from '../../platform/opfs-resumable-sink.ts';
import { formatDestination } from '../../workers/job-destination.ts';
import { enqueueBackgroundJob, useBackgroundJobs } from '../background-jobs.ts';

const STATUS_TEXT: Record<HistoryRow['status'], string> = {
  QUEUED: 'Queued', PROCESSING: 'Running', DONE: 'Done', FAILED: 'Failed', CANCELLED: 'Cancelled', INTERRUPTED: 'Interrupted',
};

function useHistory(): HistoryRow[] {
  const [rows, setRows] = useState<HistoryRow[]>([]);
  useEffect(() => {
    const sub = liveQuery(() => readDb.exportHistory.orderBy('createdAtMs').reverse().toArray() as unknown as Promise<HistoryRow[]>).subscribe({ next: setRows });
    return () => sub.unsubscribe();
  }, []);
  return rows;
}

/** What the exportJobs table keeps of any export (one-shot or background) that a retry needs. */
type StoredJob = { request: ExportRequest; destination?: string; fileNames?: string[]; encrypted?: boolean };

/**
 * The retry of an ended export, or undefined: a failed one from its checkpoints (what was written), a finished
 * one from the manifest in its kept zip (what was skipped).
 */
async function loadRetryPlan(jobId: string, hasFailed: boolean, zipPath: string | undefined): Promise<RetryPlan | undefined> {
  const job = (await readDb.exportJobs.get(jobId)) as unknown as StoredJob | undefined;
  // A retry of an encrypted export would come out unencrypted: the password is never kept.
  if (!job?.request || job.encrypted) return undefined;
  const subject = { jobId, request: job.request };
  if (hasFailed) return planRetry({ ...subject, writtenFiles: (await loadCheckpoints(readDb, jobId))[0]?.files ?? [] }, storeTimeLookup(readDb), Date.now());
  // Read from app storage in the page: opening History should not start the export worker for every row.
  const path = zipPath ?? (job.fileNames?.length === 1 ? job.fileNames[0] : undefined);
  const zip = path ? await readOpfsPath(path) : undefined;
  if (!zip) return undefined;
  const manifest = await readArchiveManifest(zip);
  // Before schema 2 a manifest listed what a format cannot carry (a pool swim in GPX) as skipped; in the app
  // nothing else ever was (records are validated when they are stored), so such an export has nothing to retry.
  if (manifest.schemaVersion < 2) return undefined;
  return planRetry({ ...subject, manifest }, storeTimeLookup(readDb), Date.now());
}

/**
 * "Retry what failed" for a failed or partial export: the button shows the sentence of what will be retried,
 * then Start retry runs it as new background export(s), linked to this one in the audit log.
 */
function RetryWhatFailed({ jobId, hasFailed, zipPath, label }: { jobId: string; hasFailed: boolean; zipPath?: string; label: string }) {
  const [plan, setPlan] = useState<RetryPlan>();
  const [isOpen, setOpen] = useState(false);
  const { isBusy, note, run } = useBusyAction();
  const start = useRef<HTMLButtonElement>(null);
  const ids = useId();
  useEffect(() => {
    let isCurrent = true;
    loadRetryPlan(jobId, hasFailed, zipPath).then((p) => { if (isCurrent) setPlan(p); }, (e: unknown) => console.warn('retry plan', e));
    return () => { isCurrent = false; };
  }, [jobId, hasFailed, zipPath]);
  useEffect(() => { if (isOpen) start.current?.focus(); }, [isOpen]);
  if (!plan) return null;
  const jobs = plan.requests.length;
  return (
    <div className="retry">
      <button type="button" className="secondary" aria-expanded={isOpen} aria-controls={`${ids}-what`} disabled={isBusy}
        aria-label={`Retry what failed in the export of ${label}`} onClick={() => setOpen(!isOpen)}>Retry what failed</button>
      {isOpen && (
        <div id={`${ids}-what`} role="group" aria-label="What will be retried">
          <p id={`${ids}-text`} data-testid="retry-description">Retries {plan.description}</p>
          {plan.willSkipAgain && <p className="warning">The same data will be skipped again: fix or re-sync those records first, or retry anyway if a sync has changed them.</p>}
          <div className="actions">
            <button type="button" ref={start} disabled={isBusy} aria-describedby={`${ids}-text`} onClick={() => run(async () => {
              const destination = ((await readDb.exportJobs.get(jobId)) as unknown as StoredJob | undefined)?.destination ?? formatDestination({ kind: 'workspace' });
              const started = await startRetry(readDb, plan, (request) => enqueueBackgroundJob({ request, destination }), Date.now);
              setOpen(false);
              return `Started ${started.length === 1 ? 'a background export' : `${started.length} background exports`} for what failed; ${jobs === 1 ? 'it appears' : 'they appear'} under Background exports.`;
            })}>Start retry</button>
            <button type="button" className="secondary" onClick={() => setOpen(false)}>Not now</button>
          </div>
        </div>
      )}
      {note && <p role="status">{note}</p>}
    </div>
  );
}

/** Failed background exports (they have no History row of their own), each with its retry. */
function FailedBackgroundRetries({ historyIds }: { historyIds: ReadonlySet<string> }) {
  const failed = useBackgroundJobs().filter((job: BackgroundJobRow) => job.status === 'FAILED' && !historyIds.has(job.id));
  if (failed.length === 0) return null;
  return (
    <section aria-labelledby="failed-background-title" className="failed-background">
      <h2 id="failed-background-title">Failed background exports</h2>
      <ul className="history-list">
        {failed.map((job) => (
          <li key={job.id} className="card" data-id={job.id}>
            <p>{formatDateTime(job.createdAtMs)}: {job.failure?.message ?? 'failed'}</p>
            <RetryWhatFailed jobId={job.id} hasFailed label={formatDateTime(job.createdAtMs)} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** What deleting a History entry does to the zip itself, said before it is done. */
function deleteConsequence(row: HistoryRow): string {
  if (row.opfsPath) return `The zip kept in app storage (${row.fileName}, ${formatBytes(row.sizeBytes)}) is deleted with it. This cannot be undone.`;
  if (row.target === 'file-handle') return `Only this entry goes: the file you saved, ${row.fileName}, stays where you saved it.`;
  return `Only this entry goes: a downloaded ${row.fileName} stays in your downloads.`;
}

/** What a verify found, in words; an encrypted export without its password is not called damaged. */
function verifyNote(report: VerifyReport): string {
  if (report.locked) return asSentence(LOCKED_TEXT[report.locked]);
  const what = report.encrypted ? 'files of the encrypted export' : 'files';
  return report.ok ? `Verified: ${report.filesChecked} ${what} match the manifest.` : `Verify found ${report.problems.length} problem(s): ${report.problems.slice(0, 3).map((p) => `${p.path} (${p.problem})`).join(', ')}`;
}

function HistoryItem({ row }: { row: HistoryRow }) {
  const { isBusy, note, run } = useBusyAction();
  const [isAskingPassword, setAskingPassword] = useState(false);
  const [isConfirmingDelete, setConfirmingDelete] = useState(false);
  const password = useRef<HTMLInputElement>(null);
  const ids = useId();
  useEffect(() => { if (isAskingPassword) password.current?.focus(); }, [isAskingPassword]);
  const isKept = row.status === 'DONE' && (!!row.opfsPath || !!row.handle);
  // A failed export, or a finished one that skipped records (rows from before the count: its kept zip may list some).
  // Records a format left out by design (a pool swim in GPX) are no failure and offer no retry.
  const isPartial = row.status === 'DONE' && !!row.skipped;
  const hasLeftovers = row.status === 'FAILED' || (row.status === 'DONE' && !!row.opfsPath && row.skipped !== 0);
  return (
    <li className="card history" data-status={row.status} data-id={row.id}>
      <div className="history-head">
        <h2>{formatDateTime(row.createdAtMs)}</h2>
        <span className="badges">
          <span className={`badge ${isPartial ? 'partial' : row.status.toLowerCase()}`}>{isPartial ? 'Partial' : STATUS_TEXT[row.status]}</span>
          {row.encrypted && <span className="badge encrypted" title="AES-256 with a password Takeaway never keeps">Encrypted</span>}
        </span>
      </div>
      <p>
        {row.formats.map((f) => FORMAT_META[f]?.label ?? f).join(', ')}
        {row.status === 'DONE' ? ` · ${formatBytes(row.sizeBytes)} · ${row.files} files` : ''}
        {row.fromMs !== undefined ? ` · ${formatDate(row.fromMs)} – ${row.toMs !== undefined ? formatDate(row.toMs - 1) : 'now'}` : ' · all time'}
      </p>
      <p className="muted">{row.fileName} · {row.target === 'file-handle' ? 'saved to a file you chose' : row.target === 'opfs' ? 'kept in app storage' : 'downloaded'}</p>
      {row.status === 'INTERRUPTED' && <p className="warning">{row.errorMessage ?? 'The page closed while this export ran; it did not finish.'} Start it again from Export.</p>}
      {row.status === 'FAILED' && <p className="error">{row.errorMessage}</p>}
      {isPartial && <p className="warning" data-testid="skipped-count">{formatCount(row.skipped!)} record(s) skipped as invalid: listed under "skipped" in manifest.json.</p>}
      {row.status === 'DONE' && !!row.leftOut && (
        <p className="muted" data-testid="left-out-count">{formatCount(row.leftOut)} record(s) left out of formats that cannot carry them (such as a pool swim, with no GPS, in GPX): not a failure, listed under "leftOut" in manifest.json.</p>
      )}
      {row.verified && <p className={row.verified.ok ? 'ok' : 'error'}>Last verified {formatDateTime(row.verified.atMs)}: {row.verified.ok ? 'every file matches its checksum' : `${row.verified.problems} problem(s)`}.</p>}
      <div className="actions">
        {isKept && row.opfsPath && (
          <button type="button" disabled={isBusy} onClick={() => run(async () => {
            const file = await bridge.savedZip(row.id);
            if (!file) return 'This zip is no longer in app storage.';
            downloadFile(file, row.fileName);
            return undefined;
          })}>Download</button>
        )}
        {isKept && row.opfsPath && <ShareButton historyId={row.id} fileName={row.fileName} />}
        {isKept && !row.encrypted && !isAskingPassword && (
          <button type="button" className="secondary" disabled={isBusy} onClick={() => run(async () => {
            const report = await bridge.verify(row.id);
            if (report.locked) setAskingPassword(true);
            return verifyNote(report);
          })}>Verify</button>
        )}
        {isKept && (row.encrypted || isAskingPassword) && (
          <button type="button" className="secondary" disabled={isBusy} aria-expanded={isAskingPassword} aria-controls={`${ids}-verify`}
            onClick={() => setAskingPassword(!isAskingPassword)}>Verify</button>
        )}
        <button type="button" className="secondary danger" disabled={isBusy} aria-expanded={isConfirmingDelete} onClick={() => setConfirmingDelete(true)}
          aria-label={`Delete export of ${formatDateTime(row.createdAtMs)}`}>Delete</button>
      </div>
      {isConfirmingDelete && (
        <div role="alertdialog" aria-modal="false" aria-labelledby={`${ids}-delete-title`} aria-describedby={`${ids}-delete-text`} className="confirm">
          <h3 id={`${ids}-delete-title`}>Delete this export from History?</h3>
          <p id={`${ids}-delete-text`}>{deleteConsequence(row)}</p>
          <div className="actions">
            <button type="button" className="danger" autoFocus disabled={isBusy}
              onClick={() => run(async () => { await bridge.deleteExport(row.id); return undefined; })}>Delete export</button>
            <button type="button" onClick={() => setConfirmingDelete(false)}>Keep it</button>
          </div>
        </div>
      )}
      {isKept && isAskingPassword && (
        <form id={`${ids}-verify`} className="verify-password" aria-label="Verify the encrypted export" onSubmit={(event) => {
          event.preventDefault();
          const input = password.current!;
          const typed = input.value;
          input.value = ''; // the password is used for this check only, never kept
          void run(async () => verifyNote(await bridge.verify(row.id, typed)));
        }}>
          <div className="field">
            <label htmlFor={`${ids}-password`}>Password of this export</label>
            <input id={`${ids}-password`} ref={password} type="password" autoComplete="off" required />
          </div>
          <button type="submit" disabled={isBusy}>Verify with this password</button>
        </form>
      )}
      {hasLeftovers && (row.encrypted
        ? <p className="muted" data-testid="encrypted-no-retry">Encrypted with a password, which Takeaway never keeps: to retry, start the export again from the wizard with a password.</p>
        : <RetryWhatFailed jobId={row.id} hasFailed={row.status === 'FAILED'} zipPath={row.opfsPath} label={formatDateTime(row.createdAtMs)} />)}
      {note && <p role="status">{note}</p>}
    </li>
  );
}

export function HistoryScreen() {
  const rows = useHistory();
  const [format, setFormat] = useState<FormatId | ''>('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const ids = useId();
  const fromMs = fromDateInput(from);
  const toMs = fromDateInput(to);
  const shown = rows.filter((row) => (!format || row.formats.includes(format))
    && (fromMs === undefined || row.createdAtMs >= fromMs)
    && (toMs === undefined || row.createdAtMs < toMs + 86_400_000));
  const formats = [...new Set(rows.flatMap((r) => r.formats))];
  return (
    <section aria-labelledby="history-title" className="screen">
      <h1 id="history-title">History</h1>
      <BackgroundJobsPanel />
      <FailedBackgroundRetries historyIds={new Set(rows.map((r) => r.id))} />
      <ServerExportsList />
      <form className="row filters" role="search" aria-label="Search exports" onSubmit={(e) => e.preventDefault()}>
        <div className="field"><label htmlFor={`${ids}-f`}>Format</label>
          <select id={`${ids}-f`} value={format} onChange={(e) => setFormat(e.target.value as FormatId | '')}>
            <option value="">Any format</option>
            {formats.map((f) => <option key={f} value={f}>{FORMAT_META[f]?.label ?? f}</option>)}
          </select></div>
        <div className="field"><label htmlFor={`${ids}-from`}>From</label><input id={`${ids}-from`} type="date" value={from} onChange={(e) => setFrom(e.target.value)} /></div>
        <div className="field"><label htmlFor={`${ids}-to`}>To</label><input id={`${ids}-to`} type="date" value={to} onChange={(e) => setTo(e.target.value)} /></div>
      </form>
      {shown.length === 0 && <p className="muted">{rows.length === 0 ? 'No exports yet.' : 'No export matches this search.'}</p>}
      <ul className="history-list">{shown.map((row) => <HistoryItem key={row.id} row={row} />)}</ul>
    </section>
  );
}

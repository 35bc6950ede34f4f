// History: every export that ended, with re-download, share, verify and delete while the zip is kept.

import { useEffect, useId, useState } from 'react';
import { liveQuery } from 'dexie';
import { FORMAT_META } from '../../formats/meta.ts';
import type { FormatId } from '../../model/request.ts';
import type { HistoryRow } from '../../workers/api.ts';
import { downloadFile } from '../../platform/save.ts';
import { bridge, readDb } from '../services.ts';
import { formatBytes, formatDate, formatDateTime, fromDateInput } from '../format.ts';
import { ShareButton } from '../components/ShareButton.tsx';
import { BackgroundJobsPanel } from '../components/BackgroundJobsPanel.tsx';
import { ServerExportsList } from '../components/ServerExportsList.tsx';
import { useBusyAction } from '../use-busy-action.ts';

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

function HistoryItem({ row }: { row: HistoryRow }) {
  const { isBusy, note, run } = useBusyAction();
  const isKept = row.status === 'DONE' && (!!row.opfsPath || !!row.handle);
  return (
    <li className="card history" data-status={row.status} data-id={row.id}>
      <div className="history-head">
        <h2>{formatDateTime(row.createdAtMs)}</h2>
        <span className={`badge ${row.status.toLowerCase()}`}>{STATUS_TEXT[row.status]}</span>
      </div>
      <p>
        {row.formats.map((f) => FORMAT_META[f]?.label ?? f).join(', ')}
        {row.status === 'DONE' ? ` · ${formatBytes(row.sizeBytes)} · ${row.files} files` : ''}
        {row.fromMs !== undefined ? ` · ${formatDate(row.fromMs)} – ${row.toMs !== undefined ? formatDate(row.toMs - 1) : 'now'}` : ' · all time'}
      </p>
      <p className="muted">{row.fileName} · {row.target === 'file-handle' ? 'saved to a file you chose' : row.target === 'opfs' ? 'kept in app storage' : 'downloaded'}</p>
      {row.status === 'INTERRUPTED' && <p className="warning">{row.errorMessage ?? 'The page closed while this export ran; it did not finish.'} Start it again from Export.</p>}
      {row.status === 'FAILED' && <p className="error">{row.errorMessage}</p>}
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
        {isKept && row.opfsPath && <ShareButton historyId={row.id} />}
        {isKept && (
          <button type="button" className="secondary" disabled={isBusy} onClick={() => run(async () => {
            const report = await bridge.verify(row.id);
            return report.ok ? `Verified: ${report.filesChecked} files match the manifest.` : `Verify found ${report.problems.length} problem(s): ${report.problems.slice(0, 3).map((p) => `${p.path} (${p.problem})`).join(', ')}`;
          })}>Verify</button>
        )}
        <button type="button" className="secondary danger" disabled={isBusy} onClick={() => run(async () => { await bridge.deleteExport(row.id); return undefined; })}
          aria-label={`Delete export of ${formatDateTime(row.createdAtMs)}`}>Delete</button>
      </div>
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

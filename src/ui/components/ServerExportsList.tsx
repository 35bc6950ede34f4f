// History's server part: exports run on the export server, with status, progress, size and expiry; a finished
// one downloads through its signed link into the same save/share flow as a device export.

import { useState } from 'react';
import { deleteServerExport, downloadServerExport, type ServerJobView } from '../../platform/server-client.ts';
import { downloadFile } from '../../platform/save.ts';
import { formatBytes, formatDateTime } from '../format.ts';
import { refreshServerExports, serverConnection, useServerExports } from '../server-exports.ts';
import { ShareButton } from './ShareButton.tsx';
import { useBusyAction } from '../use-busy-action.ts';

const STATUS_TEXT: Record<ServerJobView['status'], string> = {
  INITIATED: 'Waiting', PROCESSING: 'Running', COMPLETED: 'Ready', PAUSED: 'Paused', CANCELLED: 'Cancelled', FAILED: 'Failed', EXPIRED: 'Expired',
};
const BADGE: Partial<Record<ServerJobView['status'], string>> = { COMPLETED: 'done', FAILED: 'failed', EXPIRED: 'cancelled' };

/** The export a push notification pointed at (`#/history?export=ID`). */
function highlightedId(): string | undefined {
  return new URLSearchParams(location.hash.split('?')[1] ?? '').get('export') ?? undefined;
}

function ServerExportItem({ view, isHighlighted }: { view: ServerJobView; isHighlighted: boolean }) {
  const { isBusy, note, run } = useBusyAction();
  const [zip, setZip] = useState<File>();
  const percent = Math.round((view.progress?.fraction ?? 0) * 100);
  return (
    <li className={`card history server${isHighlighted ? ' highlighted' : ''}`} data-server-id={view.id} data-status={view.status}
      aria-current={isHighlighted ? 'true' : undefined}>
      <div className="history-head">
        <h3>{formatDateTime(view.createdAtMs)} · on the server</h3>
        <span className={`badge ${BADGE[view.status] ?? ''}`}>{STATUS_TEXT[view.status]}</span>
      </div>
      {(view.status === 'PROCESSING' || view.status === 'INITIATED') && (
        <p><progress max={100} value={percent} aria-label={`Progress of the server export of ${formatDateTime(view.createdAtMs)}`} /> {percent}%
          {view.estimatedBytes ? ` · about ${formatBytes(view.estimatedBytes)}` : ''}</p>
      )}
      <p className="muted">
        {view.fileName}
        {view.sizeBytes !== undefined ? ` · ${formatBytes(view.sizeBytes)}` : ''}
        {view.skippedCount ? ` · ${view.skippedCount} record(s) left out as invalid` : ''}
        {view.expiresAtMs ? ` · kept on the server until ${formatDateTime(view.expiresAtMs)}` : ''}
      </p>
      {view.status === 'PAUSED' && view.pause && <p className="warning">Waiting: {view.pause.reason}</p>}
      {view.error && <p className="error">{view.error.message}</p>}
      <div className="actions">
        {view.status === 'COMPLETED' && view.downloadUrl && (
          <button type="button" disabled={isBusy} onClick={() => run(async () => {
            const server = serverConnection();
            if (!server) return 'Sign in again to download.';
            const file = await downloadServerExport(server, view);
            setZip(file);
            downloadFile(file, view.fileName);
            return `Downloaded ${formatBytes(file.size)}.`;
          })}>Download</button>
        )}
        {zip && <ShareButton historyId={view.id} zip={zip} />}
        <button type="button" className="secondary danger" disabled={isBusy} aria-label={`Delete server export of ${formatDateTime(view.createdAtMs)}`}
          onClick={() => run(async () => {
            const server = serverConnection();
            if (!server) return 'Sign in again to delete.';
            await deleteServerExport(server, view.id);
            refreshServerExports();
            return undefined;
          })}>Delete</button>
      </div>
      {note && <p aria-live="polite">{note}</p>}
    </li>
  );
}

export function ServerExportsList() {
  const { exports, error, isSignedIn } = useServerExports();
  if (!isSignedIn || (!error && (!exports || exports.length === 0))) return null;
  const highlighted = highlightedId();
  return (
    <section aria-labelledby="server-exports-title" className="server-exports">
      <h2 id="server-exports-title">On the export server</h2>
      {error && <p className="warning">The export server could not be asked: {error}</p>}
      <ul className="history-list">
        {(exports ?? []).map((view) => <ServerExportItem key={view.id} view={view} isHighlighted={view.id === highlighted} />)}
      </ul>
    </section>
  );
}

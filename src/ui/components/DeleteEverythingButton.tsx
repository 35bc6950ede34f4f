// "Delete everything": after a confirmation, stops the workers, closes the database and removes every byte
// the app keeps in this browser (src/platform/delete-everything.ts), then says what went and when it is done,
// and leaves the app working on an empty store without a reload.

import { useState } from 'react';
import { RangeSet } from 'dexie';
import { deleteEverything, type DeleteReport } from '../../platform/delete-everything.ts';
import { bridge, readDb } from '../services.ts';
import { syncBridge } from '../sync-service.ts';
import { jobsBridge } from '../background-jobs.ts';
import { formatBytes } from '../format.ts';

/** Closes what holds the database open in this page: the read connection and every worker. */
async function shutDown(): Promise<void> {
  bridge.terminate();
  syncBridge.terminate();
  jobsBridge.terminate();
  readDb.close();
}

/**
 * After the deletion: the read connection opens again on its next query (a new, empty database, as on a first
 * visit) and every live query of the page runs again. Without this, the screens keep the counts from before and a
 * live query started meanwhile, having failed on the closed database, never runs again ("…" for good). The event
 * is the one Dexie sends itself for a page restored from the back/forward cache; the workers start on their next call.
 */
function startAfresh(): void {
  readDb.close({ disableAutoOpen: false });
  dispatchEvent(new CustomEvent('x-storagemutated-1', { detail: { all: new RangeSet(-Infinity, [[]]) } }));
}

export function DeleteEverythingButton() {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<DeleteReport>();

  const onDelete = async () => {
    setConfirming(false);
    setBusy(true);
    try {
      setReport(await deleteEverything(shutDown));
    } finally {
      startAfresh();
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="wipe-title" className="card wipe">
      <h2 id="wipe-title">Delete everything</h2>
      <p className="muted">Removes all records, exports, settings, the offline copy of the app and its service worker from this browser.</p>
      {!report && (
        <div className="actions">
          <button type="button" className="danger" disabled={busy} onClick={() => setConfirming(true)}>{busy ? 'Deleting…' : 'Delete everything…'}</button>
        </div>
      )}
      {confirming && (
        <div role="alertdialog" aria-modal="false" aria-labelledby="wipe-confirm-title" aria-describedby="wipe-confirm-text" className="confirm">
          <h3 id="wipe-confirm-title">Delete everything Takeaway keeps in this browser?</h3>
          <p id="wipe-confirm-text">Your data, every kept export, your sign-in and the app's offline copy are removed. Data on your account's server is not touched. This cannot be undone.</p>
          <div className="actions">
            <button type="button" className="danger" onClick={onDelete} autoFocus>Yes, delete everything</button>
            <button type="button" onClick={() => setConfirming(false)}>Cancel</button>
          </div>
        </div>
      )}
      <div aria-live="polite" data-testid="wipe-status">
        {report && (
          <>
            <p className={report.failures.length ? 'warning' : 'ok'}>
              {report.failures.length ? 'Deletion finished with problems.' : 'Done: everything Takeaway kept in this browser is deleted.'}
            </p>
            <ul>
              <li>{report.indexedDb.length} database(s){report.indexedDb.length ? `: ${report.indexedDb.join(', ')}` : ''}</li>
              <li>{report.opfsEntries.length} stored file or folder(s){report.opfsEntries.length ? `: ${report.opfsEntries.join(', ')}` : ''}</li>
              <li>{report.caches.length} cache(s), {report.serviceWorkers.length} service worker(s), {report.webStorageKeys} setting(s)</li>
              {report.usageAfterBytes !== undefined && <li>Storage the browser still counts: {formatBytes(report.usageAfterBytes)} (it updates this figure lazily)</li>}
              {report.failures.map((failure) => <li key={failure} className="error-text">{failure}</li>)}
            </ul>
            <div className="actions"><button type="button" onClick={() => location.replace('/?demo=none')}>Start again</button></div>
          </>
        )}
      </div>
    </section>
  );
}

// "Sync now": pulls changes from the records API in the sync worker, shows progress per kind, the last
// sync and errors — a paused API with the time it resumes, and a sign-in prompt with a token field on 401.

import { useEffect, useId, useState } from 'react';
import { liveQuery } from 'dexie';
import type { RecordKind } from '../../model/records.ts';
import type { SyncStateRow } from '../../store/rows.ts';
import { clockText } from '../../sync/retry.ts';
import { readDb } from '../services.ts';
import { formatCount, formatDateTime } from '../format.ts';
import { loadConnection, saveConnection } from '../connection.ts';
import { startSync, stopSync, SYNC_KINDS, useSyncRun } from '../sync-service.ts';

const KIND_NAMES: Record<RecordKind, string> = {
  activity: 'Activities', steps: 'Daily steps', weight: 'Weight', sleep: 'Sleep', record: 'Other records',
};

function useSyncStates(): Map<string, SyncStateRow> {
  const [rows, setRows] = useState(new Map<string, SyncStateRow>());
  useEffect(() => {
    const sub = liveQuery(() => readDb.syncState.toArray()).subscribe({ next: (list) => setRows(new Map(list.map((r) => [r.kind, r]))) });
    return () => sub.unsubscribe();
  }, []);
  return rows;
}

export function SyncPanel() {
  const run = useSyncRun();
  const states = useSyncStates();
  const ids = useId();
  const [connection, setConnection] = useState(loadConnection);
  const [token, setToken] = useState('');
  const outcome = run.outcome;
  const needsSignIn = outcome?.status === 'auth' || (!connection.token && !run.isRunning);

  const onSync = () => { void startSync(); };
  const onSignIn = (event: React.FormEvent) => {
    event.preventDefault();
    setConnection(saveConnection({ token: token.trim() }));
    setToken('');
    void startSync();
  };

  return (
    <section aria-labelledby={`${ids}-title`} className="card sync">
      <h2 id={`${ids}-title`}>Sync with your account</h2>
      <div className="actions">
        <button type="button" onClick={onSync} disabled={run.isRunning || !connection.token}>{run.isRunning ? 'Syncing…' : 'Sync now'}</button>
        {run.isRunning && <button type="button" className="secondary" onClick={stopSync}>Stop</button>}
      </div>
      <div className="scroll" role="region" aria-label="Sync per kind" tabIndex={0}>
        <table className="sync-table">
          <thead>
            <tr><th scope="col">Kind</th><th scope="col" className="num">New or updated</th><th scope="col" className="num">Deleted</th><th scope="col" className="num">Kept aside</th><th scope="col">Last sync</th></tr>
          </thead>
          <tbody>
            {SYNC_KINDS.map((kind) => {
              const p = run.progress[kind];
              const s = states.get(kind);
              return (
                <tr key={kind} data-sync-kind={kind}>
                  <th scope="row">{KIND_NAMES[kind]}</th>
                  <td className="num" data-testid={`sync-stored-${kind}`}>{p ? formatCount(p.stored) : '—'}</td>
                  <td className="num">{p ? formatCount(p.deleted) : '—'}</td>
                  <td className="num">{p ? formatCount(p.quarantined) : '—'}</td>
                  <td>
                    {p && !p.isDone && run.isRunning ? `page ${p.pages}…` : s?.lastSyncMs ? formatDateTime(s.lastSyncMs) : 'never'}
                    {s?.cursor !== undefined && !run.isRunning ? ' (stopped part-way; resumes next time)' : ''}
                    {s?.lastError && (!s.lastSyncMs || s.lastError.atMs > s.lastSyncMs) ? <span className="error-text"> · {s.lastError.message}</span> : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p aria-live="polite" className="status" data-testid="sync-status">
        {run.isRunning ? 'Syncing…'
          : outcome?.status === 'done' ? 'Sync finished.'
          : outcome?.status === 'cancelled' ? 'Sync stopped. The next sync continues where this one stopped.'
          : ''}
      </p>
      {outcome?.status === 'paused' && (
        <p className="error" role="alert">The records API keeps failing, so sync is paused until {clockText(outcome.pausedUntilMs)} to give it a rest. Try again after that.</p>
      )}
      {outcome?.status === 'failed' && <p className="error" role="alert">Sync failed: {outcome.message}. What was synced before the error is kept; try again later.</p>}
      {needsSignIn && (
        <form className="sign-in" onSubmit={onSignIn} aria-labelledby={`${ids}-signin`}>
          <h3 id={`${ids}-signin`}>{outcome?.status === 'auth' ? 'Sign in again' : 'Sign in'}</h3>
          <p>{outcome?.status === 'auth' ? 'Your account did not accept the saved sign-in (it may have expired). ' : ''}Paste the access token of your account.</p>
          <div className="row">
            <div className="field">
              <label htmlFor={`${ids}-token`}>Access token</label>
              <input id={`${ids}-token`} type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} required />
            </div>
            <button type="submit">Save and sync</button>
          </div>
        </form>
      )}
      <details className="connection">
        <summary>Account settings</summary>
        <div className="row">
          <div className="field">
            <label htmlFor={`${ids}-records`}>Records API address</label>
            <input id={`${ids}-records`} type="url" value={connection.recordsUrl}
              onChange={(e) => setConnection(saveConnection({ recordsUrl: e.target.value }))} />
          </div>
          <div className="field">
            <label htmlFor={`${ids}-server`}>Export server address</label>
            <input id={`${ids}-server`} type="url" value={connection.serverUrl}
              onChange={(e) => setConnection(saveConnection({ serverUrl: e.target.value }))} />
          </div>
        </div>
        <div className="field narrow">
          <label htmlFor={`${ids}-limit`}>Largest export on this device (MB, 0 for no limit)</label>
          <input id={`${ids}-limit`} type="number" min={0} step={1} value={Math.round(connection.deviceLimitBytes / 1e6)}
            onChange={(e) => setConnection(saveConnection({ deviceLimitBytes: Math.max(0, Math.round(Number(e.target.value) || 0)) * 1e6 }))} />
        </div>
        <div className="actions">
          <button type="button" className="secondary" disabled={!connection.token} onClick={() => setConnection(saveConnection({ token: '' }))}>Sign out</button>
        </div>
      </details>
    </section>
  );
}

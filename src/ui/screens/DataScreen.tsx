// Data: what is stored, per kind with its date span, when it last changed, and demo data / clear all.

import { useCallback, useEffect, useState } from 'react';
import { liveQuery } from 'dexie';
import { RECORD_KINDS, type RecordKind } from '../../model/records.ts';
import { storeCounts } from '../../store/queries.ts';
import type { StoreSummary, DemoLoadProgress } from '../../workers/api.ts';
import { bridge, readDb } from '../services.ts';
import { formatCount, formatDate, formatDateTime } from '../format.ts';
import { loadDemo, type DemoSize } from '../demo-data.ts';
import { ImportPanel } from '../components/ImportPanel.tsx';
import { SyncPanel } from '../components/SyncPanel.tsx';
import { QuarantineList } from '../components/QuarantineList.tsx';
import { DeleteEverythingButton } from '../components/DeleteEverythingButton.tsx';
import { StorageCard } from '../components/StorageCard.tsx';

export const KIND_LABELS: Record<RecordKind, string> = {
  activity: 'Activities',
  steps: 'Daily steps',
  weight: 'Weight',
  sleep: 'Sleep',
  record: 'Other records',
};

export function useStoreSummary(): StoreSummary | undefined {
  const [summary, setSummary] = useState<StoreSummary>();
  useEffect(() => {
    const subscription = liveQuery(() => storeCounts(readDb)).subscribe({ next: setSummary, error: () => setSummary(undefined) });
    return () => subscription.unsubscribe();
  }, []);
  return summary;
}

function useLastSync(): number | undefined {
  const [lastSyncMs, setLastSyncMs] = useState<number>();
  useEffect(() => {
    // Only record kinds count: the demo loader keeps its seed in a row of its own ('demo'), which is no sync.
    const subscription = liveQuery(() => readDb.syncState.where('kind').anyOf([...RECORD_KINDS]).toArray()).subscribe({
      next: (rows) => setLastSyncMs(rows.reduce<number | undefined>((max, r) => (r.lastSyncMs && (!max || r.lastSyncMs > max) ? r.lastSyncMs : max), undefined)),
    });
    return () => subscription.unsubscribe();
  }, []);
  return lastSyncMs;
}

export function DataScreen({ loading }: { loading?: DemoLoadProgress }) {
  const summary = useStoreSummary();
  const lastSyncMs = useLastSync();
  const [demoSize, setDemoSize] = useState<DemoSize>('year');
  const [busy, setBusy] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<string>();

  const onLoad = useCallback(async () => {
    setBusy('Loading demo data…');
    setMessage(undefined);
    try {
      await loadDemo(demoSize);
      setMessage('Demo data loaded.');
    } finally {
      setBusy(undefined);
    }
  }, [demoSize]);

  const onClear = useCallback(async () => {
    setConfirming(false);
    setBusy('Clearing…');
    try {
      await bridge.clearAll();
      localStorage.setItem('takeaway.cleared', '1');
      setMessage('All data and kept exports were deleted from this device.');
    } finally {
      setBusy(undefined);
    }
  }, []);

  const total = summary ? RECORD_KINDS.reduce((n, k) => n + summary[k].count, 0) : undefined;
  return (
    <section aria-labelledby="data-title" className="screen">
      <h1 id="data-title">Your data</h1>
      <p className="lede">Everything below is stored in this browser only. Export it any time, online or offline.</p>
      <table className="counts" aria-describedby="data-title">
        <caption className="visually-hidden">Records stored on this device, per kind</caption>
        <thead>
          <tr><th scope="col">Kind</th><th scope="col" className="num">Records</th><th scope="col">From</th><th scope="col">To</th></tr>
        </thead>
        <tbody>
          {RECORD_KINDS.map((kind) => {
            const c = summary?.[kind];
            return (
              <tr key={kind} data-kind={kind}>
                <th scope="row">{KIND_LABELS[kind]}</th>
                <td className="num" data-testid={`count-${kind}`}>{c ? formatCount(c.count) : '…'}</td>
                <td>{c?.firstTimeMs !== undefined ? formatDate(c.firstTimeMs) : '—'}</td>
                <td>{c?.lastTimeMs !== undefined ? formatDate(c.lastTimeMs) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="muted">
        {total === 0 ? 'No data yet: load the demo data to try Takeaway. ' : ''}
        Last sync: {lastSyncMs ? formatDateTime(lastSyncMs) : 'never'}.
      </p>
      <ImportPanel />
      <div className="actions">
        <div className="field-inline">
          <label htmlFor="demo-size">Demo size</label>
          <select id="demo-size" value={demoSize} onChange={(e) => setDemoSize(e.target.value as DemoSize)}>
            <option value="small">Six weeks (small)</option>
            <option value="year">A year (about 1 million samples)</option>
          </select>
        </div>
        <button type="button" onClick={onLoad} disabled={!!busy}>Load demo data</button>
        <button type="button" className="danger" onClick={() => setConfirming(true)} disabled={!!busy || total === 0}>Clear all data</button>
      </div>
      {confirming && (
        <div role="alertdialog" aria-modal="false" aria-labelledby="confirm-title" aria-describedby="confirm-text" className="confirm">
          <h2 id="confirm-title">Delete all data?</h2>
          <p id="confirm-text">This deletes every record, track, export history entry and kept export from this device. It cannot be undone.</p>
          <div className="actions">
            <button type="button" className="danger" onClick={onClear} autoFocus>Delete all data</button>
            <button type="button" onClick={() => setConfirming(false)}>Keep my data</button>
          </div>
        </div>
      )}
      <p role="status" aria-live="polite" className="status" data-testid="data-status">
        {busy ?? (loading ? `Loading demo data… ${formatCount(loading.recordsWritten)} of ${formatCount(loading.recordsTotal)} records` : message ?? '')}
      </p>
      <SyncPanel />
      <QuarantineList />
      <DeleteEverythingButton />
      <StorageCard />
    </section>
  );
}

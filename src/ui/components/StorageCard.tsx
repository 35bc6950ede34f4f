// Data screen: space used by exports in the workspace against what is free, and a request for persistent
// storage with why it matters (without it the browser may clear app storage, exports included, when disk is low).

import { useEffect, useState } from 'react';
import { requestPersistentStorage } from '../../platform/persistent-storage.ts';
import { estimateStorage, type StorageFigures } from '../../platform/storage.ts';
import { formatBytes } from '../format.ts';
import { RETENTION_CHOICES, retentionMs, setRetentionMs } from '../background-jobs.ts';

async function exportBytes(): Promise<number> {
  let total = 0;
  try {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('exports');
    for await (const entry of (dir as unknown as { values(): AsyncIterable<FileSystemHandle> }).values()) {
      if (entry.kind === 'file') total += (await (entry as FileSystemFileHandle).getFile()).size;
    }
  } catch {
    // No workspace yet.
  }
  return total;
}

export function StorageCard() {
  const [figures, setFigures] = useState<StorageFigures>();
  const [exportsBytes, setExportsBytes] = useState<number>();
  const [isPersisted, setPersisted] = useState<boolean>();
  const [note, setNote] = useState<string>();
  const [keepMs, setKeepMs] = useState(retentionMs);
  useEffect(() => {
    void estimateStorage().then(setFigures);
    void exportBytes().then(setExportsBytes);
    void navigator.storage?.persisted?.().then(setPersisted);
  }, []);
  const ask = async () => {
    const granted = await requestPersistentStorage();
    setPersisted(granted);
    setNote(granted ? 'Storage is now persistent: the browser will not clear it on its own.' : 'The browser said no for now (it decides by how you use the app; installing it helps). Exports still work.');
  };
  return (
    <section className="card storage" aria-labelledby="storage-title">
      <h2 id="storage-title">Storage</h2>
      {figures ? (
        <dl className="facts">
          <div><dt>Exports in app storage</dt><dd data-testid="storage-exports">{formatBytes(exportsBytes ?? 0)}</dd></div>
          <div><dt>All app data</dt><dd>{formatBytes(figures.usageBytes)}</dd></div>
          <div><dt>Free for this app</dt><dd data-testid="storage-free">{formatBytes(figures.freeBytes)}</dd></div>
        </dl>
      ) : <p className="muted">This browser does not say how much space is used.</p>}
      <div className="field">
        <label htmlFor="retention">Keep exports in app storage for</label>
        <select id="retention" value={keepMs} onChange={(e) => {
          const ms = Number(e.target.value);
          setKeepMs(ms);
          void setRetentionMs(ms).then(() => exportBytes().then(setExportsBytes));
        }}>
          {RETENTION_CHOICES.map((c) => <option key={c.label} value={c.ms}>{c.label}</option>)}
        </select>
      </div>
      <p className="muted">
        Older exports are deleted when the app starts (and while it is open); History keeps their record. Unless
        storage is persistent, the browser may also clear app storage when the disk runs low, exports and unfinished
        background exports included.
      </p>
      {isPersisted ? <p className="ok">Storage is persistent.</p> : (
        <button type="button" className="secondary" onClick={() => void ask()}>Keep app storage (persistent)</button>
      )}
      {note && <p role="status">{note}</p>}
    </section>
  );
}

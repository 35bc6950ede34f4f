// Records kept aside by sync or import because they failed validation: what, why, and a way to take them along.

import { useEffect, useState } from 'react';
import { liveQuery } from 'dexie';
import type { QuarantineRow } from '../../store/rows.ts';
import { downloadFile } from '../../platform/save.ts';
import { readDb } from '../services.ts';
import { formatCount, formatDateTime } from '../format.ts';
import { quarantineToCsv, quarantineToJsonl } from '../quarantine-export.ts';

/** How many rows are listed on screen; the files always hold all of them. */
const SHOWN_ROWS = 50;

function useQuarantine(): QuarantineRow[] | undefined {
  const [rows, setRows] = useState<QuarantineRow[]>();
  useEffect(() => {
    const sub = liveQuery(() => readDb.quarantine.orderBy('seq').reverse().toArray()).subscribe({ next: setRows, error: () => setRows([]) });
    return () => sub.unsubscribe();
  }, []);
  return rows;
}

export function QuarantineList() {
  const rows = useQuarantine();
  if (!rows) return null;
  const save = (text: string, type: string, extension: string) => {
    downloadFile(new Blob([text], { type }), `takeaway-quarantine-${new Date().toISOString().slice(0, 10)}.${extension}`);
  };
  return (
    <section aria-labelledby="quarantine-title" className="card quarantine">
      <h2 id="quarantine-title">Kept aside <span className="muted" data-testid="quarantine-count">({formatCount(rows.length)})</span></h2>
      {rows.length === 0 ? (
        <p className="muted">No record has been kept aside. Records that fail validation during sync or import appear here with the reason.</p>
      ) : (
        <>
          <p className="muted">These records failed validation, so they are not in your data or your exports. Nothing was dropped: take them along as a file.</p>
          <div className="scroll" role="region" aria-label="Records kept aside" tabIndex={0}>
            <table>
              <thead><tr><th scope="col">Kind</th><th scope="col">Record</th><th scope="col">Reason</th><th scope="col">Source</th><th scope="col">When</th></tr></thead>
              <tbody>
                {rows.slice(0, SHOWN_ROWS).map((row) => (
                  <tr key={row.seq} data-record-id={row.recordId}>
                    <td>{row.kind}</td><td><code>{row.recordId ?? '—'}</code></td><td>{row.reason}</td><td>{row.source}</td><td>{formatDateTime(row.atMs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {rows.length > SHOWN_ROWS && <p className="muted">Showing the latest {SHOWN_ROWS}; the files hold all {formatCount(rows.length)}.</p>}
          <div className="actions">
            <button type="button" className="secondary" onClick={() => save(quarantineToJsonl(rows), 'application/x-ndjson', 'jsonl')}>Save as JSON lines</button>
            <button type="button" className="secondary" onClick={() => save(quarantineToCsv(rows), 'text/csv', 'csv')}>Save as CSV</button>
          </div>
        </>
      )}
    </section>
  );
}

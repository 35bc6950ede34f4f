// Import: drop files here or pick them; each file gets a line saying what it added or why it failed.

import { useId, useRef, useState, type DragEvent } from 'react';
import { importFiles, useImports } from '../imports.ts';
import { formatCount } from '../format.ts';
import type { ImportFileResult } from '../../workers/api.ts';
import { progressText } from '../import-progress-text.ts';

/** Extensions the importers read (a .gz of the first four too). */
export const IMPORT_ACCEPT = '.fit,.gpx,.tcx,.csv,.zip,.gz';

function summary(result: ImportFileResult): string {
  const parts: string[] = [];
  if (result.activities) parts.push(`${formatCount(result.activities)} activit${result.activities === 1 ? 'y' : 'ies'}`);
  if (result.records) parts.push(`${formatCount(result.records)} record${result.records === 1 ? '' : 's'}`);
  if (result.skippedDuplicates) parts.push(`${formatCount(result.skippedDuplicates)} already stored, skipped`);
  if (result.supersededRecords) parts.push(`${formatCount(result.supersededRecords)} days kept from a better source`);
  return parts.length ? `added ${parts.join(', ')}` : 'nothing new';
}

export function ImportPanel() {
  const { running, pending, results, origin, progress } = useImports();
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const ids = useId();
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const files = [...event.dataTransfer.files];
    if (files.length) void importFiles(files, 'picked');
  };
  const failed = results.filter((r) => r.errors.length > 0).length;
  return (
    <section aria-labelledby={`${ids}-title`} className="card import">
      <h2 id={`${ids}-title`}>Import files</h2>
      <div className={`dropzone${dragging ? ' dragging' : ''}`} data-testid="dropzone"
        onDragOver={(e) => { e.preventDefault(); setDragging(true); }} onDragLeave={() => setDragging(false)} onDrop={onDrop}>
        <p>Drop FIT, GPX, TCX or zip files here (an Apple Health, Garmin or Google Takeout export too), or</p>
        <label htmlFor={`${ids}-input`} className="button">Choose files…</label>
        <input id={`${ids}-input`} ref={input} type="file" multiple accept={IMPORT_ACCEPT} className="visually-hidden"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = '';
            if (files.length) void importFiles(files, 'picked');
          }} />
        <p className="muted">Files are read on this device; nothing is uploaded. Activities already stored are skipped.</p>
      </div>
      <p role="status" aria-live="polite" className="status" data-testid="import-status">
        {running ? `Importing ${results.length + 1} of ${pending.length}${origin === 'shared' ? ' shared' : origin === 'opened' ? ' opened' : ''} file${pending.length === 1 ? '' : 's'}…${progressText(progress)}`
          : results.length ? `Imported ${results.length - failed} of ${results.length} file${results.length === 1 ? '' : 's'}${failed ? `; ${failed} could not be read` : ''}.` : ''}
      </p>
      {results.length > 0 && (
        <ul className="import-results">
          {results.map((result, i) => (
            <li key={`${result.file}-${i}`} data-file={result.file} className={result.errors.length ? 'error' : 'ok'}>
              <strong>{result.file}</strong>: {result.errors.length && !result.activities && !result.records ? 'not imported' : summary(result)}
              {result.errors.length > 0 && <span> — {result.errors.slice(0, 3).join('; ')}{result.errors.length > 3 ? ` (and ${result.errors.length - 3} more)` : ''}</span>}
              {result.warnings.length > 0 && <span className="muted" data-testid="import-warnings"> — left out: {result.warnings.slice(0, 3).join('; ')}{result.warnings.length > 3 ? ` (and ${result.warnings.length - 3} more)` : ''}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

// In the wizard's preview: run the export as a resumable background job in app storage (optionally split into
// parts), or save the configuration as a template. Like "Start export" it survives a closed tab; unlike it, it
// stays in app storage until the person downloads or saves it.

import { useId, useState } from 'react';
import type { ExportRequest } from '../../model/request.ts';
import { DEFAULT_PART_CHOICE_BYTES, formatDestination, isFat32SafeSize, PART_SIZE_CHOICES_BYTES } from '../../workers/job-destination.ts';
import { enqueueBackgroundJob, jobsBridge } from '../background-jobs.ts';
import { describeError } from '../error-text.ts';

function partLabel(bytes: number): string {
  return `${bytes / 1_000_000_000} GB${isFat32SafeSize(bytes) ? ' (FAT32-safe)' : ''}`;
}

export function BackgroundExportOptions({ request, onStarted }: { request: ExportRequest; onStarted?: () => void }) {
  const ids = useId();
  const [isSplit, setSplit] = useState(false);
  const [partSizeBytes, setPartSizeBytes] = useState(DEFAULT_PART_CHOICE_BYTES);
  const [templateName, setTemplateName] = useState('');
  const [note, setNote] = useState<string>();

  const start = async () => {
    setNote(undefined);
    try {
      await enqueueBackgroundJob({ request, destination: formatDestination({ kind: 'workspace', partSizeBytes: isSplit ? partSizeBytes : undefined }) });
      onStarted?.();
    } catch (error) {
      const text = describeError(error);
      setNote(`${text.title}: ${text.detail} ${text.action}`);
    }
  };
  const saveTemplate = async () => {
    try {
      const saved = await jobsBridge.api().saveTemplate(`user:${crypto.randomUUID()}`, templateName, request);
      setNote(`Saved as template "${saved.name}". Run or schedule it from Automate.`);
      setTemplateName('');
    } catch (error) {
      setNote(error instanceof Error ? error.message : String(error));
    }
  };

  return (
    <fieldset className="background-options">
      <legend>Background export (resumable)</legend>
      <p className="muted">
        Written into app storage with a checkpoint after every file: closing the tab, a reload or a crash loses
        nothing, and it continues by itself next time. “Start export” works the same way unless you choose to
        stream straight to a picked file (or set a password); this one adds splitting into parts and stays in app
        storage until you download it or use “Save to a file…”.
      </p>
      <label className="check">
        <input type="checkbox" checked={isSplit} onChange={(e) => setSplit(e.target.checked)} /> Split into parts
      </label>
      {isSplit && (
        <div className="field">
          <label htmlFor={`${ids}-part`}>Part size</label>
          <select id={`${ids}-part`} value={partSizeBytes} onChange={(e) => setPartSizeBytes(Number(e.target.value))}>
            {PART_SIZE_CHOICES_BYTES.map((bytes) => <option key={bytes} value={bytes}>{partLabel(bytes)}</option>)}
          </select>
        </div>
      )}
      <div className="actions">
        <button type="button" onClick={() => void start()}>Start background export</button>
      </div>
      <div className="row">
        <div className="field">
          <label htmlFor={`${ids}-tpl`}>Template name</label>
          <input id={`${ids}-tpl`} value={templateName} onChange={(e) => setTemplateName(e.target.value)} placeholder="Weekly backup" />
        </div>
        <button type="button" className="secondary" disabled={!templateName.trim()} onClick={() => void saveTemplate()}>Save as template</button>
      </div>
      {note && <p role="status">{note}</p>}
    </fieldset>
  );
}

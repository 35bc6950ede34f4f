// Automate: templates (built-in presets and saved wizard settings; run, open in the export wizard, share as JSON, import) and schedules
// (daily to quarterly or cron, a destination, pause/resume, "since the last export").

import { useEffect, useId, useState } from 'react';
import { lastExportOf, requestSince } from '../../jobs/ledger.ts';
import { listTemplates, requestFromTemplate, templateToJson, type ExportTemplate } from '../../jobs/templates.ts';
import { listSchedules, type ScheduleFrequency } from '../../jobs/schedule.ts';
import { canPickFolder, listFolders, pickFolder, hasFolderPermission, type SavedFolder } from '../../platform/fsa-directory.ts';
import { downloadFile } from '../../platform/save.ts';
import type { AppSchedule } from '../../workers/schedules.ts';
import { DEFAULT_PART_CHOICE_BYTES, formatDestination } from '../../workers/job-destination.ts';
import { enqueueBackgroundJob, jobsBridge, registerScheduleSync } from '../background-jobs.ts';
import { formatDateTime } from '../format.ts';
import { readDb } from '../services.ts';
import { useLive } from '../use-live.ts';

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function TemplatesSection({ templates }: { templates: ExportTemplate[] }) {
  const [note, setNote] = useState<string>();
  const [isSince, setSince] = useState(false);
  const ids = useId();
  const run = async (template: ExportTemplate) => {
    let request = requestFromTemplate(template, Date.now());
    if (isSince) request = requestSince(request, (await lastExportOf(readDb, template.id))?.manifest);
    await enqueueBackgroundJob({ request, destination: formatDestination({ kind: 'workspace' }), templateId: template.id });
    setNote(`Started "${template.name}"${isSince ? ' (only what changed since its last export)' : ''}. Follow it on Progress.`);
  };
  const importFile = async (file: File) => {
    const saved = await jobsBridge.api().importTemplate(await file.text());
    setNote(`Imported template "${saved.name}".`);
  };
  const act = (task: () => Promise<void>) => { setNote(undefined); void task().catch((e: unknown) => setNote(errorText(e))); };
  return (
    <section aria-labelledby="templates-title">
      <h2 id="templates-title">Templates</h2>
      <label className="check"><input type="checkbox" checked={isSince} onChange={(e) => setSince(e.target.checked)} /> Run only what was added or changed since the template's last export</label>
      <ul className="history-list">
        {templates.map((t, i) => (
          <li key={t.id} className="card template" data-id={t.id}>
            <h3 id={`${ids}-t${i}`}>{t.name}{t.isBuiltIn ? ' (built-in)' : ''}</h3>
            {t.description && <p className="muted">{t.description}</p>}
            <p className="muted">{t.request.filter.kinds.map((k) => `${k}: ${(t.request.formats[k] ?? []).join(', ')}`).join(' · ')}</p>
            <div className="actions">
              <button type="button" onClick={() => act(() => run(t))}>Run now</button>
              <button type="button" className="secondary" aria-describedby={`${ids}-t${i}`} onClick={() => { location.hash = `#/export?template=${encodeURIComponent(t.id)}`; }}>Open in export wizard</button>
              <button type="button" className="secondary" onClick={() => downloadFile(new Blob([templateToJson(t)], { type: 'application/json' }), `${t.name.replace(/[^\w-]+/g, '-').toLowerCase()}.takeaway-template.json`)}>Export JSON</button>
              {!t.isBuiltIn && <button type="button" className="secondary danger" onClick={() => act(() => jobsBridge.api().deleteTemplate(t.id))}>Delete</button>}
            </div>
          </li>
        ))}
      </ul>
      <div className="field">
        <label htmlFor={`${ids}-import`}>Import a template file (.json)</label>
        <input id={`${ids}-import`} type="file" accept="application/json,.json" onChange={(e) => { const f = e.target.files?.[0]; if (f) act(() => importFile(f)); e.target.value = ''; }} />
      </div>
      {note && <p role="status">{note}</p>}
    </section>
  );
}

const FREQUENCIES: { id: ScheduleFrequency; label: string }[] = [
  { id: 'daily', label: 'Daily' }, { id: 'weekly', label: 'Weekly' }, { id: 'monthly', label: 'Monthly' },
  { id: 'quarterly', label: 'Quarterly' }, { id: 'cron', label: 'Cron expression' },
];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function ScheduleForm({ templates, folders, onFolder }: { templates: ExportTemplate[]; folders: SavedFolder[]; onFolder: (folder: SavedFolder) => void }) {
  const ids = useId();
  const [name, setName] = useState('Weekly backup');
  const [templateId, setTemplateId] = useState('builtin:everything');
  const [frequency, setFrequency] = useState<ScheduleFrequency>('weekly');
  const [timeOfDay, setTimeOfDay] = useState('03:00');
  const [dayOfWeek, setDayOfWeek] = useState(1);
  const [dayOfMonth, setDayOfMonth] = useState(1);
  const [cron, setCron] = useState('0 3 * * 1');
  const [destination, setDestination] = useState('opfs:exports');
  const [isSince, setSince] = useState(false);
  const [error, setError] = useState<string>();
  const [note, setNote] = useState<string>();
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  const save = async () => {
    setError(undefined);
    setNote(undefined);
    try {
      const saved = await jobsBridge.api().saveSchedule({
        id: crypto.randomUUID(), name, templateId, destination, frequency, timeOfDay, dayOfWeek, dayOfMonth,
        cron: frequency === 'cron' ? cron : undefined, timeZone, isPaused: false, isSinceLastExport: isSince,
      });
      const synced = await registerScheduleSync();
      setNote(`Saved. Next run ${formatDateTime(saved.nextRunMs)}. ${synced ? 'It also runs in the background while the app is closed (periodic sync).' : 'It runs while the app is open, and a missed run is caught up once the next time you open it.'}`);
    } catch (e) {
      setError(errorText(e));
    }
  };
  const chooseFolder = async () => {
    const folder = await pickFolder().catch((e: unknown) => { setError(errorText(e)); return undefined; });
    if (!folder) return;
    onFolder(folder);
    setDestination(formatDestination({ kind: 'folder', folderId: folder.id }));
  };

  return (
    <form className="card schedule-form" aria-labelledby={`${ids}-title`} onSubmit={(e) => { e.preventDefault(); void save(); }}>
      <h3 id={`${ids}-title`}>New schedule</h3>
      <div className="row">
        <div className="field"><label htmlFor={`${ids}-name`}>Name</label><input id={`${ids}-name`} value={name} required onChange={(e) => setName(e.target.value)} /></div>
        <div className="field"><label htmlFor={`${ids}-tpl`}>Template</label>
          <select id={`${ids}-tpl`} value={templateId} onChange={(e) => setTemplateId(e.target.value)}>
            {templates.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
          </select></div>
        <div className="field"><label htmlFor={`${ids}-freq`}>Repeat</label>
          <select id={`${ids}-freq`} value={frequency} onChange={(e) => setFrequency(e.target.value as ScheduleFrequency)}>
            {FREQUENCIES.map((f) => <option key={f.id} value={f.id}>{f.label}</option>)}
          </select></div>
      </div>
      <div className="row">
        {frequency === 'cron' ? (
          <div className="field"><label htmlFor={`${ids}-cron`}>Cron expression (minute hour day month weekday)</label>
            <input id={`${ids}-cron`} value={cron} onChange={(e) => setCron(e.target.value)} /></div>
        ) : (
          <div className="field"><label htmlFor={`${ids}-time`}>Time of day</label><input id={`${ids}-time`} type="time" value={timeOfDay} onChange={(e) => setTimeOfDay(e.target.value)} /></div>
        )}
        {frequency === 'weekly' && (
          <div className="field"><label htmlFor={`${ids}-dow`}>Day of week</label>
            <select id={`${ids}-dow`} value={dayOfWeek} onChange={(e) => setDayOfWeek(Number(e.target.value))}>
              {WEEKDAYS.map((d, i) => <option key={d} value={i}>{d}</option>)}
            </select></div>
        )}
        {(frequency === 'monthly' || frequency === 'quarterly') && (
          <div className="field"><label htmlFor={`${ids}-dom`}>Day of month (1–28)</label>
            <input id={`${ids}-dom`} type="number" min={1} max={28} value={dayOfMonth} onChange={(e) => setDayOfMonth(Number(e.target.value))} /></div>
        )}
        <div className="field"><label htmlFor={`${ids}-dest`}>Destination</label>
          <select id={`${ids}-dest`} value={destination} onChange={(e) => setDestination(e.target.value)}>
            <option value="opfs:exports">App storage (one zip)</option>
            <option value={formatDestination({ kind: 'workspace', partSizeBytes: DEFAULT_PART_CHOICE_BYTES })}>App storage, 2 GB parts (FAT32-safe)</option>
            {folders.map((f) => <option key={f.id} value={formatDestination({ kind: 'folder', folderId: f.id })}>Folder mirror: {f.name}</option>)}
          </select></div>
      </div>
      {canPickFolder() && <button type="button" className="secondary" onClick={() => void chooseFolder()}>Choose a folder to keep up to date…</button>}
      <label className="check"><input type="checkbox" checked={isSince} onChange={(e) => setSince(e.target.checked)} /> Only what was added or changed since the last export (small weekly backups)</label>
      <p className="muted">Times are in {timeZone}.</p>
      <div className="actions"><button type="submit">Save schedule</button></div>
      {error && <p role="alert" className="error">{error}</p>}
      {note && <p role="status">{note}</p>}
    </form>
  );
}

function ScheduleItem({ schedule, templates, folders }: { schedule: AppSchedule; templates: ExportTemplate[]; folders: SavedFolder[] }) {
  const [note, setNote] = useState<string>();
  const folder = schedule.destination.startsWith('folder:') ? folders.find((f) => `folder:${f.id}` === schedule.destination) : undefined;
  const act = (task: () => Promise<unknown>) => { setNote(undefined); void task().catch((e: unknown) => setNote(errorText(e))); };
  const when = schedule.frequency === 'cron' ? `cron "${schedule.cron}"` : `${schedule.frequency} at ${schedule.timeOfDay ?? '03:00'}`;
  return (
    <li className="card schedule" data-id={schedule.id} data-paused={schedule.isPaused}>
      <h3>{schedule.name}</h3>
      <p>{templates.find((t) => t.id === schedule.templateId)?.name ?? schedule.templateId} · {when} ({schedule.timeZone}){schedule.isSinceLastExport ? ' · only changes' : ''}</p>
      <p className="muted">
        {schedule.isPaused ? 'Paused.' : `Next run ${formatDateTime(schedule.nextRunMs)}.`}
        {schedule.lastRunMs ? ` Last run ${formatDateTime(schedule.lastRunMs)}.` : ' Not run yet.'}
        {folder ? ` Into folder "${folder.name}".` : ''}
      </p>
      <div className="actions">
        <button type="button" onClick={() => act(() => jobsBridge.api().setSchedulePaused(schedule.id, !schedule.isPaused))}>{schedule.isPaused ? 'Resume' : 'Pause'}</button>
        {folder && <button type="button" className="secondary" onClick={() => act(async () => setNote((await hasFolderPermission(folder.handle, true)) ? 'The app may write to the folder.' : 'The browser refused access to the folder.'))}>Allow folder again</button>}
        <button type="button" className="secondary danger" onClick={() => act(() => jobsBridge.api().deleteSchedule(schedule.id))}>Delete</button>
      </div>
      {note && <p role="status">{note}</p>}
    </li>
  );
}

export function AutomateScreen() {
  const templates = useLive(() => listTemplates(readDb), [] as ExportTemplate[]);
  const schedules = useLive(() => listSchedules(readDb) as Promise<AppSchedule[]>, [] as AppSchedule[]);
  const [folders, setFolders] = useState<SavedFolder[]>([]);
  useEffect(() => { void listFolders().then(setFolders).catch(() => undefined); }, [schedules.length]);
  return (
    <section aria-labelledby="automate-title" className="screen">
      <h1 id="automate-title">Automate</h1>
      <TemplatesSection templates={templates} />
      <section aria-labelledby="schedules-title">
        <h2 id="schedules-title">Schedules</h2>
        {schedules.length === 0 && <p className="muted">No schedule yet.</p>}
        <ul className="history-list">{schedules.map((s) => <ScheduleItem key={s.id} schedule={s} templates={templates} folders={folders} />)}</ul>
        <ScheduleForm templates={templates} folders={folders} onFolder={(folder) => setFolders((list) => [...list, folder])} />
      </section>
    </section>
  );
}

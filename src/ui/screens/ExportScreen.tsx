// The export wizard: what, when, filters, formats per kind, options, then a preview before the run.

import { useEffect, useId, useRef, useState } from 'react';
import type { ExportPlan } from '../../engine/plan.ts';
import { FORMAT_META } from '../../formats/meta.ts';
import { RECORD_KINDS, type RecordKind } from '../../model/records.ts';
import { GPX_DIALECTS, type FieldCondition, type FormatId, type GpxDialect } from '../../model/request.ts';
import { listCategories, listTags } from '../../store/queries.ts';
import { estimateStorage, hasRoomFor, type StorageFigures } from '../../platform/storage.ts';
import type { SaveMethod } from '../../platform/save.ts';
import { useLive } from '../use-live.ts';
import { bridge, defaultSaveMethod, readDb, saveMethods } from '../services.ts';
import { buildRequest, choicesFromRequest, DEFAULT_CHOICES, filterOptions, RANGE_PRESETS, type RangePreset, type WizardChoices } from '../request-builder.ts';
import { formatBytes, formatDuration } from '../format.ts';
import { describeError } from '../error-text.ts';
import { canRunResumably, startExport, type WriteMode } from '../jobs.ts';
import { KIND_LABELS } from './DataScreen.tsx';
import { BackgroundExportOptions } from '../components/BackgroundExportOptions.tsx';
import { PrivacyOptions } from '../components/PrivacyOptions.tsx';
import { ReportOptions } from '../components/ReportOptions.tsx';
import { TimeUnitsOptions } from '../components/TimeUnitsOptions.tsx';
import { PasswordField } from '../components/PasswordField.tsx';
import { ServerFallbackOffer } from '../components/ServerFallbackOffer.tsx';
import { TemplatePicker } from '../components/TemplatePicker.tsx';
import { PlanPreview } from '../components/PlanPreview.tsx';
import type { ExportTemplate } from '../../jobs/templates.ts';
import { neededAgainstFree } from '../../model/storage-full.ts';

const FIELD_SUGGESTIONS = ['name', 'sport', 'category', 'totals.distanceM', 'totals.elapsedS', 'totals.avgHeartRateBpm', 'recordType', 'title', 'fields.amount', 'fields.project'];
const OP_LABELS: Record<FieldCondition['op'], string> = { eq: 'equals', contains: 'contains', gt: 'greater than', lt: 'less than' };
const GPX_DIALECT_LABELS: Record<GpxDialect, string> = { 'garmin-tpx-v1': 'Garmin TrackPointExtension v1', 'garmin-tpx-v2': 'Garmin TrackPointExtension v2', plain: 'Plain GPX 1.1' };

interface Preview {
  plan: ExportPlan;
  storage?: StorageFigures;
}

/** Data rows of each CSV table the preview shows. */
const PREVIEW_ROWS = 3;

/** Resumable when the estimated archive fits the free quota with margin; otherwise (or with the quota unknown) stream. */
function defaultWriteMode(plan: ExportPlan, storage: StorageFigures | undefined): WriteMode {
  return hasRoomFor(plan.estimatedBytes, storage) ? 'resumable' : 'stream';
}

/** The values of activities and generic records together, sorted. */
async function distinctOf(list: (db: typeof readDb, kind: 'activity' | 'record') => Promise<string[]>): Promise<string[]> {
  const [activities, records] = await Promise.all([list(readDb, 'activity'), list(readDb, 'record')]);
  return [...new Set([...activities, ...records])].sort();
}

function toggle<T>(list: readonly T[], item: T, on: boolean): T[] {
  return on ? (list.includes(item) ? [...list] : [...list, item]) : list.filter((x) => x !== item);
}

/** `templateId`: a template to start from (the route's `#/export?template=ID`). */
export function ExportScreen({ onStarted, templateId }: { onStarted: () => void; templateId?: string }) {
  const [choices, setChoices] = useState<WizardChoices>(DEFAULT_CHOICES);
  const [templateName, setTemplateName] = useState<string>();
  const [available, setAvailable] = useState<FormatId[]>([]);
  // Live: on a first visit the demo is still being written when this screen opens.
  const tags = useLive(() => distinctOf(listTags), []);
  const categories = useLive(() => distinctOf(listCategories), []);
  const [method, setMethod] = useState<SaveMethod>(defaultSaveMethod);
  const [preview, setPreview] = useState<Preview>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  // Only in this component's state: handed to the worker for the run, never put in the request or stored.
  const [password, setPassword] = useState('');
  // The person's choice for a picked file; undefined follows the default for the preview's size and free space.
  const [chosenMode, setChosenMode] = useState<WriteMode>();
  const ids = useId();
  const previewHeading = useRef<HTMLHeadingElement>(null);

  // A new preview is brought into view and takes focus, so it is seen (and read out) wherever the button was.
  useEffect(() => {
    previewHeading.current?.scrollIntoView({ block: 'start' });
    previewHeading.current?.focus({ preventScroll: true });
  }, [preview]);

  useEffect(() => {
    void bridge.formats().then(setAvailable);
  }, []);

  const tagOptions = filterOptions(tags, choices.tags);
  const categoryOptions = filterOptions(categories, choices.categories);

  const change = (patch: Partial<WizardChoices>) => {
    setChoices((c) => ({ ...c, ...patch }));
    setPreview(undefined);
  };
  const applyTemplate = (template: ExportTemplate) => {
    setChoices(choicesFromRequest(template.request));
    setPreview(undefined);
    setTemplateName(template.name);
    // The address names the template, so it can be bookmarked or shared; replaceState fires no hashchange.
    history.replaceState(history.state, '', `#/export?template=${encodeURIComponent(template.id)}`);
  };
  const setOptions = (patch: Partial<WizardChoices['options']>) => change({ options: { ...choices.options, ...patch } });

  const request = buildRequest(choices, Date.now());
  const hasFormats = request.filter.kinds.length > 0;
  const unavailable = request.filter.kinds.flatMap((k) => (request.formats[k] ?? []).filter((f) => !available.includes(f)));

  const onPreview = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const [plan, storage] = await Promise.all([bridge.plan(request, PREVIEW_ROWS), estimateStorage()]);
      setPreview({ plan, storage });
    } catch (e) {
      const text = describeError(e);
      setError(`${text.title}: ${text.detail} ${text.action}`);
    } finally {
      setBusy(false);
    }
  };

  // Set from the click until the export is handed to a job (or the picker is dismissed): one picker at a time.
  const [isStarting, setStarting] = useState(false);
  const onRun = async () => {
    if (isStarting) return;
    setError(undefined);
    setStarting(true);
    try {
      // The picker opens first, in this click, while the user activation lasts.
      const job = await startExport(buildRequest(choices, Date.now()), method, preview?.plan.estimatedBytes ?? 0, { password: password || undefined, mode: writeMode });
      if (job) onStarted();
    } catch (e) {
      const text = describeError(e);
      setError(`${text.title}: ${text.detail} ${text.action}`);
    } finally {
      setStarting(false);
    }
  };

  const isResumablePossible = canRunResumably(method, !!password);
  const writeMode: WriteMode = !isResumablePossible ? 'stream'
    : method.kind === 'picker' ? (chosenMode ?? (preview ? defaultWriteMode(preview.plan, preview.storage) : 'stream')) : 'resumable';
  const needsSpace = preview && method.kind === 'opfs' && preview.storage && preview.plan.estimatedBytes > preview.storage.freeBytes;
  return (
    <section aria-labelledby="export-title" className="screen">
      <h1 id="export-title">Export</h1>
      <form onSubmit={(e) => { e.preventDefault(); void onPreview(); }}>
        <TemplatePicker requestedId={templateId} appliedName={templateName} onApply={applyTemplate} />
        <fieldset>
          <legend>What</legend>
          <div className="chips">
            {RECORD_KINDS.map((kind) => (
              <label key={kind} className="chip">
                <input type="checkbox" name="kind" value={kind} checked={choices.kinds.includes(kind)}
                  onChange={(e) => change({ kinds: toggle(choices.kinds, kind, e.target.checked) })} />
                {KIND_LABELS[kind]}
              </label>
            ))}
          </div>
        </fieldset>

        <fieldset>
          <legend>When</legend>
          <div className="chips">
            {RANGE_PRESETS.map((preset) => (
              <label key={preset.id} className="chip">
                <input type="radio" name="preset" value={preset.id} checked={choices.preset === preset.id}
                  onChange={() => change({ preset: preset.id as RangePreset })} />
                {preset.label}
              </label>
            ))}
          </div>
          {choices.preset === 'custom' && (
            <div className="row">
              <div className="field"><label htmlFor={`${ids}-from`}>From (UTC day)</label>
                <input id={`${ids}-from`} type="date" value={choices.customFrom} onChange={(e) => change({ customFrom: e.target.value })} /></div>
              <div className="field"><label htmlFor={`${ids}-to`}>To, included</label>
                <input id={`${ids}-to`} type="date" value={choices.customTo} onChange={(e) => change({ customTo: e.target.value })} /></div>
            </div>
          )}
        </fieldset>

        <fieldset>
          <legend>Filters</legend>
          <div className="row">
            <div className="field">
              <label htmlFor={`${ids}-tags`}>Tags (any of)</label>
              <select id={`${ids}-tags`} multiple size={Math.min(5, Math.max(2, tagOptions.length))} value={choices.tags}
                onChange={(e) => change({ tags: [...e.target.selectedOptions].map((o) => o.value) })}>
                {tagOptions.map(({ value, inData }) => <option key={value} value={value}>{inData ? value : `${value} (no records now)`}</option>)}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${ids}-cats`}>Categories (any of)</label>
              <select id={`${ids}-cats`} multiple size={Math.min(5, Math.max(2, categoryOptions.length))} value={choices.categories}
                onChange={(e) => change({ categories: [...e.target.selectedOptions].map((o) => o.value) })}>
                {categoryOptions.map(({ value, inData }) => <option key={value} value={value}>{inData ? value : `${value} (no records now)`}</option>)}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${ids}-text`}>Text search</label>
              <input id={`${ids}-text`} type="search" value={choices.text} placeholder="name, title, notes, tags"
                onChange={(e) => change({ text: e.target.value })} />
            </div>
          </div>
          <datalist id={`${ids}-fields`}>{FIELD_SUGGESTIONS.map((f) => <option key={f} value={f} />)}</datalist>
          {choices.conditions.map((condition, i) => (
            <div className="row condition" key={i}>
              <div className="field"><label htmlFor={`${ids}-cf${i}`}>Field</label>
                <input id={`${ids}-cf${i}`} list={`${ids}-fields`} value={condition.field}
                  onChange={(e) => change({ conditions: choices.conditions.map((c, j) => (j === i ? { ...c, field: e.target.value } : c)) })} /></div>
              <div className="field"><label htmlFor={`${ids}-co${i}`}>Condition</label>
                <select id={`${ids}-co${i}`} value={condition.op}
                  onChange={(e) => change({ conditions: choices.conditions.map((c, j) => (j === i ? { ...c, op: e.target.value as FieldCondition['op'] } : c)) })}>
                  {Object.entries(OP_LABELS).map(([op, label]) => <option key={op} value={op}>{label}</option>)}
                </select></div>
              <div className="field"><label htmlFor={`${ids}-cv${i}`}>Value</label>
                <input id={`${ids}-cv${i}`} value={String(condition.value)}
                  onChange={(e) => {
                    const raw = e.target.value;
                    const value = condition.op === 'gt' || condition.op === 'lt' ? (raw !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw) : raw;
                    change({ conditions: choices.conditions.map((c, j) => (j === i ? { ...c, value } : c)) });
                  }} /></div>
              <button type="button" className="secondary" aria-label={`Remove condition ${i + 1}`}
                onClick={() => change({ conditions: choices.conditions.filter((_, j) => j !== i) })}>Remove</button>
            </div>
          ))}
          <button type="button" className="secondary" onClick={() => change({ conditions: [...choices.conditions, { field: '', op: 'eq', value: '' }] })}>
            Add a field condition
          </button>
        </fieldset>

        <fieldset>
          <legend>Formats</legend>
          {choices.kinds.map((kind) => (
            <div key={kind} className="format-kind" role="group" aria-label={`Formats for ${KIND_LABELS[kind]}`}>
              <span className="format-kind-label">{KIND_LABELS[kind]}</span>
              <div className="chips">
                {Object.values(FORMAT_META).filter((m) => m.kinds.includes(kind)).map((meta) => {
                  const isAvailable = available.includes(meta.id);
                  return (
                    <label key={meta.id} className={`chip${isAvailable ? '' : ' disabled'}`} title={meta.description}>
                      <input type="checkbox" name={`format-${kind}`} value={meta.id} disabled={!isAvailable}
                        checked={isAvailable && (choices.formats[kind] ?? []).includes(meta.id)}
                        onChange={(e) => change({ formats: { ...choices.formats, [kind]: toggle(choices.formats[kind] ?? [], meta.id, e.target.checked) } })} />
                      {meta.label}{isAvailable ? '' : ' (coming)'}
                    </label>
                  );
                })}
              </div>
            </div>
          ))}
        </fieldset>

        <fieldset>
          <legend>Options</legend>
          <div className="row">
            <div className="field">
              <label htmlFor={`${ids}-level`}>Compression: {choices.options.compressionLevel === 0 ? 'none (fastest)' : `level ${choices.options.compressionLevel}`}</label>
              <input id={`${ids}-level`} type="range" min={0} max={9} value={choices.options.compressionLevel}
                onChange={(e) => setOptions({ compressionLevel: Number(e.target.value) })} />
            </div>
            <div className="field">
              <label htmlFor={`${ids}-gpx`}>GPX dialect</label>
              <select id={`${ids}-gpx`} value={choices.options.gpx.dialect} onChange={(e) => setOptions({ gpx: { dialect: e.target.value as GpxDialect } })}>
                {GPX_DIALECTS.map((dialect) => <option key={dialect} value={dialect}>{GPX_DIALECT_LABELS[dialect]}</option>)}
              </select>
            </div>
          </div>
          <label className="check"><input type="checkbox" checked={choices.options.csv.formulaSafe}
            onChange={(e) => setOptions({ csv: { ...choices.options.csv, formulaSafe: e.target.checked } })} /> Formula-safe CSV (cells starting with = + - @ cannot run as formulas)</label>
          <label className="check"><input type="checkbox" checked={choices.options.csv.bom}
            onChange={(e) => setOptions({ csv: { ...choices.options.csv, bom: e.target.checked } })} /> CSV byte order mark (for Excel on Windows)</label>
          <label className="check"><input type="checkbox" checked={choices.options.csv.samples}
            onChange={(e) => setOptions({ csv: { ...choices.options.csv, samples: e.target.checked } })} /> Also a CSV of samples per activity</label>
        </fieldset>
        <TimeUnitsOptions timeStyle={choices.timeStyle} units={choices.units} onChange={change} />

        {Object.values(choices.formats).some((ids) => ids?.includes('pdf')) && (
          <ReportOptions value={choices.options.pdf} onChange={(pdf) => setOptions({ pdf })} />
        )}
        <PrivacyOptions value={choices.options.privacy} onChange={(privacy) => setOptions({ privacy })} />
        <PasswordField value={password} onChange={setPassword} />

        <fieldset>
          <legend>Where the zip goes</legend>
          {saveMethods.map((m) => (
            <label key={m.kind} className="check">
              <input type="radio" name="save-method" value={m.kind} checked={method.kind === m.kind} onChange={() => { setMethod(m); setPreview(undefined); }} />
              <span><strong>{m.label}</strong>{m === defaultSaveMethod ? ' (best here)' : ''} — {m.description}</span>
            </label>
          ))}
        </fieldset>

        {unavailable.length > 0 && <p className="warning">Not in this build yet: {unavailable.join(', ')}.</p>}
        <div className="actions sticky">
          <button type="submit" disabled={busy || !hasFormats || unavailable.length > 0}>{busy ? 'Preparing preview…' : 'Preview export'}</button>
          {!hasFormats && <span className="muted">Choose at least one format.</span>}
        </div>
      </form>

      {error && <p role="alert" className="error">{error}</p>}

      {preview && (
        <section aria-labelledby="preview-title" className="preview">
          <h2 id="preview-title" ref={previewHeading} tabIndex={-1}>Preview</h2>
          <PlanPreview plan={preview.plan} />
          <p>Written to: <strong data-testid="save-method">{method.label}</strong>. {method.description}</p>
          <p>Estimated time: about {formatDuration(preview.plan.estimatedSeconds)}.</p>
          {method.isHeldInMemory && <p className="warning">The whole zip (about {formatBytes(preview.plan.estimatedBytes)}) is held in memory on this browser.</p>}
          {needsSpace && preview.storage && (
            <p className="error" role="alert">Not enough space: {neededAgainstFree('this export', preview.plan.estimatedBytes, preview.storage.freeBytes, 'for this app')}. Delete old exports in History or save to a file you choose.</p>
          )}
          {method.kind === 'picker' && isResumablePossible && (
            <fieldset className="write-mode">
              <legend>If the tab closes mid-export</legend>
              <label className="check">
                <input type="radio" name="write-mode" value="resumable" checked={writeMode === 'resumable'} onChange={() => setChosenMode('resumable')} />
                <span><strong>Resumable</strong>: build it in the app's storage first, then save to the chosen file (survives closing the tab; needs space for the archive in browser storage{preview.storage ? `, about ${formatBytes(preview.plan.estimatedBytes)} of ${formatBytes(preview.storage.freeBytes)} free` : ''})</span>
              </label>
              <label className="check">
                <input type="radio" name="write-mode" value="stream" checked={writeMode === 'stream'} onChange={() => setChosenMode('stream')} />
                <span><strong>Stream straight to the file</strong> (fastest, no extra space; restarts from the beginning if the tab closes)</span>
              </label>
            </fieldset>
          )}
          {method.kind === 'opfs' && (
            <p className="muted">{isResumablePossible
              ? 'Resumable: a checkpoint after every file, so closing the tab or a reload loses nothing; it continues when the app is open again.'
              : 'With a password the export is written in one go (the password is never stored, so it could not continue after a reload): it starts over if the tab closes.'}</p>
          )}
          {method.kind === 'picker' && !isResumablePossible && (
            <p className="muted">With a password the export streams straight to the file (the password is never stored, so it could not continue after a reload): it starts over if the tab closes.</p>
          )}
          <div className="actions">
            <button type="button" onClick={onRun} disabled={isStarting} aria-describedby={isStarting ? 'export-starting' : undefined}>Start export</button>
            {isStarting && <span id="export-starting" role="status">{method.kind === 'picker' ? 'Waiting for you to choose where to save the zip…' : 'Starting…'}</span>}
          </div>
          <BackgroundExportOptions request={request} onStarted={onStarted} />
          <ServerFallbackOffer estimatedBytes={preview.plan.estimatedBytes} freeBytes={preview.storage?.freeBytes} hasPassword={!!password}
            request={() => buildRequest(choices, Date.now())} onStarted={() => { location.hash = '#/history'; }} />
        </section>
      )}
    </section>
  );
}

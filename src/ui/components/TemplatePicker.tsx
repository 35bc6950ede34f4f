// The wizard's "Start from a template": a select of the built-in presets and saved templates, and a button that
// fills the wizard with one. A button rather than applying on change, because arrow keys on a closed select change
// its value and would overwrite the person's choices at each press.

import { useEffect, useId, useState } from 'react';
import { liveQuery } from 'dexie';
import { getTemplate, listTemplates, type ExportTemplate } from '../../jobs/templates.ts';
import { readDb } from '../services.ts';

export interface TemplatePickerProps {
  /** A template to apply once it is loaded (from the route, `#/export?template=ID`). */
  requestedId?: string;
  /** The template the wizard's choices came from, if any. */
  appliedName?: string;
  onApply: (template: ExportTemplate) => void;
}

/** Lets a person fill the wizard from a template; applies `requestedId` when it changes, or says it is unknown. */
export function TemplatePicker({ requestedId, appliedName, onApply }: TemplatePickerProps) {
  const ids = useId();
  const [templates, setTemplates] = useState<ExportTemplate[]>([]);
  const [selectedId, setSelectedId] = useState(requestedId ?? '');
  const [problem, setProblem] = useState<string>();

  useEffect(() => {
    const sub = liveQuery(() => listTemplates(readDb)).subscribe({ next: setTemplates, error: () => undefined });
    return () => sub.unsubscribe();
  }, []);
  useEffect(() => {
    if (!requestedId) return;
    setSelectedId(requestedId);
    let isCurrent = true;
    void getTemplate(readDb, requestedId).then((template) => {
      if (!isCurrent) return;
      if (template) {
        setProblem(undefined);
        onApply(template);
      } else {
        setProblem(`There is no template "${requestedId}" on this device (it may have been deleted). The wizard shows its usual choices.`);
      }
    }, (error: unknown) => isCurrent && setProblem(error instanceof Error ? error.message : String(error)));
    return () => { isCurrent = false; };
  }, [requestedId]);

  const apply = () => {
    const template = templates.find((t) => t.id === selectedId);
    if (!template) return;
    setProblem(undefined);
    onApply(template);
  };
  const builtIn = templates.filter((t) => t.isBuiltIn);
  const saved = templates.filter((t) => !t.isBuiltIn);
  return (
    <fieldset className="template-picker">
      <legend>Start from a template</legend>
      <div className="row">
        <div className="field">
          <label htmlFor={`${ids}-tpl`}>Template</label>
          <select id={`${ids}-tpl`} value={selectedId} onChange={(e) => setSelectedId(e.target.value)} aria-describedby={`${ids}-hint`}>
            <option value="">Choose a template…</option>
            <optgroup label="Built-in presets">
              {builtIn.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
            </optgroup>
            {saved.length > 0 && (
              <optgroup label="Saved templates">
                {saved.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
              </optgroup>
            )}
          </select>
        </div>
        <button type="button" className="secondary" disabled={!selectedId} onClick={apply}>Use this template</button>
      </div>
      <p id={`${ids}-hint`} className="muted">Fills every choice below (kinds, range, filters, formats, options); nothing runs until you export.</p>
      <p role="status" data-testid="template-origin">
        {appliedName ? `From template: ${appliedName} — change anything before you export.` : ''}
      </p>
      {problem && <p role="alert" className="error">{problem}</p>}
    </fieldset>
  );
}

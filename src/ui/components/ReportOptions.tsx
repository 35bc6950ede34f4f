// The PDF report's template ("Year in review", "Monthly training log", "Health metrics") and whether it has
// a page per activity. Shown in the wizard when a PDF report is chosen.

import { useId } from 'react';
import { PDF_TEMPLATES, type PdfOptions, type PdfTemplate } from '../../model/request.ts';

const TEMPLATES: Record<PdfTemplate, { label: string; description: string }> = {
  'year-in-review': { label: 'Year in review', description: 'Totals, charts per week and sport, heart-rate zones, health trends and every activity by month.' },
  monthly: { label: 'Monthly training log', description: 'A table of activities per month with their totals.' },
  health: { label: 'Health metrics', description: 'Steps, weight and body fat, sleep and its stages.' },
};

export function ReportOptions({ value, onChange }: { value: PdfOptions | undefined; onChange: (pdf: PdfOptions) => void }) {
  const ids = useId();
  const current: PdfOptions = value ?? { template: 'year-in-review', activityPages: false };
  const chosen = TEMPLATES[current.template] ?? TEMPLATES['year-in-review'];
  return (
    <fieldset>
      <legend>PDF report</legend>
      <div className="field">
        <label htmlFor={`${ids}-template`}>Report</label>
        <select id={`${ids}-template`} value={current.template} aria-describedby={`${ids}-about`}
          onChange={(e) => onChange({ ...current, template: e.target.value as PdfTemplate })}>
          {PDF_TEMPLATES.map((id) => <option key={id} value={id}>{TEMPLATES[id].label}</option>)}
        </select>
        <p id={`${ids}-about`} className="muted">{chosen.description}</p>
      </div>
      <label className="check"><input type="checkbox" checked={current.activityPages}
        onChange={(e) => onChange({ ...current, activityPages: e.target.checked })} /> A page per activity with its route and heart-rate/altitude profile</label>
    </fieldset>
  );
}

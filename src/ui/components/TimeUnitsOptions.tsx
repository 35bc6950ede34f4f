// The wizard's time style (local or UTC) and units (metric or imperial) for the human-readable formats.
// Two native radio groups, so arrow keys move within a group and Tab moves between them.

import { useId } from 'react';
import type { TimeStyle, UnitSystem } from '../../model/request.ts';

const TIME_CHOICES: { id: TimeStyle; label: string; description: string }[] = [
  { id: 'local', label: 'Local time', description: 'as on the device’s clock, with its UTC offset and a UTC column beside it' },
  { id: 'utc', label: 'UTC', description: 'one time column ending in Z, for databases and mapping tools' },
];

const UNIT_CHOICES: { id: UnitSystem; label: string; description: string }[] = [
  { id: 'metric', label: 'Metric', description: 'km, m, km/h, kg, °C' },
  { id: 'imperial', label: 'Imperial', description: 'mi, ft, mph, min/mi, lb, °F' },
];

/** What a change sets: one of the two fields. */
export type TimeUnitsPatch = { timeStyle: TimeStyle } | { units: UnitSystem };

export interface TimeUnitsOptionsProps {
  timeStyle: TimeStyle;
  units: UnitSystem;
  onChange: (patch: TimeUnitsPatch) => void;
}

/** Two labelled radio groups for `ExportOptions.timeStyle` and `ExportOptions.units`, with a hint that standard formats ignore them. */
export function TimeUnitsOptions({ timeStyle, units, onChange }: TimeUnitsOptionsProps) {
  const ids = useId();
  return (
    <fieldset aria-describedby={`${ids}-hint`}>
      <legend>Times and units in tables</legend>
      <p id={`${ids}-hint`} className="muted">
        For CSV, Excel and PDF. FIT, TCX, GPX, JSON and XML always keep their standard units and times.
      </p>
      <div className="row">
        <fieldset className="field" role="radiogroup" aria-labelledby={`${ids}-time`}>
          <legend id={`${ids}-time`}>Times</legend>
          {TIME_CHOICES.map((choice) => (
            <label key={choice.id} className="check">
              <input type="radio" name={`${ids}-time-style`} value={choice.id} checked={timeStyle === choice.id}
                onChange={() => onChange({ timeStyle: choice.id })} />
              <span><strong>{choice.label}</strong> — {choice.description}</span>
            </label>
          ))}
        </fieldset>
        <fieldset className="field" role="radiogroup" aria-labelledby={`${ids}-units`}>
          <legend id={`${ids}-units`}>Units</legend>
          {UNIT_CHOICES.map((choice) => (
            <label key={choice.id} className="check">
              <input type="radio" name={`${ids}-units`} value={choice.id} checked={units === choice.id}
                onChange={() => onChange({ units: choice.id })} />
              <span><strong>{choice.label}</strong> — {choice.description}</span>
            </label>
          ))}
        </fieldset>
      </div>
    </fieldset>
  );
}

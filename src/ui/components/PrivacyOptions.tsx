// The wizard's privacy choices (docs/privacy.md): privacy zones as centre + radius (with "use an activity's
// start" to fill the centre), zone mode, drop GPS, drop serials, pseudonymise, and a time shift in days.

import { useEffect, useId, useState } from 'react';
import type { PrivacyOptions as Privacy, PrivacyZone } from '../../model/request.ts';
import { readDb } from '../services.ts';
import { formatDate } from '../format.ts';
import { tidyPrivacy } from '../request-builder.ts';

/** Radius a new zone starts with, metres (what the big platforms suggest for a home). */
const DEFAULT_RADIUS_M = 500;

interface ActivityChoice { id: string; label: string }

/** The latest activities that have a track, for the "use an activity's start" helper. */
function useActivityChoices(): ActivityChoice[] {
  const [choices, setChoices] = useState<ActivityChoice[]>([]);
  useEffect(() => {
    void readDb.activities.orderBy('startTimeMs').reverse().limit(100).toArray()
      .then((list) => setChoices(list.filter((a) => a.sampleCount > 0).slice(0, 30)
        .map((a) => ({ id: a.id, label: `${formatDate(a.startTimeMs)} · ${a.name || a.sport}` }))))
      .catch(() => setChoices([]));
  }, []);
  return choices;
}

/** The first sample of an activity's track that has a position, or undefined. */
async function firstPosition(activityId: string): Promise<{ latDeg: number; lonDeg: number } | undefined> {
  const chunks = await readDb.trackChunks.where('[activityId+seq]').between([activityId, 0], [activityId, Infinity]).limit(4).toArray();
  for (const chunk of chunks) {
    if (!chunk.lat || !chunk.lon) continue;
    for (let i = 0; i < chunk.count; i++) {
      if (Number.isFinite(chunk.lat[i]) && Number.isFinite(chunk.lon[i])) return { latDeg: chunk.lat[i], lonDeg: chunk.lon[i] };
    }
  }
  return undefined;
}

export function PrivacyOptions({ value, onChange }: { value?: Privacy; onChange: (next: Privacy | undefined) => void }) {
  const privacy = value ?? {};
  const zones = privacy.zones ?? [];
  const ids = useId();
  const activities = useActivityChoices();
  const [note, setNote] = useState<string>();
  const set = (patch: Partial<Privacy>) => onChange(tidyPrivacy({ ...privacy, ...patch }));
  const setZone = (i: number, patch: Partial<PrivacyZone>) => set({ zones: zones.map((z, j) => (j === i ? { ...z, ...patch } : z)) });
  const numberOr = (raw: string, fallback: number) => (raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : fallback);

  const centreOn = async (i: number, activityId: string) => {
    if (!activityId) return;
    const position = await firstPosition(activityId);
    if (!position) {
      setNote('That activity has no GPS position.');
      return;
    }
    setNote(undefined);
    setZone(i, position);
  };

  return (
    <fieldset className="privacy">
      <legend>Privacy</legend>
      <p className="muted">Applied before any file is written, so every format gets the same result. The zip's manifest lists what was done.</p>
      {zones.map((zone, i) => (
        <div key={i} className="zone card" role="group" aria-label={`Privacy zone ${i + 1}`}>
          <div className="row">
            <div className="field"><label htmlFor={`${ids}-lat${i}`}>Latitude (°)</label>
              <input id={`${ids}-lat${i}`} type="number" step="any" min={-90} max={90} value={zone.latDeg}
                onChange={(e) => setZone(i, { latDeg: numberOr(e.target.value, zone.latDeg) })} /></div>
            <div className="field"><label htmlFor={`${ids}-lon${i}`}>Longitude (°)</label>
              <input id={`${ids}-lon${i}`} type="number" step="any" min={-180} max={180} value={zone.lonDeg}
                onChange={(e) => setZone(i, { lonDeg: numberOr(e.target.value, zone.lonDeg) })} /></div>
            <div className="field"><label htmlFor={`${ids}-r${i}`}>Radius (m)</label>
              <input id={`${ids}-r${i}`} type="number" min={1} step={1} value={zone.radiusM}
                onChange={(e) => setZone(i, { radiusM: Math.max(1, numberOr(e.target.value, zone.radiusM)) })} /></div>
          </div>
          <div className="row">
            <div className="field"><label htmlFor={`${ids}-act${i}`}>Centre on an activity's start</label>
              <select id={`${ids}-act${i}`} value="" onChange={(e) => void centreOn(i, e.target.value)}>
                <option value="">Choose an activity…</option>
                {activities.map((a) => <option key={a.id} value={a.id}>{a.label}</option>)}
              </select></div>
            <button type="button" className="secondary" aria-label={`Remove privacy zone ${i + 1}`}
              onClick={() => set({ zones: zones.filter((_, j) => j !== i) })}>Remove zone</button>
          </div>
        </div>
      ))}
      {note && <p className="warning">{note}</p>}
      <button type="button" className="secondary" onClick={() => set({ zones: [...zones, { latDeg: 0, lonDeg: 0, radiusM: DEFAULT_RADIUS_M }] })}>
        Add a privacy zone
      </button>
      {zones.length > 0 && (
        <div className="chips" role="radiogroup" aria-label="Inside a zone">
          <label className="chip"><input type="radio" name={`${ids}-mode`} checked={(privacy.zoneMode ?? 'gps') === 'gps'} onChange={() => set({ zoneMode: 'gps' })} />
            Hide only the position</label>
          <label className="chip"><input type="radio" name={`${ids}-mode`} checked={privacy.zoneMode === 'sample'} onChange={() => set({ zoneMode: 'sample' })} />
            Remove the whole sample (totals recomputed)</label>
        </div>
      )}
      <label className="check"><input type="checkbox" checked={!!privacy.dropGps} onChange={(e) => set({ dropGps: e.target.checked })} /> Leave out GPS positions entirely</label>
      <label className="check"><input type="checkbox" checked={!!privacy.dropSerials} onChange={(e) => set({ dropSerials: e.target.checked })} /> Leave out device serial numbers</label>
      <label className="check"><input type="checkbox" checked={!!privacy.pseudonymise} onChange={(e) => set({ pseudonymise: e.target.checked })} />
        Pseudonymise: replace ids, names, notes and tags with stable stand-ins</label>
      <div className="field narrow">
        <label htmlFor={`${ids}-shift`}>Time shift, days (0 for none)</label>
        <input id={`${ids}-shift`} type="number" step={1} value={privacy.timeShiftDays ?? 0}
          onChange={(e) => set({ timeShiftDays: Math.trunc(numberOr(e.target.value, 0)) })} />
      </div>
    </fieldset>
  );
}

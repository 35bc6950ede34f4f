import { describe, expect, it } from 'vitest';
import { BUILT_IN_TEMPLATES, templateFromJson } from '../jobs/templates.ts';
import { buildRequest, choicesFromRequest, DEFAULT_CHOICES, filterOptions, presetRange } from './request-builder.ts';

const NOW_MS = Date.UTC(2026, 10, 24, 12);

describe('buildRequest', () => {
  it('turns the year preset into the 365 days before now', () => {
    expect(presetRange({ preset: 'year', customFrom: '', customTo: '' }, NOW_MS)).toEqual({ fromMs: NOW_MS - 365 * 86_400_000, toMs: NOW_MS });
  });

  it('includes the whole last day of a custom range', () => {
    expect(presetRange({ preset: 'custom', customFrom: '2026-01-01', customTo: '2026-01-31' }, NOW_MS))
      .toEqual({ fromMs: Date.UTC(2026, 0, 1), toMs: Date.UTC(2026, 1, 1) });
  });

  it('leaves out kinds that have no format chosen and empty filters', () => {
    const request = buildRequest({ ...DEFAULT_CHOICES, preset: 'all', formats: { ...DEFAULT_CHOICES.formats, sleep: [] } }, NOW_MS);
    expect(request.filter.kinds).toEqual(['activity', 'steps', 'weight', 'record']);
    expect(request.formats.sleep).toBeUndefined();
    expect(request.filter).not.toHaveProperty('range.fromMs');
    expect(request.filter.tags).toBeUndefined();
    expect(request.filter.text).toBeUndefined();
  });

  it('drops field conditions that have no field or no value', () => {
    const request = buildRequest({
      ...DEFAULT_CHOICES,
      conditions: [{ field: 'totals.distanceM', op: 'gt', value: 5000 }, { field: '', op: 'eq', value: 'x' }, { field: 'name', op: 'contains', value: '' }],
    }, NOW_MS);
    expect(request.filter.conditions).toEqual([{ field: 'totals.distanceM', op: 'gt', value: 5000 }]);
  });
});

describe('buildRequest time style and units', () => {
  it('defaults to local times and metric units, written out in the request', () => {
    expect(DEFAULT_CHOICES.timeStyle).toBe('local');
    expect(DEFAULT_CHOICES.units).toBe('metric');
    const request = buildRequest(DEFAULT_CHOICES, NOW_MS);
    expect(request.options).toMatchObject({ timeStyle: 'local', units: 'metric' });
  });

  it('carries the wizard choice into the options, over whatever the options held', () => {
    const request = buildRequest({ ...DEFAULT_CHOICES, options: { ...DEFAULT_CHOICES.options, units: 'metric' }, timeStyle: 'utc', units: 'imperial' }, NOW_MS);
    expect(request.options.timeStyle).toBe('utc');
    expect(request.options.units).toBe('imperial');
    expect(request.options.csv).toEqual(DEFAULT_CHOICES.options.csv);
  });
});

describe('choicesFromRequest', () => {
  const DAY_MS = 86_400_000;
  /** What a run of the rebuilt choices would ask for, without its creation time. */
  const rebuilt = (request: Parameters<typeof choicesFromRequest>[0], nowMs = NOW_MS) => {
    const { createdAtMs: _created, ...rest } = buildRequest(choicesFromRequest(request), nowMs);
    return rest;
  };

  it.each(BUILT_IN_TEMPLATES.map((t) => [t.name, t] as const))('gives back the built-in preset "%s" unchanged', (_name, template) => {
    expect(rebuilt(template.request)).toEqual(template.request);
  });

  it('reads the GPX preset as plain GPX for activities, UTC and metric, all time', () => {
    const choices = choicesFromRequest(BUILT_IN_TEMPLATES.find((t) => t.id === 'builtin:gpx-mapping')!.request);
    expect(choices).toMatchObject({ kinds: ['activity'], preset: 'all', timeStyle: 'utc', units: 'metric' });
    expect(choices.formats.activity).toEqual(['gpx']);
    expect(choices.options.gpx.dialect).toBe('plain');
    // A kind the preset leaves out keeps the wizard's default formats for when it is ticked again.
    expect(choices.formats.steps).toEqual(DEFAULT_CHOICES.formats.steps);
  });

  it.each(['week', 'month', 'quarter', 'year'] as const)('maps a template saved with the %s preset back to that preset', (preset) => {
    const { createdAtMs: _dropped, ...saved } = buildRequest({ ...DEFAULT_CHOICES, preset }, NOW_MS);
    const choices = choicesFromRequest(saved);
    expect(choices.preset).toBe(preset);
    expect(rebuilt(saved)).toEqual(saved);
    // Opened later, the rolling range ends at the new now.
    expect(buildRequest(choices, NOW_MS + 10 * DAY_MS).filter.range?.toMs).toBe(NOW_MS + 10 * DAY_MS);
  });

  it('gives back a saved template with a custom range, filters, conditions, PDF, privacy and imperial units', () => {
    const { createdAtMs: _dropped, ...saved } = buildRequest({
      ...DEFAULT_CHOICES,
      kinds: ['record', 'activity'],
      preset: 'custom', customFrom: '2025-03-01', customTo: '2025-03-31',
      tags: ['race'], categories: ['work'], text: 'marathon',
      conditions: [{ field: 'totals.distanceM', op: 'gt', value: 5000 }],
      formats: { activity: ['tcx', 'pdf'], record: ['json'] },
      options: { ...DEFAULT_CHOICES.options, compressionLevel: 0, pdf: { template: 'monthly', activityPages: true }, privacy: { dropGps: true, timeShiftDays: -3 } },
      timeStyle: 'utc', units: 'imperial',
    }, NOW_MS);
    const choices = choicesFromRequest(saved);
    expect(choices).toMatchObject({ preset: 'custom', customFrom: '2025-03-01', customTo: '2025-03-31', kinds: ['record', 'activity'] });
    expect(rebuilt(saved)).toEqual(saved);
  });

  it('gives back an export request exactly when rebuilt at its creation time, range preset included', () => {
    const request = buildRequest({ ...DEFAULT_CHOICES, preset: 'quarter', units: 'imperial' }, NOW_MS);
    expect(buildRequest(choicesFromRequest(request), request.createdAtMs)).toEqual(request);
  });

  it('keeps an old request\'s fixed range as custom days when it does not end at the request\'s creation', () => {
    const request = { ...buildRequest(DEFAULT_CHOICES, NOW_MS), filter: { kinds: ['activity' as const], range: { fromMs: Date.UTC(2026, 0, 1), toMs: Date.UTC(2026, 0, 31) } } };
    const choices = choicesFromRequest(request);
    expect(choices).toMatchObject({ preset: 'custom', customFrom: '2026-01-01', customTo: '2026-01-30' });
    expect(buildRequest(choices, NOW_MS).filter.range).toEqual(request.filter.range);
  });

  it('widens a range whose ends are not at UTC midnight to whole days', () => {
    const choices = choicesFromRequest({ filter: { kinds: ['steps'], range: { fromMs: Date.UTC(2026, 1, 3, 7), toMs: Date.UTC(2026, 1, 5, 9) } }, formats: { steps: ['csv'] }, options: DEFAULT_CHOICES.options });
    expect(choices).toMatchObject({ preset: 'custom', customFrom: '2026-02-03', customTo: '2026-02-05' });
    expect(buildRequest(choices, NOW_MS).filter.range).toEqual({ fromMs: Date.UTC(2026, 1, 3), toMs: Date.UTC(2026, 1, 6) });
  });

  it('keeps an open-ended range open on the same side', () => {
    const request = { filter: { kinds: ['weight' as const], range: { fromMs: Date.UTC(2024, 5, 1) } }, formats: { weight: ['csv' as const] }, options: DEFAULT_CHOICES.options };
    expect(choicesFromRequest(request)).toMatchObject({ preset: 'custom', customFrom: '2024-06-01', customTo: '' });
    expect(rebuilt(request).filter).toEqual(request.filter);
  });

  it('reads an old template file without time style or units as local times in metric units', () => {
    const old = JSON.stringify({
      schema: 'takeaway-template', version: 1, name: 'Old weekly runs',
      request: {
        filter: { kinds: ['activity'], tags: ['run'], recordTypes: ['time_entry'] },
        formats: { activity: ['gpx', 'csv'] },
        options: { compressionLevel: 9, csv: { bom: true, formulaSafe: true, samples: false, maxRowsPerFile: 100000 }, gpx: { dialect: 'garmin-tpx-v2' } },
      },
    });
    const template = templateFromJson(old, 'imported:old');
    const choices = choicesFromRequest(template.request);
    expect(choices).toMatchObject({ timeStyle: 'local', units: 'metric', tags: ['run'], recordTypes: ['time_entry'] });
    expect(choices.options.gpx.dialect).toBe('garmin-tpx-v2');
    expect(rebuilt(template.request)).toEqual({ ...template.request, options: { ...template.request.options, timeStyle: 'local', units: 'metric' } });
  });
});

describe('filterOptions', () => {
  it('lists the values in the data and keeps a chosen value the data lacks, marked as such', () => {
    expect(filterOptions(['race', 'commute'], ['race', 'gone'])).toEqual([
      { value: 'commute', inData: true }, { value: 'gone', inData: false }, { value: 'race', inData: true },
    ]);
    expect(filterOptions([], [])).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { buildRequest, DEFAULT_CHOICES, presetRange } from './request-builder.ts';

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

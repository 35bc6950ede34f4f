import { describe, expect, it } from 'vitest';
import { createDemoDataset, DEMO_END_MS, DEMO_SMALL_OPTIONS, DEMO_YEAR_OPTIONS } from '../demo/index.ts';
import { presetRange, RANGE_PRESETS } from './request-builder.ts';
import { demoEndMs } from './demo-anchor.ts';

const NOW_MS = Date.UTC(2026, 11, 3, 8, 40, 12);

describe('demoEndMs', () => {
  it('ends the demo at the start of the current UTC day, so its last day is yesterday', () => {
    expect(demoEndMs('', NOW_MS)).toBe(Date.UTC(2026, 11, 3));
    expect(demoEndMs('?demo=small', Date.UTC(2026, 11, 3))).toBe(Date.UTC(2026, 11, 3));
  });

  it('takes the end day from ?demo-end and refuses anything but a real YYYY-MM-DD day', () => {
    expect(demoEndMs('?demo=none&demo-end=2026-11-01', NOW_MS)).toBe(DEMO_END_MS);
    for (const bad of ['2026-13-01', '2026-02-30', 'yesterday', '']) {
      expect(() => demoEndMs(`?demo-end=${bad}`, NOW_MS)).toThrow(`?demo-end must be a day written YYYY-MM-DD, got "${bad}"`);
    }
  });

  it.each([['small', DEMO_SMALL_OPTIONS], ['year', DEMO_YEAR_OPTIONS]] as const)('gives the %s demo records in every range preset of today', (_size, preset) => {
    const dataset = createDemoDataset({ ...preset, activityCount: Math.min(preset.activityCount ?? 250, 60), samplesPerActivity: 10, endMs: demoEndMs('', NOW_MS) });
    const starts = dataset.activities().map((a) => a.startTimeMs);
    const steps = dataset.records('steps').map((s) => Date.parse(`${s.date}T12:00:00Z`));
    for (const { id } of RANGE_PRESETS.filter((p) => p.id !== 'custom' && p.id !== 'all')) {
      const range = presetRange({ preset: id, customFrom: '', customTo: '' }, NOW_MS)!;
      const inRange = (t: number) => t >= range.fromMs! && t < range.toMs!;
      expect(starts.filter(inRange).length, `activities in ${id}`).toBeGreaterThan(0);
      expect(steps.filter(inRange).length, `step days in ${id}`).toBeGreaterThan(0);
    }
  });

  it('gives the presets none of last week when the demo keeps its fixed end (what the anchor fixes)', () => {
    const starts = createDemoDataset(DEMO_SMALL_OPTIONS).activities().map((a) => a.startTimeMs);
    const week = presetRange({ preset: 'week', customFrom: '', customTo: '' }, NOW_MS)!;
    expect(starts.filter((t) => t >= week.fromMs! && t < week.toMs!)).toEqual([]);
  });
});

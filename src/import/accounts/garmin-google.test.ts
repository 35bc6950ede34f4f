import { describe, expect, it } from 'vitest';
import { GARMIN_EXPECTED, GOOGLE_FIT_EXPECTED, garminExportZip, googleFitTakeoutZip } from '../../../tests/helpers/account-exports.ts';
import { importFiles, type ImportItem } from '../index.ts';
import { collectItems, splitItems } from '../../../tests/helpers/import-items.ts';

const NOW_MS = Date.UTC(2026, 0, 1);

const importAll = (name: string, bytes: Uint8Array): Promise<ImportItem[]> => collectItems(importFiles([{ name, bytes }], { nowMs: NOW_MS }));
const split = splitItems;

describe('Garmin "Export Your Data" zip', () => {
  it('is told by its layout: every FIT in the uploaded-files zips, nights, weigh-ins and daily steps from the wellness JSON', async () => {
    const got = split(await importAll('garmin.zip', await garminExportZip()));
    expect(got.errors).toEqual([]);
    expect(got.activities.map((a) => a.activity.sampleCount)).toEqual(GARMIN_EXPECTED.activitySamples);
    expect(got.activities[0].file).toBe('garmin.zip/DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip/12345_ACTIVITY.fit');
    expect(got.activities[0].original?.name).toBe('12345_ACTIVITY.fit');
    expect(got.sleeps).toHaveLength(GARMIN_EXPECTED.sleeps);
    for (const night of got.sleeps) expect(night).toMatchObject({ ...GARMIN_EXPECTED.night, utcOffsetMin: 60, source: 'import:garmin-export' });
    expect(got.weights).toMatchObject(GARMIN_EXPECTED.weights);
    expect(got.weights[1].bodyFatPct).toBeUndefined();
    expect(got.steps.map((s) => ({ date: s.date, stepCount: s.stepCount }))).toEqual(GARMIN_EXPECTED.steps);
  });
});

describe('Google Takeout Fit', () => {
  it('is told by its layout: the activity TCX, and steps and weight from the daily table (empty days are no error)', async () => {
    const got = split(await importAll('takeout-20250410.zip', await googleFitTakeoutZip()));
    expect(got.errors).toEqual([]);
    expect(got.activities.map((a) => [a.activity.sport, a.activity.sampleCount])).toEqual([['running', 300], ['cycling', 450]]);
    expect(got.steps.map((s) => ({ date: s.date, stepCount: s.stepCount }))).toEqual(GOOGLE_FIT_EXPECTED.steps);
    expect(got.steps.every((s) => s.source === 'import:google-fit' && s.id.startsWith('google-fit-'))).toBe(true);
    expect(got.weights).toMatchObject(GOOGLE_FIT_EXPECTED.weights);
  });
});

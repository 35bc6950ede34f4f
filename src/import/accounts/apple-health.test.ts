import { Uint8ArrayReader, Uint8ArrayWriter, ZipWriter } from '@zip.js/zip.js';
import { describe, expect, it } from 'vitest';
import { appleHealthExportZip, appleHealthXml, expectedAppleHealth, type AppleHealthSpec } from '../../../tests/helpers/apple-health-export.ts';
import { importFiles, type ImportItem } from '../index.ts';
import { InflateBudget } from '../bytes.ts';
import { ZipArchive } from '../zip.ts';
import type { AccountArchive } from './account-archive.ts';
import { importAppleHealth } from './apple-health.ts';
import { collectItems, splitItems } from '../../../tests/helpers/import-items.ts';

const NOW_MS = Date.UTC(2026, 0, 1);
const SPEC: AppleHealthSpec = { days: 4, heartRatePerDay: 20, routePoints: 90 };

const importAll = (name: string, bytes: Uint8Array): Promise<ImportItem[]> => collectItems(importFiles([{ name, bytes }], { nowMs: NOW_MS }));
const split = splitItems;

describe('Apple Health export.zip', () => {
  it('is told by its layout and gives workouts with route and heart rate, one source of steps a day, weights, nights and heart rate', async () => {
    const expected = expectedAppleHealth(SPEC);
    const got = split(await importAll('export.zip', await appleHealthExportZip(SPEC)));
    expect(got.errors).toEqual([]);
    expect(got.activities).toHaveLength(expected.activities);
    const runs = got.activities.filter((a) => a.activity.sport === 'running');
    expect(runs).toHaveLength(expected.runs);
    for (const run of runs) {
      expect(run.file).toMatch(/^export\.zip\/apple_health_export\/workout-routes\/route_.*\.gpx$/);
      expect(run.activity.source).toBe('import:apple-health');
      expect(run.activity.sampleCount).toBe(SPEC.routePoints);
      expect(run.activity.channels).toEqual(expect.arrayContaining(['lat', 'lon', 'altitudeM', 'heartRateBpm']));
      // Every route point carries the reading taken within 5 s of it; the file's own totals win.
      expect(Array.from(run.chunks[0].heartRateBpm!).every((bpm) => bpm >= 130 && bpm < 155)).toBe(true);
      expect(run.activity.totals.distanceM).toBeCloseTo(5200);
      expect(run.activity.totals.calories).toBeCloseTo(310);
      expect(run.activity.totals.timerS).toBe(1800);
      expect(run.activity.utcOffsetMin).toBe(60);
    }
    const strength = got.activities.filter((a) => a.activity.sport === 'training');
    expect(strength.map((a) => a.activity.sampleCount)).toEqual([360, 360]);
    expect(strength[0].activity.channels).toEqual(['heartRateBpm']);
    expect(got.activities.reduce((sum, a) => sum + a.activity.sampleCount, 0)).toBe(expected.samples);

    // The watch's count each day, not the phone's larger one and never their sum.
    expect(got.steps.map((s) => ({ date: s.date, stepCount: s.stepCount }))).toEqual(expected.steps);
    expect(got.weights).toHaveLength(expected.weights);
    expect(got.weights.map((w) => w.weightKg)).toEqual([70, 70.1, 70.2, 70.3]);
    expect(got.weights.filter((w) => w.bodyFatPct === 21.5)).toHaveLength(expected.bodyFat);
    // One night each: the watch's stages; the phone's time in bed and the sleep app's night are not added.
    expect(got.sleeps).toHaveLength(expected.sleeps);
    for (const night of got.sleeps) expect(night).toMatchObject(expected.night);
    expect(got.heartRate).toHaveLength(expected.heartRateDays);
    expect(got.heartRate[0].fields).toMatchObject({ readings: expected.heartRateReadingsPerDay, min_bpm: 55, max_bpm: 154 });
  });

  it('keeps what comes before a fault in export.xml and names the fault', async () => {
    const xml = [...appleHealthXml(SPEC)].join('');
    const cut = xml.slice(0, xml.indexOf('<Workout'));
    const writer = new ZipWriter(new Uint8ArrayWriter());
    await writer.add('apple_health_export/export.xml', new Uint8ArrayReader(new TextEncoder().encode(`${cut}<Record type="x"`)));
    const got = split(await importAll('cut.zip', await writer.close()));
    expect(got.steps).toHaveLength(SPEC.days);
    expect(got.activities).toEqual([]);
    expect(got.errors).toEqual([expect.stringMatching(/^cut\.zip\/apple_health_export\/export\.xml: read only up to a fault, what came before it is imported: /)]);
  });
});

describe('Apple Health heart rate past what the first pass keeps', () => {
  it('reads export.xml a second time for the readings inside workouts, with the same result', async () => {
    const bytes = await appleHealthExportZip(SPEC);
    const archive = await ZipArchive.open(bytes, new InflateBudget());
    const account: AccountArchive = {
      name: 'export.zip', archive, nowMs: NOW_MS,
      async *importMember(path) {
        const member = await archive.read(path);
        if ('bytes' in member) yield* importFiles([{ name: `export.zip/${path}`, bytes: member.bytes }], { nowMs: NOW_MS });
      },
    };
    const items: ImportItem[] = [];
    for await (const item of importAppleHealth(account, 'apple_health_export/export.xml', { keptReadings: 10 })) items.push(item);
    await archive.close();
    const twice = split(items).activities.map((a) => [a.activity.sampleCount, a.activity.totals.avgHeartRateBpm]);
    const once = split(await importAll('export.zip', bytes)).activities.map((a) => [a.activity.sampleCount, a.activity.totals.avgHeartRateBpm]);
    expect(twice).toEqual(once);
    expect(twice.every(([, bpm]) => (bpm ?? 0) > 130)).toBe(true);
  });
});

// FIT files built from the structures the FIT profile documents, one per class of real-device data the import must keep.

import { Profile } from '@garmin/fitsdk';
import { describe, expect, it } from 'vitest';
import { validateRecord, validateTrackChunk } from '../model/validate.ts';
import { encodeFit, fitSeconds, semicircles } from './fit-encode.test-helper.ts';
import { importFit } from './fit.ts';
import type { ImportedActivity } from './types.ts';

const M = Profile.MesgNum;
const NOW_MS = Date.UTC(2026, 0, 1);
const START = new Date(Date.UTC(2024, 4, 1, 6, 0, 0));
const at = (second: number) => fitSeconds(START) + second;
const FILE_ID: [number, Record<string, unknown>] = [M.FILE_ID, { type: 'activity', manufacturer: 'development', product: 1, serialNumber: 7, timeCreated: START }];

function session(seconds: number, extra: Record<string, unknown> = {}): [number, Record<string, unknown>] {
  return [M.SESSION, { timestamp: at(seconds), startTime: at(0), totalElapsedTime: seconds, totalTimerTime: seconds, sport: 'running', ...extra }];
}

function expectValid(activities: ImportedActivity[]): void {
  for (const { activity, chunks } of activities) {
    expect(validateRecord(activity)).toMatchObject({ ok: true });
    for (const chunk of chunks) expect(validateTrackChunk(chunk, activity)).toMatchObject({ ok: true });
  }
}

describe('FIT developer fields that declare a native field', () => {
  const developerFields = [
    { key: 0, fieldDescription: { fieldDefinitionNumber: 0, fitBaseTypeId: 132, fieldName: 'Power', units: 'Watts', nativeMesgNum: 20, nativeFieldNum: 7 } },
    { key: 1, fieldDescription: { fieldDefinitionNumber: 1, fitBaseTypeId: 136, fieldName: 'Distance', units: 'm', nativeMesgNum: 20, nativeFieldNum: 5 } },
    { key: 2, fieldDescription: { fieldDefinitionNumber: 2, fitBaseTypeId: 2, fieldName: 'Heart Rate', units: 'bpm', nativeMesgNum: 20, nativeFieldNum: 3 } },
    // Declares no native field: stays out of the track.
    { key: 3, fieldDescription: { fieldDefinitionNumber: 3, fitBaseTypeId: 132, fieldName: 'Form Power', units: 'Watts' } },
  ];
  const records = Array.from({ length: 10 }, (_, i): [number, Record<string, unknown>] => [M.RECORD, {
    timestamp: at(i), distance: 0, heartRate: 100,
    developerFields: { 0: 200 + i, 1: i * 3.5, 2: 150 + i, 3: 60 },
  }]);

  it('fills and overrides power, distance and heart rate from them (Stryd, Connect IQ), and drops the session\'s placeholder 0 distance', () => {
    const bytes = encodeFit([FILE_ID, ...records, session(9, { totalDistance: 0 })], developerFields);
    const activities = importFit(bytes, { fileName: 'stryd.fit', nowMs: NOW_MS });
    const [{ activity, chunks }] = activities;
    expect(Array.from(chunks[0].powerW!)).toEqual(Array.from({ length: 10 }, (_, i) => 200 + i));
    expect(Array.from(chunks[0].distanceM!)).toEqual(Array.from({ length: 10 }, (_, i) => i * 3.5));
    expect(Array.from(chunks[0].heartRateBpm!)).toEqual(Array.from({ length: 10 }, (_, i) => 150 + i));
    expect(activity.totals.distanceM).toBe(31.5);
    expect(activity.totals.avgPowerW).toBe(205);
    expectValid(activities);
  });
});

describe('FIT records of the same second written apart', () => {
  it('merges position and sensor records of one timestamp into one sample with elevation and heart rate', () => {
    const records = Array.from({ length: 5 }, (_, i): [number, Record<string, unknown>][] => [
      [M.RECORD, { timestamp: at(i), positionLat: semicircles(47 + i * 1e-4), positionLong: semicircles(8), distance: i * 11 }],
      [M.RECORD, { timestamp: at(i), heartRate: 120 + i, enhancedAltitude: 400 + i }],
    ]).flat();
    const activities = importFit(encodeFit([FILE_ID, ...records, session(4)]), { fileName: 'split.fit', nowMs: NOW_MS });
    const [{ activity, chunks }] = activities;
    expect(activity.sampleCount).toBe(5);
    expect(Array.from(chunks[0].timeMs)).toEqual([0, 1, 2, 3, 4].map((s) => START.getTime() + s * 1000));
    expect(Array.from(chunks[0].heartRateBpm!)).toEqual([120, 121, 122, 123, 124]);
    expect(Array.from(chunks[0].altitudeM!)).toEqual([400, 401, 402, 403, 404]);
    expect(chunks[0].lat!.every((lat) => lat > 46.9)).toBe(true);
    expectValid(activities);
  });
});

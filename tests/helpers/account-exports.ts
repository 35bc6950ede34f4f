// Synthetic Garmin "Export Your Data" and Google Takeout Fit zips of our own making, laid out as the platforms write
// them, with the counts an import must give (`GARMIN_EXPECTED`, `GOOGLE_FIT_EXPECTED`). The FIT files are written by
// our own FIT encoder from synthetic tracks, so their sample counts are known exactly.

import { Uint8ArrayReader, Uint8ArrayWriter, ZipWriter } from '@zip.js/zip.js';
import { encodeFitActivity } from '../../src/formats/fit/encode.ts';
import { assembleActivity } from '../../src/import/assemble.ts';
import { TrackBuilder } from '../../src/import/track-builder.ts';
import type { Sport } from '../../src/model/records.ts';
import { concatBytes } from '../../src/model/streams.ts';

const encoder = new TextEncoder();

async function fitFile(startMs: number, samples: number, sport: Sport): Promise<Uint8Array> {
  const builder = new TrackBuilder();
  for (let i = 0; i < samples; i++) {
    builder.push({ timeMs: startMs + i * 1000, lat: 46.5 + i * 1e-5, lon: 6.6 + i * 1e-5, altitudeM: 400 + (i % 10), heartRateBpm: 120 + (i % 30), distanceM: i * 3 });
  }
  const { activity, chunks } = assembleActivity({
    format: 'fit', builder, from: 0, to: samples, sport, subSport: 'generic', utcOffsetMin: 60, fileTotals: {}, laps: [], pauses: [],
    device: { manufacturer: 'garmin', product: 'synthetic' }, source: 'synthetic', nowMs: 0,
  });
  async function* track() {
    yield* chunks;
  }
  const parts: Uint8Array[] = [];
  for await (const part of encodeFitActivity(activity, track())) parts.push(part);
  return concatBytes(parts);
}

async function zipOf(members: [string, Uint8Array][]): Promise<Uint8Array> {
  const writer = new ZipWriter(new Uint8ArrayWriter());
  for (const [name, bytes] of members) await writer.add(name, new Uint8ArrayReader(bytes));
  return writer.close();
}

const json = (value: unknown) => encoder.encode(JSON.stringify(value, null, 1));

/** FIT activities (samples each) in the uploaded-files zips, and the wellness records. */
export const GARMIN_EXPECTED = {
  activitySamples: [600, 900, 1200],
  sleeps: 3,
  night: { deepS: 5400, lightS: 14_400, remS: 5400, awakeS: 900, durationAsleepS: 25_200, score: 81 },
  weights: [{ weightKg: 72.3, bodyFatPct: 18.5 }, { weightKg: 72.1 }],
  steps: [{ date: '2025-03-01', stepCount: 8123 }, { date: '2025-03-02', stepCount: 10_456 }, { date: '2025-03-03', stepCount: 4321 }],
};

/** A Garmin account export: two uploaded-files zips of FIT, sleep, biometrics and daily-summary JSON, and some files not read. */
export async function garminExportZip(): Promise<Uint8Array> {
  const day = (d: number, hour: number) => Date.UTC(2025, 2, 1 + d, hour);
  const [a, b, c] = GARMIN_EXPECTED.activitySamples;
  const part1 = await zipOf([['12345_ACTIVITY.fit', await fitFile(day(0, 6), a, 'running')], ['12346_ACTIVITY.fit', await fitFile(day(1, 16), b, 'cycling')]]);
  const part2 = await zipOf([['12400_ACTIVITY.fit', await fitFile(day(2, 7), c, 'running')]]);
  const night = (d: number) => ({
    calendarDate: `2025-03-0${2 + d}`,
    sleepStartTimestampGMT: `2025-03-0${1 + d}T21:30:00.0`, sleepEndTimestampGMT: `2025-03-0${2 + d}T05:15:00.0`,
    sleepStartTimestampLocal: `2025-03-0${1 + d}T22:30:00.0`,
    deepSleepSeconds: 5400, lightSleepSeconds: 14_400, remSleepSeconds: 5400, awakeSleepSeconds: 900, sleepScores: { overallScore: 81 },
  });
  const sleep = [night(0), night(1), night(2), { calendarDate: '2025-03-05', retro: true }];
  const bio = [
    { weight: { weight: 72_300, bodyFat: 18.5, timestampGMT: day(0, 5), sourceType: 'INDEX_SCALE' }, metaData: { calendarDate: '2025-03-01T00:00:00.0' } },
    { weight: { weight: 72_100, timestampGMT: day(2, 5), sourceType: 'MANUAL' }, metaData: { calendarDate: '2025-03-03T00:00:00.0' } },
    { height: 178, metaData: { calendarDate: '2025-03-03T00:00:00.0' } },
  ];
  const uds = GARMIN_EXPECTED.steps.map((s) => ({ calendarDate: s.date, totalSteps: s.stepCount, totalKilocalories: 2300 }));
  return zipOf([
    ['DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip', part1],
    ['DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part2.zip', part2],
    ['DI_CONNECT/DI-Connect-Wellness/2025-03-01_2025-06-09_98765_sleepData.json', json(sleep)],
    ['DI_CONNECT/DI-Connect-Wellness/98765_userBioMetrics.json', json(bio)],
    ['DI_CONNECT/DI-Connect-Aggregator/UDSFile_2025-03-01_2025-06-09.json', json(uds)],
    ['DI_CONNECT/DI-Connect-Fitness/someone_0_summarizedActivities.json', json([{ summarizedActivitiesExport: [] }])],
    ['DI_CONNECT/DI-Connect-User/user_profile.json', json({ userName: 'synthetic' })],
  ]);
}

/** Activities (trackpoints each) and the daily table's steps and weights. */
export const GOOGLE_FIT_EXPECTED = {
  activitySamples: [300, 450],
  steps: [{ date: '2025-04-01', stepCount: 9001 }, { date: '2025-04-02', stepCount: 7002 }, { date: '2025-04-04', stepCount: 12_004 }],
  weights: [{ weightKg: 65.4 }, { weightKg: 65.2 }],
};

function tcx(startMs: number, points: number, sport: string): Uint8Array {
  let text = '<?xml version="1.0" encoding="UTF-8"?>\n<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">\n'
    + `<Activities><Activity Sport="${sport}"><Id>${new Date(startMs).toISOString()}</Id><Lap StartTime="${new Date(startMs).toISOString()}">`
    + `<TotalTimeSeconds>${points - 1}</TotalTimeSeconds><DistanceMeters>${(points - 1) * 2.5}</DistanceMeters><Calories>0</Calories><Intensity>Active</Intensity><TriggerMethod>Manual</TriggerMethod><Track>\n`;
  for (let i = 0; i < points; i++) {
    text += `<Trackpoint><Time>${new Date(startMs + i * 1000).toISOString()}</Time><Position><LatitudeDegrees>${(52.5 + i * 1e-5).toFixed(6)}</LatitudeDegrees>`
      + `<LongitudeDegrees>${(13.4 + i * 1e-5).toFixed(6)}</LongitudeDegrees></Position><DistanceMeters>${(i * 2.5).toFixed(1)}</DistanceMeters><HeartRateBpm><Value>${110 + (i % 40)}</Value></HeartRateBpm></Trackpoint>\n`;
  }
  return encoder.encode(`${text}</Track></Lap></Activity></Activities>\n</TrainingCenterDatabase>\n`);
}

/** A Google Takeout with a Fit folder: activity TCX, the daily table (a day without weight, a day without data), a per-day table not read, and another product's folder. */
export async function googleFitTakeoutZip(): Promise<Uint8Array> {
  const [a, b] = GOOGLE_FIT_EXPECTED.activitySamples;
  const daily = 'Date,Move Minutes count,Calories (kcal),Distance (m),Heart Points,Step count,Average weight (kg),Max weight (kg),Min weight (kg)\n'
    + '2025-04-01,45,2100.5,6400.2,20,9001,65.4,65.4,65.4\n'
    + '2025-04-02,30,1980.1,4800.0,10,7002,,,\n'
    + '2025-04-03,,,,,,,,\n'
    + '2025-04-04,80,2500.0,9800.0,50,12004,65.2,65.2,65.2\n';
  return zipOf([
    ['Takeout/Fit/Activities/2025-04-01T07_30_00+02_00_PT5M_Running.tcx', tcx(Date.UTC(2025, 3, 1, 5, 30), a, 'Running')],
    ['Takeout/Fit/Activities/2025-04-04T18_00_00+02_00_PT7M30S_Biking.tcx', tcx(Date.UTC(2025, 3, 4, 16, 0), b, 'Biking')],
    ['Takeout/Fit/Daily activity metrics/Daily activity metrics.csv', encoder.encode(daily)],
    ['Takeout/Fit/Daily activity metrics/2025-04-01.csv', encoder.encode('Start time,End time,Step count\n00:00:00.000+02:00,00:15:00.000+02:00,12\n')],
    ['Takeout/Fit/All data/raw_com.google.step_count.delta.json', encoder.encode('{"Data Points":[]}')],
    ['Takeout/archive_browser.html', encoder.encode('<html></html>')],
  ]);
}

// Hostile and mutated input through the real importer and the real CLI: every file either imports or is refused
// with a reason in words, never INTERNAL, never a hang (issue 19).

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFiles, type ImportFile, type ImportItem } from '../../src/import/index.ts';
import { REPO_ROOT } from '../helpers/zip-files.ts';
import { collectItems } from '../helpers/import-items.ts';

const BIN = join(REPO_ROOT, 'bin/takeaway.mjs');
const NOW_MS = Date.UTC(2026, 0, 1);
const T0 = Date.UTC(2026, 2, 1, 7);
const encoder = new TextEncoder();
const dir = mkdtempSync(join(tmpdir(), 'takeaway-hostile-'));

function takeaway(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
}

const importAll = (files: ImportFile[]): Promise<ImportItem[]> => collectItems(importFiles(files, { nowMs: NOW_MS }));

function activityLine(id: string, lap: Record<string, number>): string {
  return JSON.stringify({
    kind: 'activity', id, updatedAtMs: 0, sport: 'running', name: id, startTimeMs: T0, utcOffsetMin: 0,
    totals: { elapsedS: 2, timerS: 2 }, sampleCount: 3, channels: ['lat', 'lon'],
    laps: [{ startTimeMs: T0, startIndex: 0, endIndex: 3, elapsedS: 2, timerS: 2, ...lap }],
  });
}
function trackLine(id: string): string {
  return JSON.stringify({ kind: 'track', activityId: id, seq: 0, startIndex: 0, count: 3, timeMs: [T0, T0 + 1000, T0 + 2000], lat: [47, 47.001, 47.002], lon: [8, 8, 8] });
}

describe('huge but finite numbers (issue 19 item 9)', () => {
  it('skips and lists an activity whose lap says 1e308 s or m, in every format, instead of failing the export', () => {
    const input = join(dir, 'huge.jsonl');
    writeFileSync(input, [
      JSON.stringify({ takeaway: 'jsonl', version: 1 }),
      activityLine('a-timer', { timerS: 1e308 }), trackLine('a-timer'),
      activityLine('a-distance', { distanceM: 1e308 }), trackLine('a-distance'),
      activityLine('a-fine', {}), trackLine('a-fine'),
      JSON.stringify({ kind: 'steps', id: 'st-huge', updatedAtMs: 0, date: '2026-03-01', stepCount: 1e308 }),
      JSON.stringify({ kind: 'record', id: 'r-huge', updatedAtMs: 0, recordType: 'reading', timestampMs: T0, utcOffsetMin: 0, title: 'x', fields: { value: 1e308 } }),
      '',
    ].join('\n'));
    const out = join(dir, 'huge.zip');
    const result = takeaway('export', '--input', input, '--formats', 'fit,tcx,gpx,csv,json,xml,xlsx,pdf', '--out', out, '--created-at', '2026-11-24T12:00:00Z');
    expect(result.stderr).not.toContain('INTERNAL');
    expect(result.status, result.stderr).toBe(0);
    const manifest = JSON.parse(spawnSync('unzip', ['-p', out, 'manifest.json'], { encoding: 'utf8' }).stdout);
    // Their track lines are listed too, as lines that follow no valid activity.
    expect(manifest.skipped.filter((s: { kind: string }) => s.kind !== 'unknown').map((s: { id: string }) => s.id).sort()).toEqual(['a-distance', 'a-timer', 'st-huge']);
    expect(manifest.skipped.find((s: { id: string }) => s.id === 'a-timer').reason).toMatch(/laps\[0\]\.timerS = 1e\+308 is above/);
    const records = spawnSync('unzip', ['-p', out, 'records/reading.csv'], { encoding: 'utf8' }).stdout;
    expect(records).toContain(BigInt(1e308).toString());
    expect(records).not.toContain('Infinity');
    expect(spawnSync('unzip', ['-l', out], { encoding: 'utf8' }).stdout).toMatch(/activities\/tcx\/.*a-fine\.tcx/);
  }, 120_000);

  it('refuses a TCX whose lap TotalTimeSeconds is 1e308 by name, and imports the next file', async () => {
    const tcx = (seconds: string) => `<?xml version="1.0"?><TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"><Activities><Activity Sport="Running"><Id>2026-03-01T07:00:00Z</Id>`
      + `<Lap StartTime="2026-03-01T07:00:00Z"><TotalTimeSeconds>${seconds}</TotalTimeSeconds><DistanceMeters>10</DistanceMeters><Track>`
      + '<Trackpoint><Time>2026-03-01T07:00:00Z</Time></Trackpoint><Trackpoint><Time>2026-03-01T07:00:05Z</Time></Trackpoint></Track></Lap></Activity></Activities></TrainingCenterDatabase>';
    const items = await importAll([{ name: 'huge.tcx', bytes: encoder.encode(tcx('1e308')) }, { name: 'fine.tcx', bytes: encoder.encode(tcx('5')) }]);
    expect(items.map((i) => i.type)).toEqual(['error', 'activity']);
    expect(items[0]).toMatchObject({ file: 'huge.tcx', message: expect.stringMatching(/^huge\.tcx: produced an invalid activity: .*timerS = 1e\+308 is above/) });
  });
});


describe('strict numbers and dates (issue 19 item 12)', () => {
  const gpx = (lat: string, time: string) => encoder.encode(`<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>`
    + `<trkpt lat="${lat}" lon="8.1"><time>${time}</time></trkpt></trkseg></trk></gpx>`);
  const messages = (items: ImportItem[]) => items.map((i) => (i.type === 'error' ? i.message : i.type === 'record' ? `record ${i.record.id}` : `activity ${i.file}`));

  it('refuses 0x10 as a GPX latitude and 30 February as a GPX time (the only point is dropped, by name), and imports a plain one', async () => {
    const items = await importAll([
      { name: 'hex.gpx', bytes: gpx('0x10', '2023-02-28T07:00:00Z') },
      { name: 'feb30.gpx', bytes: gpx('47.1', '2023-02-30T07:00:00Z') },
      { name: 'fine.gpx', bytes: gpx(' 47.1 ', '2024-02-29T07:00:00Z') },
    ]);
    expect(messages(items)).toEqual([
      'hex.gpx: GPX file has no usable track points: <trkpt> #1 of the track dropped: lat="0x10" is not a number',
      'feb30.gpx: GPX file has no usable track points: <trkpt> #1 of the track dropped: <time> "2023-02-30T07:00:00Z" is not a valid dateTime',
      'activity fine.gpx',
    ]);
  });

  it('refuses CSV rows with 0x10 steps, 30 February, 1e308 steps or a second row of one day, keeping the others', async () => {
    const steps = ['date,step_count', '2024-05-01,8000', '2024-05-02,0x10', '2023-02-30,100', '2024-05-03,1e308', '2024-05-01,9000', '2024-05-04,7000', ''].join('\n');
    const weight = ['timestamp,weight_kg,body_fat_percentage', '2023-02-30T07:00:00Z,70,', '2024-05-01T07:00:00Z,70,', ''].join('\n');
    const items = await importAll([{ name: 'steps.csv', bytes: encoder.encode(steps) }, { name: 'weight.csv', bytes: encoder.encode(weight) }]);
    expect(messages(items)).toEqual([
      'record steps-2024-05-01',
      'steps.csv: steps steps-2024-05-03: stepCount = 1e+308 is above 10000000, more than anyone walks in a day',
      'record steps-2024-05-04',
      'steps.csv: line 3: step_count "0x10" is not a number',
      'steps.csv: line 4: date "2023-02-30" is not a real YYYY-MM-DD date',
      'steps.csv: line 6: same day as line 2 (steps-2024-05-01); the first row is kept',
      `record weight-${Date.UTC(2024, 4, 1, 7)}`,
      'weight.csv: line 2: "2023-02-30T07:00:00Z" is not a real date',
    ]);
  });

  it('names a symbolic link in an input folder as not followed, and reads the files beside it', () => {
    const folder = join(dir, 'with-link');
    mkdirSync(folder);
    writeFileSync(join(folder, 'ride.gpx'), gpx('47.1', '2024-05-01T07:00:00Z'));
    writeFileSync(join(dir, 'outside.gpx'), gpx('47.2', '2024-05-02T07:00:00Z'));
    symlinkSync(join(dir, 'outside.gpx'), join(folder, 'link.gpx'));
    const out = join(dir, 'link.zip');
    const result = takeaway('export', '--input', folder, '--formats', 'gpx', '--out', out, '--created-at', '2026-11-24T12:00:00Z');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain('link.gpx: a symbolic link, not followed; give its target as --input to read it');
    const manifest = JSON.parse(spawnSync('unzip', ['-p', out, 'manifest.json'], { encoding: 'utf8' }).stdout);
    expect(manifest.skipped).toEqual([expect.objectContaining({ id: 'link.gpx' })]);
    expect(manifest.files.filter((f: { format: string }) => f.format === 'gpx')).toHaveLength(1);
  }, 60_000);
});

describe('names Windows reserves (issue 19 item 13)', () => {
  it('writes record types named CON, nul, aux, com1 and LPT9 under names every file system can hold', () => {
    const input = join(dir, 'reserved.jsonl');
    const types = ['CON', 'nul', 'aux', 'com1', 'LPT9', 'console'];
    writeFileSync(input, [
      JSON.stringify({ takeaway: 'jsonl', version: 1 }),
      ...types.map((recordType, i) => JSON.stringify({ kind: 'record', id: `r-${i}`, updatedAtMs: 0, recordType, timestampMs: T0, utcOffsetMin: 0, title: recordType })),
      '',
    ].join('\n'));
    const out = join(dir, 'reserved.zip');
    const result = takeaway('export', '--input', input, '--formats', 'csv', '--out', out, '--created-at', '2026-11-24T12:00:00Z');
    expect(result.status, result.stderr).toBe(0);
    const listing = spawnSync('unzip', ['-Z1', out], { encoding: 'utf8' }).stdout.split('\n');
    const recordFiles = listing.filter((name) => name.startsWith('records/')).sort();
    expect(recordFiles).toEqual(['records/CON_.csv', 'records/LPT9_.csv', 'records/aux_.csv', 'records/com1_.csv', 'records/console.csv', 'records/nul_.csv']);
    const manifest = JSON.parse(spawnSync('unzip', ['-p', out, 'manifest.json'], { encoding: 'utf8' }).stdout);
    expect(manifest.files.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(recordFiles));
    expect(spawnSync('unzip', ['-p', out, 'records/nul_.csv'], { encoding: 'utf8' }).stdout).toContain('nul');
  }, 60_000);
});

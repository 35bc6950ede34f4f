import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateRecord, validateTrackChunk } from '../model/validate.ts';
import { streamBytes } from './bytes.ts';
import { corpusPath } from './corpus.test-helper.ts';
import { importTcx } from './tcx.ts';

const NOW_MS = Date.UTC(2026, 0, 1);
const scratch = mkdtempSync(path.join(tmpdir(), 'tcx-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** xmllint against the TCX v2 schema (Garmin's, read from the shared corpus): the fixture is the documented structure. */
function expectSchemaValid(text: string): void {
  const file = path.join(scratch, 'fixture.tcx');
  writeFileSync(file, text);
  execFileSync('xmllint', ['--noout', '--schema', corpusPath('schemas', 'TrainingCenterDatabasev2.xsd'), file], { stdio: 'pipe' });
}

const time = (minute: number, second = 0) => `2024-06-01T07:${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')}Z`;
const point = (minute: number, second: number, distanceM: number) =>
  `<Trackpoint><Time>${time(minute, second)}</Time><Position><LatitudeDegrees>47.1</LatitudeDegrees><LongitudeDegrees>8.${minute}${second}</LongitudeDegrees></Position>`
  + `<DistanceMeters>${distanceM}</DistanceMeters><HeartRateBpm><Value>140</Value></HeartRateBpm></Trackpoint>`;
const lapBody = (seconds: number, distanceM: number, points: string) =>
  `<TotalTimeSeconds>${seconds}</TotalTimeSeconds><DistanceMeters>${distanceM}</DistanceMeters><Calories>10</Calories>`
  + `<Intensity>Active</Intensity><TriggerMethod>Manual</TriggerMethod><Track>${points}</Track>`;
const activity = (sport: string, minute: number, distanceM: number) =>
  `<Activity Sport="${sport}"><Id>${time(minute)}</Id><Lap StartTime="${time(minute)}">${lapBody(60, distanceM, point(minute, 0, 0) + point(minute, 59, distanceM))}</Lap></Activity>`;

/** A duathlon as TrainingCenterDatabasev2.xsd lays it out: MultiSportSession_t = Id, FirstSport, NextSport (Transition?, Activity)*. */
const MULTISPORT = '<?xml version="1.0" encoding="UTF-8"?>'
  + '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"><Activities><MultiSportSession>'
  + `<Id>${time(0)}</Id>`
  + `<FirstSport>${activity('Running', 0, 250)}</FirstSport>`
  + `<NextSport><Transition StartTime="${time(1)}">${lapBody(60, 20, point(1, 0, 0) + point(1, 59, 20))}</Transition>${activity('Biking', 2, 900)}</NextSport>`
  + `<NextSport>${activity('Running', 3, 240)}</NextSport>`
  + '</MultiSportSession></Activities></TrainingCenterDatabase>';

describe('importTcx multisport', { tags: ['tools'] }, () => {
  it('imports a MultiSportSession as one activity per sport and per transition, in order', async () => {
    expectSchemaValid(MULTISPORT);
    const imported = await importTcx(streamBytes(new TextEncoder().encode(MULTISPORT)), { fileName: 'duathlon.tcx', nowMs: NOW_MS });
    expect(imported.map(({ activity: a }) => [a.sport, a.startTimeMs, a.sampleCount, a.totals.distanceM])).toEqual([
      ['running', Date.parse(time(0)), 2, 250],
      ['transition', Date.parse(time(1)), 2, 20],
      ['cycling', Date.parse(time(2)), 2, 900],
      ['running', Date.parse(time(3)), 2, 240],
    ]);
    expect(imported[1].activity.name).toBe('Transition 2024-06-01');
    expect(imported[1].activity.laps).toHaveLength(1);
    for (const { activity: a, chunks } of imported) {
      expect(validateRecord(a)).toMatchObject({ ok: true });
      for (const chunk of chunks) expect(validateTrackChunk(chunk, a)).toMatchObject({ ok: true });
    }
  });
});

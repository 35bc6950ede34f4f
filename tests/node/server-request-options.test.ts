// The server process on 127.0.0.1 runs exports with every privacy option and with "since the last export"
// (filter.updatedSinceMs), and they come out as the device export of the same request over the same records.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/engine/manifest.ts';
import type { TrackChunk } from '../../src/model/records.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest, type PrivacyOptions } from '../../src/model/request.ts';
import type { RecordsApi } from '../mocks/records-api.ts';
import { deviceManifest, downloadedManifest, pollExport, startServerWithRecordsApi, tokenFor, type ServerProcess, NO_RATE_LIMIT } from './server-fixtures.ts';

const CREATED_AT_MS = Date.UTC(2026, 11, 3, 9);
/** When the records changed "since the last export" were changed. */
const CHANGED_AT_MS = CREATED_AT_MS - 3_600_000;

const BASE: ExportRequest = {
  createdAtMs: CREATED_AT_MS,
  filter: { kinds: ['activity', 'steps', 'weight', 'sleep', 'record'] },
  formats: { activity: ['fit', 'tcx', 'gpx', 'csv', 'json'], steps: ['csv', 'json'], weight: ['json'], sleep: ['csv'], record: ['csv', 'json'] },
  options: { ...DEFAULT_EXPORT_OPTIONS, csv: { ...DEFAULT_EXPORT_OPTIONS.csv, samples: true } },
};

let env: Awaited<ReturnType<typeof startServerWithRecordsApi>>;
let server: ServerProcess;
let token: string;
let account: RecordsApi;

beforeAll(async () => {
  env = await startServerWithRecordsApi('server-options', NO_RATE_LIMIT);
  server = env.server;
  token = await tokenFor('dana');
  account = env.api.addAccount(token, { demo: { seed: 23, days: 12, activityCount: 3, samplesPerActivity: 1200, genericCount: 4 } });
}, 60_000);

afterAll(async () => {
  await env?.stop();
});

/** Runs `request` on the server to COMPLETED and returns the manifest of the zip it serves. */
async function serverExport(request: ExportRequest): Promise<Manifest> {
  const response = await server.post('/api/exports', token, request);
  expect(response.status, await response.clone().text()).toBe(202);
  const { id } = (await response.json()) as { id: string };
  const { view } = await pollExport(server, token, id, (s) => s === 'COMPLETED' || s === 'FAILED', 120_000);
  expect(view.status, JSON.stringify(view)).toBe('COMPLETED');
  return downloadedManifest(server, token, view);
}

/** The first GPS position of an activity's track on the records API. */
function firstPosition(chunks: readonly TrackChunk[]): { latDeg: number; lonDeg: number } {
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.count; i++) {
      if (chunk.lat && chunk.lon && Number.isFinite(chunk.lat[i]) && Number.isFinite(chunk.lon[i])) return { latDeg: chunk.lat[i], lonDeg: chunk.lon[i] };
    }
  }
  throw new Error('the demo activity has no GPS position');
}

/** Without GPX, which cannot carry an activity whose GPS was dropped (it would skip them all). */
const WITHOUT_GPX: ExportRequest['formats'] = { ...BASE.formats, activity: ['fit', 'tcx', 'csv', 'json'] };

/** A privacy zone of 200 m around the start of each demo activity, so every track loses samples. */
function zonesAroundStarts(): NonNullable<PrivacyOptions['zones']> {
  return account.records('activity').map((a) => ({ ...firstPosition(account.track(String(a.id))), radiusM: 200 }));
}

describe('server exports with privacy options', () => {
  it('removes the zones\' samples, GPS, serials and shifts times exactly as the device does', async () => {
    const privacy: PrivacyOptions = { zones: zonesAroundStarts(), zoneMode: 'sample', dropGps: true, dropSerials: true, timeShiftDays: -40 };
    const request: ExportRequest = { ...BASE, formats: WITHOUT_GPX, options: { ...BASE.options, privacy } };
    const [onServer, onDevice] = [await serverExport(request), await deviceManifest(account, request)];
    expect(onServer.transformations.join('\n')).toMatch(/privacy zones \(3\): samples inside removed[^]*GPS positions removed[^]*serial numbers removed[^]*times shifted/);
    expect(onServer.skipped).toEqual([]);
    expect(onServer).toEqual(onDevice);
  });

  it('with every privacy option set, including pseudonyms, writes the files the device writes', async () => {
    const privacy: PrivacyOptions = { zones: zonesAroundStarts(), zoneMode: 'gps', dropGps: true, dropSerials: true, pseudonymise: true, timeShiftDays: 9 };
    const request: ExportRequest = { ...BASE, formats: WITHOUT_GPX, options: { ...BASE.options, privacy } };
    const [onServer, onDevice] = [await serverExport(request), await deviceManifest(account, request)];
    expect(onServer.transformations).toEqual(onDevice.transformations);
    expect(onServer.transformations.join(' ')).toMatch(/pseudonym/i);
    // Pseudonyms are keyed with a fresh random salt per export (src/privacy/pseudonyms.ts), so names in paths and
    // the bytes differ between any two exports; everything else, down to each file's size and record count, agrees.
    const withoutPseudonyms = ({ files, ...rest }: Manifest) => ({ ...rest, files: files.map(({ path: _path, sha256: _sha, ...file }) => file) });
    expect(withoutPseudonyms(onServer)).toEqual(withoutPseudonyms(onDevice));
    expect(onServer.files.filter((f) => f.format === 'fit').map((f) => f.path)).not.toEqual(onDevice.files.filter((f) => f.format === 'fit').map((f) => f.path));
  });
});

describe('server exports since the last export', () => {
  it('takes only the records changed since updatedSinceMs, as the device does', async () => {
    const [activity] = account.records('activity');
    const steps = account.records('steps').slice(0, 2);
    account.updateRecord('activity', String(activity.id), { name: 'Renamed on the phone' }, CHANGED_AT_MS);
    for (const day of steps) account.updateRecord('steps', String(day.id), { stepCount: 4321 }, CHANGED_AT_MS);
    const request: ExportRequest = { ...BASE, filter: { ...BASE.filter, updatedSinceMs: CHANGED_AT_MS } };
    const [onServer, onDevice] = [await serverExport(request), await deviceManifest(account, request)];
    expect(onServer.counts.records).toEqual({ activity: 1, steps: 2, weight: 0, sleep: 0, record: 0 });
    expect(onServer.request.filter.updatedSinceMs).toBe(CHANGED_AT_MS);
    expect(onServer).toEqual(onDevice);
  });
});

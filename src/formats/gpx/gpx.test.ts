import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPORT_OPTIONS, GPX_DIALECTS, type GpxDialect } from '../../model/request.ts';
import type { LeftOutRecord } from '../types.ts';
import { GPX_NO_GPS_REASON, encodeGpxActivity, gpxFormat } from './encode.ts';
import { type FixtureSpec, fixtureActivity, fixtureSource, fixtureTrack, sampleTimeMs, sampleValues } from './fixtures/activities.ts';

const repoRoot = path.resolve(__dirname, '../../..');
const VALIDATE_GPX = path.resolve(repoRoot, '../shared/validators/validate-gpx.sh');
const workDir = mkdtempSync(path.join(tmpdir(), 'takeaway-gpx-'));
const SPECIAL_NAME = 'Café & <Crêpes> "ride" \'n\' Привет 東京の朝\u0001\u001f';

async function encodeToBytes(spec: FixtureSpec, dialect: GpxDialect, chunkSize = 2048): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const bytes of encodeGpxActivity(fixtureActivity(spec), fixtureTrack(spec, chunkSize), { dialect })) parts.push(bytes);
  return Buffer.concat(parts);
}

async function encodeToFile(spec: FixtureSpec, dialect: GpxDialect, name: string): Promise<string> {
  const file = path.join(workDir, `${name}-${dialect}.gpx`);
  writeFileSync(file, await encodeToBytes(spec, dialect));
  return file;
}

function validate(file: string): { status: number | null; output: string } {
  const run = spawnSync(VALIDATE_GPX, [file], { encoding: 'utf8' });
  return { status: run.status, output: run.stdout + run.stderr };
}

interface DecodedPoint { lat: number; lon: number; ele: number | null; time: string; ext: Record<string, string> }
interface DecodedGpx { name: string | null; trackName: string | null; type: string | null; keywords: string | null; segments: DecodedPoint[][] }

/** Reads a GPX file with gpxpy (not our code) and returns its points with their extension values. */
function decodeWithGpxpy(file: string): DecodedGpx {
  const script = `
import sys, json, gpxpy
def local(tag): return tag.split('}')[-1]
with open(sys.argv[1], encoding='utf-8') as f: g = gpxpy.parse(f)
t = g.tracks[0] if g.tracks else None
segs = []
for s in (t.segments if t else []):
    pts = []
    for p in s.points:
        ext = {}
        for e in p.extensions:
            if len(e):
                for c in e: ext[local(c.tag)] = c.text
            else: ext[local(e.tag)] = e.text
        pts.append({'lat': p.latitude, 'lon': p.longitude, 'ele': p.elevation, 'time': p.time.strftime('%Y-%m-%dT%H:%M:%SZ'), 'ext': ext})
    segs.append(pts)
print(json.dumps({'name': g.name, 'trackName': t.name if t else None, 'type': t.type if t else None, 'keywords': g.keywords, 'segments': segs}))
`;
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8', maxBuffer: 1 << 30 })) as DecodedGpx;
}

function isoSecond(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const RIDE: FixtureSpec = { sampleCount: 600, pauseBeforeIndexes: [200, 450], gapEvery: 41, name: SPECIAL_NAME, tags: ['commute & fun', 'Ünïcødé', '雨'], notes: 'Notes <b>&amp;</b>' };

describe('GPX encoder', { tags: ['tools'] }, () => {
  it.each(GPX_DIALECTS)('writes a file that the GPX validators accept in the %s dialect', async (dialect) => {
    const result = validate(await encodeToFile(RIDE, dialect, 'ride'));
    expect(result.output).toContain('PASS');
    expect(result.status).toBe(0);
  });

  it('round-trips positions, times, heart rate, cadence, power and temperature through gpxpy', async () => {
    const decoded = decodeWithGpxpy(await encodeToFile(RIDE, 'garmin-tpx-v1', 'roundtrip'));
    const points = decoded.segments.flat();
    const expected = Array.from({ length: RIDE.sampleCount }, (_, i) => i).filter((i) => !Number.isNaN(sampleValues(RIDE, i).lat));
    expect(points).toHaveLength(expected.length);
    expected.forEach((i, k) => {
      const want = sampleValues(RIDE, i);
      const got = points[k]!;
      expect(Math.abs(got.lat - want.lat)).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(got.lon - want.lon)).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(got.ele! - want.altitudeM)).toBeLessThanOrEqual(0.1);
      expect(got.time).toBe(isoSecond(sampleTimeMs(RIDE, i)));
      expect(Number(got.ext.hr)).toBe(want.heartRateBpm);
      expect(Number(got.ext.cad)).toBe(want.cadenceRpm);
      expect(Number(got.ext.PowerInWatts)).toBe(want.powerW);
      expect(Math.abs(Number(got.ext.atemp) - want.temperatureC)).toBeLessThanOrEqual(0.01);
      expect(got.ext.speed).toBeUndefined();
    });
  });

  it('writes speed only in the TrackPointExtension v2 dialect', async () => {
    const points = decodeWithGpxpy(await encodeToFile({ sampleCount: 20 }, 'garmin-tpx-v2', 'speed')).segments.flat();
    points.forEach((point, i) => expect(Math.abs(Number(point.ext.speed) - sampleValues({ sampleCount: 20 }, i).speedMps)).toBeLessThanOrEqual(0.001));
  });

  it('writes no extensions at all in the plain dialect', async () => {
    const text = (await encodeToBytes(RIDE, 'plain')).toString('utf8');
    expect(text).not.toContain('<extensions>');
    expect(text).not.toContain('xmlns:gpxtpx');
    expect(decodeWithGpxpy(await encodeToFile(RIDE, 'plain', 'plain')).segments.flat().every((p) => Object.keys(p.ext).length === 0)).toBe(true);
  });

  it('starts a new track segment after each pause', async () => {
    const decoded = decodeWithGpxpy(await encodeToFile({ sampleCount: 30, pauseBeforeIndexes: [10, 25] }, 'garmin-tpx-v1', 'pauses'));
    expect(decoded.segments.map((segment) => segment.length)).toEqual([10, 15, 5]);
  });

  it('escapes XML-special characters, keeps non-ASCII text and drops characters XML 1.0 forbids', async () => {
    const decoded = decodeWithGpxpy(await encodeToFile(RIDE, 'garmin-tpx-v1', 'names'));
    const clean = 'Café & <Crêpes> "ride" \'n\' Привет 東京の朝';
    expect(decoded.name).toBe(clean);
    expect(decoded.trackName).toBe(clean);
    expect(decoded.type).toBe('cycling');
    expect(decoded.keywords).toBe('commute & fun, Ünïcødé, 雨');
  });

  it('gives identical bytes whatever the track chunking', async () => {
    const reference = await encodeToBytes(RIDE, 'garmin-tpx-v2', 2048);
    expect((await encodeToBytes(RIDE, 'garmin-tpx-v2', 1)).equals(reference)).toBe(true);
    expect((await encodeToBytes(RIDE, 'garmin-tpx-v2', 7)).equals(reference)).toBe(true);
  });

  it('writes a valid file for a single sample', async () => {
    const file = await encodeToFile({ sampleCount: 1 }, 'garmin-tpx-v1', 'one');
    expect(validate(file).status).toBe(0);
    expect(decodeWithGpxpy(file).segments.flat()).toHaveLength(1);
  });

  it('writes a valid document without segments when the track has no samples', async () => {
    const file = await encodeToFile({ sampleCount: 0 }, 'garmin-tpx-v1', 'empty');
    expect(validate(file).status).toBe(0);
    expect(decodeWithGpxpy(file).segments).toEqual([]);
  });

  it('writes UTC times before 1990 and across a daylight-saving change', async () => {
    const old: FixtureSpec = { sampleCount: 5, startTimeMs: Date.UTC(1987, 11, 31, 23, 59, 58), utcOffsetMin: -300 };
    const oldPoints = decodeWithGpxpy(await encodeToFile(old, 'garmin-tpx-v1', 'old')).segments.flat();
    expect(oldPoints.map((p) => p.time)).toEqual(['1987-12-31T23:59:58Z', '1987-12-31T23:59:59Z', '1988-01-01T00:00:00Z', '1988-01-01T00:00:01Z', '1988-01-01T00:00:02Z']);
    // Europe/Berlin springs forward at 01:00 UTC on 2025-03-30; UTC output must stay one second apart.
    const dst: FixtureSpec = { sampleCount: 7200, startTimeMs: Date.UTC(2025, 2, 30, 0, 0, 0), utcOffsetMin: 60 };
    const dstFile = await encodeToFile(dst, 'garmin-tpx-v1', 'dst');
    expect(validate(dstFile).status).toBe(0);
    const times = decodeWithGpxpy(dstFile).segments.flat().map((p) => Date.parse(p.time));
    expect(times).toHaveLength(7200);
    expect(times.every((t, i) => i === 0 || t - times[i - 1]! === 1000)).toBe(true);
  });

  it('writes a 24-hour track of 86,400 samples that validates and decodes completely', async () => {
    const day: FixtureSpec = { sampleCount: 86_400, startTimeMs: Date.UTC(2024, 5, 1, 0, 0, 0) };
    const file = await encodeToFile(day, 'garmin-tpx-v1', 'day');
    const result = validate(file);
    expect(result.status).toBe(0);
    // The validator's gpxpy summary (an independent decode) counts every point and reads the last time.
    expect(result.output).toContain('segments=1 trackpoints=86400');
    expect(result.output).toContain('last=2024-06-01T23:59:59+00:00');
  }, 180_000);

  it('leaves samples without a position out and keeps the channels of the others', async () => {
    const spec: FixtureSpec = { sampleCount: 100, gapEvery: 10 };
    const points = decodeWithGpxpy(await encodeToFile(spec, 'garmin-tpx-v1', 'gaps')).segments.flat();
    expect(points).toHaveLength(90);
    expect(points.every((p) => p.ext.hr !== undefined)).toBe(true);
  });

  it('stops when the signal is aborted', async () => {
    const controller = new AbortController();
    const stream = encodeGpxActivity(fixtureActivity(RIDE), fixtureTrack(RIDE, 7), { signal: controller.signal });
    controller.abort();
    await expect(stream.next()).rejects.toThrow();
  });
});

describe('gpxFormat', () => {
  it('yields one entry per activity with GPS and leaves the others out with a reason', async () => {
    const leftOut: LeftOutRecord[] = [];
    const source = fixtureSource([
      { id: 'ride', sampleCount: 50, name: 'Ride' },
      { id: 'pool', sampleCount: 50, name: 'Pool swim', sport: 'swimming', channels: ['heartRateBpm', 'distanceM'] },
    ]);
    const entries = [];
    for await (const entry of gpxFormat.entries({
      source, filter: { kinds: ['activity'] }, options: DEFAULT_EXPORT_OPTIONS, createdAtMs: 0, skip: () => expect.unreachable(), leaveOut: (record) => leftOut.push(record),
    })) {
      const parts: Uint8Array[] = [];
      for await (const bytes of entry.content) parts.push(bytes);
      entries.push({ ...entry, bytes: Buffer.concat(parts) });
    }
    expect(entries.map((entry) => entry.path)).toEqual(['activities/gpx/2025-03-01_0712_ride.gpx']);
    expect(entries[0]!.modifiedMs).toBe(Date.UTC(2025, 2, 1, 6, 12, 0));
    expect(entries[0]!.recordCounts).toEqual({ activity: 1 });
    expect(entries[0]!.bytes.toString('utf8')).toContain('<name>Ride</name>');
    expect(leftOut).toEqual([{ kind: 'activity', id: 'pool', reason: GPX_NO_GPS_REASON }]);
  });

  it('reports the channels each dialect loses', () => {
    const lost = (dialect: GpxDialect) => gpxFormat.lostChannels({ ...DEFAULT_EXPORT_OPTIONS, gpx: { dialect } });
    expect(lost('plain')).toEqual(expect.arrayContaining(['heartRateBpm', 'cadenceRpm', 'powerW', 'temperatureC', 'speedMps']));
    expect(lost('garmin-tpx-v1')).toContain('speedMps');
    expect(lost('garmin-tpx-v1')).not.toContain('powerW');
    expect(lost('garmin-tpx-v2')).not.toContain('speedMps');
    expect(gpxFormat.lostFeatures).toContain('laps');
    expect(gpxFormat.lostFeatures).toContain('samples without a GPS position');
  });
});

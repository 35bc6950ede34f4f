// Round trip over demo data: export with the engine, decode the GPX with gpxpy and the TCX with gpsbabel
// (neither is our code) and compare every sample with the source track.

import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDemoDataset, DemoRecordSource, DEMO_SMALL_OPTIONS } from '../../src/demo/index.ts';
import { runExport, type Manifest } from '../../src/engine/index.ts';
import { FORMAT_REGISTRY } from '../../src/formats/registry.ts';
import type { Activity, TrackChunk } from '../../src/model/records.ts';
import { DEFAULT_EXPORT_OPTIONS } from '../../src/model/request.ts';
import { memorySink, tempFile } from '../helpers/zip-files.ts';

const dataset = createDemoDataset(DEMO_SMALL_OPTIONS);
const dir = mkdtempSync(join(tmpdir(), 'takeaway-rt-'));
let manifest: Manifest;

interface Sample { timeMs: number; lat: number; lon: number; altitudeM: number; heartRateBpm: number; cadenceRpm: number; powerW: number }

function samplesOf(activity: Activity): Sample[] {
  const out: Sample[] = [];
  for (const c of dataset.trackSync(activity) as Iterable<TrackChunk>) {
    for (let i = 0; i < c.count; i++) {
      out.push({ timeMs: c.timeMs[i], lat: c.lat?.[i] ?? NaN, lon: c.lon?.[i] ?? NaN, altitudeM: c.altitudeM?.[i] ?? NaN,
        heartRateBpm: c.heartRateBpm?.[i] ?? NaN, cadenceRpm: c.cadenceRpm?.[i] ?? NaN, powerW: c.powerW?.[i] ?? NaN });
    }
  }
  return out;
}

const GPXPY = `
import sys, json, gpxpy
def local(tag): return tag.split('}')[-1]
g = gpxpy.parse(open(sys.argv[1], encoding='utf-8'))
pts = []
for s in g.tracks[0].segments:
    for p in s.points:
        ext = {}
        for e in p.extensions:
            if len(e):
                for c in e: ext[local(c.tag)] = c.text
            else: ext[local(e.tag)] = e.text
        pts.append([p.latitude, p.longitude, p.elevation, p.time.timestamp(), ext.get('hr'), ext.get('cad'), ext.get('PowerInWatts')])
print(json.dumps(pts))
`;

beforeAll(async () => {
  const { sink, bytes } = memorySink();
  ({ manifest } = await runExport({
    createdAtMs: Date.UTC(2026, 10, 24),
    filter: { kinds: ['activity'] },
    formats: { activity: ['gpx', 'tcx'] },
    options: DEFAULT_EXPORT_OPTIONS,
  }, new DemoRecordSource(dataset), sink, { registry: FORMAT_REGISTRY }));
  execFileSync('unzip', ['-q', tempFile('export.zip', bytes()), '-d', dir]);
}, 120_000);

function fileOf(activity: Activity, format: 'gpx' | 'tcx'): string {
  const prefix = `activities/${format}/`;
  const hit = manifest.files.find((f) => f.path.startsWith(prefix) && f.path.includes(new Date(activity.startTimeMs + activity.utcOffsetMin * 60_000).toISOString().slice(0, 10)));
  if (!hit) throw new Error(`no ${format} file for ${activity.id}`);
  return join(dir, hit.path);
}

const withGps = dataset.activities().filter((a) => a.channels.includes('lat'));
const picked = [...new Map(withGps.map((a) => [a.sport, a])).values()];

describe('GPX over demo data, decoded by gpxpy', () => {
  it.each(picked.map((a) => [a.sport, a] as const))('gives back every %s sample: positions within 1e-6°, times to the second, heart rate, cadence and power exact', (_sport, activity) => {
    const decoded = JSON.parse(execFileSync('/usr/bin/python3', ['-c', GPXPY, fileOf(activity, 'gpx')], { encoding: 'utf8', maxBuffer: 1 << 28 })) as [number, number, number | null, number, string | null, string | null, string | null][];
    const source = samplesOf(activity).filter((s) => !Number.isNaN(s.lat));
    expect(decoded).toHaveLength(source.length);
    decoded.forEach(([lat, lon, ele, timeS, hr, cad, power], i) => {
      const s = source[i];
      expect(Math.abs(lat - s.lat)).toBeLessThan(1e-6);
      expect(Math.abs(lon - s.lon)).toBeLessThan(1e-6);
      expect(Math.abs((ele ?? NaN) - s.altitudeM)).toBeLessThan(0.051);
      expect(timeS).toBe(Math.floor(s.timeMs / 1000));
      expect(hr === null ? NaN : Number(hr)).toEqual(Number.isNaN(s.heartRateBpm) ? NaN : s.heartRateBpm);
      expect(cad === null ? NaN : Number(cad)).toEqual(Number.isNaN(s.cadenceRpm) ? NaN : s.cadenceRpm);
      expect(power === null ? NaN : Number(power)).toEqual(Number.isNaN(s.powerW) ? NaN : s.powerW);
    });
  }, 60_000);
});

describe('TCX over demo data, decoded by gpsbabel', () => {
  it.each(picked.map((a) => [a.sport, a] as const))('gives back every %s sample with position, time, heart rate and cadence', (_sport, activity) => {
    const csv = execFileSync('gpsbabel', ['-t', '-i', 'gtrnctr', '-f', fileOf(activity, 'tcx'), '-o', 'unicsv,utc=0', '-F', '-'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const [header, ...rows] = csv.trim().split(/\r?\n/);
    const col = Object.fromEntries(header.split(',').map((name, i) => [name, i]));
    const source = samplesOf(activity).filter((s) => !Number.isNaN(s.lat));
    expect(rows).toHaveLength(source.length);
    rows.forEach((row, i) => {
      const cells = row.split(',');
      const s = source[i];
      // gpsbabel prints 6 decimals, so half a unit of the last place is the most it can differ.
      expect(Math.abs(Number(cells[col.Latitude]) - s.lat)).toBeLessThanOrEqual(5.0001e-7);
      expect(Math.abs(Number(cells[col.Longitude]) - s.lon)).toBeLessThanOrEqual(5.0001e-7);
      expect(Date.parse(`${cells[col.Date].replaceAll('/', '-')}T${cells[col.Time]}Z`)).toBe(Math.floor(s.timeMs / 1000) * 1000);
      if (!Number.isNaN(s.heartRateBpm)) expect(Number(cells[col.Heartrate])).toBe(s.heartRateBpm);
      if (!Number.isNaN(s.cadenceRpm) && col.Cadence !== undefined) expect(Number(cells[col.Cadence])).toBe(s.cadenceRpm);
    });
  }, 60_000);
});

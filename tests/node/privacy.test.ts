// Privacy end to end: encrypted archives opened by 7-Zip, privacy zones checked in every format by outside
// decoders, pseudonyms searched for in every byte, time shifts that keep durations.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Decoder, Stream } from '@garmin/fitsdk';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDemoDataset, DemoRecordSource, DEMO_SMALL_OPTIONS } from '../../src/demo/index.ts';
import { runExport, verifyExport } from '../../src/engine/index.ts';
import { ENCRYPTED_INNER_PATH } from '../../src/engine/run.ts';
import { FORMAT_REGISTRY } from '../../src/formats/registry.ts';
import type { Activity, GenericRecord } from '../../src/model/records.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest, type PrivacyOptions, type PrivacyZone } from '../../src/model/request.ts';
import type { Manifest } from '../../src/engine/manifest.ts';
import { memorySink, tempFile } from '../helpers/zip-files.ts';
import { Uint8ArrayReader, Uint8ArrayWriter, ZipReader, type Entry, type FileEntry } from '@zip.js/zip.js';

const DATASET = createDemoDataset({ ...DEMO_SMALL_OPTIONS, days: 7, activityCount: 4, samplesPerActivity: 600, genericCount: 6 });
const ACTIVITIES = DATASET.activities();
const GENERIC = DATASET.records('record');
const CREATED_AT_MS = DEMO_SMALL_OPTIONS.endMs;
const ACTIVITY_FORMATS = ['fit', 'tcx', 'gpx', 'csv', 'json'] as const;

function request(privacy: PrivacyOptions | undefined, extra: Partial<ExportRequest['formats']> = {}): ExportRequest {
  return {
    createdAtMs: CREATED_AT_MS,
    filter: { kinds: ['activity', 'record'] },
    formats: { activity: [...ACTIVITY_FORMATS], record: ['csv', 'json'], ...extra },
    options: { ...DEFAULT_EXPORT_OPTIONS, csv: { ...DEFAULT_EXPORT_OPTIONS.csv, samples: true }, privacy },
  };
}

async function exportZip(req: ExportRequest, password?: string): Promise<{ bytes: Uint8Array; manifest: Manifest }> {
  const { sink, bytes } = memorySink();
  const { manifest } = await runExport(req, new DemoRecordSource(DATASET), sink, { registry: FORMAT_REGISTRY, password });
  return { bytes: bytes(), manifest };
}

/** Extracts with 7-Zip (an outside tool) and returns the folder; throws with 7z's output when it fails. */
function extract(zipPath: string, password?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'takeaway-privacy-'));
  const result = sevenZip(zipPath, dir, password);
  if (result.status !== 0) throw new Error(`7z failed (${result.status}): ${result.stdout}${result.stderr}`);
  return dir;
}

function sevenZip(zipPath: string, dir: string, password?: string) {
  // -p with no value would prompt; an explicit empty -p is "no password".
  return spawnSync('7z', ['x', '-y', `-p${password ?? ''}`, `-o${dir}`, zipPath], { encoding: 'utf8' });
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => statSync(join(dir, p)).isFile()).sort();
}

function contains(haystack: Uint8Array, needle: string): boolean {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).includes(Buffer.from(needle, 'utf8'));
}

/** Haversine distance, written here again so the check does not trust the code under test. */
function metresBetween(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(a));
}

function firstPosition(activity: Activity): { latDeg: number; lonDeg: number } {
  for (const chunk of DATASET.trackSync(activity)) {
    for (let k = 0; k < chunk.count; k++) {
      if (Number.isFinite(chunk.lat?.[k]) && Number.isFinite(chunk.lon?.[k])) return { latDeg: chunk.lat![k], lonDeg: chunk.lon![k] };
    }
  }
  throw new Error(`activity ${activity.id} has no position`);
}

function decodeFit(path: string) {
  const decoder = new Decoder(Stream.fromByteArray(readFileSync(path)));
  const { messages, errors } = decoder.read();
  expect(errors, path).toEqual([]);
  const semicircles = 180 / 2 ** 31;
  const records = (messages.recordMesgs ?? []) as { positionLat?: number; positionLong?: number; timestamp: Date }[];
  const session = (messages.sessionMesgs as { totalDistance?: number; totalElapsedTime: number; startTime: Date }[])[0];
  return {
    samples: records.length,
    positions: records.filter((r) => r.positionLat !== undefined && r.positionLong !== undefined)
      .map((r) => [r.positionLat! * semicircles, r.positionLong! * semicircles] as const),
    distanceM: session.totalDistance,
    elapsedS: session.totalElapsedTime,
    startMs: session.startTime.getTime(),
    firstRecordMs: records[0]?.timestamp.getTime(),
  };
}

const GPX_SCRIPT = `
import gpxpy, json, sys
out = {}
for path in sys.argv[1:]:
    with open(path, encoding='utf-8') as f:
        g = gpxpy.parse(f)
    pts = [p for t in g.tracks for s in t.segments for p in s.points]
    out[path] = {'samples': len(pts), 'positions': [[p.latitude, p.longitude] for p in pts]}
print(json.dumps(out))
`;

function decodeGpx(paths: string[]): Record<string, { samples: number; positions: [number, number][] }> {
  if (paths.length === 0) return {};
  const result = spawnSync('/usr/bin/python3', ['-c', GPX_SCRIPT, ...paths], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout);
}

function xpath(path: string, expression: string): string {
  const result = spawnSync('xmllint', ['--xpath', expression, path], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`xmllint ${expression} ${path}: ${result.stderr}`);
  return result.stdout.trim();
}

function decodeTcx(path: string) {
  const out = join(mkdtempSync(join(tmpdir(), 'takeaway-tcx-')), 'points.csv');
  const csv = spawnSync('gpsbabel', ['-t', '-i', 'gtrnctr', '-f', path, '-o', 'unicsv', '-F', out], { encoding: 'utf8' });
  if (csv.status !== 0) throw new Error(csv.stderr);
  const rows = Papa.parse<Record<string, string>>(readFileSync(out, 'utf8').trim(), { header: true }).data;
  return {
    samples: Number(xpath(path, "count(//*[local-name()='Trackpoint'])")),
    positions: rows.filter((r) => r.Latitude && r.Longitude).map((r) => [Number(r.Latitude), Number(r.Longitude)] as const),
    distanceM: Number(xpath(path, "sum(//*[local-name()='Lap']/*[local-name()='DistanceMeters'])")),
  };
}

function parseCsv(path: string): Record<string, string>[] {
  return Papa.parse<Record<string, string>>(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true }).data;
}

interface JsonActivity extends Activity {
  track?: { chunks: { count: number; timeMs: number[]; lat?: (number | null)[]; lon?: (number | null)[] }[] };
}

function jsonActivities(dir: string): JsonActivity[] {
  return JSON.parse(readFileSync(join(dir, 'json/activities.json'), 'utf8')).records;
}

/** Activity files of one format keyed by base name (date + slug), which all formats share. */
function filesOf(dir: string, format: string, extension: string): Map<string, string> {
  const folder = join(dir, 'activities', format);
  return new Map(readdirSync(folder).map((name) => [name.slice(0, -extension.length - 1), join(folder, name)]));
}

describe('encrypted exports', () => {
  const password = 'correct horse battery staple 42';
  let archivePath = '';
  let archive: Uint8Array;
  let plain: { bytes: Uint8Array; manifest: Manifest };

  beforeAll(async () => {
    // Stored, not deflated: without encryption every needle below would be readable in the bytes.
    const stored = { ...request(undefined), options: { ...request(undefined).options, compressionLevel: 0 } };
    const encrypted = await exportZip(stored, password);
    archive = encrypted.bytes;
    archivePath = tempFile('encrypted.zip', archive);
    plain = await exportZip(stored);
  });

  it('opens with 7z and the right password, giving the normal export with its manifest', async () => {
    const outer = extract(archivePath, password);
    expect(listFiles(outer)).toEqual([ENCRYPTED_INNER_PATH]);
    const innerPath = join(outer, ENCRYPTED_INNER_PATH);
    const inner = extract(innerPath);
    const files = listFiles(inner);
    expect(files).toContain('manifest.json');
    expect(files).toContain('activities/activities.csv');
    expect(files.filter((f) => f.startsWith('activities/fit/'))).toHaveLength(ACTIVITIES.length);
    const report = await verifyExport(new Uint8ArrayReader(readFileSync(innerPath)));
    expect(report.ok, JSON.stringify(report.problems)).toBe(true);
  });

  it('verifies with the right password, and without one or with a wrong one says so instead of reporting damage', async () => {
    const right = await verifyExport(new Uint8ArrayReader(archive), { password });
    expect(right, JSON.stringify(right.problems)).toMatchObject({ ok: true, encrypted: true, filesChecked: plain.manifest.files.length });
    expect(right.manifest?.files).toEqual(plain.manifest.files);
    expect(await verifyExport(new Uint8ArrayReader(archive))).toEqual({ ok: false, filesChecked: 0, problems: [], encrypted: true, locked: 'no-password' });
    expect(await verifyExport(new Uint8ArrayReader(archive), { password: `${password}!` })).toEqual({ ok: false, filesChecked: 0, problems: [], encrypted: true, locked: 'wrong-password' });
  });

  it('reports a damaged encrypted export as unreadable, not as a wrong password', async () => {
    const damaged = archive.slice();
    damaged[Math.floor(damaged.length / 2)] ^= 0xff;
    const report = await verifyExport(new Uint8ArrayReader(damaged), { password });
    expect(report.locked).toBeUndefined();
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => [p.path, p.problem])).toEqual([[ENCRYPTED_INNER_PATH, 'unreadable']]);
  });

  it('fails to open with a wrong password', () => {
    const dir = mkdtempSync(join(tmpdir(), 'takeaway-privacy-'));
    const result = sevenZip(archivePath, dir, 'correct horse battery staple 43');
    expect(result.status).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(/wrong password/i);
  });

  it('stores the entry as AES-256 (AE-2), not ZipCrypto', () => {
    const result = spawnSync('7z', ['l', '-slt', `-p${password}`, archivePath], { encoding: 'utf8' });
    expect(result.stdout).toMatch(/Method = AES-256/);
    expect(result.stdout).not.toMatch(/ZipCrypto/);
  });

  it('leaves no plaintext file name, id, name, CSV header or the password in the raw bytes', () => {
    const inner = extract(join(extract(archivePath, password), ENCRYPTED_INNER_PATH));
    const csvHeader = readFileSync(join(inner, 'activities/activities.csv'), 'utf8').split('\n')[0];
    const needles = [
      password, csvHeader, 'manifest.json', 'README.txt', 'activities/', '.fit', '.gpx', 'takeaway-export"',
      // Text that every format writes verbatim (quotes and markup would be escaped differently per format).
      ...[...ACTIVITIES.flatMap((a) => [a.id, a.name]), ...GENERIC.flatMap((r) => [r.id, r.title])].filter((n) => !/["<>&\\]/.test(n)),
    ];
    // The same needles are in a plain export, so the search itself is shown to work.
    for (const needle of needles.filter((n) => n !== password && n !== 'takeaway-export"')) expect(contains(plain.bytes, needle), needle).toBe(true);
    for (const needle of needles) expect(contains(archive, needle), needle).toBe(false);
  });
});

describe('privacy zones', () => {
  const home = firstPosition(ACTIVITIES[0]);
  const zone: PrivacyZone = { latDeg: home.latDeg, lonDeg: home.lonDeg, radiusM: 250 };
  const insideZone = ([lat, lon]: readonly [number, number]) => metresBetween(lat, lon, zone.latDeg, zone.lonDeg) <= zone.radiusM;
  let dir = '';
  let manifest: Manifest;

  beforeAll(async () => {
    const result = await exportZip(request({ zones: [zone], zoneMode: 'sample' }));
    manifest = result.manifest;
    dir = extract(tempFile('zone.zip', result.bytes));
  });

  it('starts the first activity inside the zone before trimming, so the test means something', () => {
    const original = [...DATASET.trackSync(ACTIVITIES[0])];
    const inside = original.reduce((n, c) => n + [...c.lat!].filter((lat, k) => insideZone([lat, c.lon![k]])).length, 0);
    expect(inside).toBeGreaterThan(10);
  });

  it('leaves no sample inside the zone in FIT, TCX, GPX, CSV or JSON', () => {
    const fit = [...filesOf(dir, 'fit', 'fit').values()].flatMap((p) => decodeFit(p).positions);
    const tcx = [...filesOf(dir, 'tcx', 'tcx').values()].flatMap((p) => decodeTcx(p).positions);
    const gpx = Object.values(decodeGpx([...filesOf(dir, 'gpx', 'gpx').values()])).flatMap((g) => g.positions);
    const csv = readdirSync(join(dir, 'activities/samples')).flatMap((name) => parseCsv(join(dir, 'activities/samples', name))
      .filter((row) => row.lat && row.lon).map((row) => [Number(row.lat), Number(row.lon)] as const));
    const json = jsonActivities(dir).flatMap((a) => (a.track?.chunks ?? []).flatMap((c) => (c.lat ?? [])
      .map((lat, k) => [lat, c.lon?.[k]] as const).filter(([lat, lon]) => lat !== null && lon != null) as [number, number][]));
    for (const [format, positions] of Object.entries({ fit, tcx, gpx, csv, json })) {
      expect(positions.length, format).toBeGreaterThan(1000);
      expect(positions.filter(insideZone), format).toEqual([]);
    }
  });

  it('gives the same sample counts and distances in every format, smaller than before trimming', () => {
    const fit = filesOf(dir, 'fit', 'fit');
    const tcx = filesOf(dir, 'tcx', 'tcx');
    const gpx = decodeGpx([...filesOf(dir, 'gpx', 'gpx').values()]);
    const gpxByBase = new Map(Object.entries(gpx).map(([path, g]) => [relative(join(dir, 'activities/gpx'), path).replace(/\.gpx$/, ''), g]));
    const summary = new Map(parseCsv(join(dir, 'activities/activities.csv')).map((row) => [row.id, row]));
    const json = new Map(jsonActivities(dir).map((a) => [a.id, a]));
    let trimmed = 0;
    for (const [base, fitPath] of fit) {
      const fitFile = decodeFit(fitPath);
      const tcxFile = decodeTcx(tcx.get(base)!);
      const samplesCsv = parseCsv(join(dir, 'activities/samples', `${base}.csv`));
      const jsonActivity = [...json.values()].find((a) => Math.abs(a.startTimeMs - fitFile.startMs) < 1000)!;
      const row = summary.get(jsonActivity.id)!;
      const original = ACTIVITIES.find((a) => a.id === jsonActivity.id)!;
      const jsonSamples = (jsonActivity.track?.chunks ?? []).reduce((n, c) => n + c.count, 0);
      const counts = [fitFile.samples, tcxFile.samples, gpxByBase.get(base)?.samples, samplesCsv.length, jsonSamples, Number(row.sample_count)];
      expect(new Set(counts).size, `${base} sample counts ${counts}`).toBe(1);
      const distances = [fitFile.distanceM!, tcxFile.distanceM, Number(row.distance_m), jsonActivity.totals.distanceM!];
      for (const d of distances) expect(d, `${base} distances ${distances}`).toBeCloseTo(distances[3], 0);
      expect(Number(samplesCsv.at(-1)!.distance_m)).toBeCloseTo(jsonActivity.totals.distanceM!, 0);
      if (fitFile.samples < original.sampleCount) {
        trimmed++;
        expect(jsonActivity.totals.distanceM!).toBeLessThan(original.totals.distanceM!);
        expect(Number(samplesCsv[0].distance_m)).toBe(0);
      } else {
        expect(jsonActivity.totals).toEqual(original.totals);
      }
    }
    expect(trimmed).toBeGreaterThanOrEqual(1);
  });

  it('keeps laps inside the trimmed track and states the transformation without the place', () => {
    for (const a of jsonActivities(dir)) {
      let previousEnd = 0;
      for (const lap of a.laps) {
        expect(lap.startIndex).toBe(previousEnd);
        expect(lap.endIndex).toBeGreaterThan(lap.startIndex);
        previousEnd = lap.endIndex;
      }
      if (a.laps.length) expect(previousEnd).toBe(a.sampleCount);
    }
    expect(manifest.transformations.join(' ')).toMatch(/privacy zones \(1\): samples inside removed/);
    const manifestText = readFileSync(join(dir, 'manifest.json'), 'utf8');
    expect(manifestText).not.toContain(String(zone.latDeg));
    expect(manifestText).not.toContain(String(zone.lonDeg));
  });

  it('in gps mode keeps every sample but drops the positions inside the zone', async () => {
    const result = await exportZip({ ...request({ zones: [zone] }), formats: { activity: ['fit', 'gpx'] }, filter: { kinds: ['activity'] } });
    const gpsDir = extract(tempFile('gps.zip', result.bytes));
    const fits = [...filesOf(gpsDir, 'fit', 'fit').values()].map(decodeFit);
    expect(fits.map((f) => f.samples).sort()).toEqual(ACTIVITIES.map((a) => a.sampleCount).sort());
    expect(fits.flatMap((f) => f.positions).filter(insideZone)).toEqual([]);
    const gpx = Object.values(decodeGpx([...filesOf(gpsDir, 'gpx', 'gpx').values()])).flatMap((g) => g.positions);
    expect(gpx.filter(insideZone)).toEqual([]);
    expect(fits[0].positions.length).toBeLessThan(fits[0].samples);
  });
});

describe('pseudonymised exports', () => {
  let dir = '';

  beforeAll(async () => {
    const req = request({ pseudonymise: true, dropSerials: true }, { activity: [...ACTIVITY_FORMATS, 'xml'], record: ['csv', 'json', 'xml'] });
    dir = extract(tempFile('pseudonyms.zip', (await exportZip(req)).bytes));
  });

  it('contains none of the original ids, names, notes, tags, titles, text fields or serials in any file', () => {
    const needles = new Set<string>();
    for (const a of ACTIVITIES) {
      [a.id, a.name, a.notes, a.device?.serialNumber, ...a.tags].forEach((s) => s && needles.add(s));
    }
    for (const r of GENERIC as GenericRecord[]) {
      [r.id, r.title, ...r.tags, ...Object.values(r.fields).filter((v): v is string => typeof v === 'string' && v.length >= 4)].forEach((s) => s && needles.add(s));
    }
    expect(needles.size).toBeGreaterThan(20);
    const files = listFiles(dir);
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const bytes = readFileSync(join(dir, file));
      for (const needle of needles) expect(contains(bytes, needle), `${needle} in ${file}`).toBe(false);
      for (const needle of needles) expect(file.includes(needle), `${needle} in the name ${file}`).toBe(false);
    }
  });

  it('maps each source id to the same pseudonym in CSV, JSON, XML and the activity file names', () => {
    const json = jsonActivities(dir);
    const csv = parseCsv(join(dir, 'activities/activities.csv'));
    const xml = readFileSync(join(dir, readdirSync(dir, { recursive: true, encoding: 'utf8' }).find((p) => p.startsWith('xml/') && p.includes('activit'))!), 'utf8');
    expect(json).toHaveLength(ACTIVITIES.length);
    for (const original of ACTIVITIES) {
      const inJson = json.find((a) => a.startTimeMs === original.startTimeMs)!;
      expect(inJson.id).toMatch(/^anon-[0-9a-f]{16}$/);
      const inCsv = csv.find((row) => row.id === inJson.id)!;
      expect(inCsv.name).toBe(inJson.name);
      expect(xml).toContain(inJson.id);
      expect(xml).toContain(inJson.name);
      const slug = inJson.name.toLowerCase();
      for (const format of ['fit', 'tcx', 'gpx']) {
        expect([...filesOf(dir, format, format).keys()].filter((base) => base.endsWith(slug)), format).toHaveLength(1);
      }
    }
    expect(new Set(json.map((a) => a.id)).size).toBe(ACTIVITIES.length);
  });
});

describe('time shift', () => {
  it('moves every time by the same whole days and keeps every duration', async () => {
    const days = -10;
    const shiftMs = days * 86_400_000;
    const { bytes, manifest } = await exportZip(request({ timeShiftDays: days }));
    const dir = extract(tempFile('shift.zip', bytes));
    const json = jsonActivities(dir);
    const fits = [...filesOf(dir, 'fit', 'fit').values()].map(decodeFit);
    for (const original of ACTIVITIES) {
      const shifted = json.find((a) => a.id === original.id)!;
      expect(shifted.startTimeMs).toBe(original.startTimeMs + shiftMs);
      expect(shifted.totals).toEqual(original.totals);
      expect(shifted.pauses).toEqual(original.pauses.map((p) => ({ startMs: p.startMs + shiftMs, endMs: p.endMs + shiftMs })));
      const chunks = shifted.track!.chunks;
      const originalTimes = [...DATASET.trackSync(original)].flatMap((c) => [...c.timeMs]);
      const times = chunks.flatMap((c) => c.timeMs);
      expect(times.at(-1)! - times[0]).toBe(originalTimes.at(-1)! - originalTimes[0]);
      const fit = fits.find((f) => f.startMs === original.startTimeMs + shiftMs)!;
      expect(fit.elapsedS).toBeCloseTo(original.totals.elapsedS, 2);
      expect(fit.firstRecordMs).toBe(original.startTimeMs + shiftMs);
    }
    const manifestText = JSON.stringify(manifest);
    expect(manifestText).not.toContain('timeShiftDays');
    expect(manifest.transformations.join(' ')).toMatch(/shifted/);
  });
});

describe('encrypted manifest', () => {
  it('keeps the manifest inside the encrypted entry and leaves the password out of it', async () => {
    const password = 'another long pass phrase';
    const { bytes, manifest } = await exportZip(request({ dropGps: true }), password);
    const reader = new ZipReader(new Uint8ArrayReader(bytes));
    const entries = await reader.getEntries();
    expect(entries.map((e) => [e.filename, e.encrypted])).toEqual([[ENCRYPTED_INNER_PATH, true]]);
    const inner = await fileEntry(entries[0]).getData(new Uint8ArrayWriter(), { password });
    await reader.close();
    const innerReader = new ZipReader(new Uint8ArrayReader(inner));
    const manifestEntry = fileEntry((await innerReader.getEntries()).find((e) => e.filename === 'manifest.json')!);
    const text = new TextDecoder().decode(await manifestEntry.getData(new Uint8ArrayWriter()));
    await innerReader.close();
    expect(JSON.parse(text).transformations).toEqual(manifest.transformations);
    expect(text).not.toContain(password);
    expect(manifest.transformations).toContain('GPS positions removed from every track');
  });
});

function fileEntry(entry: Entry): FileEntry {
  if (entry.directory) throw new Error(`${entry.filename} is a folder`);
  return entry;
}

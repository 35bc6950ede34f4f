// Round trips through the importers and the engine: a Takeaway export restored into an empty store exports to
// the same bytes, and every real device file in the shared corpus re-exports as FIT, TCX and GPX that outside
// validators accept with the same samples, start and distance.

import 'fake-indexeddb/auto';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Uint8ArrayReader, Uint8ArrayWriter, ZipReader } from '@zip.js/zip.js';
import { Decoder, Stream } from '@garmin/fitsdk';
import { describe, expect, it } from 'vitest';
import { createDemoDataset } from '../../src/demo/index.ts';
import { runExport, type Manifest } from '../../src/engine/index.ts';
import { FORMAT_REGISTRY } from '../../src/formats/registry.ts';
import { activityBaseName } from '../../src/formats/paths.ts';
import { importFiles, type ImportItem } from '../../src/import/index.ts';
import { importIntoStore } from '../../src/import/store-import.ts';
import { MemoryRecordSource } from '../../src/model/memory-source.ts';
import { RECORD_KINDS, type Activity, type TakeawayRecord, type TrackChunk } from '../../src/model/records.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest } from '../../src/model/request.ts';
import type { RecordSource } from '../../src/model/source.ts';
import { TakeawayDb } from '../../src/store/db.ts';
import { DexieRecordSource } from '../../src/store/dexie-record-source.ts';
import { collectItems } from '../helpers/import-items.ts';

const run = promisify(execFile);
const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const SHARED = path.resolve(REPO_ROOT, '../shared');
const VALIDATORS = path.join(SHARED, 'validators');

async function exportZip(request: ExportRequest, source: RecordSource): Promise<{ bytes: Uint8Array; manifest: Manifest }> {
  const parts: Uint8Array[] = [];
  const sink = new WritableStream<Uint8Array>({ write(chunk) { parts.push(chunk.slice()); } });
  const { manifest } = await runExport(request, source, sink, { registry: FORMAT_REGISTRY });
  return { bytes: new Uint8Array(await new Blob(parts as BlobPart[]).arrayBuffer()), manifest };
}

const collect = collectItems<ImportItem>;

describe('a Takeaway export imported into an empty store', () => {
  it('exports again to byte-identical CSV and JSON files', async () => {
    const dataset = createDemoDataset({ seed: 5, days: 14, activityCount: 6, samplesPerActivity: 2300, genericCount: 12 });
    const records: TakeawayRecord[] = RECORD_KINDS.flatMap((kind) => dataset.records(kind) as TakeawayRecord[]);
    const request: ExportRequest = {
      createdAtMs: Date.UTC(2026, 10, 3, 12),
      filter: { kinds: [...RECORD_KINDS] },
      formats: Object.fromEntries(RECORD_KINDS.map((kind) => [kind, ['csv', 'json']])),
      options: { ...DEFAULT_EXPORT_OPTIONS, csv: { ...DEFAULT_EXPORT_OPTIONS.csv, samples: true } },
    };
    const first = await exportZip(request, new MemoryRecordSource(records, (a) => dataset.track(a)));

    const db = new TakeawayDb('round-trip-empty-store');
    try {
      const result = await importIntoStore(db, importFiles([{ name: 'takeaway-export.zip', bytes: first.bytes }]));
      expect(result.errors).toEqual([]);
      expect(result).toMatchObject({ activities: 6, skippedDuplicates: 0, supersededRecords: 0 });
      const second = await exportZip(request, new DexieRecordSource(db));
      const hashes = (manifest: Manifest) => manifest.files.filter((f) => f.format === 'csv' || f.format === 'json').map((f) => [f.path, f.size, f.sha256]);
      expect(hashes(first.manifest).length).toBeGreaterThan(10);
      expect(hashes(second.manifest)).toEqual(hashes(first.manifest));
    } finally {
      await db.delete();
    }
  });
});

// ---- the corpus of real device files ----

const CORPUS_FOLDERS = ['fit', 'gpx', 'tcx'] as const;
const corpusFiles = CORPUS_FOLDERS.flatMap((folder) => readdirSync(path.join(SHARED, 'corpus', folder))
  .filter((name) => name.endsWith(`.${folder}`))
  .sort()
  .map((name) => ({ folder, name, filePath: path.join(SHARED, 'corpus', folder, name) })));

/** What an outside tool read from one exported file. */
interface Reading {
  samples: number;
  firstTimeMs: number;
  distanceM?: number;
}

async function readFit(file: string): Promise<Reading> {
  const { stdout } = await run('node', [path.join(VALIDATORS, 'validate-fit.mjs'), file, '--json'], { cwd: REPO_ROOT }).catch((e: { stdout: string }) => e);
  const report = JSON.parse(stdout) as { result: string; garmin: { records: number; firstRecord: string } };
  expect(report.result, `${file}: ${stdout.slice(0, 2000)}`).toBe('PASS');
  // The session's total distance, as the Garmin SDK decodes it.
  const { messages } = new Decoder(Stream.fromByteArray(Array.from(readFileSync(file)))).read();
  const sessions = (messages.sessionMesgs ?? []) as { totalDistance?: number }[];
  return { samples: report.garmin.records, firstTimeMs: Date.parse(report.garmin.firstRecord), distanceM: sessions[0]?.totalDistance };
}

async function readTcx(file: string): Promise<Reading> {
  const { stdout } = await run(path.join(VALIDATORS, 'validate-tcx.sh'), [file]).catch((e: { stdout: string }) => e);
  expect(stdout, file).toMatch(/^PASS /m);
  const info = /trackpoints=(\d+) first=(\S+)/.exec(stdout)!;
  // Lap totals (each Lap's DistanceMeters follows its TotalTimeSeconds in the schema's sequence).
  const laps = [...readFileSync(file, 'utf8').matchAll(/<\/TotalTimeSeconds>\s*<DistanceMeters>([^<]+)<\/DistanceMeters>/g)];
  return { samples: Number(info[1]), firstTimeMs: Date.parse(info[2]), distanceM: laps.reduce((sum, m) => sum + Number(m[1]), 0) };
}

async function readGpx(file: string): Promise<Reading & { length2dM: number }> {
  const { stdout } = await run(path.join(VALIDATORS, 'validate-gpx.sh'), [file]).catch((e: { stdout: string }) => e);
  expect(stdout, file).toMatch(/^PASS /m);
  const info = /gpxpy: .* trackpoints=(\d+) .* first=(\S+)/.exec(stdout)!;
  // Path length through every point (segment gaps at pauses included), the same haversine as the imported side.
  const points = [...readFileSync(file, 'utf8').matchAll(/<trkpt lat="([^"]+)" lon="([^"]+)"/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
  const lengthM = positionsLengthM([{ count: points.length, lat: points.map((p) => p[0]), lon: points.map((p) => p[1]), timeMs: [] }]).lengthM;
  return { samples: Number(info[1]), firstTimeMs: Date.parse(info[2]), length2dM: lengthM };
}

/** Haversine path length (radius 6378.137 km, as gpxpy) over positions, and the count and first time of positioned samples. */
function positionsLengthM(chunks: readonly Pick<TrackChunk, 'count' | 'lat' | 'lon' | 'timeMs'>[] | readonly { count: number; lat: number[]; lon: number[]; timeMs: number[] }[]): { lengthM: number; positioned: number; firstTimeMs?: number } {
  let lengthM = 0;
  let positioned = 0;
  let firstTimeMs: number | undefined;
  let previous: [number, number] | undefined;
  const rad = Math.PI / 180;
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.count; i++) {
      const lat = chunk.lat?.[i] ?? Number.NaN;
      const lon = chunk.lon?.[i] ?? Number.NaN;
      if (Number.isNaN(lat) || Number.isNaN(lon)) continue;
      positioned += 1;
      firstTimeMs ??= chunk.timeMs[i];
      if (previous) {
        const dLat = (lat - previous[0]) * rad;
        const dLon = (lon - previous[1]) * rad;
        const a = Math.sin(dLat / 2) ** 2 + Math.cos(previous[0] * rad) * Math.cos(lat * rad) * Math.sin(dLon / 2) ** 2;
        lengthM += 2 * 6_378_137 * Math.asin(Math.min(1, Math.sqrt(a)));
      }
      previous = [lat, lon];
    }
  }
  return { lengthM, positioned, firstTimeMs };
}

function expectClose(actual: number | undefined, expected: number, label: string): void {
  expect(actual, label).toBeDefined();
  expect(Math.abs(actual! - expected), `${label}: ${actual} vs ${expected}`).toBeLessThanOrEqual(Math.max(0.005 * expected, 1));
}

describe('every real device file of the corpus', () => {
  const workDir = mkdtempSync(path.join(tmpdir(), 'takeaway-round-trip-'));
  // One export zip per file; each exported file is validated once, the three formats of an activity in parallel.
  it.each(corpusFiles)('$folder/$name imports and re-exports as FIT, TCX and GPX that the validators accept with the same samples, start and distance', async (corpusFile) => {
    const items = await collect(importFiles([{ name: corpusFile.name, bytes: new Uint8Array(readFileSync(corpusFile.filePath)) }]));
    expect(items.filter((i) => i.type === 'error'), corpusFile.name).toEqual([]);
    const imported = items.filter((i): i is Extract<ImportItem, { type: 'activity' }> => i.type === 'activity');
    expect(imported.length, corpusFile.name).toBeGreaterThan(0);
    const request: ExportRequest = {
      createdAtMs: Date.UTC(2026, 10, 3),
      filter: { kinds: ['activity'] },
      formats: { activity: ['fit', 'tcx', 'gpx'] },
      options: DEFAULT_EXPORT_OPTIONS,
    };
    const source = new MemoryRecordSource(imported.map((i) => i.activity), new Map(imported.map((i) => [i.activity.id, i.chunks])));
    const { bytes } = await exportZip(request, source);
    const files = await unzipTo(bytes, path.join(workDir, `${corpusFile.folder}-${corpusFile.name}`));
    for (const { activity, chunks } of imported) {
      const base = activityBaseName(activity);
      const named = (extension: string) => files.filter((f) => path.basename(f).startsWith(base) && f.endsWith(extension));
      const of = (extension: string) => {
        expect(named(extension), `${corpusFile.name}: ${base}${extension} in ${files.join(', ')}`).toHaveLength(1);
        return named(extension)[0];
      };
      const label = `${corpusFile.name} → ${activity.id}`;
      const firstTimeMs = chunks[0]?.timeMs[0];
      const checks = [checkFit(of('.fit'), activity, firstTimeMs, label), checkTcx(of('.tcx'), activity, firstTimeMs, label)];
      // GPX needs positions: an activity without any is left out of GPX (and listed under the manifest's leftOut.gpx).
      if (positionsLengthM(chunks).positioned > 0) checks.push(checkGpx(of('.gpx'), activity, chunks, label));
      else expect(named('.gpx'), `${label}: GPX without positions`).toEqual([]);
      await Promise.all(checks);
    }
  }, 120_000);
});

async function checkFit(file: string, activity: Activity, firstTimeMs: number | undefined, label: string): Promise<void> {
  const reading = await readFit(file);
  expect(reading.samples, `${label} FIT samples`).toBe(activity.sampleCount);
  if (firstTimeMs !== undefined) expect(reading.firstTimeMs, `${label} FIT start`).toBe(Math.floor(firstTimeMs / 1000) * 1000);
  if (activity.totals.distanceM !== undefined) expectClose(reading.distanceM, activity.totals.distanceM, `${label} FIT distance`);
}

async function checkTcx(file: string, activity: Activity, firstTimeMs: number | undefined, label: string): Promise<void> {
  const reading = await readTcx(file);
  expect(reading.samples, `${label} TCX samples`).toBe(activity.sampleCount);
  if (firstTimeMs !== undefined) expect(Math.abs(reading.firstTimeMs - firstTimeMs), `${label} TCX start`).toBeLessThan(1000);
  if (activity.totals.distanceM !== undefined) expectClose(reading.distanceM, activity.totals.distanceM, `${label} TCX distance`);
}

async function checkGpx(file: string, activity: Activity, chunks: readonly TrackChunk[], label: string): Promise<void> {
  const reading = await readGpx(file);
  // GPX points need a position and GPX has no distance field: compare with the positioned samples and their path length.
  const positions = positionsLengthM(chunks);
  expect(reading.samples, `${label} GPX samples`).toBe(positions.positioned);
  if (positions.firstTimeMs !== undefined) expect(Math.abs(reading.firstTimeMs - positions.firstTimeMs), `${label} GPX start`).toBeLessThan(1000);
  if (positions.positioned > 1) expectClose(reading.length2dM, positions.lengthM, `${label} GPX length`);
  expect(activity.sampleCount).toBeGreaterThanOrEqual(positions.positioned);
}

async function unzipTo(bytes: Uint8Array, dir: string): Promise<string[]> {
  const reader = new ZipReader(new Uint8ArrayReader(bytes));
  const written: string[] = [];
  for (const entry of await reader.getEntries()) {
    if (entry.directory || !/\.(fit|tcx|gpx)$/.test(entry.filename)) continue;
    const target = path.join(dir, entry.filename);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, await entry.getData!(new Uint8ArrayWriter()));
    written.push(target);
  }
  await reader.close();
  return written;
}

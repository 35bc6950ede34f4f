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

async function collect(items: AsyncIterable<ImportItem>): Promise<ImportItem[]> {
  const out: ImportItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

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
  const { stdout: sum } = await run('xmllint', ['--xpath', 'sum(//*[local-name()="Lap"]/*[local-name()="DistanceMeters"])', file]);
  return { samples: Number(info[1]), firstTimeMs: Date.parse(info[2]), distanceM: Number(sum) };
}

async function readGpx(file: string): Promise<Reading & { length2dM: number }> {
  const { stdout } = await run(path.join(VALIDATORS, 'validate-gpx.sh'), [file]).catch((e: { stdout: string }) => e);
  expect(stdout, file).toMatch(/^PASS /m);
  const info = /gpxpy: .* trackpoints=(\d+) .* first=(\S+)/.exec(stdout)!;
  const { stdout: length } = await run('/usr/bin/python3', ['-c', 'import gpxpy,sys; print(gpxpy.parse(open(sys.argv[1])).length_2d())', file]);
  return { samples: Number(info[1]), firstTimeMs: Date.parse(info[2]), length2dM: Number(length) };
}

/** gpxpy's length_2d formula (haversine on a 6371 km sphere) over the imported positions, for the GPX comparison. */
function positionsLengthM(chunks: readonly TrackChunk[]): { lengthM: number; positioned: number; firstTimeMs?: number } {
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
        lengthM += 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(a)));
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
  it('imports, and re-exports as FIT, TCX and GPX that the validators accept with the same samples, start and distance', async () => {
    const workDir = mkdtempSync(path.join(tmpdir(), 'takeaway-round-trip-'));
    const checks: Promise<void>[] = [];
    let checked = 0;
    for (const corpusFile of corpusFiles) {
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
      const dir = path.join(workDir, `${corpusFile.folder}-${corpusFile.name}`);
      const files = await unzipTo(bytes, dir);
      for (const { activity, chunks } of imported) {
        const base = activityBaseName(activity);
        const of = (extension: string) => {
          const matches = files.filter((f) => path.basename(f).startsWith(base) && f.endsWith(extension));
          expect(matches, `${corpusFile.name}: ${base}${extension} in ${files.join(', ')}`).toHaveLength(1);
          return matches[0];
        };
        const label = `${corpusFile.name} → ${activity.id}`;
        const firstTimeMs = chunks[0]?.timeMs[0];
        checks.push(checkFit(of('.fit'), activity, firstTimeMs, label));
        checks.push(checkTcx(of('.tcx'), activity, firstTimeMs, label));
        checks.push(checkGpx(of('.gpx'), activity, chunks, label));
        checked += 1;
        // Two validators at a time: the machine has two cores.
        if (checks.length >= 6) await Promise.all(checks.splice(0));
      }
    }
    await Promise.all(checks);
    expect(checked).toBeGreaterThanOrEqual(corpusFiles.length);
  }, 240_000);
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

// Split archives: parts under the chosen size, each a valid zip with its own manifest, together the whole export.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Uint8ArrayReader, ZipReader, type FileEntry } from '@zip.js/zip.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileSink } from '../../src/node/file-sink.ts';
import { createDemoDataset, DemoRecordSource } from '../../src/demo/index.ts';
import { runExport, verifyExport, type Manifest } from '../../src/engine/index.ts';
import {
  DEFAULT_PART_SIZE_BYTES, EXPORT_MANIFEST_PATH, isFat32Safe, parsePartSize, partFileName, PART_SIZE_PRESETS_BYTES,
  splitExport, type PartManifest, type SplitResult,
} from '../../src/engine/split.ts';
import { FORMAT_REGISTRY } from '../../src/formats/registry.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest } from '../../src/model/request.ts';
import { memorySink } from '../helpers/zip-files.ts';

const dataset = createDemoDataset({ seed: 5, days: 30, activityCount: 10, samplesPerActivity: 2500, genericCount: 30 });
const request: ExportRequest = {
  createdAtMs: Date.UTC(2026, 10, 24, 9, 0, 0),
  filter: { kinds: ['activity', 'steps', 'sleep', 'record'] },
  formats: { activity: ['fit', 'gpx', 'csv'], steps: ['csv'], sleep: ['json'], record: ['csv'] },
  options: DEFAULT_EXPORT_OPTIONS,
};

let whole: Uint8Array;
let manifest: Manifest;
beforeAll(async () => {
  const { sink, bytes } = memorySink();
  manifest = (await runExport(request, new DemoRecordSource(dataset), sink, { registry: FORMAT_REGISTRY })).manifest;
  whole = bytes();
});

async function split(partSizeBytes: number): Promise<{ dir: string; result: SplitResult }> {
  const dir = mkdtempSync(join(tmpdir(), 'takeaway-split-'));
  const result = await splitExport(new Uint8ArrayReader(whole), partSizeBytes, async (_n, name) => fileSink(join(dir, name)));
  return { dir, result };
}

async function partManifest(path: string): Promise<PartManifest> {
  const reader = new ZipReader(new Uint8ArrayReader(new Uint8Array(readFileSync(path))));
  const entry = (await reader.getEntries()).find((e) => e.filename === 'manifest.json') as FileEntry;
  return JSON.parse(await entry.getData(new (await import('@zip.js/zip.js')).TextWriter())) as PartManifest;
}

describe('splitExport', () => {
  it('makes several parts that each pass unzip -t and verify, and together hold exactly the unsplit files', async () => {
    const partSizeBytes = parsePartSize('200KB');
    expect(whole.byteLength).toBeGreaterThan(3 * partSizeBytes);
    const { dir, result } = await split(partSizeBytes);
    expect(result.parts.length).toBeGreaterThanOrEqual(4);
    const seen: string[] = [];
    for (const part of result.parts) {
      const path = join(dir, part.fileName);
      expect(statSync(path).size).toBe(part.bytesWritten);
      if (part.oversizeFiles.length === 0) expect(part.bytesWritten).toBeLessThanOrEqual(partSizeBytes);
      expect(spawnSync('unzip', ['-tq', path]).status).toBe(0);
      const report = await verifyExport(new Uint8ArrayReader(new Uint8Array(readFileSync(path))));
      expect(report.problems).toEqual([]);
      const own = await partManifest(path);
      expect(own.part.count).toBe(result.parts.length);
      seen.push(...own.files.filter((f) => f.path !== EXPORT_MANIFEST_PATH).map((f) => `${f.path} ${f.sha256}`));
    }
    expect(seen).toEqual(manifest.files.map((f) => `${f.path} ${f.sha256}`));
  });

  it('names parts takeaway-<date>-001.zip… and puts the whole manifest, byte for byte, in the last part', async () => {
    const { dir, result } = await split(parsePartSize('300KB'));
    expect(result.parts.map((p) => p.fileName)).toEqual(result.parts.map((_, i) => `takeaway-2026-11-24-${String(i + 1).padStart(3, '0')}.zip`));
    const last = join(dir, result.parts.at(-1)!.fileName);
    const reader = new ZipReader(new Uint8ArrayReader(new Uint8Array(readFileSync(last))));
    const entries = await reader.getEntries();
    const top = entries.find((e) => e.filename === EXPORT_MANIFEST_PATH) as FileEntry;
    const original = (await new ZipReader(new Uint8ArrayReader(whole)).getEntries()).find((e) => e.filename === 'manifest.json') as FileEntry;
    const { TextWriter } = await import('@zip.js/zip.js');
    expect(await top.getData(new TextWriter())).toBe(await original.getData(new TextWriter()));
    expect((await partManifest(last)).part.exportManifest).toBe(EXPORT_MANIFEST_PATH);
  });

  it('puts a file bigger than the part size alone in its part and says so', async () => {
    const partSizeBytes = parsePartSize('64KiB');
    const entries = await new ZipReader(new Uint8ArrayReader(whole)).getEntries();
    const tooBig = entries.filter((e) => e.compressedSize > partSizeBytes).map((e) => e.filename);
    expect(tooBig.length).toBeGreaterThan(0);
    const { dir, result } = await split(partSizeBytes);
    expect(result.parts.flatMap((p) => p.oversizeFiles)).toEqual(expect.arrayContaining(tooBig));
    const alone = result.parts.find((p) => p.oversizeFiles.length > 0)!;
    expect(alone.paths).toHaveLength(1);
    expect(alone.bytesWritten).toBeGreaterThan(partSizeBytes);
    expect((await partManifest(join(dir, alone.fileName))).part.oversizeFiles).toEqual(alone.paths);
  });

  it('keeps the whole export in one part when it fits', async () => {
    const { result } = await split(DEFAULT_PART_SIZE_BYTES);
    expect(result.parts).toHaveLength(1);
    expect(result.parts[0].paths).toEqual(manifest.files.map((f) => f.path));
  });
});

describe('part sizes', () => {
  it('parses decimal and binary units and refuses nonsense with the value in the message', () => {
    expect(parsePartSize('2GB')).toBe(2_000_000_000);
    expect(parsePartSize('5MB')).toBe(5_000_000);
    expect(parsePartSize('5 MiB')).toBe(5 * 1024 * 1024);
    expect(parsePartSize('1.5gb')).toBe(1_500_000_000);
    expect(parsePartSize('700000')).toBe(700_000);
    expect(() => parsePartSize('2 GX')).toThrow(/"2 GX"/);
    expect(() => parsePartSize('10KB')).toThrow(/minimum/);
  });

  it('offers 1, 2, 4, 10 and 50 GB, defaults to 2 GB, and knows which fit FAT32', () => {
    expect(PART_SIZE_PRESETS_BYTES).toEqual([1e9, 2e9, 4e9, 10e9, 50e9]);
    expect(PART_SIZE_PRESETS_BYTES.filter(isFat32Safe)).toEqual([1e9, 2e9, 4e9]);
    expect(isFat32Safe(DEFAULT_PART_SIZE_BYTES)).toBe(true);
    expect(partFileName(Date.UTC(2026, 10, 24, 23, 59), 12)).toBe('takeaway-2026-11-24-012.zip');
  });
});

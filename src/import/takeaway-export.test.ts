import { Uint8ArrayReader, Uint8ArrayWriter, ZipReader, ZipWriter } from '@zip.js/zip.js';
import { describe, expect, it } from 'vitest';
import { createDemoDataset } from '../demo/index.ts';
import { runExport } from '../engine/index.ts';
import { verifyExport } from '../engine/verify.ts';
import { FORMAT_REGISTRY } from '../formats/registry.ts';
import { MemoryRecordSource } from '../model/memory-source.ts';
import { RECORD_KINDS, type TakeawayRecord, type TrackChunk } from '../model/records.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest, type FormatId } from '../model/request.ts';
import { importFiles, type ImportItem } from './index.ts';
import { collectItems } from '../../tests/helpers/import-items.ts';

const dataset = createDemoDataset({ seed: 3, days: 4, activityCount: 2, samplesPerActivity: 2100, genericCount: 3 });
const records: TakeawayRecord[] = RECORD_KINDS.flatMap((kind) => dataset.records(kind) as TakeawayRecord[]);

function request(formats: FormatId[]): ExportRequest {
  return {
    createdAtMs: Date.UTC(2026, 10, 5),
    filter: { kinds: [...RECORD_KINDS] },
    formats: Object.fromEntries(RECORD_KINDS.map((kind) => [kind, formats])),
    options: DEFAULT_EXPORT_OPTIONS,
  };
}

async function exportZip(formats: FormatId[]): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const sink = new WritableStream<Uint8Array>({ write(chunk) { parts.push(chunk.slice()); } });
  await runExport(request(formats), new MemoryRecordSource(records, (a) => dataset.track(a)), sink, { registry: FORMAT_REGISTRY });
  return new Uint8Array(await new Blob(parts as BlobPart[]).arrayBuffer());
}

const collect = (bytes: Uint8Array): Promise<ImportItem[]> => collectItems(importFiles([{ name: 'takeaway.zip', bytes }]));

/** The same archive with one member's bytes replaced, everything else (the manifest too) unchanged. */
async function withMember(bytes: Uint8Array, path: string, change: (text: string) => string): Promise<Uint8Array> {
  const reader = new ZipReader(new Uint8ArrayReader(bytes));
  const writer = new ZipWriter(new Uint8ArrayWriter());
  for (const entry of await reader.getEntries()) {
    if (entry.directory) continue;
    let data = await entry.getData!(new Uint8ArrayWriter());
    if (entry.filename === path) data = new TextEncoder().encode(change(new TextDecoder().decode(data)));
    await writer.add(entry.filename, new Uint8ArrayReader(data));
  }
  await reader.close();
  return writer.close();
}

describe('importTakeawayExport through importFiles', () => {
  it('restores every record and track of a JSON export exactly', async () => {
    const items = await collect(await exportZip(['json']));
    expect(items.filter((i) => i.type === 'error')).toEqual([]);
    const restored = items.flatMap((i): TakeawayRecord[] => (i.type === 'activity' ? [i.activity] : i.type === 'record' ? [i.record] : []));
    expect(restored.sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual([...records].sort((a, b) => (a.id < b.id ? -1 : 1)));
    for (const item of items) {
      if (item.type !== 'activity') continue;
      const expected: TrackChunk[] = [...dataset.trackSync(item.activity.id)];
      expect(item.chunks).toEqual(expected);
    }
  });

  it('refuses an export whose file no longer matches its manifest hash, importing nothing', async () => {
    const tampered = await withMember(await exportZip(['json']), 'json/steps.json', (text) =>
      // Same length, different digit: only the hash can tell.
      text.replace(/"stepCount":(\d)/, (_m, digit: string) => `"stepCount":${digit === '9' ? '8' : '9'}`));
    const items = await collect(tampered);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ type: 'error', file: 'takeaway.zip' });
    expect((items[0] as { message: string }).message).toMatch(/json\/steps\.json: sha256/);
  });

  it('says an export without JSON files cannot be restored exactly', async () => {
    const items = await collect(await exportZip(['csv']));
    expect(items).toHaveLength(1);
    expect((items[0] as { message: string }).message).toMatch(/no JSON files/);
  });

  it('checks a manifest that lists the same files 20,000 times once per file, and refuses the export saying so', async () => {
    const crafted = await withMember(await exportZip(['json', 'csv']), 'manifest.json', (text) => {
      const manifest = JSON.parse(text) as { files: unknown[] };
      return JSON.stringify({ ...manifest, files: Array.from({ length: 20_000 }, () => manifest.files).flat() });
    });
    // Bytes the verifier reads: each listing hashed again would read the archive thousands of times over.
    let bytesRead = 0;
    class CountingReader extends Uint8ArrayReader {
      override async readUint8Array(index: number, length: number): Promise<Uint8Array> {
        bytesRead += length;
        if (bytesRead > 20 * crafted.length) throw new Error('read the archive more than 20 times over');
        return super.readUint8Array(index, length);
      }
    }
    const report = await verifyExport(new CountingReader(crafted));
    expect(report.problems).toContainEqual({ path: 'manifest.json', problem: 'manifest', detail: expect.stringMatching(/^manifest\.json lists files more than once \(\d+ repeats, first \S+\); each was checked once$/) });
    expect(report.problems.map((p) => p.path)).toEqual(['manifest.json', 'SHA256SUMS']);
    expect(report.filesChecked).toBe(report.manifest!.files.length / 20_000);
    const items = await collect(crafted);
    expect(items).toEqual([{ type: 'error', file: 'takeaway.zip', message: expect.stringMatching(/^takeaway\.zip: Takeaway export fails its manifest check, nothing imported: manifest\.json: manifest \(manifest\.json lists files more than once/) }]);
  });
});

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Uint8ArrayReader } from '@zip.js/zip.js';
import { describe, expect, it } from 'vitest';
import { matchesFilter, recordTimeMs } from '../model/filter.ts';
import type { Activity, GenericRecord, RecordKind, RecordOfKind, TakeawayRecord, TrackChunk } from '../model/records.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest, type RecordFilter } from '../model/request.ts';
import type { RecordSource } from '../model/source.ts';
import type { EncodeContext, EncodedEntry, FormatEncoder } from '../formats/types.ts';
import { memorySink, tempFile } from '../../tests/helpers/zip-files.ts';
import { planExport, runExport, verifyExport, type ExportProgress } from './index.ts';

// A tiny text format that lists record ids: enough to exercise zip, manifest, hashing, skipping and leaving out.
// The real formats are exercised through the engine in tests/node/export.test.ts.
const listFormat: FormatEncoder = {
  id: 'csv',
  kinds: ['activity', 'record'],
  isCompressible: true,
  size: { bytesPerFile: 20, bytesPerRecord: 10, bytesPerSample: 5 },
  lostChannels: () => ['powerW'],
  lostFeatures: ['laps'],
  async *entries(context: EncodeContext): AsyncIterable<EncodedEntry> {
    for (const kind of context.filter.kinds) {
      const lines: string[] = [];
      let n = 0;
      for await (const batch of context.source.records(kind, context.filter, 2)) {
        for (const record of batch) {
          if (record.id.includes('bad')) { context.skip({ kind, id: record.id, reason: 'bad id' }); continue; }
          if (record.id.includes('wide')) { context.leaveOut({ kind, id: record.id, reason: 'too wide for this format' }); continue; }
          let samples = 0;
          if (record.kind === 'activity') for await (const chunk of context.source.track(record)) samples += chunk.count;
          lines.push(`${record.id},${samples}\n`);
          n += 1;
        }
      }
      yield { path: `same/${kind === 'activity' ? 'Data' : 'data'}.txt`, modifiedMs: context.createdAtMs, recordCounts: { [kind]: n }, content: toBytes(lines) };
    }
  },
};

async function* toBytes(lines: string[]): AsyncGenerator<Uint8Array> {
  for (const line of lines) yield new TextEncoder().encode(line);
}

function activity(id: string, startTimeMs: number, sampleCount: number): Activity {
  return {
    kind: 'activity', id, sport: 'running', subSport: 'generic', name: id, startTimeMs, utcOffsetMin: 60,
    totals: { elapsedS: sampleCount, timerS: sampleCount }, tags: [], laps: [], pauses: [], sampleCount,
    channels: ['heartRateBpm', 'powerW'], updatedAtMs: 0,
  };
}

function generic(id: string, timestampMs: number): GenericRecord {
  return { kind: 'record', id, recordType: 'time_entry', timestampMs, utcOffsetMin: 0, title: id, tags: [], fields: {}, updatedAtMs: 0 };
}

function testSource(records: TakeawayRecord[]): RecordSource {
  return {
    async *records<K extends RecordKind>(kind: K, filter: RecordFilter, batchSize = 100) {
      const matching = records.filter((r) => r.kind === kind && matchesFilter(r, filter))
        .sort((a, b) => recordTimeMs(a) - recordTimeMs(b)) as RecordOfKind<K>[];
      for (let i = 0; i < matching.length; i += batchSize) yield matching.slice(i, i + batchSize);
    },
    async *track(a: Activity): AsyncIterable<TrackChunk> {
      for (let start = 0; start < a.sampleCount; start += 1000) {
        const count = Math.min(1000, a.sampleCount - start);
        yield { activityId: a.id, seq: start / 1000, startIndex: start, count, timeMs: new Float64Array(count).map((_, i) => a.startTimeMs + (start + i) * 1000) };
      }
    },
    count: async (kind, filter) => records.filter((r) => r.kind === kind && matchesFilter(r, filter)).length,
  };
}

const T0 = Date.UTC(2025, 2, 1, 7, 0, 0);
const records: TakeawayRecord[] = [
  activity('a1', T0, 2500), activity('a2', T0 + 86_400_000, 10), activity('bad-3', T0 + 2 * 86_400_000, 5),
  generic('r1', T0), generic('r2', T0 + 1000),
];
const request: ExportRequest = {
  createdAtMs: Date.UTC(2026, 10, 24, 12, 0, 0),
  filter: { kinds: ['activity', 'record'] },
  formats: { activity: ['csv'], record: ['csv'] },
  options: DEFAULT_EXPORT_OPTIONS,
};
const registry = { csv: listFormat };

async function exportToBytes(req = request, recs = records): Promise<{ bytes: Uint8Array; progress: ExportProgress[]; manifest: Awaited<ReturnType<typeof runExport>>['manifest'] }> {
  const { sink, bytes } = memorySink();
  const progress: ExportProgress[] = [];
  const { manifest } = await runExport(req, testSource(recs), sink, { registry, onProgress: (p) => progress.push(p) });
  return { bytes: bytes(), progress, manifest };
}

describe('runExport', () => {
  it('writes a zip that unzip tests clean, with README, entries, manifest and SHA256SUMS that sha256sum accepts', { tags: ['tools'] }, async () => {
    const { bytes, manifest } = await exportToBytes();
    const file = tempFile('export.zip', bytes);
    expect(spawnSync('unzip', ['-tq', file]).status).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'takeaway-x-'));
    execFileSync('unzip', ['-q', file, '-d', dir]);
    expect(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' })).toContain('README.txt: OK');
    expect(manifest.files.map((f) => f.path)).toEqual(['README.txt', 'same/Data.txt', 'same/data-2.txt']);
    expect(manifest.counts.records).toEqual({ activity: 2, record: 2 });
    expect(manifest.counts.formats.csv).toEqual({ files: 2, records: 4 });
  });

  it('lists records a format skipped in the manifest and still completes', async () => {
    const { manifest } = await exportToBytes();
    expect(manifest.skipped).toEqual([{ kind: 'activity', id: 'bad-3', reason: 'bad id' }]);
    expect(manifest.leftOut).toEqual({});
  });

  it('lists a record the format cannot carry under leftOut for that format, not as skipped', async () => {
    const { manifest } = await exportToBytes(request, [...records, generic('wide-4', T0 + 2000)]);
    expect(manifest.leftOut).toEqual({ csv: [{ kind: 'record', id: 'wide-4', reason: 'too wide for this format' }] });
    expect(manifest.skipped).toEqual([{ kind: 'activity', id: 'bad-3', reason: 'bad id' }]);
    expect(manifest.counts.records).toEqual({ activity: 2, record: 2 });
    expect(manifest.schemaVersion).toBe(2);
  });

  it('counts each record and sample once in progress, however many formats read them', async () => {
    const twoFormats: ExportRequest = { ...request, formats: { activity: ['csv', 'json'], record: ['csv', 'json'] } };
    const progress: ExportProgress[] = [];
    const { sink } = memorySink();
    await runExport(twoFormats, testSource(records), sink, { registry: { csv: listFormat, json: { ...listFormat, id: 'json' } }, onProgress: (p) => progress.push(p) });
    const last = progress.at(-1)!;
    expect(last.filesDone).toBe(5); // README and two files per format: both formats did read everything
    expect(last.recordsRead).toBe(records.length);
    expect(last.samplesRead).toBe(2510);
  });

  it('gives byte-identical archives for the same data and request', async () => {
    const first = await exportToBytes();
    const second = await exportToBytes();
    expect(Buffer.from(first.bytes).equals(Buffer.from(second.bytes))).toBe(true);
  });

  it('reports progress up to a final fraction of 1 with files and bytes', async () => {
    const { progress, bytes } = await exportToBytes();
    const last = progress.at(-1)!;
    expect(last.fraction).toBe(1);
    expect(last.bytesOut).toBe(bytes.byteLength);
    expect(last.samplesRead).toBe(2510); // bad-3 is skipped before its track is read
  });

  it('stops on abort, rethrows the abort and aborts the sink', async () => {
    const controller = new AbortController();
    const { sink, state } = memorySink();
    const source = testSource(records);
    const abortingSource: RecordSource = { ...source, track: (a) => { controller.abort(); return source.track(a); } };
    const run = runExport(request, abortingSource, sink, { registry, signal: controller.signal });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(state.aborted).toBeDefined();
    expect(state.closed).toBe(false);
  });

  it('fails with QUOTA_EXCEEDED when the destination is full, and never closes it as complete', async () => {
    let written = 0;
    let closed = false;
    const fullDisk = new WritableStream<Uint8Array>({
      write(chunk) {
        written += chunk.byteLength;
        if (written > 200) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      },
      close() { closed = true; },
    });
    await expect(runExport(request, testSource(records), fullDisk, { registry })).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED' });
    expect(closed).toBe(false);
  });
});

describe('verifyExport', () => {
  it('passes on a produced archive', async () => {
    const { bytes } = await exportToBytes();
    const report = await verifyExport(new Uint8ArrayReader(bytes));
    expect(report).toMatchObject({ ok: true, filesChecked: 3, problems: [] });
  });

  it('names the file when one byte of an entry is changed', async () => {
    const stored = { ...request, options: { ...request.options, compressionLevel: 0 } };
    const { bytes } = await exportToBytes(stored);
    const needle = new TextEncoder().encode('r2,0');
    const at = Buffer.from(bytes).indexOf(Buffer.from(needle));
    expect(at).toBeGreaterThan(0);
    const tampered = bytes.slice();
    tampered[at + 1] = '7'.charCodeAt(0);
    const report = await verifyExport(new Uint8ArrayReader(tampered));
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.path)).toEqual(['same/data-2.txt']);
  });

  it('reports a truncated archive as unreadable', async () => {
    const { bytes } = await exportToBytes();
    const report = await verifyExport(new Uint8ArrayReader(bytes.slice(0, bytes.length - 100)));
    expect(report.ok).toBe(false);
  });
});

describe('planExport', () => {
  it('counts what the encoders write (not what the filter selects), lists the files and names the channels a format would lose', async () => {
    const plan = await planExport(request, testSource(records), registry);
    const { manifest } = await runExport(request, testSource(records), memorySink().sink, { registry });
    expect(plan.counts).toEqual({ activity: 2, record: 2 });
    expect(plan.counts).toEqual(manifest.counts.records);
    expect(plan.files.map(({ path, format, records }) => ({ path, format, records })))
      .toEqual(manifest.files.map(({ path, format, records }) => ({ path, format, records })));
    expect(plan.skipped).toEqual(manifest.skipped);
    expect(plan.samples).toBe(2515);
    expect(plan.formats[0]).toMatchObject({ format: 'csv', lostChannels: ['powerW'], lostFeatures: [] });
    expect(plan.estimatedBytes).toBeGreaterThan(0);
  });

  it('rejects a request that picks a format for a kind it cannot write', async () => {
    const bad = { ...request, filter: { kinds: ['steps'] as RecordKind[] }, formats: { steps: ['csv' as const] } };
    await expect(planExport(bad, testSource(records), registry)).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });

  it('refuses, before reading anything, a request the request schema refuses, naming the field', async () => {
    const source = testSource(records);
    let reads = 0;
    const counting: RecordSource = { ...source, records: (kind, filter) => { reads++; return source.records(kind, filter); }, count: (kind, filter) => { reads++; return source.count(kind, filter); } };
    const zoneless = { ...request, options: { ...request.options, privacy: { zones: [{ latDeg: 52.5, lonDeg: 13.4, radiusM: 0 }] } } };
    await expect(planExport(zoneless, counting, registry)).rejects.toThrow('options.privacy.zones[0].radiusM: must be more than 0 m');
    const typo = { ...request, options: { ...request.options, units: 'imperial', unit: 'imperial' } } as ExportRequest;
    await expect(runExport(typo, counting, memorySink().sink, { registry })).rejects.toThrow('options.unit: unknown field');
    expect(reads).toBe(0);
  });
});

// Resume after an interruption: abort mid-entry, a sink that dies mid-write, and a changed dataset.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'fake-indexeddb/auto';
import { Uint8ArrayReader, ZipReader } from '@zip.js/zip.js';
import { describe, expect, it } from 'vitest';
import { createDemoDataset, DemoRecordSource } from '../../src/demo/index.ts';
import { runExport, verifyExport } from '../../src/engine/index.ts';
import { chooseCheckpoint, runResumableExport, type ExportCheckpoint, type ResumableSink } from '../../src/engine/resume.ts';
import { FORMAT_REGISTRY } from '../../src/formats/registry.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest } from '../../src/model/request.ts';
import { checkpointSaver, loadCheckpoints } from '../../src/jobs/checkpoints.ts';
import { openResumableFileSink, partialPathOf } from '../../src/node/resumable-file-sink.ts';
import { TakeawayDb } from '../../src/store/db.ts';
import { memorySink } from '../helpers/zip-files.ts';

const dataset = createDemoDataset({ seed: 3, days: 20, activityCount: 8, samplesPerActivity: 2000, genericCount: 20 });
const request: ExportRequest = {
  createdAtMs: Date.UTC(2026, 10, 24, 9, 0, 0),
  filter: { kinds: ['activity', 'steps', 'weight', 'record'] },
  formats: { activity: ['fit', 'gpx', 'csv'], steps: ['csv'], weight: ['csv'], record: ['csv'] },
  options: DEFAULT_EXPORT_OPTIONS,
};
const source = () => new DemoRecordSource(dataset);

async function baseline(): Promise<{ bytes: Uint8Array; hashes: string[] }> {
  const { sink, bytes } = memorySink();
  const { manifest } = await runExport(request, source(), sink, { registry: FORMAT_REGISTRY });
  return { bytes: bytes(), hashes: manifest.files.map((f) => `${f.path} ${f.sha256}`) };
}

/** Wraps a sink so `onPass` runs once when the written bytes first pass `atBytes` (then the write goes on or not). */
function tripwire(sink: ResumableSink, atBytes: number, onPass: (chunk: Uint8Array, room: number) => Promise<void> | void): ResumableSink {
  let written = 0;
  let tripped = false;
  return {
    ...sink,
    async truncate(offset) { written = offset; await sink.truncate(offset); },
    async write(chunk) {
      if (!tripped && written + chunk.byteLength > atBytes) {
        tripped = true;
        await onPass(chunk, atBytes - written);
      }
      await sink.write(chunk);
      written += chunk.byteLength;
    },
  };
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'takeaway-resume-'));

describe('runResumableExport', () => {
  it('resumes an export aborted mid-entry at about half and ends byte-identical to an uninterrupted run', async () => {
    const whole = await baseline();
    const out = join(tempDir(), 'export.zip');
    const checkpoints: ExportCheckpoint[] = [];
    const controller = new AbortController();
    const first = tripwire(await openResumableFileSink(out, { isDurable: false }), whole.bytes.byteLength / 2, () => controller.abort());
    await expect(runResumableExport(request, source(), first, {
      registry: FORMAT_REGISTRY, signal: controller.signal, saveCheckpoint: async (c) => { checkpoints.push(c); },
    })).rejects.toThrow();
    const partialSize = statSync(partialPathOf(out)).size;
    expect(partialSize).toBeGreaterThan(whole.bytes.byteLength / 2);
    const second = await openResumableFileSink(out, { isDurable: false });
    const checkpoint = chooseCheckpoint(checkpoints, await second.size())!;
    expect(checkpoint.offsetBytes).toBeGreaterThan(whole.bytes.byteLength / 3);
    // Writes are batched up to each entry's end, so the kept bytes may end exactly at the checkpoint.
    expect(checkpoint.offsetBytes).toBeLessThanOrEqual(partialSize);
    const fractions: number[] = [];
    const result = await runResumableExport(request, source(), second, { registry: FORMAT_REGISTRY, checkpoint, onProgress: (p) => fractions.push(p.fraction) });
    expect(result.resumedFromBytes).toBe(checkpoint.offsetBytes);
    // Progress goes on from where the checkpoint was, never back to 0 while the entries before it are replayed.
    expect(checkpoint.fraction).toBeGreaterThan(0.2);
    expect(fractions[0]).toBeGreaterThanOrEqual(checkpoint.fraction!);
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1])).toBe(true);
    expect(fractions.at(-1)).toBe(1);
    expect(result.manifest.files.map((f) => `${f.path} ${f.sha256}`)).toEqual(whole.hashes);
    const bytes = readFileSync(out);
    expect(Buffer.compare(bytes, Buffer.from(whole.bytes))).toBe(0);
    expect(spawnSync('unzip', ['-tq', out]).status).toBe(0);
    expect((await verifyExport(new Uint8ArrayReader(new Uint8Array(bytes)))).ok).toBe(true);
  });

  it('resumes after the sink died mid-write without an abort, from checkpoints stored in Dexie', async () => {
    const whole = await baseline();
    const db = new TakeawayDb('resume-killed');
    const out = join(tempDir(), 'export.zip');
    const sink = await openResumableFileSink(out);
    let markDied = (): void => undefined;
    const died = new Promise<void>((resolve) => { markDied = resolve; });
    const dying = tripwire(sink, whole.bytes.byteLength / 2, async (chunk, room) => {
      await sink.write(chunk.subarray(0, Math.max(1, room))); // part of a chunk reaches the disk, then the worker is gone
      markDied();
      await new Promise(() => undefined);
    });
    void runResumableExport(request, source(), dying, { registry: FORMAT_REGISTRY, saveCheckpoint: checkpointSaver(db, 'job-1', () => 1) });
    await died;
    await sink.release(); // the OS closes a killed worker's handle
    const reopened = await openResumableFileSink(out, { isDurable: false });
    const checkpoint = chooseCheckpoint(await loadCheckpoints(db, 'job-1'), await reopened.size())!;
    expect(checkpoint).toBeDefined();
    expect(checkpoint.fraction).toBeGreaterThan(0); // stored in Dexie with the checkpoint
    const result = await runResumableExport(request, source(), reopened, { registry: FORMAT_REGISTRY, checkpoint });
    expect(result.manifest.files.map((f) => `${f.path} ${f.sha256}`)).toEqual(whole.hashes);
    expect(Buffer.compare(readFileSync(out), Buffer.from(whole.bytes))).toBe(0);
  });

  it('stores checkpoints at the offsets where the next entries start in the finished archive', async () => {
    const { sink, bytes } = memorySink();
    const checkpoints: ExportCheckpoint[] = [];
    const writer = sink.getWriter();
    const memory: ResumableSink = {
      size: async () => 0, truncate: async () => undefined, write: (c) => writer.write(c), close: () => writer.close(),
      abort: () => writer.abort(), release: async () => undefined,
    };
    await runResumableExport(request, source(), memory, { registry: FORMAT_REGISTRY, saveCheckpoint: async (c) => { checkpoints.push(c); } });
    const entries = await new ZipReader(new Uint8ArrayReader(bytes())).getEntries();
    expect(checkpoints.map((c) => c.offsetBytes)).toEqual(entries.slice(1, checkpoints.length + 1).map((e) => e.offset));
    expect(checkpoints.at(-1)!.files).toHaveLength(checkpoints.length);
  });

  it('refuses to resume when the data changed since the checkpoint, before appending anything', async () => {
    const otherData = createDemoDataset({ seed: 4, days: 20, activityCount: 8, samplesPerActivity: 2000, genericCount: 20 });
    const whole = await baseline();
    const out = join(tempDir(), 'export.zip');
    const checkpoints: ExportCheckpoint[] = [];
    const controller = new AbortController();
    const first = tripwire(await openResumableFileSink(out, { isDurable: false }), whole.bytes.byteLength / 2, () => controller.abort());
    await runResumableExport(request, source(), first, { registry: FORMAT_REGISTRY, signal: controller.signal, saveCheckpoint: async (c) => { checkpoints.push(c); } }).catch(() => undefined);
    const sink = await openResumableFileSink(out, { isDurable: false });
    const checkpoint = chooseCheckpoint(checkpoints, await sink.size())!;
    await expect(runResumableExport(request, new DemoRecordSource(otherData), sink, { registry: FORMAT_REGISTRY, checkpoint })).rejects.toMatchObject({ code: 'VERIFY_FAILED' });
    expect(statSync(partialPathOf(out)).size).toBe(checkpoint.offsetBytes);
  });
});

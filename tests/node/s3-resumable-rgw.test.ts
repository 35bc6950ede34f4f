// An export into one S3 multipart upload (Ceph RGW), interrupted after some parts went out and resumed by
// another "machine" (a fresh storage client that knows only the archive's key and the checkpoints): it keeps the
// whole parts at or before the checkpoint, does not upload them again, and ends byte-identical to an
// uninterrupted export of the same request and data.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoDataset, DemoRecordSource } from '../../src/demo/index.ts';
import { runExport } from '../../src/engine/index.ts';
import { chooseCheckpoint, runResumableExport, type ExportCheckpoint, type ResumableSink } from '../../src/engine/resume.ts';
import { FORMAT_REGISTRY } from '../../src/formats/registry.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest } from '../../src/model/request.ts';
import { openS3ResumableSink } from '../../src/server/s3-resumable-sink.ts';
import { S3_MIN_PART_BYTES, S3ExportStorage, type S3StorageOptions } from '../../src/server/s3-storage.ts';
import { memorySink } from '../helpers/zip-files.ts';
import { createRgwBucket, deleteRgwBucket, openUploadKeys, rgwSkipReason } from './rgw-fixtures.ts';

const dataset = createDemoDataset({ seed: 5, days: 30, activityCount: 14, samplesPerActivity: 5000, genericCount: 20 });
const request: ExportRequest = {
  createdAtMs: Date.UTC(2026, 10, 24, 9, 0, 0),
  filter: { kinds: ['activity', 'steps', 'weight'] },
  formats: { activity: ['fit', 'gpx', 'csv'], steps: ['csv'], weight: ['csv'] },
  // Stored, not deflated: the archive must span several 5 MiB parts without a huge dataset.
  options: { ...DEFAULT_EXPORT_OPTIONS, compressionLevel: 0 },
};
const source = () => new DemoRecordSource(dataset);

/** S3ExportStorage that remembers the part numbers it uploads. */
class CountingStorage extends S3ExportStorage {
  readonly uploadedParts: number[] = [];
  override uploadPart(objectKey: string, uploadId: string, partNumber: number, body: Uint8Array): Promise<string> {
    this.uploadedParts.push(partNumber);
    return super.uploadPart(objectKey, uploadId, partNumber, body);
  }
}

/** Calls `onPass` once, when the bytes written first pass `atBytes`. */
function tripwire(sink: ResumableSink, atBytes: number, onPass: () => void): ResumableSink {
  let written = 0;
  return {
    ...sink,
    async truncate(offset) {
      const kept = await sink.truncate(offset);
      written = kept ?? offset;
      return kept;
    },
    async write(chunk) {
      if (written <= atBytes && written + chunk.byteLength > atBytes) onPass();
      await sink.write(chunk);
      written += chunk.byteLength;
    },
  };
}

describe.skipIf(rgwSkipReason !== undefined)('a resumable export into one S3 multipart upload (RGW)', () => {
  let options: S3StorageOptions;

  beforeAll(async () => {
    options = { ...(await createRgwBucket('exports/')), partSizeBytes: S3_MIN_PART_BYTES };
  }, 30_000);
  afterAll(async () => {
    if (options) await deleteRgwBucket(options);
  }, 30_000);

  it('resumes on another machine from the uploaded parts and ends byte-identical to an uninterrupted run', async () => {
    const { sink: wholeSink, bytes } = memorySink();
    await runExport(request, source(), wholeSink, { registry: FORMAT_REGISTRY });
    const whole = bytes();
    expect(whole.byteLength).toBeGreaterThan(2.5 * S3_MIN_PART_BYTES);

    const key = randomUUID();
    const firstStorage = new CountingStorage(options);
    const checkpoints: ExportCheckpoint[] = [];
    const controller = new AbortController();
    const first = await openS3ResumableSink(firstStorage, key);
    await expect(runResumableExport(request, source(), tripwire(first, Math.floor(whole.byteLength * 0.7), () => controller.abort()), {
      registry: FORMAT_REGISTRY, signal: controller.signal, saveCheckpoint: async (c) => { checkpoints.push(c); },
    })).rejects.toThrow();
    expect(firstStorage.uploadedParts.length).toBeGreaterThanOrEqual(2);
    expect(await openUploadKeys(options)).toEqual([`exports/${key}.zip`]);

    // Another machine: a new client, the key and the checkpoints (which the job row would hold).
    const secondStorage = new CountingStorage(options);
    const second = await openS3ResumableSink(secondStorage, key);
    expect(second.uploadId).toBe(first.uploadId);
    const durableBytes = await second.size();
    expect(durableBytes).toBe(firstStorage.uploadedParts.length * S3_MIN_PART_BYTES);
    // The job row holds the newest checkpoint, which may lie past the uploaded parts (in the lost part buffer).
    const checkpoint = checkpoints.at(-1)!;
    expect(checkpoint.offsetBytes).toBeGreaterThan(S3_MIN_PART_BYTES);

    const result = await runResumableExport(request, source(), second, { registry: FORMAT_REGISTRY, checkpoint });
    // It kept the whole uploaded parts before the checkpoint (never more) and did not resend them.
    const keptParts = Math.min(durableBytes / S3_MIN_PART_BYTES, Math.floor(checkpoint.offsetBytes / S3_MIN_PART_BYTES));
    expect(result.resumedFromBytes).toBe(keptParts * S3_MIN_PART_BYTES);
    expect(keptParts).toBeGreaterThanOrEqual(1);
    expect(secondStorage.uploadedParts[0]).toBe(keptParts + 1);

    const stored = Buffer.from(await new Response((await secondStorage.read(key))!).arrayBuffer());
    expect(stored.byteLength).toBe(whole.byteLength);
    expect(Buffer.compare(stored, Buffer.from(whole))).toBe(0);
    expect(await openUploadKeys(options)).toEqual([]);
  }, 180_000);

  it('a changed dataset is refused before the archive is stored, and the upload can still be aborted', async () => {
    const key = randomUUID();
    const storage = new S3ExportStorage(options);
    const checkpoints: ExportCheckpoint[] = [];
    const controller = new AbortController();
    const first = await openS3ResumableSink(storage, key);
    await expect(runResumableExport(request, source(), tripwire(first, Math.floor(2.2 * S3_MIN_PART_BYTES), () => controller.abort()), {
      registry: FORMAT_REGISTRY, signal: controller.signal, saveCheckpoint: async (c) => { checkpoints.push(c); },
    })).rejects.toThrow();
    const second = await openS3ResumableSink(storage, key);
    const checkpoint = chooseCheckpoint(checkpoints, await second.size())!;
    const changed = new DemoRecordSource(createDemoDataset({ seed: 6, days: 30, activityCount: 14, samplesPerActivity: 5000, genericCount: 20 }));
    await expect(runResumableExport(request, changed, second, { registry: FORMAT_REGISTRY, checkpoint })).rejects.toMatchObject({ code: 'VERIFY_FAILED' });
    expect(await storage.size(key)).toBeUndefined();
    await second.abort();
    expect(await openUploadKeys(options)).toEqual([]);
  }, 180_000);
});

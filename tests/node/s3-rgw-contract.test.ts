// The S3 contract S3ExportStorage relies on, against a real S3 (Ceph RADOS Gateway on 127.0.0.1, started by
// scripts/start-rgw.sh): multipart upload read back byte-identical, presigned GET and its expiry, a tampered
// signature refused, abort and delete leave no open upload. The fast unit tests of the same code run against the
// in-repo fake in src/server/s3-storage.test.ts.

import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3_MIN_PART_BYTES, S3ExportStorage, type S3StorageOptions } from '../../src/server/s3-storage.ts';
import { createRgwBucket, deleteRgwBucket, openUploadKeys, rgwClient, rgwSkipReason } from './rgw-fixtures.ts';
import { patternBytes } from '../helpers/bytes.ts';


async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  return Buffer.from(await new Response(stream).arrayBuffer());
}

async function writeAll(storage: S3ExportStorage, key: string, data: Uint8Array, chunkBytes = 256 * 1024 + 1): Promise<void> {
  const writer = storage.createSink(key).getWriter();
  for (let offset = 0; offset < data.byteLength; offset += chunkBytes) await writer.write(data.subarray(offset, offset + chunkBytes));
  await writer.close();
}

describe.skipIf(rgwSkipReason !== undefined)('S3ExportStorage against Ceph RGW', () => {
  let options: S3StorageOptions;
  let storage: S3ExportStorage;

  beforeAll(async () => {
    options = await createRgwBucket('exports/');
    storage = new S3ExportStorage(options);
  }, 30_000);
  afterAll(async () => {
    if (options) await deleteRgwBucket(options);
  }, 30_000);

  it('stores a 12 MiB archive as a three-part multipart upload and reads it back byte-identical', async () => {
    const key = randomUUID();
    const data = patternBytes(2 * S3_MIN_PART_BYTES + 777_777, 7);
    await writeAll(storage, key, data);

    expect(await storage.size(key)).toBe(data.byteLength);
    expect(Buffer.compare(await readAll((await storage.read(key))!), Buffer.from(data))).toBe(0);
    // A multipart object's ETag is "<md5 of the part md5s>-<part count>".
    const head = await rgwClient(options).fetch(`${options.endpoint}/${options.bucket}/exports/${key}.zip`, { method: 'HEAD' });
    expect(head.headers.get('etag')).toMatch(/-3"$/);
    expect((await storage.list()).map((a) => a.key)).toContain(key);
    expect(await openUploadKeys(options)).toEqual([]);

    await storage.delete(key);
    expect(await storage.size(key)).toBeUndefined();
    expect(await storage.read(key)).toBeUndefined();
    expect((await storage.list()).map((a) => a.key)).not.toContain(key);
  }, 60_000);

  it('stores an archive smaller than one part with one PutObject', async () => {
    const key = randomUUID();
    const data = patternBytes(1000, 3);
    await writeAll(storage, key, data);
    expect(Buffer.compare(await readAll((await storage.read(key))!), Buffer.from(data))).toBe(0);
    await storage.delete(key);
  });

  it('a presigned GET serves the archive with its file name; past its expiry it is refused', async () => {
    const key = randomUUID();
    const data = patternBytes(4096, 11);
    await writeAll(storage, key, data);

    const response = await fetch(await storage.presignedUrl(key, Date.now() + 3_600_000, 'Takeaway export – 2024.zip'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="Takeaway export _ 2024.zip"; filename*=UTF-8''Takeaway%20export%20%E2%80%93%202024.zip`);
    expect(Buffer.compare(Buffer.from(await response.arrayBuffer()), Buffer.from(data))).toBe(0);

    // Signed two minutes ago for one second: expired without waiting.
    const signedEarlier = new S3ExportStorage(options, () => Date.now() - 120_000);
    const expired = await fetch(await signedEarlier.presignedUrl(key, Date.now() - 119_000, 'a.zip'));
    expect(expired.status).toBe(403);
    expect(await expired.text()).not.toContain(String.fromCharCode(data[0]!, data[1]!, data[2]!, data[3]!));
    await storage.delete(key);
  });

  it('refuses a presigned URL whose signature or signed parameters were changed, and a wrong secret', async () => {
    const key = randomUUID();
    await writeAll(storage, key, patternBytes(100, 5));
    const url = new URL(await storage.presignedUrl(key, Date.now() + 60_000, 'a.zip'));
    expect((await fetch(url)).status).toBe(200);

    const signature = url.searchParams.get('X-Amz-Signature')!;
    const flipped = new URL(url);
    flipped.searchParams.set('X-Amz-Signature', `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`);
    expect((await fetch(flipped)).status).toBe(403);

    const renamed = new URL(url);
    renamed.searchParams.set('response-content-disposition', 'attachment; filename="b.zip"');
    expect((await fetch(renamed)).status).toBe(403);

    const longer = new URL(url);
    longer.searchParams.set('X-Amz-Expires', '604800');
    expect((await fetch(longer)).status).toBe(403);

    const wrong = new S3ExportStorage({ ...options, secretAccessKey: 'not-the-secret' });
    await expect(wrong.size(key)).rejects.toMatchObject({ code: 'AUTH' });
    await storage.delete(key);
  });

  it('aborting the sink after a part went out leaves no object and no open upload', async () => {
    const key = randomUUID();
    const writer = storage.createSink(key).getWriter();
    await writer.write(patternBytes(S3_MIN_PART_BYTES + 10, 1));
    expect(await openUploadKeys(options)).toEqual([`exports/${key}.zip`]);
    await writer.abort(new Error('cancelled'));
    expect(await openUploadKeys(options)).toEqual([]);
    expect(await storage.size(key)).toBeUndefined();
    expect((await storage.list()).map((a) => a.key)).not.toContain(key);
  });

  it('a source that fails mid-export leaves no object and no open upload', async () => {
    const key = randomUUID();
    let sent = 0;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= S3_MIN_PART_BYTES + 1) return controller.error(new Error('encoder failed'));
        sent += 1024 * 1024;
        controller.enqueue(patternBytes(1024 * 1024, 2));
      },
    });
    await expect(source.pipeTo(storage.createSink(key))).rejects.toThrow('encoder failed');
    expect(await openUploadKeys(options)).toEqual([]);
    expect(await storage.size(key)).toBeUndefined();
  });

  it('accepts the lifecycle rules docs/server.md gives as the backstop and reads them back', async () => {
    const retentionDays = 30;
    const rules = `<LifecycleConfiguration>`
      + `<Rule><ID>takeaway-expire</ID><Filter><Prefix>exports/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>${2 * retentionDays + 1}</Days></Expiration></Rule>`
      + `<Rule><ID>takeaway-abort-uploads</ID><Filter><Prefix>exports/</Prefix></Filter><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>`
      + `</LifecycleConfiguration>`;
    const client = rgwClient(options);
    const url = `${options.endpoint}/${options.bucket}?lifecycle`;
    const put = await client.fetch(url, { method: 'PUT', body: rules, headers: { 'content-md5': createHash('md5').update(rules).digest('base64'), 'content-type': 'application/xml' } });
    expect(put.status, await put.text()).toBe(200);
    const stored = await (await client.fetch(url)).text();
    expect(stored).toContain('<Days>61</Days>');
    expect(stored).toContain('<DaysAfterInitiation>1</DaysAfterInitiation>');
  });

  it('delete aborts an upload left open by a worker that died mid-write', async () => {
    const key = randomUUID();
    const writer = storage.createSink(key).getWriter();
    await writer.write(patternBytes(S3_MIN_PART_BYTES, 4));
    expect(await openUploadKeys(options)).toEqual([`exports/${key}.zip`]);
    await storage.delete(key);
    expect(await openUploadKeys(options)).toEqual([]);
    // The dead worker's upload is gone for good: completing it now fails instead of resurrecting the object
    // (S3 answers 404 NoSuchUpload; RGW 16 answers 500 "multipart completion is already in progress").
    await expect(writer.close()).rejects.toThrow(/CompleteMultipartUpload failed/);
    expect(await storage.size(key)).toBeUndefined();
  });
});

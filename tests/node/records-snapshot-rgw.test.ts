// A job's records snapshot kept in a real S3 bucket (Ceph RGW): taken from the records API over HTTP on one
// "machine" (a spool directory), read back on another byte for byte without the API, the lowest complete attempt
// winning over a cut-off one and a later one, and removed with the job.

import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordFilter } from '../../src/model/request.ts';
import { openSnapshot, takeSnapshot } from '../../src/server/record-fetcher.ts';
import { S3ExportStorage, type S3StorageOptions } from '../../src/server/s3-storage.ts';
import { SnapshotObjects } from '../../src/server/snapshot-objects.ts';
import { createRecordsClient } from '../../src/sync/client.ts';
import { createRgwBucket, deleteRgwBucket, rgwSkipReason } from './rgw-fixtures.ts';
import { RecordsApiHost } from './server-fixtures.ts';

const FILTER: RecordFilter = { kinds: ['activity', 'weight', 'steps'] };

/** Every file under `dir` with its bytes, by relative path. */
async function filesOf(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, file)] = (await readFile(file)).toString('base64');
  }
  return out;
}

describe.skipIf(rgwSkipReason !== undefined)('records snapshot in the bucket (RGW)', () => {
  let options: S3StorageOptions;
  let storage: S3ExportStorage;
  let apiHost: RecordsApiHost;
  const dirs: string[] = [];
  const tempDir = async (): Promise<string> => {
    const dir = await mkdtemp(path.join(tmpdir(), 'takeaway-snapshot-rgw-'));
    dirs.push(dir);
    return dir;
  };
  const snapshotFromApi = async (token: string, dir: string): Promise<void> => {
    const client = createRecordsClient({ baseUrl: apiHost.baseUrl, token });
    await takeSnapshot(client, FILTER, dir);
  };

  beforeAll(async () => {
    options = await createRgwBucket('exports/');
    storage = new S3ExportStorage(options);
    apiHost = new RecordsApiHost();
    await apiHost.start();
  }, 30_000);
  afterAll(async () => {
    await apiHost?.stop();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    if (options) await deleteRgwBucket(options);
  }, 30_000);

  it('a snapshot saved on one machine is read back on another, byte for byte, without the records API', async () => {
    const token = `token-${randomUUID()}`;
    const api = apiHost.addAccount(token, { hasMalformedRecords: true });
    const jobId = randomUUID();
    const first = await tempDir();
    await snapshotFromApi(token, first);
    const objects = new SnapshotObjects(storage, jobId);
    await objects.save(first, 1);

    const requestsBefore = api.requests.length;
    const second = path.join(await tempDir(), 'spool');
    expect(await objects.restore(second)).toBe(true);
    expect(api.requests.length).toBe(requestsBefore);
    expect(await filesOf(second)).toEqual(await filesOf(first));

    const [a, b] = [(await openSnapshot(first))!, (await openSnapshot(second))!];
    expect(b.skipped).toEqual(a.skipped);
    expect(b.skipped.length).toBeGreaterThan(0);
    expect(b.trackBytes).toBe(a.trackBytes);
    const activities: unknown[] = [];
    for await (const batch of b.source.records('activity', FILTER)) activities.push(...batch);
    expect(activities.length).toBeGreaterThan(0);
  }, 60_000);

  it('restores the lowest complete attempt: a cut-off copy and a later copy are not read', async () => {
    const jobId = randomUUID();
    const objects = new SnapshotObjects(storage, jobId);
    const small = await tempDir();
    const other = await tempDir();
    const tokenA = `token-${randomUUID()}`;
    const tokenB = `token-${randomUUID()}`;
    apiHost.addAccount(tokenA);
    apiHost.addAccount(tokenB, { demo: { seed: 99, days: 20, endMs: Date.UTC(2026, 10, 1) } });
    await snapshotFromApi(tokenA, small);
    await snapshotFromApi(tokenB, other);
    expect(await filesOf(other)).not.toEqual(await filesOf(small));

    // Attempt 1 was cut off before its index; attempt 2 is complete; attempt 3 (a stalled worker's) came later.
    const writer = storage.objectSink(`exports/${jobId}.snapshot/1/records.jsonl`).getWriter();
    await writer.write(new TextEncoder().encode('{"partial":true}\n'));
    await writer.close();
    await objects.save(small, 2);
    await objects.save(other, 3);

    const restored = await tempDir();
    expect(await objects.restore(restored)).toBe(true);
    expect(await filesOf(restored)).toEqual(await filesOf(small));
  }, 60_000);

  it('is gone after deleteAll, and after the job\'s storage.delete; a restore then finds nothing', async () => {
    const token = `token-${randomUUID()}`;
    apiHost.addAccount(token);
    const dir = await tempDir();
    await snapshotFromApi(token, dir);
    const jobId = randomUUID();
    const objects = new SnapshotObjects(storage, jobId);
    await objects.save(dir, 0);
    expect((await storage.listObjects(`exports/${jobId}.snapshot/`)).length).toBeGreaterThan(1);
    await objects.deleteAll();
    expect(await storage.listObjects(`exports/${jobId}.snapshot/`)).toEqual([]);
    expect(await objects.restore(await tempDir())).toBe(false);

    await objects.save(dir, 4);
    await storage.delete(jobId);
    expect(await storage.listObjects(`exports/${jobId}.`)).toEqual([]);
    expect(await objects.restore(await tempDir())).toBe(false);
  }, 60_000);

  it('refuses to save a snapshot that is not complete', async () => {
    const objects = new SnapshotObjects(storage, randomUUID());
    await expect(objects.save(await tempDir(), 0)).rejects.toThrow(/not complete/);
  });
});

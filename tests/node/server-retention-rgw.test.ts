// Retention on a bucket shared by instances that do not share their job rows (own data dirs, one RGW bucket):
// a second instance's cold start and its periodic sweeps delete no archive of the first, whose link keeps
// working; an archive with no row anywhere is deleted once it is twice the retention old.

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest } from '../../src/model/request.ts';
import { FileJobStore } from '../../src/server/file-job-store.ts';
import { orphanMinAgeMs, sweepExpired } from '../../src/server/retention.ts';
import { S3ExportStorage, type S3StorageOptions } from '../../src/server/s3-storage.ts';
import { createRgwBucket, deleteRgwBucket, rgwSkipReason } from './rgw-fixtures.ts';
import { downloadedManifest, NO_RATE_LIMIT, pollExport, RecordsApiHost, ServerProcess, tokenFor } from './server-fixtures.ts';

const REQUEST: ExportRequest = {
  createdAtMs: Date.UTC(2026, 10, 2),
  filter: { kinds: ['weight'] },
  formats: { weight: ['csv'] },
  options: DEFAULT_EXPORT_OPTIONS,
};
const DAY_MS = 86_400_000;

describe.skipIf(rgwSkipReason !== undefined)('retention on a bucket shared by two instances (RGW)', () => {
  let options: S3StorageOptions;
  let apiHost: RecordsApiHost;
  const dataDirs: string[] = [];
  const servers: ServerProcess[] = [];

  const startInstance = async (env: Record<string, string> = {}): Promise<ServerProcess> => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'takeaway-retention-rgw-'));
    dataDirs.push(dataDir);
    const server = new ServerProcess(dataDir, {
      ...NO_RATE_LIMIT,
      TAKEAWAY_RECORDS_API_URL: apiHost.baseUrl,
      TAKEAWAY_S3_ENDPOINT: options.endpoint,
      TAKEAWAY_S3_BUCKET: options.bucket,
      TAKEAWAY_S3_REGION: options.region,
      TAKEAWAY_S3_ACCESS_KEY_ID: options.accessKeyId,
      TAKEAWAY_S3_SECRET_ACCESS_KEY: options.secretAccessKey,
      TAKEAWAY_S3_PREFIX: options.prefix ?? '',
      ...env,
    });
    servers.push(server);
    await server.start();
    return server;
  };

  beforeAll(async () => {
    options = await createRgwBucket('exports/');
    apiHost = new RecordsApiHost();
    await apiHost.start();
  }, 30_000);
  afterAll(async () => {
    for (const server of servers) await server.kill('SIGTERM');
    await apiHost?.stop();
    for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
    if (options) await deleteRgwBucket(options);
  }, 30_000);

  it('a second instance starting on the bucket deletes no archive of the first', async () => {
    const first = await startInstance();
    const token = await tokenFor('frida');
    apiHost.addAccount(token);
    const { id } = (await (await first.post('/api/exports', token, REQUEST)).json()) as { id: string };
    const { view } = await pollExport(first, token, id, (s) => s === 'COMPLETED' || s === 'FAILED');
    expect(view.status).toBe('COMPLETED');
    const storage = new S3ExportStorage(options);
    const size = await storage.size(id);
    expect(size).toBeGreaterThan(0);
    // The job's records snapshot was kept in the bucket while it ran and is gone once the archive is stored.
    expect(await storage.listObjects(`exports/${id}.snapshot/`)).toEqual([]);

    // The second instance has no row for the archive; its start-up sweep runs before it listens.
    const second = await startInstance({ TAKEAWAY_SWEEP_INTERVAL_S: '0.2' });
    expect(await storage.size(id)).toBe(size);
    // Its periodic sweeps keep it too: wait for a few of them (a bounded wait, not a time assertion).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await storage.size(id)).toBe(size);
    expect(second.output).not.toMatch(/retention sweep failed/);

    // The first instance still serves it: the link answers with an archive that verifies.
    const again = (await (await first.fetch(`/api/exports/${id}`, token)).json()) as Record<string, unknown>;
    const manifest = await downloadedManifest(first, token, again);
    expect(manifest.files.length).toBeGreaterThan(0);
  }, 120_000);

  it('an archive with no row is kept while young and deleted once twice the retention old', async () => {
    const storage = new S3ExportStorage({ ...options, prefix: `direct-${randomUUID()}/` });
    const dataDir = await mkdtemp(path.join(tmpdir(), 'takeaway-retention-rgw-store-'));
    dataDirs.push(dataDir);
    const store = await FileJobStore.open(dataDir);
    const key = randomUUID();
    const writer = storage.createSink(key).getWriter();
    await writer.write(new TextEncoder().encode('an archive whose row is on no instance'));
    await writer.close();

    const retentionMs = 30 * DAY_MS;
    const writtenAtMs = (await storage.list()).find((a) => a.key === key)!.modifiedAtMs;
    expect(await sweepExpired(store, storage, writtenAtMs + orphanMinAgeMs(retentionMs) - 60_000, retentionMs)).toEqual({ jobsDeleted: 0, orphansDeleted: 0, orphansKept: 1 });
    expect(await storage.size(key)).toBeDefined();
    expect(await sweepExpired(store, storage, writtenAtMs + orphanMinAgeMs(retentionMs), retentionMs)).toEqual({ jobsDeleted: 0, orphansDeleted: 1, orphansKept: 0 });
    expect(await storage.size(key)).toBeUndefined();
  }, 60_000);
});

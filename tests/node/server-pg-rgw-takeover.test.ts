// Scaled mode across machines: PostgreSQL for the jobs (tests/node/pg-fixture.ts) and one RGW bucket for the
// archives, every instance with a data directory of its own (nothing shared on disk). A worker killed (SIGKILL)
// after it stored the job's records snapshot in the bucket is taken over by a worker on "another machine", which
// reads the snapshot from the bucket: the records API is not read again, and the archive is the device export's.

import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import webPush from 'web-push';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest } from '../../src/model/request.ts';
import { parseExportRequestBody } from '../../src/server/request-body.ts';
import { migrate } from '../../src/server/pg/schema.ts';
import { S3ExportStorage, type S3StorageOptions } from '../../src/server/s3-storage.ts';
import { scaledEnv, startTestDatabase, type TestDatabase } from './pg-fixture.ts';
import { createRgwBucket, deleteRgwBucket, rgwSkipReason } from './rgw-fixtures.ts';
import { deviceArchive, deviceManifest, downloadedManifest, pollExport, RecordsApiHost, ServerProcess, tokenFor, waitUntil } from './server-fixtures.ts';

const REQUEST: ExportRequest = {
  createdAtMs: Date.UTC(2026, 10, 2),
  filter: { kinds: ['activity', 'steps'] },
  formats: { activity: ['fit', 'gpx', 'tcx'], steps: ['csv'] },
  options: DEFAULT_EXPORT_OPTIONS,
};

/** Stored, not deflated: an archive of several 8 MiB parts from a moderate account. */
const STORED_REQUEST: ExportRequest = { ...REQUEST, options: { ...DEFAULT_EXPORT_OPTIONS, compressionLevel: 0 } };
const PART_BYTES = 8 * 1024 * 1024;



describe.skipIf(rgwSkipReason !== undefined)('a job taken over on another machine reads its records snapshot from the bucket', () => {
  let db: TestDatabase;
  let sql: pg.Pool;
  let options: S3StorageOptions;
  let apiHost: RecordsApiHost;
  let baseEnv: Record<string, string>;
  const dataDirs: string[] = [];
  const processes: ServerProcess[] = [];

  const instance = async (env: Record<string, string>): Promise<ServerProcess> => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'takeaway-pg-rgw-'));
    dataDirs.push(dataDir);
    const server = new ServerProcess(dataDir, { ...baseEnv, ...env });
    processes.push(server);
    await server.start();
    return server;
  };

  beforeAll(async () => {
    options = await createRgwBucket('exports/');
    db = await startTestDatabase();
    sql = new pg.Pool({ connectionString: db.url, max: 2 });
    await migrate(sql);
    apiHost = new RecordsApiHost();
    await apiHost.start();
    baseEnv = {
      ...scaledEnv(db.url, webPush.generateVAPIDKeys()),
      TAKEAWAY_RECORDS_API_URL: apiHost.baseUrl,
      TAKEAWAY_S3_ENDPOINT: options.endpoint,
      TAKEAWAY_S3_BUCKET: options.bucket,
      TAKEAWAY_S3_REGION: options.region,
      TAKEAWAY_S3_ACCESS_KEY_ID: options.accessKeyId,
      TAKEAWAY_S3_SECRET_ACCESS_KEY: options.secretAccessKey,
      TAKEAWAY_S3_PREFIX: options.prefix ?? '',
    };
  }, 60_000);

  // Every test starts with no instance running: a worker left from an earlier test would claim this test's job.
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') for (const p of processes) console.log(`--- instance output:\n${p.output}`);
    for (const p of processes.splice(0)) await p.kill('SIGKILL');
  });

  afterAll(async () => {
    for (const p of processes) await p.kill('SIGKILL');
    await sql?.end();
    await db?.stop();
    await apiHost?.stop();
    for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
    if (options) await deleteRgwBucket(options);
  }, 60_000);

  it('SIGKILL after the snapshot: the next worker does not read the records API, and the archive matches the device export', async () => {
    const api = await instance({ TAKEAWAY_WORKERS: '0' });
    const workerEnv = { TAKEAWAY_WORKERS: '1', TAKEAWAY_LEASE_S: '2' };
    const first = await instance(workerEnv);
    const token = await tokenFor(`takeover-${randomUUID()}`);
    const account = apiHost.addAccount(token, { demo: { seed: 11, days: 40, activityCount: 24, samplesPerActivity: 6000 }, chunksPerPage: 100 });
    const created = await api.post('/api/exports', token, REQUEST);
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };

    const storage = new S3ExportStorage(options);
    const snapshotRoot = `exports/${id}.snapshot/`;
    await waitUntil('the first worker stored the snapshot in the bucket', async () =>
      (await storage.listObjects(snapshotRoot)).some((o) => o.objectKey.endsWith('/index.json')));
    await first.kill('SIGKILL');
    const requestsAtKill = account.requests.length;
    const row = await sql.query('SELECT fence, status FROM takeaway_jobs WHERE id = $1', [id]);
    // Killed mid-export: had it finished already, this test would prove nothing.
    expect(row.rows[0]).toMatchObject({ fence: '1', status: 'PROCESSING' });

    const second = await instance(workerEnv);
    const { view } = await pollExport(api, token, id, (s) => s === 'COMPLETED' || s === 'FAILED', 120_000);
    expect(view.status).toBe('COMPLETED');
    expect((await sql.query('SELECT fence FROM takeaway_jobs WHERE id = $1', [id])).rows[0].fence).toBe('2');
    expect(account.requests.length).toBe(requestsAtKill);
    expect(await downloadedManifest(api, token, view)).toEqual(await deviceManifest(account, REQUEST));
    // The bucket's copy of the snapshot goes once the archive is stored.
    expect(await storage.listObjects(snapshotRoot)).toEqual([]);
    expect(second.output).not.toMatch(/records snapshot not removed/);
  }, 240_000);

  it('SIGKILL after parts went out: the next worker continues the same multipart upload from its whole parts, byte-identical', async () => {
    const api = await instance({ TAKEAWAY_WORKERS: '0' });
    const workerEnv = { TAKEAWAY_WORKERS: '1', TAKEAWAY_LEASE_S: '2' };
    const first = await instance(workerEnv);
    const token = await tokenFor(`parts-${randomUUID()}`);
    const account = apiHost.addAccount(token, { demo: { seed: 12, days: 40, activityCount: 24, samplesPerActivity: 6000 }, chunksPerPage: 100 });
    const created = await api.post('/api/exports', token, STORED_REQUEST);
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };

    const storage = new S3ExportStorage(options);
    const objectKey = `exports/${id}.zip`;
    let uploadId = '';
    await waitUntil('the first worker uploaded a part and checkpointed past it', async () => {
      const { rows } = await sql.query("SELECT (checkpoint->>'offsetBytes')::bigint AS offset FROM takeaway_jobs WHERE id = $1", [id]);
      if (!(Number(rows[0]?.offset ?? 0) > PART_BYTES)) return false;
      uploadId = (await storage.openUploads(objectKey))[0] ?? '';
      return uploadId !== '' && ((await storage.listParts(objectKey, uploadId))?.length ?? 0) >= 1;
    }, 120_000);
    await first.kill('SIGKILL');
    const requestsAtKill = account.requests.length;
    const { rows: [atKill] } = await sql.query('SELECT status, fence FROM takeaway_jobs WHERE id = $1', [id]);
    expect(atKill).toMatchObject({ status: 'PROCESSING', fence: '1' });
    const partsAtKill = (await storage.listParts(objectKey, uploadId))!.length;

    const second = await instance(workerEnv);
    const { view } = await pollExport(api, token, id, (s) => s === 'COMPLETED' || s === 'FAILED', 180_000);
    expect(view.status).toBe('COMPLETED');
    const resumed = new RegExp(`export ${id}: claim 2 resumed from byte (\\d+)`).exec(second.output);
    expect(resumed, second.output).not.toBeNull();
    expect(Number(resumed![1]) % PART_BYTES).toBe(0);
    expect(Number(resumed![1])).toBeGreaterThanOrEqual(PART_BYTES);
    expect(Number(resumed![1])).toBeLessThanOrEqual(partsAtKill * PART_BYTES);
    expect(account.requests.length).toBe(requestsAtKill);
    // One upload, continued and completed: none is left open.
    expect(await storage.openUploads(objectKey)).toEqual([]);

    const served = Buffer.from(await new Response((await storage.read(id))!).arrayBuffer());
    const expected = await deviceArchive(account, parseExportRequestBody(STORED_REQUEST, Date.now()));
    expect(served.length).toBe(expected.length);
    expect(createHash('sha256').update(served).digest('hex')).toBe(createHash('sha256').update(expected).digest('hex'));
    const outbox = await sql.query('SELECT payload FROM takeaway_outbox WHERE job_id = $1', [id]);
    expect(outbox.rows).toHaveLength(1);
  }, 300_000);
});

// Scaled mode, a worker killed mid-export (SIGKILL, after several checkpoints): another worker takes the job over,
// reuses the records snapshot (no records-API request after the kill), continues the archive from the stored
// checkpoint rather than byte 0, and the archive is byte for byte the engine's export of the same request and
// data. Exactly one completion and one push message. Real PostgreSQL (tests/node/pg-fixture.ts).

import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import webPush from 'web-push';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate } from '../../src/server/pg/schema.ts';
import { parseExportRequestBody } from '../../src/server/request-body.ts';
import { scaledEnv, startTestDatabase, type TestDatabase, SCALED_TEST_REQUEST } from './pg-fixture.ts';
import { deviceArchive, pollExport, PushReceiver, RecordsApiHost, ServerProcess, TestSubscription, tokenFor, waitUntil } from './server-fixtures.ts';

const REQUEST = SCALED_TEST_REQUEST;

let db: TestDatabase;
let sql: pg.Pool;
let apiHost: RecordsApiHost;
let receiver: PushReceiver;
let dataDir: string;
const processes: ServerProcess[] = [];

beforeAll(async () => {
  db = await startTestDatabase();
  sql = new pg.Pool({ connectionString: db.url, max: 2 });
  await migrate(sql);
  apiHost = new RecordsApiHost();
  await apiHost.start();
  receiver = new PushReceiver();
  await receiver.start();
  dataDir = await mkdtemp(path.join(tmpdir(), 'takeaway-server-pg-resume-'));
}, 60_000);

afterAll(async () => {
  for (const p of processes) await p.kill('SIGKILL');
  await sql?.end();
  await db?.stop();
  await apiHost?.stop();
  await receiver?.stop();
  await rm(dataDir, { recursive: true, force: true });
});



it('a job whose worker is killed after several checkpoints is finished by another from its checkpoint, with the same bytes', async () => {
  const env = { ...scaledEnv(db.url, webPush.generateVAPIDKeys()), TAKEAWAY_RECORDS_API_URL: apiHost.baseUrl };
  const api = new ServerProcess(dataDir, { ...env, TAKEAWAY_WORKERS: '0' });
  const first = new ServerProcess(dataDir, { ...env, TAKEAWAY_WORKERS: '1', TAKEAWAY_LEASE_S: '2' });
  processes.push(api, first);
  await Promise.all([api.start(), first.start()]);
  const token = await tokenFor('resumed-user');
  // Enough tracks that the archive takes many entries (FIT and GPX per activity) and a few seconds to write.
  const account = apiHost.addAccount(token, { demo: { seed: 16, days: 30, activityCount: 24, samplesPerActivity: 8000, includeHealth: true, genericCount: 4 } });
  const phone = new TestSubscription(`${receiver.baseUrl}push/resumed-phone`);
  expect((await api.post('/api/push/subscriptions', token, phone.toJSON())).status).toBe(201);
  const created = await api.post('/api/exports', token, REQUEST);
  expect(created.status).toBe(202);
  const { id } = (await created.json()) as { id: string };

  await waitUntil('the first worker stored several checkpoints', async () => {
    const { rows } = await sql.query("SELECT (checkpoint->>'entryIndex')::int AS entry FROM takeaway_jobs WHERE id = $1", [id]);
    return (rows[0]?.entry ?? 0) >= 4;
  }, 60_000, () => processes.map((p) => p.output).join('\n---\n'));
  await first.kill('SIGKILL');
  const requestsAtKill = account.requests.length;
  const { rows: [atKill] } = await sql.query("SELECT status, fence, (checkpoint->>'offsetBytes')::bigint AS offset FROM takeaway_jobs WHERE id = $1", [id]);
  expect(atKill).toMatchObject({ status: 'PROCESSING', fence: '1' });
  expect(Number(atKill.offset)).toBeGreaterThan(0);

  const second = new ServerProcess(dataDir, { ...env, TAKEAWAY_WORKERS: '1', TAKEAWAY_LEASE_S: '2' });
  processes.push(second);
  await second.start();
  const { view } = await pollExport(api, token, id, (s) => s === 'COMPLETED' || s === 'FAILED', 120_000);
  expect(view.status).toBe('COMPLETED');

  const resumed = new RegExp(`export ${id}: claim 2 resumed from byte (\\d+)`).exec(second.output);
  expect(resumed, second.output).not.toBeNull();
  expect(Number(resumed![1])).toBeGreaterThanOrEqual(Number(atKill.offset));
  expect(account.requests.length).toBe(requestsAtKill);

  const served = Buffer.from(await (await api.fetch(String(view.downloadUrl), token)).arrayBuffer());
  // The request as the server read it (the manifest holds it, so its key order is part of the bytes).
  const expected = await deviceArchive(account, parseExportRequestBody(REQUEST, Date.now()));
  expect(served.length).toBe(expected.length);
  expect(createHash('sha256').update(served).digest('hex')).toBe(createHash('sha256').update(expected).digest('hex'));

  const outbox = await sql.query('SELECT payload FROM takeaway_outbox WHERE job_id = $1', [id]);
  expect(outbox.rows).toHaveLength(1);
  const pushes = await receiver.waitFor('/push/resumed-phone', 1);
  expect(pushes).toHaveLength(1);
  expect((await readdir(path.join(dataDir, 'files'))).filter((n) => n.startsWith(id))).toEqual([`${id}.zip`]);
}, 180_000);

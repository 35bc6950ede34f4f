// The scaled mode against a real PostgreSQL (tests/node/pg-fixture.ts): several server processes share one job
// table. Admission holds across API instances, the running cap across workers, and a worker that stalls past its
// lease (SIGSTOP) and wakes up after another took its job over writes nothing and completes nothing.

import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import webPush from 'web-push';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { migrate } from '../../src/server/pg/schema.ts';
import { scaledEnv, startTestDatabase, type TestDatabase, SCALED_TEST_REQUEST } from './pg-fixture.ts';
import { deviceManifest, downloadedManifest, pollExport, PushReceiver, RecordsApiHost, ServerProcess, TestSubscription, tokenFor, waitUntil } from './server-fixtures.ts';

const REQUEST = SCALED_TEST_REQUEST;

let db: TestDatabase;
let sql: pg.Pool;
let apiHost: RecordsApiHost;
let receiver: PushReceiver;
let dataDir: string;
let baseEnv: Record<string, string>;
const processes: ServerProcess[] = [];

beforeAll(async () => {
  db = await startTestDatabase();
  sql = new pg.Pool({ connectionString: db.url, max: 2 });
  await migrate(sql);
  apiHost = new RecordsApiHost();
  await apiHost.start();
  receiver = new PushReceiver();
  await receiver.start();
  // One data directory for all instances (archives on the file system, as on a shared volume).
  dataDir = await mkdtemp(path.join(tmpdir(), 'takeaway-server-pg-'));
  baseEnv = { ...scaledEnv(db.url, webPush.generateVAPIDKeys()), TAKEAWAY_RECORDS_API_URL: apiHost.baseUrl };
}, 60_000);

afterEach(async (context) => {
  if (context.task.result?.state === 'fail') for (const p of processes) console.log(`--- instance output:\n${p.output}`);
  for (const p of processes.splice(0)) {
    p.signal('SIGCONT');
    await p.kill('SIGKILL');
  }
  // Each test starts from an empty queue.
  await sql.query('TRUNCATE takeaway_jobs, takeaway_outbox CASCADE');
});

afterAll(async () => {
  await sql?.end();
  await db?.stop();
  await apiHost?.stop();
  await receiver?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function instance(env: Record<string, string>): Promise<ServerProcess> {
  const server = new ServerProcess(dataDir, { ...baseEnv, ...env });
  processes.push(server);
  await server.start();
  return server;
}


it('refuses to start in scaled mode without every secret in the environment, naming the missing ones', async () => {
  const server = new ServerProcess(dataDir, { ...baseEnv, TAKEAWAY_LINK_SECRET: '', TAKEAWAY_VAPID_PRIVATE_KEY: '' });
  processes.push(server);
  await expect(server.start()).rejects.toThrow(/missing: TAKEAWAY_LINK_SECRET, TAKEAWAY_VAPID_PRIVATE_KEY/);
});

it('admits exactly 10 of 30 concurrent exports of one user sent to two API instances', async () => {
  const env = { TAKEAWAY_WORKERS: '0', TAKEAWAY_MAX_ACTIVE_JOBS: '10' };
  const [a, b] = await Promise.all([instance(env), instance(env)]);
  const token = await tokenFor('admission-user');
  apiHost.addAccount(token);
  const statuses = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).post('/api/exports', token, REQUEST).then((r) => r.status)));
  expect(statuses.filter((s) => s === 202)).toHaveLength(10);
  expect(statuses.filter((s) => s === 429)).toHaveLength(20);
  const { rows } = await sql.query("SELECT count(*)::int AS n FROM takeaway_jobs WHERE user_id = 'admission-user'");
  expect(rows[0].n).toBe(10);
});

it('never runs more of one user\'s jobs at once than the running cap, over two workers with free slots', async () => {
  const env = { TAKEAWAY_WORKERS: '3', TAKEAWAY_MAX_RUNNING_PER_USER: '2', TAKEAWAY_LEASE_S: '5' };
  const [a, b] = await Promise.all([instance(env), instance(env)]);
  const token = await tokenFor('capped-user');
  apiHost.addAccount(token, { latencyMs: 60 });
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const response = await (i % 2 ? a : b).post('/api/exports', token, REQUEST);
    expect(response.status).toBe(202);
    ids.push(((await response.json()) as { id: string }).id);
  }
  let maxRunning = 0;
  await waitUntil('all five jobs completed', async () => {
    const { rows } = await sql.query("SELECT status FROM takeaway_jobs WHERE user_id = 'capped-user'");
    maxRunning = Math.max(maxRunning, rows.filter((r) => r.status === 'PROCESSING' || r.status === 'PAUSED').length);
    return rows.length === 5 && rows.every((r) => r.status === 'COMPLETED');
  }, 120_000);
  expect(maxRunning).toBeGreaterThanOrEqual(1);
  expect(maxRunning).toBeLessThanOrEqual(2);
}, 180_000);

it('a worker stopped past its lease and woken after another took its job over writes nothing and completes nothing', async () => {
  const api = await instance({ TAKEAWAY_WORKERS: '0' });
  const workerEnv = { TAKEAWAY_WORKERS: '1', TAKEAWAY_LEASE_S: '2' };
  const stale = await instance(workerEnv);
  const token = await tokenFor('stalled-user');
  // A slow API keeps the job running for seconds.
  const account = apiHost.addAccount(token, { latencyMs: 150 });
  const phone = new TestSubscription(`${receiver.baseUrl}push/stalled-phone`);
  expect((await api.post('/api/push/subscriptions', token, phone.toJSON())).status).toBe(201);
  // Subscriptions live in the database, where every instance that sends finds them.
  const stored = await sql.query("SELECT subscription->>'endpoint' AS endpoint FROM takeaway_push_subscriptions WHERE user_id = 'stalled-user'");
  expect(stored.rows).toEqual([{ endpoint: phone.endpoint }]);
  const created = await api.post('/api/exports', token, REQUEST);
  expect(created.status).toBe(202);
  const { id } = (await created.json()) as { id: string };

  // Stop the first worker once it is streaming tracks (its claim is fence 1).
  await waitUntil('the first worker reads the samples', async () => account.requests.some((r) => r.path.endsWith('/samples')));
  const held = await sql.query('SELECT fence, status FROM takeaway_jobs WHERE id = $1', [id]);
  expect(held.rows[0]).toMatchObject({ fence: '1', status: 'PROCESSING' });
  stale.signal('SIGSTOP');

  const fresh = await instance(workerEnv);
  const { view } = await pollExport(api, token, id, (s) => s === 'COMPLETED' || s === 'FAILED', 90_000);
  expect(view.status).toBe('COMPLETED');
  const archive = path.join(dataDir, 'files', `${id}.zip`);
  const before = {
    row: (await sql.query('SELECT job, status, fence FROM takeaway_jobs WHERE id = $1', [id])).rows[0],
    sha: createHash('sha256').update(await readFile(archive)).digest('hex'),
  };
  expect(before.row.fence).toBe('2');

  stale.signal('SIGCONT');
  await waitUntil('the woken worker notices it lost the job', async () => stale.output.includes(`export ${id}: claim 1 lost`));
  // Give it time for any write it would still make (progress, completion, archive).
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const after = {
    row: (await sql.query('SELECT job, status, fence FROM takeaway_jobs WHERE id = $1', [id])).rows[0],
    sha: createHash('sha256').update(await readFile(archive)).digest('hex'),
  };
  expect(after).toEqual(before);
  const outbox = await sql.query('SELECT payload FROM takeaway_outbox WHERE job_id = $1', [id]);
  expect(outbox.rows).toHaveLength(1);
  expect(outbox.rows[0].payload).toMatchObject({ exportId: id, status: 'COMPLETED' });
  const pushes = await receiver.waitFor('/push/stalled-phone', 1);
  expect(pushes).toHaveLength(1);
  expect(JSON.parse(phone.decrypt(pushes[0].body))).toMatchObject({ exportId: id, status: 'COMPLETED' });
  expect(await downloadedManifest(api, token, view)).toEqual(await deviceManifest(account, REQUEST));
  expect(fresh.output).not.toContain('lost');
}, 180_000);

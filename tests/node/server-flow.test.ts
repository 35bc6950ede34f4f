// The server process end to end on 127.0.0.1: create → poll → signed download → unzip -t + verifyExport, the
// same manifest as a device export, isolation between users, link tampering, body validation, the per-user
// job limit and Web Push (decrypted by a local receiver).

import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Uint8ArrayReader } from '@zip.js/zip.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyExport } from '../../src/engine/index.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest } from '../../src/model/request.ts';
import { deviceManifest, downloadedManifest, PushReceiver, pollExport, RecordsApiHost, ServerProcess, TestSubscription, tokenFor, type ReceivedPush, NO_RATE_LIMIT } from './server-fixtures.ts';

const REQUEST: ExportRequest = {
  createdAtMs: Date.UTC(2026, 10, 2, 9, 30),
  filter: { kinds: ['activity', 'steps', 'weight', 'sleep', 'record'] },
  formats: { activity: ['fit', 'gpx', 'csv', 'json'], steps: ['csv'], weight: ['csv', 'json'], sleep: ['json'], record: ['csv'] },
  options: DEFAULT_EXPORT_OPTIONS,
};

let dataDir: string;
let api: RecordsApiHost;
let receiver: PushReceiver;
let server: ServerProcess;
let alice: string;
let bob: string;
let carol: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'takeaway-server-flow-'));
  api = new RecordsApiHost();
  await api.start();
  receiver = new PushReceiver();
  await receiver.start();
  [alice, bob, carol] = await Promise.all([tokenFor('alice'), tokenFor('bob'), tokenFor('carol')]);
  api.addAccount(alice);
  api.addAccount(bob, { demo: { seed: 99, days: 5, activityCount: 1, samplesPerActivity: 300, genericCount: 2 } });
  // Carol's API answers slowly, so her exports stay in flight for the job-limit test.
  api.addAccount(carol, { latencyMs: 1500 });
  server = new ServerProcess(dataDir, { TAKEAWAY_RECORDS_API_URL: api.baseUrl, ...NO_RATE_LIMIT });
  await server.start();
}, 60_000);

afterAll(async () => {
  await server?.kill('SIGTERM');
  await api?.stop();
  await receiver?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function createExport(token: string, body: unknown = REQUEST): Promise<string> {
  const response = await server.post('/api/exports', token, body);
  expect(response.status, await response.clone().text()).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

async function completedView(token: string, id: string): Promise<{ statuses: string[]; view: Record<string, unknown> }> {
  const result = await pollExport(server, token, id, (s) => s === 'COMPLETED' || s === 'FAILED');
  expect(result.view.status, JSON.stringify(result.view)).toBe('COMPLETED');
  return result;
}

/** Alice's finished export, made once and shared by the tests that need one. */
let aliceExport: Promise<{ id: string; view: Record<string, unknown>; statuses: string[] }> | undefined;
function finishedAliceExport(): Promise<{ id: string; view: Record<string, unknown>; statuses: string[] }> {
  aliceExport ??= (async () => {
    const id = await createExport(alice);
    return { id, ...(await completedView(alice, id)) };
  })();
  return aliceExport;
}

describe('server export flow', () => {
  it('runs an export to COMPLETED and serves it through the signed link as a zip that unzip and verifyExport accept', async () => {
    const { id, view, statuses } = await finishedAliceExport();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(statuses.at(-1)).toBe('COMPLETED');
    expect(statuses.every((s) => ['INITIATED', 'PROCESSING', 'COMPLETED'].includes(s))).toBe(true);
    expect(view).not.toHaveProperty('recordsToken');
    expect(view.skippedCount).toBe(0);
    expect(typeof view.expiresAtMs).toBe('number');
    const download = await server.fetch(String(view.downloadUrl), alice);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/zip');
    const bytes = new Uint8Array(await download.arrayBuffer());
    expect(bytes.length).toBe(view.sizeBytes);
    const zipPath = path.join(dataDir, 'download-check.zip');
    await writeFile(zipPath, bytes);
    expect(execFileSync('unzip', ['-t', zipPath], { encoding: 'utf8' })).toMatch(/No errors detected/);
    const report = await verifyExport(new Uint8ArrayReader(bytes));
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.manifest!.files.some((f) => f.path.endsWith('.fit'))).toBe(true);
  });

  it('writes the same manifest as a device export of the same request and data', async () => {
    const { view } = await finishedAliceExport();
    const serverManifest = await downloadedManifest(server, alice, view);
    // The device export: the same records, read straight from the account the records API serves.
    const deviceManifestOfRequest = await deviceManifest(api.addAccount('device-copy'), REQUEST);
    expect(serverManifest.files.map((f) => [f.path, f.sha256])).toEqual(deviceManifestOfRequest.files.map((f) => [f.path, f.sha256]));
    expect(serverManifest).toEqual(deviceManifestOfRequest);
  });

  it('lists only the caller\'s own exports', async () => {
    const { id } = await finishedAliceExport();
    const mine = (await (await server.fetch('/api/exports', alice)).json()) as { exports: { id: string }[] };
    expect(mine.exports.map((e) => e.id)).toContain(id);
    const theirs = (await (await server.fetch('/api/exports', bob)).json()) as { exports: { id: string }[] };
    expect(theirs.exports.map((e) => e.id)).not.toContain(id);
  });

  it('answers 404 to another user for the export, its download link and its deletion', async () => {
    const { id, view } = await finishedAliceExport();
    expect((await server.fetch(`/api/exports/${id}`, bob)).status).toBe(404);
    expect((await server.fetch(String(view.downloadUrl), bob)).status).toBe(404);
    expect((await server.fetch(`/api/exports/${id}`, bob, { method: 'DELETE' })).status).toBe(404);
    expect((await server.fetch(`/api/exports/${id}`, alice)).status).toBe(200);
  });

  it('refuses a link with a changed byte, a link signed for another user and an expired link', async () => {
    const { id, view } = await finishedAliceExport();
    const link = new URL(String(view.downloadUrl), server.url);
    const sig = link.searchParams.get('sig')!;
    const exp = Number(link.searchParams.get('exp'));
    const changed = new URL(link);
    changed.searchParams.set('sig', sig.slice(0, 10) + (sig[10] === 'A' ? 'B' : 'A') + sig.slice(11));
    expect((await server.fetch(changed.pathname + changed.search, alice)).status).toBe(403);
    const laterExp = new URL(link);
    laterExp.searchParams.set('exp', String(exp + 1000));
    expect((await server.fetch(laterExp.pathname + laterExp.search, alice)).status).toBe(403);
    // Links made with the server's own key: one for Bob over Alice's export, one that expired a second ago.
    const secrets = JSON.parse(await readFile(path.join(dataDir, 'secrets.json'), 'utf8')) as { linkSecret: string };
    const key = Buffer.from(secrets.linkSecret, 'base64url');
    const sign = (userId: string, expMs: number) => createHmac('sha256', key).update(`takeaway-download\u0000${id}\u0000${userId}\u0000${expMs}`).digest('base64url');
    expect(sign('alice', exp)).toBe(sig);
    const forBob = await server.fetch(`/api/exports/${id}/download?exp=${exp}&sig=${sign('bob', exp)}`, alice);
    expect(forBob.status).toBe(403);
    const pastMs = Date.now() - 1000;
    const expired = await server.fetch(`/api/exports/${id}/download?exp=${pastMs}&sig=${sign('alice', pastMs)}`, alice);
    expect(expired.status).toBe(403);
    expect(((await expired.json()) as { error: { code: string } }).error.code).toBe('link_expired');
    expect((await server.fetch(link.pathname + link.search, alice)).status).toBe(200);
  });

  it('answers 401 without a valid bearer token', async () => {
    expect((await server.fetch('/api/exports', undefined)).status).toBe(401);
    expect((await server.fetch('/api/exports', await tokenFor('alice', 'another-secret-of-enough-length'))).status).toBe(401);
  });
});

describe('server request limits', () => {
  it('answers 400 naming the field for malformed and oversized fields', async () => {
    const cases: [unknown, string][] = [
      ['{"filter":', 'body'],
      [{ filter: { kinds: ['activity'] } }, 'formats'],
      [{ ...REQUEST, filter: { kinds: ['activities'] } }, 'filter.kinds[0]'],
      [{ ...REQUEST, options: { ...REQUEST.options, compressionLevel: 12 } }, 'options.compressionLevel'],
      [{ ...REQUEST, filter: { ...REQUEST.filter, text: 'x'.repeat(5000) } }, 'filter.text'],
      [{ ...REQUEST, recordsApiUrl: 'http://evil.example/' }, 'recordsApiUrl'],
      [{ ...REQUEST, formats: { steps: ['fit'] }, filter: { kinds: ['steps'] } }, 'formats.steps[0]'],
    ];
    for (const [body, field] of cases) {
      const response = await server.post('/api/exports', alice, body);
      const text = await response.text();
      const answer = JSON.parse(text) as { error: { field: string; message: string } };
      expect(answer.error, `${response.status} ${text}`).toBeDefined();
      expect([response.status, answer.error.field], answer.error.message).toEqual([400, field]);
      expect(answer.error.message.startsWith(field)).toBe(true);
    }
  });

  it('refuses a body over 64 KiB with 413', async () => {
    const response = await server.post('/api/exports', alice, { ...REQUEST, filter: { ...REQUEST.filter, tags: Array.from({ length: 100 }, () => 'y'.repeat(700)) } });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { field: string } }).error.field).toBe('body');
  });

  it('answers the 11th concurrent export of one user with 429 and Retry-After, and takes it once one is deleted', async () => {
    const small: ExportRequest = { ...REQUEST, filter: { kinds: ['steps'] }, formats: { steps: ['csv'] } };
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(await createExport(carol, small));
    const eleventh = await server.post('/api/exports', carol, small);
    expect(eleventh.status).toBe(429);
    expect(Number(eleventh.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another user is not held back by Carol's queue.
    const other = await server.post('/api/exports', bob, small);
    expect(other.status).toBe(202);
    expect((await server.fetch(`/api/exports/${ids[0]}`, carol, { method: 'DELETE' })).status).toBe(204);
    expect((await server.fetch(`/api/exports/${ids[0]}`, carol)).status).toBe(404);
    ids[0] = await createExport(carol, small);
    for (const id of ids) expect((await server.fetch(`/api/exports/${id}`, carol, { method: 'DELETE' })).status).toBe(204);
    expect(((await (await server.fetch('/api/exports', carol)).json()) as { exports: unknown[] }).exports).toEqual([]);
  });
});

describe('server push', () => {
  it('sends a push message the subscription decrypts when an export completes, and drops a subscription answered 410', async () => {
    const live = new TestSubscription(`${receiver.baseUrl}push/bob-phone`);
    const gone = new TestSubscription(`${receiver.baseUrl}gone/bob-old-laptop`);
    expect((await server.post('/api/push/subscriptions', bob, live.toJSON())).status).toBe(201);
    expect((await server.post('/api/push/subscriptions', bob, gone.toJSON())).status).toBe(201);
    const badKey = await server.post('/api/push/subscriptions', bob, { ...live.toJSON(), keys: { ...live.toJSON().keys, p256dh: 'AAAA' } });
    expect([badKey.status, ((await badKey.json()) as { error: { field: string } }).error.field]).toEqual([400, 'keys.p256dh']);
    const before = receiver.received.filter((r) => r.path === '/push/bob-phone').length;
    const id = await createExport(bob, { ...REQUEST, filter: { kinds: ['activity'] }, formats: { activity: ['gpx'] } });
    await completedView(bob, id);
    // Bob's exports from earlier tests may finish first and push too: wait for the message about this one.
    let message: ReceivedPush | undefined;
    for (let count = before + 1; !message; count++) {
      const messages = (await receiver.waitFor('/push/bob-phone', count)).slice(before);
      message = messages.find((m) => live.decrypt(m.body).includes(id));
    }
    expect(message.headers['content-encoding']).toBe('aes128gcm');
    expect(String(message.headers.authorization)).toMatch(/^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=[\w-]+$/);
    const payload = JSON.parse(live.decrypt(message.body)) as Record<string, unknown>;
    expect(payload).toEqual({ type: 'export-finished', exportId: id, status: 'COMPLETED', url: `${server.url}/#/history?export=${id}` });
    await receiver.waitFor('/gone/bob-old-laptop', 1);
    const deadline = Date.now() + 10_000;
    let endpoints: string[] = [];
    do {
      endpoints = ((await (await server.fetch('/api/push/subscriptions', bob)).json()) as { subscriptions: { endpoint: string }[] }).subscriptions.map((s) => s.endpoint);
      if (!endpoints.includes(gone.endpoint)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    } while (Date.now() < deadline);
    expect(endpoints).toEqual([live.endpoint]);
  });

  it('keeps its VAPID key pair across restarts in the data directory', async () => {
    const files = await readdir(dataDir);
    expect(files).toContain('secrets.json');
    const secrets = JSON.parse(await readFile(path.join(dataDir, 'secrets.json'), 'utf8')) as { vapidPublicKey: string };
    const served = (await (await server.fetch('/api/push/vapid-public-key', alice)).json()) as { publicKey: string };
    expect(served.publicKey).toBe(secrets.vapidPublicKey);
  });
});

// Retention and the per-user rate limit on a server started with a short retention and a small token bucket.

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest } from '../../src/model/request.ts';
import { pollExport, RecordsApiHost, ServerProcess, tokenFor } from './server-fixtures.ts';

const REQUEST: ExportRequest = {
  createdAtMs: Date.UTC(2026, 10, 2),
  filter: { kinds: ['weight'] },
  formats: { weight: ['csv'] },
  options: DEFAULT_EXPORT_OPTIONS,
};
const RETENTION_S = 3;

let dataDir: string;
let apiHost: RecordsApiHost;
let server: ServerProcess;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'takeaway-server-retention-'));
  apiHost = new RecordsApiHost();
  await apiHost.start();
  server = new ServerProcess(dataDir, {
    TAKEAWAY_RECORDS_API_URL: apiHost.baseUrl,
    TAKEAWAY_RETENTION_DAYS: String(RETENTION_S / 86_400),
    TAKEAWAY_SWEEP_INTERVAL_S: '0.5',
    TAKEAWAY_RATE_BURST: '20',
    TAKEAWAY_RATE_PER_S: '5',
  });
  await server.start();
}, 60_000);

afterAll(async () => {
  await server?.kill('SIGTERM');
  await apiHost?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

it('deletes a finished export\'s file and row once its retention has passed', async () => {
  const token = await tokenFor('erin');
  apiHost.addAccount(token);
  const { id } = (await (await server.post('/api/exports', token, REQUEST)).json()) as { id: string };
  const { view } = await pollExport(server, token, id, (s) => s === 'COMPLETED' || s === 'FAILED');
  expect(view.status).toBe('COMPLETED');
  expect(view.expiresAtMs).toBeGreaterThan(Date.now());
  expect(await readdir(path.join(dataDir, 'files'))).toEqual([`${id}.zip`]);
  await new Promise((resolve) => setTimeout(resolve, RETENTION_S * 1000 + 1500));
  expect((await server.fetch(`/api/exports/${id}`, token)).status).toBe(404);
  expect(await readdir(path.join(dataDir, 'files'))).toEqual([]);
  expect(await readdir(path.join(dataDir, 'jobs'))).toEqual([]);
}, 60_000);

it('answers 429 with Retry-After once a user has spent the burst, without holding back another user', async () => {
  const [dave, erin] = await Promise.all([tokenFor('dave'), tokenFor('erin')]);
  const statuses: number[] = [];
  let retryAfter: string | null = null;
  for (let i = 0; i < 30; i++) {
    const response = await server.fetch('/api/exports', dave);
    statuses.push(response.status);
    if (response.status === 429) retryAfter ??= response.headers.get('retry-after');
  }
  expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
  expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  expect((await server.fetch('/api/exports', erin)).status).toBe(200);
});

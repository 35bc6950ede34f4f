// Durability: the server process is killed (SIGKILL) in the middle of an export; started again on the same
// data directory, it retries the job and finishes it, and never reports it COMPLETED before that.

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Uint8ArrayReader } from '@zip.js/zip.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyExport } from '../../src/engine/index.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest } from '../../src/model/request.ts';
import type { RecordsApi } from '../mocks/records-api.ts';
import { pollExport, RecordsApiHost, ServerProcess, tokenFor, NO_RATE_LIMIT } from './server-fixtures.ts';

const REQUEST: ExportRequest = {
  createdAtMs: Date.UTC(2026, 10, 2),
  filter: { kinds: ['activity', 'steps'] },
  formats: { activity: ['fit', 'gpx'], steps: ['csv'] },
  options: DEFAULT_EXPORT_OPTIONS,
};

let dataDir: string;
let apiHost: RecordsApiHost;
let account: RecordsApi;
let first: ServerProcess;
let second: ServerProcess | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'takeaway-server-restart-'));
  apiHost = new RecordsApiHost();
  await apiHost.start();
}, 30_000);

afterAll(async () => {
  await first?.kill();
  await second?.kill('SIGTERM');
  await apiHost?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

it('finishes an export after the server is killed mid-job and started again', async () => {
  const token = await tokenFor('frank');
  // A slow API (300 ms a request, one track chunk a page) keeps the job running for seconds.
  account = apiHost.addAccount(token, { latencyMs: 300 });
  const env = { TAKEAWAY_RECORDS_API_URL: apiHost.baseUrl, ...NO_RATE_LIMIT };
  first = new ServerProcess(dataDir, env);
  await first.start();
  const created = await first.post('/api/exports', token, REQUEST);
  expect(created.status).toBe(202);
  const { id } = (await created.json()) as { id: string };

  // Kill once the worker is streaming tracks: the records are pulled and the zip is being written.
  const deadline = Date.now() + 30_000;
  while (!account.requests.some((r) => r.path.endsWith('/samples'))) {
    if (Date.now() > deadline) throw new Error(`the job never reached the samples:\n${first.output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await first.kill('SIGKILL');
  const rowOnDisk = JSON.parse(await readFile(path.join(dataDir, 'jobs', `${id}.json`), 'utf8')) as { status: string; attempts: number };
  expect(rowOnDisk).toMatchObject({ status: 'PROCESSING', attempts: 1 });
  expect((await readdir(path.join(dataDir, 'files'))).filter((n) => n.endsWith('.zip'))).toEqual([]);

  const requestsBefore = account.requests.length;
  second = new ServerProcess(dataDir, env);
  await second.start();
  const { statuses, view } = await pollExport(second, token, id, (s) => s === 'COMPLETED' || s === 'FAILED', 60_000);
  expect(statuses[0]).not.toBe('COMPLETED');
  expect(statuses.at(-1)).toBe('COMPLETED');
  expect(account.requests.length).toBeGreaterThan(requestsBefore);
  const rowAfter = JSON.parse(await readFile(path.join(dataDir, 'jobs', `${id}.json`), 'utf8')) as Record<string, unknown>;
  expect(rowAfter.attempts).toBe(2);
  expect(rowAfter).not.toHaveProperty('recordsToken');

  const bytes = new Uint8Array(await (await second.fetch(String(view.downloadUrl), token)).arrayBuffer());
  const report = await verifyExport(new Uint8ArrayReader(bytes));
  expect(report.problems).toEqual([]);
  expect(report.manifest!.counts.records.activity).toBe(account.records('activity').length);
  expect(await readdir(path.join(dataDir, 'files'))).toEqual([`${id}.zip`]);
  expect(await readdir(path.join(dataDir, 'spool')).catch(() => [])).toEqual([]);
}, 120_000);

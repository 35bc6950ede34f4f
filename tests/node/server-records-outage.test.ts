// A failing records API pauses a server job instead of failing it, a request never answered times out and is
// retried, and the caller's session ending after the records snapshot does not matter, not even across a
// restart (issue 19 item 5). The real server process and the records API fixture, both on 127.0.0.1.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest } from '../../src/model/request.ts';
import type { RecordsApi } from '../mocks/records-api.ts';
import { deviceManifest, downloadedManifest, pollExport, ServerProcess, startServerWithRecordsApi, tokenFor, NO_RATE_LIMIT } from './server-fixtures.ts';

const REQUEST: ExportRequest = {
  createdAtMs: Date.UTC(2026, 10, 2, 9, 30),
  filter: { kinds: ['activity', 'steps', 'weight'] },
  formats: { activity: ['fit', 'gpx', 'csv'], steps: ['csv'], weight: ['json'] },
  options: DEFAULT_EXPORT_OPTIONS,
};
/** Requests of a small account before its first samples page: list pages of the three kinds. */
const LIST_REQUESTS = 5;

type Started = Awaited<ReturnType<typeof startServerWithRecordsApi>>;
let patient: Started;

beforeAll(async () => {
  // A one-second breaker cool-down and request timeout keep the outages short; the budget is far away.
  patient = await startServerWithRecordsApi('records-outage', {
    ...NO_RATE_LIMIT, TAKEAWAY_RECORDS_BREAKER_COOLDOWN_S: '1', TAKEAWAY_RECORDS_TIMEOUT_S: '2', TAKEAWAY_RECORDS_OUTAGE_BUDGET_S: '600',
  });
}, 60_000);

afterAll(async () => {
  await patient?.stop();
});

async function exportOf(server: ServerProcess, token: string): Promise<string> {
  const response = await server.post('/api/exports', token, REQUEST);
  expect(response.status, await response.clone().text()).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

async function finished(server: ServerProcess, token: string, id: string): Promise<{ statuses: string[]; view: Record<string, unknown> }> {
  return pollExport(server, token, id, (s) => s === 'COMPLETED' || s === 'FAILED', 90_000);
}

describe('records API outages', () => {
  it('pauses through a burst of 503s, resumes by itself and writes the manifest of an undisturbed run', async () => {
    const token = await tokenFor('olga');
    const account = patient.api.addAccount(token);
    // Fourteen 503s in a row while the tracks are fetched four at a time: the breaker opens at five (the fetches
    // in flight then fail too), and each one-second cool-down ends in one probe that fails, so the job stays
    // paused for seconds, until the API answers again.
    account.queueFaults(Array.from({ length: 14 }, () => ({ type: 'status' as const, status: 503 as const, retryAfterS: 0 })), { afterRequests: LIST_REQUESTS + 2 });
    const id = await exportOf(patient.server, token);
    const { statuses, view } = await finished(patient.server, token, id);
    expect(view.status, JSON.stringify(view)).toBe('COMPLETED');
    expect(statuses).toContain('PAUSED');
    expect(statuses.indexOf('PAUSED')).toBeLessThan(statuses.lastIndexOf('PROCESSING'));
    expect(account.requests.filter((r) => r.status === 503)).toHaveLength(14);
    expect(view).not.toHaveProperty('pause');
    expect(await downloadedManifest(patient.server, token, view)).toEqual(await deviceManifest(account, REQUEST));
  }, 120_000);

  it('says why and until when while paused', async () => {
    const token = await tokenFor('pavel');
    const account = patient.api.addAccount(token);
    account.queueFaults(Array.from({ length: 8 }, () => ({ type: 'status' as const, status: 502 as const, retryAfterS: 0 })), { afterRequests: 1 });
    const id = await exportOf(patient.server, token);
    const { view: paused } = await pollExport(patient.server, token, id, (s) => s === 'PAUSED' || s === 'COMPLETED' || s === 'FAILED', 60_000);
    expect(paused.status).toBe('PAUSED');
    const pause = paused.pause as { untilMs: number; reason: string };
    expect(pause.reason).toMatch(/records API is failing \(GET \/v1\/\w+: HTTP 502 unavailable: emulated 502\); trying again at \d\d:\d\d/);
    expect(pause.untilMs).toBeGreaterThan(Number(paused.updatedAtMs) - 1);
    expect((await finished(patient.server, token, id)).view.status).toBe('COMPLETED');
  }, 120_000);

  it('abandons a request that is never answered after the timeout and asks again', async () => {
    const token = await tokenFor('quinn');
    const account = patient.api.addAccount(token);
    account.queueFaults([{ type: 'hang' }], { afterRequests: LIST_REQUESTS + 1 });
    const id = await exportOf(patient.server, token);
    const { view } = await finished(patient.server, token, id);
    expect(view.status, JSON.stringify(view)).toBe('COMPLETED');
    const hung = account.requests.findIndex((r) => r.status === 'hang');
    expect(hung).toBe(LIST_REQUESTS + 1);
    const { path: hungPath, query } = account.requests[hung];
    expect(account.requests.slice(hung + 1).some((r) => r.path === hungPath && JSON.stringify(r.query) === JSON.stringify(query) && r.status === 200)).toBe(true);
    expect(await downloadedManifest(patient.server, token, view)).toEqual(await deviceManifest(account, REQUEST));
  }, 120_000);

  it('does not fail the job when the caller\'s session ends after the records snapshot', async () => {
    const token = await tokenFor('rosa');
    const account: RecordsApi = patient.api.addAccount(token);
    const id = await exportOf(patient.server, token);
    // Once the snapshot is complete the job row drops the token: from then on the API is no longer needed.
    await waitForSnapshot(patient.dataDir, id);
    patient.api.revoke(token);
    const requestsAtRevoke = account.requests.length;
    const { view } = await finished(patient.server, token, id);
    expect(view.status, JSON.stringify(view)).toBe('COMPLETED');
    expect(account.requests.length).toBe(requestsAtRevoke);
    expect(await downloadedManifest(patient.server, token, view)).toEqual(await deviceManifest(account, REQUEST));
    const row = JSON.parse(await readFile(path.join(patient.dataDir, 'jobs', `${id}.json`), 'utf8')) as Record<string, unknown>;
    expect(row).not.toHaveProperty('recordsToken');
  }, 120_000);
});

describe('the job credential across a restart', () => {
  let started: Started;
  let second: ServerProcess | undefined;
  afterAll(async () => {
    await second?.kill('SIGTERM');
    await started?.stop();
  });

  it('finishes from its snapshot after a crash although the caller\'s session has ended', async () => {
    started = await startServerWithRecordsApi('records-session-restart', NO_RATE_LIMIT);
    const token = await tokenFor('tomas');
    // Enough samples (400,000) that the export is still writing when the server is killed.
    const account = started.api.addAccount(token, { demo: { seed: 7, days: 3, activityCount: 16, samplesPerActivity: 25_000, includeHealth: true, genericCount: 0 }, chunksPerPage: 4 });
    const id = await exportOf(started.server, token);
    await waitForSnapshot(started.dataDir, id);
    await started.server.kill('SIGKILL');
    const rowAtKill = JSON.parse(await readFile(path.join(started.dataDir, 'jobs', `${id}.json`), 'utf8')) as Record<string, unknown>;
    expect(rowAtKill.status).toBe('PROCESSING');
    expect(rowAtKill).not.toHaveProperty('recordsToken');
    started.api.revoke(token);
    const requestsAtRevoke = account.requests.length;

    second = new ServerProcess(started.dataDir, { TAKEAWAY_RECORDS_API_URL: started.api.baseUrl, ...NO_RATE_LIMIT });
    await second.start();
    const { view } = await finished(second, token, id);
    expect(view.status, JSON.stringify(view)).toBe('COMPLETED');
    expect(account.requests.length).toBe(requestsAtRevoke);
    expect(await downloadedManifest(second, token, view)).toEqual(await deviceManifest(account, REQUEST));
  }, 180_000);
});

describe('records API outage budget', () => {
  let impatient: Started;
  beforeAll(async () => {
    impatient = await startServerWithRecordsApi('records-budget', {
      ...NO_RATE_LIMIT, TAKEAWAY_RECORDS_BREAKER_COOLDOWN_S: '1', TAKEAWAY_RECORDS_OUTAGE_BUDGET_S: '2',
    });
  }, 60_000);
  afterAll(async () => {
    await impatient?.stop();
  });

  it('fails the job once the API has been down longer than the budget, saying so', async () => {
    const token = await tokenFor('sven');
    const account = impatient.api.addAccount(token);
    account.queueFaults(Array.from({ length: 60 }, () => ({ type: 'status' as const, status: 503 as const, retryAfterS: 0 })));
    const id = await exportOf(impatient.server, token);
    const { statuses, view } = await finished(impatient.server, token, id);
    expect(statuses).toContain('PAUSED');
    expect(view.status).toBe('FAILED');
    expect((view.error as { code: string; message: string })).toMatchObject({
      code: 'NETWORK', message: expect.stringMatching(/^the records API has been failing for \d+ s, longer than this server waits \(2 s\); last error: GET \/v1\/activities: HTTP 503/),
    });
    // One probe per cool-down, not a storm: five to open, then at most a few probes in the two-second budget.
    expect(account.requests.length).toBeLessThanOrEqual(5 + 4);
  }, 120_000);
});

/** Polls the job's row on disk until its records snapshot is complete (the token is gone from the row). */
async function waitForSnapshot(dataDir: string, id: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const row = JSON.parse(await readFile(path.join(dataDir, 'jobs', `${id}.json`), 'utf8')) as Record<string, unknown>;
    if (!('recordsToken' in row)) return;
    if (Date.now() > deadline) throw new Error(`export ${id} has not completed its snapshot in 60 s: ${row.status}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

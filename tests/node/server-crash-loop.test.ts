// A job that takes the whole process down every time it runs: the server is killed (SIGKILL) while the job runs,
// started again, killed again. The attempt count is on disk before each run, so after the cap (3) the next start
// ends the job FAILED, saying why, instead of running it a fourth time.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest } from '../../src/model/request.ts';
import { pollExport, RecordsApiHost, ServerProcess, tokenFor, NO_RATE_LIMIT } from './server-fixtures.ts';

const REQUEST: ExportRequest = {
  createdAtMs: Date.UTC(2026, 10, 2),
  filter: { kinds: ['activity'] },
  formats: { activity: ['gpx'] },
  options: DEFAULT_EXPORT_OPTIONS,
};
/** The documented cap (docs/server.md: at most 3 attempts). */
const MAX_ATTEMPTS = 3;

let dataDir: string;
let apiHost: RecordsApiHost;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'takeaway-server-crash-loop-'));
  apiHost = new RecordsApiHost();
  await apiHost.start();
}, 30_000);

afterAll(async () => {
  for (const server of servers) await server.kill();
  await apiHost?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

interface Row { status: string; attempts: number; error?: { code: string; message: string } }

async function rowOnDisk(id: string): Promise<Row | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dataDir, 'jobs', `${id}.json`), 'utf8')) as Row;
  } catch {
    return undefined; // not written yet, or caught between write and rename
  }
}

async function waitForRow(id: string, what: string, holds: (row: Row) => boolean, server: ServerProcess): Promise<Row> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const row = await rowOnDisk(id);
    if (row && holds(row)) return row;
    if (Date.now() > deadline) throw new Error(`row never ${what}: ${JSON.stringify(row)}\n${server.output}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

it('ends a job that crashes the process on every run FAILED after the attempt cap, saying so', async () => {
  const token = await tokenFor('crash-dora');
  // Slow pages keep every run in flight long enough to be killed in the middle.
  const account = apiHost.addAccount(token, { latencyMs: 400 });
  const env = { TAKEAWAY_RECORDS_API_URL: apiHost.baseUrl, ...NO_RATE_LIMIT };
  let server = new ServerProcess(dataDir, env);
  servers.push(server);
  await server.start();
  const created = await server.post('/api/exports', token, REQUEST);
  expect(created.status).toBe(202);
  const { id } = (await created.json()) as { id: string };

  // Bounded: the cap plus two more starts at most, whatever the server does.
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const requestsBefore = account.requests.length;
    await waitForRow(id, `PROCESSING at attempt ${attempt}`, (row) => row.status === 'PROCESSING' && row.attempts === attempt, server);
    const deadline = Date.now() + 30_000;
    while (account.requests.length === requestsBefore) {
      if (Date.now() > deadline) throw new Error(`attempt ${attempt} never reached the records API\n${server.output}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await server.kill('SIGKILL');
    server = new ServerProcess(dataDir, env);
    servers.push(server);
    await server.start();
  }

  const { view } = await pollExport(server, token, id, (s) => s === 'FAILED' || s === 'COMPLETED', 30_000);
  expect(view.status).toBe('FAILED');
  expect(view.error).toEqual({
    code: 'INTERNAL',
    message: `the server stopped while running this export ${MAX_ATTEMPTS} times (at most ${MAX_ATTEMPTS} attempts); it is not tried again`,
  });
  const row = await rowOnDisk(id);
  expect(row).toMatchObject({ status: 'FAILED', attempts: MAX_ATTEMPTS });
  expect(row).not.toHaveProperty('recordsToken');

  // And it stays so: one more start does not run it.
  const requestsAfter = account.requests.length;
  await server.kill('SIGKILL');
  server = new ServerProcess(dataDir, env);
  servers.push(server);
  await server.start();
  expect(((await (await server.fetch(`/api/exports/${id}`, token)).json()) as { status: string }).status).toBe('FAILED');
  expect(account.requests.length).toBe(requestsAfter);
}, 180_000);

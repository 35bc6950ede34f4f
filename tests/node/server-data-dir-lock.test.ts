// The embedded server owns its data directory: a second process on it refuses to start and says why; a lock left
// by a process that was killed does not keep the next one out.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ServerProcess } from './server-fixtures.ts';

let dataDir: string;
const processes: ServerProcess[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'takeaway-server-lock-'));
});

afterAll(async () => {
  for (const p of processes) await p.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

it('refuses a second embedded server on one data directory, naming the first one\'s pid', async () => {
  const first = new ServerProcess(dataDir, {});
  processes.push(first);
  await first.start();
  const pid = Number((await readFile(path.join(dataDir, 'server.lock'), 'utf8')).trim());
  expect(pid).toBeGreaterThan(0);
  const second = new ServerProcess(dataDir, {});
  processes.push(second);
  await expect(second.start()).rejects.toThrow(new RegExp(`another takeaway-server \\(pid ${pid}\\) is using the data directory`));
  expect((await first.fetch('/healthz', undefined)).status).toBe(200);
});

it('starts over a lock whose process was killed', async () => {
  await processes[0].kill('SIGKILL');
  const next = new ServerProcess(dataDir, {});
  processes.push(next);
  await next.start();
  expect((await next.fetch('/healthz', undefined)).status).toBe(200);
});

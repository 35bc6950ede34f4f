// A full data disk, for real: the server's data directory is a 8 MiB tmpfs, filled by another writer while an
// export streams its tracks. The job must end FAILED with "storage full" and the bytes needed and free, the
// server must keep answering everyone, a POST while full must answer 507 without leaving a job behind, and a
// restart must clean the spool and not run the failed job again. Mounting needs root; elsewhere it is skipped.
// Also: the track spool counts against the export size limit (no mount needed).

import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, open, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatBytes } from '../../src/model/byte-size.ts';
import { serializeTrackLine } from '../../src/model/jsonl.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest } from '../../src/model/request.ts';
import type { RecordsApi } from '../mocks/records-api.ts';
import { pollExport, RecordsApiHost, ServerProcess, tokenFor, NO_RATE_LIMIT, waitUntil } from './server-fixtures.ts';

const REQUEST: ExportRequest = {
  createdAtMs: Date.UTC(2026, 10, 2),
  filter: { kinds: ['activity', 'steps'] },
  formats: { activity: ['fit', 'gpx', 'csv'], steps: ['csv'] },
  options: DEFAULT_EXPORT_OPTIONS,
};
const isRoot = process.getuid?.() === 0;

let mountDir: string;
let mounted = false;
let apiHost: RecordsApiHost;
let servers: ServerProcess[] = [];

/** Appends to `file` until the file system refuses (ENOSPC), so nothing is left free; returns the bytes written. */
async function fillDisk(file: string): Promise<number> {
  const handle = await open(file, 'a');
  let written = 0;
  try {
    for (const size of [1 << 20, 1 << 16, 4096, 512, 1]) {
      const chunk = Buffer.alloc(size, 0x5a);
      for (let i = 0; i < 100_000; i++) {
        try {
          await handle.write(chunk);
          written += size;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
          break;
        }
      }
    }
  } finally {
    await handle.close().catch(() => undefined);
  }
  return written;
}


beforeAll(async () => {
  apiHost = new RecordsApiHost();
  await apiHost.start();
  if (!isRoot) return;
  mountDir = await mkdtemp(path.join(tmpdir(), 'takeaway-server-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m,mode=0700', 'tmpfs', mountDir]);
  mounted = true;
}, 30_000);

afterAll(async () => {
  for (const server of servers) await server.kill();
  await apiHost?.stop();
  if (mounted) {
    try {
      execFileSync('umount', [mountDir]);
    } catch {
      execFileSync('umount', ['-l', mountDir]); // still busy: detach now, freed when the last user goes
    }
  }
  if (mountDir) await rm(mountDir, { recursive: true, force: true });
});

describe.skipIf(!isRoot)('server on a full data disk (a real 8 MiB tmpfs)', () => {
  it('fails the job with "storage full", keeps serving, refuses new exports with 507 and recovers when space returns', async () => {
    const dataDir = path.join(mountDir, 'data');
    const filler = path.join(mountDir, 'filler');
    const [alice, bob] = await Promise.all([tokenFor('disk-alice'), tokenFor('disk-bob')]);
    // Slow samples pages keep the export streaming its tracks long enough to fill the disk under it.
    const aliceApi: RecordsApi = apiHost.addAccount(alice, { latencyMs: 200 });
    apiHost.addAccount(bob, { demo: { seed: 5, days: 3, activityCount: 1, samplesPerActivity: 200, genericCount: 1 } });
    const env = {
      TAKEAWAY_RECORDS_API_URL: apiHost.baseUrl, ...NO_RATE_LIMIT,
      TAKEAWAY_MAX_ACTIVE_JOBS: '1',
    };
    const server = new ServerProcess(dataDir, env);
    servers.push(server);
    await server.start();

    const created = await server.post('/api/exports', alice, REQUEST);
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    await waitUntil('the job to stream tracks', () => aliceApi.requests.some((r) => r.path.endsWith('/samples')));
    const fillerBytes = await fillDisk(filler);
    expect(fillerBytes).toBeGreaterThan(0);

    const { view } = await pollExport(server, alice, id, (s) => s === 'COMPLETED' || s === 'FAILED', 60_000);
    expect(view.status, server.output).toBe('FAILED');
    const error = view.error as { code: string; message: string };
    expect(error.message).toMatch(/^storage full on the server: /);
    expect(error.message).toMatch(/needs about [\d.]+ [KMG]?B; [\d.]+ [KMG]?B is free on the server$/);

    // Still up for everyone. The failed job's cleanup gave back its space; the other writer takes it again.
    await fillDisk(filler);
    expect((await server.fetch('/healthz', undefined)).status).toBe(200);
    expect((await server.fetch('/api/exports', bob)).status).toBe(200);
    const refused = await server.post('/api/exports', bob, REQUEST);
    expect(refused.status).toBe(507);
    const problem = (await refused.json()) as { error: { code: string; message: string } };
    expect(problem.error.code).toBe('storage_full');
    expect(problem.error.message).toMatch(/^storage full on the server: this request could not be saved; [\d.]+ [KMG]?B is free on the server\. Nothing was saved; try again later$/);
    expect(((await (await server.fetch('/api/exports', bob)).json()) as { exports: unknown[] }).exports).toEqual([]);

    // Space back: Bob's one allowed slot is free (no ghost job holds it) and his export completes.
    await rm(filler);
    const again = await server.post('/api/exports', bob, REQUEST);
    expect(again.status, await again.clone().text()).toBe(202);
    const bobId = ((await again.json()) as { id: string }).id;
    expect((await pollExport(server, bob, bobId, (s) => s === 'COMPLETED' || s === 'FAILED')).view.status).toBe('COMPLETED');

    // The failure reached the disk, so a restart does not run the job again; orphan spool files are removed.
    const row = JSON.parse(await readFile(path.join(dataDir, 'jobs', `${id}.json`), 'utf8')) as { status: string };
    expect(row.status).toBe('FAILED');
    await server.kill();
    const orphan = path.join(dataDir, 'spool', randomUUID());
    await mkdir(orphan, { recursive: true });
    await writeFile(path.join(orphan, '0.jsonl'), 'left by a killed worker\n');
    await writeFile(path.join(orphan, '1.jsonl.partial'), 'half a track\n');
    const requestsBefore = aliceApi.requests.length;
    const restarted = new ServerProcess(dataDir, env);
    servers.push(restarted);
    await restarted.start();
    expect(await readdir(path.join(dataDir, 'spool'))).toEqual([]);
    expect(((await (await restarted.fetch(`/api/exports/${id}`, alice)).json()) as { status: string }).status).toBe('FAILED');
    expect(aliceApi.requests.length).toBe(requestsBefore);
  }, 120_000);
});

describe.skipIf(!isRoot)('server on a nearly full data disk (a real 8 MiB tmpfs)', () => {
  it('does not start an export whose estimate is over the free space: FAILED "storage full" before a track is read', async () => {
    const dataDir = path.join(mountDir, 'nearly-full');
    const filler = path.join(mountDir, 'filler-nearly');
    const token = await tokenFor('disk-erin');
    const api = apiHost.addAccount(token);
    const server = new ServerProcess(dataDir, { TAKEAWAY_RECORDS_API_URL: apiHost.baseUrl, ...NO_RATE_LIMIT });
    servers.push(server);
    await server.start();
    const filled = await fillDisk(filler);
    await truncate(filler, filled - 64 * 1024); // 64 KiB left: room for job rows, not for the archive
    try {
      const created = await server.post('/api/exports', token, REQUEST);
      expect(created.status, await created.clone().text()).toBe(202);
      const { id } = (await created.json()) as { id: string };
      const { view } = await pollExport(server, token, id, (s) => s === 'COMPLETED' || s === 'FAILED');
      expect(view.status).toBe('FAILED');
      const { code, message } = view.error as { code: string; message: string };
      expect(code).toBe('QUOTA_EXCEEDED');
      const [, needed, free] = /^storage full on the server: this export needs about ([\d.]+ [KMG]?B); ([\d.]+ [KMG]?B) is free on the server$/.exec(message) ?? [];
      expect(needed).toBe(formatBytes(view.estimatedBytes as number));
      expect(bytesOf(free)).toBeLessThan(view.estimatedBytes as number);
      expect(api.requests.filter((r) => r.path.endsWith('/samples'))).toEqual([]);
    } finally {
      await rm(filler, { force: true });
    }
  }, 120_000);
});

/** "1.3 MB" back to bytes, as far as its rounding allows. */
function bytesOf(size: string): number {
  const [value, unit] = size.split(' ');
  return Number(value) * 1000 ** ['B', 'KB', 'MB', 'GB'].indexOf(unit);
}

describe('the track spool and the export size limit', () => {
  it('counts the spool with the archive: an export under the limit whose spool takes it over ends QUOTA_EXCEEDED', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'takeaway-server-spool-quota-'));
    try {
      const token = await tokenFor('spool-carol');
      const api = apiHost.addAccount(token);
      const env = { TAKEAWAY_RECORDS_API_URL: apiHost.baseUrl, ...NO_RATE_LIMIT };
      const unlimited = new ServerProcess(path.join(dataDir, 'a'), env);
      servers.push(unlimited);
      await unlimited.start();
      const first = ((await (await unlimited.post('/api/exports', token, REQUEST)).json()) as { id: string }).id;
      const { view } = await pollExport(unlimited, token, first, (s) => s === 'COMPLETED' || s === 'FAILED');
      expect(view.status).toBe('COMPLETED');
      await unlimited.kill();

      const spoolBytes = api.records('activity')
        .flatMap((activity) => api.track(String(activity.id)))
        .reduce((sum, chunk) => sum + Buffer.byteLength(`${serializeTrackLine(chunk)}\n`), 0);
      // Room for the archive (estimate and actual) and half the spool: only counting the spool goes over.
      const limit = Math.max(Number(view.estimatedBytes), Number(view.sizeBytes)) + Math.floor(spoolBytes / 2);
      const limited = new ServerProcess(path.join(dataDir, 'b'), { ...env, TAKEAWAY_MAX_EXPORT_BYTES: String(limit) });
      servers.push(limited);
      await limited.start();
      const second = ((await (await limited.post('/api/exports', token, REQUEST)).json()) as { id: string }).id;
      const result = await pollExport(limited, token, second, (s) => s === 'COMPLETED' || s === 'FAILED');
      expect(result.view.status).toBe('FAILED');
      expect(result.view.error).toEqual({
        code: 'QUOTA_EXCEEDED',
        message: expect.stringMatching(new RegExp(`^the export and its track spool reached \\d+ bytes, over this server's limit of ${limit}$`)),
      });
      expect(await readdir(path.join(dataDir, 'b', 'spool'))).toEqual([]);
      await limited.kill();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

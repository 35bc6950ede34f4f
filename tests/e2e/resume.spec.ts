// Background exports that lose their page or their worker halfway continue from their last checkpoint and end
// with the same bytes as an uninterrupted run. The 1M-sample test is the slowest of the suite (tag @slow: `--grep-invert @slow` skips it locally; CI runs it).

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { openApp, readOpfs, stubSavePicker, unzip } from './helpers.ts';

interface JobView { id: string; status: string; pauseReason?: string; sizeBytes?: number; fileNames?: string[]; startedAtMs?: number; finishedAtMs?: number }
type Hooks = {
  takeaway: { loadDemo(o: object): Promise<unknown> };
  takeawayJobs: {
    enqueue(job: object): Promise<{ id: string }>;
    list(): Promise<JobView[]>;
    progress(id: string): { fraction: number; filesDone: number } | undefined;
    running(): Promise<void>;
    terminate(): void;
    builtInRequest(id: string, createdAtMs: number): object;
  };
};

/** Fixed so that every run of the test's request is the same export. */
const CREATED_AT_MS = Date.UTC(2026, 10, 24, 9, 0);

async function loadDemo(page: Page, activityCount: number, samplesPerActivity: number): Promise<void> {
  await page.evaluate(async ([activityCount, samplesPerActivity]) => {
    await (window as unknown as Hooks).takeaway.loadDemo({ seed: 11, endMs: Date.UTC(2026, 10, 1), days: 200, activityCount, samplesPerActivity, includeHealth: false, genericCount: 0 });
  }, [activityCount, samplesPerActivity]);
}

/** Starts a background export of every activity as GPX (the built-in "GPX for mapping tools" preset). */
async function enqueueGpxExport(page: Page): Promise<string> {
  return page.evaluate(async (createdAtMs) => {
    const jobs = (window as unknown as Hooks).takeawayJobs;
    await jobs.running();
    const job = await jobs.enqueue({ request: jobs.builtInRequest('builtin:gpx-mapping', createdAtMs), destination: 'opfs:exports' });
    return job.id;
  }, CREATED_AT_MS);
}

async function job(page: Page, id: string): Promise<JobView | undefined> {
  return page.evaluate(async (jobId) => (await (window as unknown as Hooks).takeawayJobs.list()).find((j) => j.id === jobId), id);
}

/**
 * Waits in the page until `files` entries of the job are written. Counted in files, not `fraction`: the plan's
 * byte estimate for GPX is about 4x too high, so `fraction` sits near 0.25 until it jumps to 1 at the end.
 */
async function waitForFiles(page: Page, id: string, files: number): Promise<number> {
  return page.evaluate(async ([jobId, target]) => {
    const jobs = (window as unknown as Hooks).takeawayJobs;
    for (;;) {
      const done = jobs.progress(jobId as string)?.filesDone ?? 0;
      if (done >= (target as number)) return done;
      await new Promise((r) => setTimeout(r, 20));
    }
  }, [id, files] as const);
}

async function waitForCompleted(page: Page, id: string, timeoutMs = 180_000): Promise<JobView> {
  await expect.poll(async () => (await job(page, id))?.status, { timeout: timeoutMs, intervals: [250] }).toBe('COMPLETED');
  return (await job(page, id))!;
}

/** SHA-256 of an OPFS file, computed in the page (the zips are tens of MB). */
async function opfsSha256(page: Page, path: string, under = 'exports'): Promise<string> {
  return page.evaluate(async ([p, dirName]) => {
    const name = p.split('/').pop()!;
    const root = await navigator.storage.getDirectory();
    const dir = dirName ? await root.getDirectoryHandle(dirName) : root;
    const bytes = await (await (await dir.getFileHandle(name)).getFile()).arrayBuffer();
    return [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
  }, [path, under] as const);
}

/** Bytes kept from before the interruption and the time the replay of them took, from the RESUMED audit entry. */
async function resumed(page: Page, id: string): Promise<{ bytes: number; replayMs: number }> {
  return page.evaluate(async (jobId) => {
    const db = (window as unknown as { takeaway: { readDb: { table(n: string): { where(i: string): { equals(v: string): { toArray(): Promise<{ action: string; detail?: string }[]> } } } } } }).takeaway.readDb;
    const rows = await db.table('auditLog').where('jobId').equals(jobId).toArray();
    const resumed = rows.find((r) => r.action === 'RESUMED');
    const detail = resumed?.detail ?? '';
    return { bytes: Number(/after (\d+) bytes/.exec(detail)?.[1] ?? 0), replayMs: Number(/took (\d+) ms/.exec(detail)?.[1] ?? NaN) };
  }, id);
}

test('a 1M-sample background export survives a closed page and a killed worker with the bytes of an uninterrupted run', { tag: '@slow' }, async ({ context }) => {
  test.setTimeout(420_000);
  const page = await context.newPage();
  await openApp(page);
  const loadStart = Date.now();
  // RESUME_ACTIVITIES makes a smaller run while working on this test; the suite uses 100 (1M samples).
  const activities = Number(process.env.RESUME_ACTIVITIES ?? 100);
  await loadDemo(page, activities, 10_000);
  console.log(`demo load (${activities} x 10,000 samples): ${((Date.now() - loadStart) / 1000).toFixed(1)} s`);

  // The reference: the same request, never interrupted.
  const reference = await enqueueGpxExport(page);
  const referenceJob = await waitForCompleted(page, reference);
  const referenceS = (referenceJob.finishedAtMs! - referenceJob.startedAtMs!) / 1000;
  const referenceSha = await opfsSha256(page, `exports/${reference}.zip`);

  // 1. The page closes at about half.
  const closed = await enqueueGpxExport(page);
  const atClose = await waitForFiles(page, closed, activities / 2);
  await page.close();
  const next = await context.newPage();
  const reopenedAt = Date.now();
  await openApp(next, 'job');
  await expect(next.locator(`li.background-job[data-id="${closed}"]`)).toBeVisible();
  const closedJob = await waitForCompleted(next, closed);
  const afterCloseS = (Date.now() - reopenedAt) / 1000;
  const afterClose = await resumed(next, closed);
  expect(afterClose.bytes).toBeGreaterThan(0);
  expect(closedJob.sizeBytes).toBe(referenceJob.sizeBytes);
  expect(await opfsSha256(next, `exports/${closed}.zip`)).toBe(referenceSha);

  // 2. The worker is killed mid-entry; the bridge's next worker resumes it by itself.
  const killed = await enqueueGpxExport(next);
  const atKill = await waitForFiles(next, killed, activities / 2);
  await next.evaluate(() => { const jobs = (window as unknown as Hooks).takeawayJobs; jobs.terminate(); void jobs.running(); });
  const killedAt = Date.now();
  await waitForCompleted(next, killed);
  const afterKillS = (Date.now() - killedAt) / 1000;
  const afterKill = await resumed(next, killed);
  expect(afterKill.bytes).toBeGreaterThan(0);
  expect(await opfsSha256(next, `exports/${killed}.zip`)).toBe(referenceSha);

  // The archive itself passes unzip -t and its manifest lists every activity.
  const zip = (await readOpfs(next, `exports/${killed}.zip`))!;
  expect(createHash('sha256').update(zip).digest('hex')).toBe(referenceSha);
  const out = unzip(zip);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { files: { path: string; format: string; sha256: string }[] };
  // Indoor activities have no track, hence no GPX.
  expect(manifest.files.filter((f) => f.format === 'gpx').length).toBeGreaterThan(activities / 2);
  for (const file of manifest.files) expect(createHash('sha256').update(readFileSync(join(out, file.path))).digest('hex'), file.path).toBe(file.sha256);

  console.log(`uninterrupted: ${referenceS.toFixed(1)} s, ${(referenceJob.sizeBytes! / 1e6).toFixed(1)} MB; `
    + `closed after ${atClose} of ${activities} files: finished ${afterCloseS.toFixed(1)} s after reopening, kept ${(afterClose.bytes / 1e6).toFixed(1)} MB, replayed in ${(afterClose.replayMs / 1000).toFixed(1)} s; `
    + `killed after ${atKill} files: finished ${afterKillS.toFixed(1)} s after the kill, kept ${(afterKill.bytes / 1e6).toFixed(1)} MB, replayed in ${(afterKill.replayMs / 1000).toFixed(1)} s`);
});

test('Pause and Resume on the Progress screen stop a running background export and continue it from its checkpoint', async ({ page }) => {
  await stubSavePicker(page);
  await openApp(page);
  await loadDemo(page, 40, 10_000);
  const id = await enqueueGpxExport(page);
  await waitForFiles(page, id, 3);
  await page.getByRole('link', { name: 'Progress' }).click();
  const card = page.locator(`li.background-job[data-id="${id}"]`);
  await card.getByRole('button', { name: 'Pause' }).click();
  await expect(card).toHaveAttribute('data-status', 'PAUSED');
  await expect(card).toHaveAttribute('data-pause-reason', 'USER');
  await expect(card).toContainText('Paused by you');
  await page.getByRole('link', { name: 'History' }).click();
  const inHistory = page.locator(`li.background-job[data-id="${id}"]`);
  await inHistory.getByRole('button', { name: 'Resume' }).click();
  await waitForCompleted(page, id, 120_000);
  expect((await resumed(page, id)).bytes).toBeGreaterThan(0);
  await expect(page.locator(`li.history[data-id="${id}"]`)).toHaveAttribute('data-status', 'DONE');

  // "Save to a file…" copies the finished archive into the picked file (the stub picks an OPFS file).
  await inHistory.getByRole('button', { name: 'Save to a file…' }).click();
  await expect(inHistory.getByRole('status')).toContainText('Saved to takeaway-2026-11-24.zip');
  expect(await opfsSha256(page, 'takeaway-2026-11-24.zip', '')).toBe(await opfsSha256(page, `exports/${id}.zip`));
});

// The wizard's "Start export" survives a closed tab: the job shows as interrupted on the next start, continues
// from its last checkpoint, and its zip holds the same files (manifest hashes) as an uninterrupted run, whether it
// is downloaded from app storage or copied into a file picked with the save picker.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Download, type Page } from '@playwright/test';
import { listOpfs, openApp, readOpfs, stubSavePicker, unzip } from './helpers.ts';

interface ManifestFile { path: string; format: string; sha256: string }
type Hooks = {
  takeaway: {
    loadDemo(o: object): Promise<unknown>;
    liveJobs(): { id: string; status: string; isResumable: boolean; progress?: { filesDone: number } }[];
    waitForJob(id: string): Promise<{ status: string }>;
    readDb: { table(n: string): { where(i: string): { equals(v: string): { toArray(): Promise<{ action: string; detail?: string }[]> } } } };
  };
};

const ACTIVITIES = 40;

async function loadDemo(page: Page): Promise<void> {
  await page.evaluate(async (activityCount) => {
    await (window as unknown as Hooks).takeaway.loadDemo({ seed: 11, endMs: Date.UTC(2026, 10, 1), days: 200, activityCount, samplesPerActivity: 10_000, includeHealth: false, genericCount: 0 });
  }, ACTIVITIES);
}

/** Fills the wizard (all time, the default formats, `destination`) and clicks Start export; returns the new job's id. */
async function startFromWizard(page: Page, destination: RegExp): Promise<string> {
  await page.getByRole('link', { name: 'Export' }).click();
  await page.getByRole('radio', { name: 'All time' }).check();
  await page.getByRole('radio', { name: destination }).check();
  await page.getByRole('button', { name: 'Preview export' }).click();
  await expect(page.getByRole('heading', { name: 'Preview' })).toBeVisible({ timeout: 60_000 });
  if (destination.source.includes('Save to a file')) {
    // 10 GiB of quota in the test profile: the resumable way is the default for a picked file.
    await expect(page.getByRole('radio', { name: /^Resumable: build it in the app's storage first/ })).toBeChecked();
  }
  await page.getByRole('button', { name: 'Start export' }).click();
  const card = page.locator('article.job').first();
  await expect(card).toHaveAttribute('data-resumable', 'true');
  return (await card.getAttribute('data-id'))!;
}

async function waitForDone(page: Page, id: string): Promise<void> {
  const status = await page.evaluate(async (jobId) => (await (window as unknown as Hooks).takeaway.waitForJob(jobId)).status, id);
  expect(status).toBe('DONE');
}

/** Waits in the page until `files` entries of the job are written. */
async function waitForFiles(page: Page, id: string, files: number): Promise<number> {
  return page.evaluate(async ([jobId, target]) => {
    const hooks = (window as unknown as Hooks).takeaway;
    for (;;) {
      const done = hooks.liveJobs().find((j) => j.id === jobId)?.progress?.filesDone ?? 0;
      if (done >= (target as number)) return done;
      await new Promise((r) => setTimeout(r, 20));
    }
  }, [id, files] as const);
}

/** Bytes kept from before the interruption, from the RESUMED audit entry. */
async function resumedBytes(page: Page, id: string): Promise<number> {
  return page.evaluate(async (jobId) => {
    const rows = await (window as unknown as Hooks).takeaway.readDb.table('auditLog').where('jobId').equals(jobId).toArray();
    return Number(/after (\d+) bytes/.exec(rows.find((r) => r.action === 'RESUMED')?.detail ?? '')?.[1] ?? 0);
  }, id);
}

/** Unzips (Info-ZIP tests every CRC), checks every file against its manifest hash, returns the manifest's files. */
function manifestFiles(zip: Buffer): ManifestFile[] {
  const out = unzip(zip);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { files: ManifestFile[] };
  for (const file of manifest.files) expect(createHash('sha256').update(readFileSync(join(out, file.path))).digest('hex'), file.path).toBe(file.sha256);
  return manifest.files;
}

/** Path and hash of every data file: README.txt names the export's own start time, which differs between runs. */
function dataHashes(files: ManifestFile[]): string[] {
  return files.filter((f) => f.format !== 'readme').map((f) => `${f.path} ${f.sha256}`);
}

/** Closes the page at about half of the job, opens the app again and checks that the job continues and finishes. */
async function closeAtHalfAndReopen(page: Page, id: string, totalFiles: number): Promise<{ next: Page; download: Promise<Download> }> {
  const atClose = await waitForFiles(page, id, Math.floor(totalFiles / 2));
  const context = page.context();
  await page.close();
  const next = await context.newPage();
  const download = next.waitForEvent('download', { timeout: 240_000 });
  download.catch(() => undefined);
  await openApp(next, 'job');
  const card = next.locator(`article.job[data-id="${id}"]`);
  await expect(card).toBeVisible();
  await expect(card).toHaveAttribute('data-was-interrupted', 'true');
  await waitForDone(next, id);
  await expect(card).toHaveAttribute('data-status', 'DONE');
  await expect(card.getByTestId('job-resumed')).toContainText('continued from its last checkpoint');
  const keptBytes = await resumedBytes(next, id);
  expect(keptBytes).toBeGreaterThan(0);
  console.log(`closed after ${atClose} of ${totalFiles} files; the resume kept ${(keptBytes / 1e6).toFixed(1)} MB`);
  return { next, download };
}

test('Start export continues after the tab closed, to app storage and to a picked file, with the files of an uninterrupted run', async ({ context }) => {
  test.setTimeout(420_000);
  const page = await context.newPage();
  await stubSavePicker(page);
  await openApp(page);
  await loadDemo(page);

  // The reference: the same wizard choices, never interrupted.
  const reference = await startFromWizard(page, /App storage, then download/);
  await waitForDone(page, reference);
  const referenceFiles = manifestFiles((await readOpfs(page, `exports/${reference}.zip`))!);
  expect(referenceFiles.filter((f) => f.format === 'gpx').length).toBeGreaterThan(ACTIVITIES / 2);

  // 1. App storage: closed at about half, downloaded by the reopened page once it is done.
  const stored = await startFromWizard(page, /App storage, then download/);
  const { next, download: downloaded } = await closeAtHalfAndReopen(page, stored, referenceFiles.length);
  const download = readFileSync((await (await downloaded).path())!);
  const storedZip = (await readOpfs(next, `exports/${stored}.zip`))!;
  expect(download.equals(storedZip)).toBe(true);
  expect(dataHashes(manifestFiles(storedZip))).toEqual(dataHashes(referenceFiles));

  // 2. A picked file: built resumably in app storage, closed at about half, then copied into the file.
  await next.close();
  const third = await context.newPage();
  await stubSavePicker(third);
  await openApp(third);
  const picked = await startFromWizard(third, /Save to a file you choose/);
  const fileName = (await third.locator(`article.job[data-id="${picked}"] h2`).textContent())!;
  const { next: last } = await closeAtHalfAndReopen(third, picked, referenceFiles.length);
  const card = last.locator(`article.job[data-id="${picked}"]`);
  await expect(card).toContainText(`Done: saved to ${fileName}`);
  const pickedZip = (await readOpfs(last, fileName))!;
  expect(dataHashes(manifestFiles(pickedZip))).toEqual(dataHashes(referenceFiles));
  // The picked file is the kept export: the workspace copy is gone, and History verifies the picked file.
  expect(await listOpfs(last, 'exports')).not.toContain(`${picked}.zip`);
  await last.getByRole('link', { name: 'History' }).click();
  const row = last.locator(`li.history[data-id="${picked}"]`);
  await expect(row).toHaveAttribute('data-status', 'DONE');
  await expect(row).toContainText('saved to a file you chose');
  await row.getByRole('button', { name: 'Verify' }).click();
  await expect(row.getByRole('status')).toContainText('Verified:', { timeout: 60_000 });
});

// "Retry what failed": a real partial export (GPX cannot carry the demo's pool swims, which have no GPS), then
// History's retry runs new background exports for exactly the skipped activities' time ranges.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { chooseActivityFormats, loadSmallDemo, openApp, readOpfs, unzip, waitForNewestJob } from './helpers.ts';

interface ManifestJson {
  request: { filter: { kinds: string[]; range?: { fromMs?: number; toMs?: number } }; formats: Record<string, string[]> };
  files: { path: string }[];
  skipped: { kind: string; id: string; reason: string }[];
}

function manifestOf(zip: Buffer): ManifestJson {
  return JSON.parse(readFileSync(join(unzip(zip), 'manifest.json'), 'utf8')) as ManifestJson;
}

test('Retry what failed re-runs a partial export for exactly the skipped kind and time ranges', async ({ page }) => {
  test.setTimeout(240_000);
  await openApp(page);
  await loadSmallDemo(page);

  await page.getByRole('link', { name: 'Export' }).click();
  await page.getByRole('radio', { name: 'All time' }).check();
  await chooseActivityFormats(page, ['GPX 1.1']);
  await page.getByRole('radio', { name: /App storage, then download/ }).check();
  await page.getByRole('button', { name: 'Preview export' }).click();
  const download = page.waitForEvent('download', { timeout: 90_000 });
  await page.getByRole('button', { name: 'Start export' }).click();
  expect(await waitForNewestJob(page)).toBe('DONE');
  const original = manifestOf(readFileSync((await (await download).path())!));
  const skippedIds = original.skipped.filter((s) => s.kind === 'activity').map((s) => s.id).sort();
  expect(skippedIds.length).toBeGreaterThan(0);
  expect(original.skipped.every((s) => s.reason.includes('no GPS positions'))).toBe(true);

  await page.getByRole('link', { name: 'History' }).click();
  const rowId = await page.locator('li.history').first().getAttribute('data-id');
  const row = page.locator(`li.history[data-id="${rowId}"]`);
  const retry = row.getByRole('button', { name: /^Retry what failed in the export of / });
  await expect(retry).toBeVisible({ timeout: 30_000 });
  await expect(retry).toHaveAttribute('aria-expanded', 'false');
  // Keyboard: focus the button, Enter opens the sentence and moves focus to Start retry.
  await retry.focus();
  await page.keyboard.press('Enter');
  await expect(retry).toHaveAttribute('aria-expanded', 'true');
  const description = row.getByTestId('retry-description');
  await expect(description).toContainText(/^Retries activities (from \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d|on \d{4}-\d\d-\d\d) \(\d+ skipped records?\)/);
  await expect(description).toContainText('will be skipped again unless they are fixed or re-synced first');
  const text = (await description.textContent()) ?? '';
  const start = row.getByRole('button', { name: 'Start retry' });
  await expect(start).toBeFocused();
  const jobsBefore = await page.evaluate(async () => (await (window as unknown as { takeawayJobs: { list(): Promise<{ id: string }[]> } }).takeawayJobs.list()).map((j) => j.id));
  await page.keyboard.press('Enter');
  await expect(row.getByRole('status')).toContainText(/^Started (a background export|\d background exports) for what failed/);

  // The new jobs: only activities, only GPX, one time range each, and together they meet exactly the skipped records.
  const jobs = await page.evaluate(async (before) => {
    const hooks = (window as unknown as { takeawayJobs: { list(): Promise<{ id: string; status: string; fileNames?: string[] }[]> } }).takeawayJobs;
    for (;;) {
      const fresh = (await hooks.list()).filter((j) => !before.includes(j.id));
      if (fresh.length > 0 && fresh.every((j) => ['COMPLETED', 'FAILED', 'CANCELLED'].includes(j.status))) return fresh;
      await new Promise((r) => setTimeout(r, 250));
    }
  }, jobsBefore);
  expect(jobs.length).toBe((text.match(/skipped record/g) ?? []).length);
  const retried: string[] = [];
  for (const job of jobs) {
    expect(job.status).toBe('COMPLETED');
    const manifest = manifestOf((await readOpfs(page, job.fileNames![0]))!);
    expect(manifest.request.filter.kinds).toEqual(['activity']);
    expect(manifest.request.formats).toEqual({ activity: ['gpx'] });
    const range = manifest.request.filter.range!;
    expect(range.toMs! - range.fromMs!).toBeLessThan(366 * 86_400_000);
    retried.push(...manifest.skipped.map((s) => s.id));
  }
  expect(retried.sort()).toEqual(skippedIds);

  // The audit log links each new job to the export it retries.
  await page.getByRole('link', { name: 'Audit' }).click();
  await page.getByRole('searchbox', { name: 'Search' }).fill('retry of job');
  await expect(page.getByRole('region', { name: 'Audit entries' }).getByText(/^retry of job /)).toHaveCount(jobs.length);
});

// Jobs that do not end normally (cancel, a closed tab) and the main thread staying responsive during a big run.

import { expect, test, type Page } from '@playwright/test';
import { listOpfs, openApp, readOpfs, stubSavePicker } from './helpers.ts';

/** Loads a bigger demo dataset through the test hook (the button offers only the two presets). */
async function loadDemo(page: Page, activityCount: number, samplesPerActivity: number): Promise<void> {
  await page.evaluate(async ([activityCount, samplesPerActivity]) => {
    const hooks = (window as unknown as { takeaway: { loadDemo(o: object): Promise<unknown> } }).takeaway;
    await hooks.loadDemo({ seed: 11, endMs: Date.UTC(2026, 10, 1), days: 200, activityCount, samplesPerActivity, includeHealth: true, genericCount: 50 });
  }, [activityCount, samplesPerActivity]);
}

async function startAllTimeExport(page: Page, destination: RegExp): Promise<void> {
  await page.getByRole('link', { name: 'Export' }).click();
  await page.getByLabel('All time').check();
  await page.getByRole('radio', { name: destination }).check();
  await page.getByRole('button', { name: 'Preview export' }).click();
  await page.getByRole('button', { name: 'Start export' }).click();
}

/** True when the bytes end with a zip end-of-central-directory record (what a finished archive has). */
function hasCentralDirectory(zip: Buffer): boolean {
  return zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06])) >= 0;
}

test('Cancel mid-run leaves no zip that claims to be complete', async ({ page }) => {
  await stubSavePicker(page);
  await openApp(page);
  await loadDemo(page, 40, 8_000);
  for (const destination of [/Save to a file you choose/, /App storage, then download/]) {
    await startAllTimeExport(page, destination);
    const card = page.locator('article.job').first();
    await expect(card.getByTestId('job-percent')).not.toHaveText('0%', { timeout: 30_000 });
    await card.getByRole('button', { name: 'Cancel' }).click();
    await expect(card).toHaveAttribute('data-status', 'CANCELLED');
    const name = (await card.getByRole('heading').textContent())!;
    if (destination.source.includes('Save')) {
      const picked = await readOpfs(page, name);
      // The browser drops createWritable's swap file on abort: the picked file stays as it was (empty).
      expect(picked === undefined || !hasCentralDirectory(picked)).toBe(true);
    } else {
      expect((await listOpfs(page, 'exports')).filter((n) => n.endsWith('.zip'))).toEqual([]);
    }
  }
  await page.getByRole('link', { name: 'History' }).click();
  await expect(page.locator('li.history[data-status="CANCELLED"]')).toHaveCount(2);
  await expect(page.locator('li.history[data-status="DONE"]')).toHaveCount(0);
});

test('a job left running by a closed tab shows as interrupted, never as done', async ({ page, context }) => {
  await openApp(page);
  await loadDemo(page, 40, 8_000);
  await startAllTimeExport(page, /App storage, then download/);
  await expect(page.locator('article.job').first().getByTestId('job-percent')).not.toHaveText('0%', { timeout: 30_000 });
  await page.close();
  const next = await context.newPage();
  await openApp(next, 'history');
  const row = next.locator('li.history').first();
  await expect(row).toHaveAttribute('data-status', 'INTERRUPTED');
  await expect(row).toContainText('Interrupted');
  await expect(row).toContainText('Start it again from Export');
  expect((await listOpfs(next, 'exports')).filter((n) => n.endsWith('.zip'))).toEqual([]);
});

test('the main thread has no long task over 50 ms while a 1M-sample export runs', async ({ page }) => {
  test.setTimeout(240_000);
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: { startTime: number; duration: number }[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__longTasks.push({ startTime: entry.startTime, duration: entry.duration, name: entry.name, attribution: JSON.stringify((entry as unknown as { attribution?: unknown[] }).attribution ?? []) } as never);
    }).observe({ type: 'longtask', buffered: true });
  });
  await openApp(page);
  await loadDemo(page, 125, 8_000);
  await page.getByRole('link', { name: 'Export' }).click();
  await page.getByLabel('All time').check();
  await page.getByRole('radio', { name: /App storage, then download/ }).check();
  await page.getByRole('button', { name: 'Preview export' }).click();
  await expect(page.getByText(/1,000,000 track samples/)).toBeVisible({ timeout: 60_000 });
  const startMs = await page.evaluate(() => performance.now());
  const startedAt = Date.now();
  await page.getByRole('button', { name: 'Start export' }).click();
  const card = page.locator('article.job').first();
  await expect(card).toHaveAttribute('data-status', 'DONE', { timeout: 200_000 });
  const elapsedS = (Date.now() - startedAt) / 1000;
  const endMs = await page.evaluate(() => performance.now());
  const longTasks = await page.evaluate((from) => (window as unknown as { __longTasks: { startTime: number; duration: number }[] }).__longTasks
    .filter((t) => t.startTime >= from), startMs);
  console.log(`1M-sample FIT+GPX+CSV export in the worker: ${elapsedS.toFixed(1)} s; long tasks on the main thread (ms after start of ${(endMs - startMs).toFixed(0)}): ${JSON.stringify(longTasks.map((t) => ({ ...t, atMs: Math.round(t.startTime - startMs) })))}`);
  expect(longTasks.filter((t) => t.duration > 50)).toEqual([]);
});

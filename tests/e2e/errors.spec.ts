// Errors a person can meet, in words with a way forward: storage full (needed vs free), the save picker
// refusing permission, and a dismissed picker (quiet).

import { expect, test, type Page } from '@playwright/test';
import { chooseYearExport, loadSmallDemo, openApp, waitForNewestJob } from './helpers.ts';

/** The picker throws the DOMException named in `window.__pickerError`, as Chromium does when it refuses. */
async function stubRefusingPicker(page: Page, name: 'NotAllowedError' | 'AbortError'): Promise<void> {
  await page.addInitScript((errorName) => {
    const w = window as unknown as { __pickerError: string; showSaveFilePicker: unknown };
    w.__pickerError = errorName;
    w.showSaveFilePicker = async () => { throw new DOMException('The picker was refused.', w.__pickerError); };
  }, name);
}

test('storage full: the preview says how much the export needs and how much is free', async ({ page }) => {
  // Chromium's CDP quota override answers "Internal error" here, so the browser's answer is stubbed: 20 KB free.
  await page.addInitScript(() => {
    const real = navigator.storage.estimate.bind(navigator.storage);
    navigator.storage.estimate = async () => {
      const { usage = 0 } = await real();
      return { usage, quota: usage + 20_000 };
    };
  });
  await openApp(page);
  await loadSmallDemo(page);
  await chooseYearExport(page, /App storage, then download/);
  const alert = page.getByRole('alert');
  await expect(alert).toContainText(/Not enough space: this export needs about [\d.]+ [KM]B; 20 KB is free for this app\./);
  await expect(alert).toContainText('Delete old exports in History or save to a file you choose.');
  // No export server behind the app here (vite preview): the offer says so instead of naming this origin as one.
  const offer = page.getByTestId('server-offer');
  await expect(offer).toContainText(/No export server answers at 127\.0\.0\.1:\d+: it sent a web page instead of the export server's API\./);
  await expect(offer.getByRole('button', { name: 'Run on the server' })).toHaveCount(0);
});

test('a save picker that refuses permission is explained with a way forward', async ({ page }) => {
  await stubRefusingPicker(page, 'NotAllowedError');
  await openApp(page);
  await loadSmallDemo(page);
  await chooseYearExport(page, /Save to a file you choose/);
  await page.getByRole('button', { name: 'Start export' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Permission to write the file was denied');
  await expect(alert).toContainText('choose "App storage, then download"');
  expect(await page.evaluate(() => (window as unknown as { takeaway: { liveJobs(): unknown[] } }).takeaway.liveJobs().length)).toBe(0);
});

test('dismissing the save picker is quiet: no error, no job', async ({ page }) => {
  await stubRefusingPicker(page, 'AbortError');
  await openApp(page);
  await loadSmallDemo(page);
  await chooseYearExport(page, /Save to a file you choose/);
  await page.getByRole('button', { name: 'Start export' }).click();
  await expect(page.getByRole('button', { name: 'Start export' })).toBeEnabled();
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(page.url()).toMatch(/#\/export$/);
  expect(await page.evaluate(() => (window as unknown as { takeaway: { liveJobs(): unknown[] } }).takeaway.liveJobs().length)).toBe(0);
});

test('while the save picker is open, the wizard says it waits for the choice and a second click opens no second picker', async ({ page }) => {
  await page.addInitScript(() => {
    const w = window as unknown as { __pickers: number; __choose: () => void; showSaveFilePicker: unknown };
    w.__pickers = 0;
    w.showSaveFilePicker = async (o?: { suggestedName?: string }) => {
      w.__pickers += 1;
      await new Promise<void>((resolve) => { w.__choose = resolve; });
      return (await navigator.storage.getDirectory()).getFileHandle(o?.suggestedName ?? 'picked.zip', { create: true });
    };
  });
  await openApp(page);
  await loadSmallDemo(page);
  await chooseYearExport(page, /Save to a file you choose/);
  const start = page.getByRole('button', { name: 'Start export' });
  await start.click();
  await expect(page.getByRole('status').filter({ hasText: 'Waiting for you to choose where to save the zip…' })).toBeVisible();
  await expect(start).toBeDisabled();
  await start.click({ force: true });
  expect(await page.evaluate(() => (window as unknown as { __pickers: number }).__pickers)).toBe(1);
  await page.evaluate(() => (window as unknown as { __choose: () => void }).__choose());
  expect(await waitForNewestJob(page)).toBe('DONE');
  expect(await page.evaluate(() => (window as unknown as { __pickers: number }).__pickers)).toBe(1);
});

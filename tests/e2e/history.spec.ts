// History: search by format and date, and the share fallback for a share sheet that refuses zips (Chromium
// takes PDF and CSV files but not application/zip).

import { expect, test, type Page } from '@playwright/test';
import { chooseActivityFormats, loadSmallDemo, openApp, waitForNewestJob } from './helpers.ts';

/** A share sheet like Chromium's: it accepts PDF and CSV files and refuses everything else (zips too). */
async function stubZipRefusingShare(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __shared: unknown[] };
    w.__shared = [];
    const accepted = new Set(['application/pdf', 'text/csv']);
    Object.defineProperty(navigator, 'canShare', {
      configurable: true,
      value: (d?: { files?: File[] }) => !!d?.files?.length && d.files.every((f) => accepted.has(f.type)),
    });
    Object.defineProperty(navigator, 'share', {
      configurable: true,
      value: async (d: { files?: File[] }) => {
        if (!d.files?.every((f) => accepted.has(f.type))) throw new TypeError('Permission denied');
        w.__shared.push({ files: d.files.map((f) => ({ name: f.name, type: f.type, size: f.size })), keys: Object.keys(d) });
      },
    });
  });
}

async function exportAllTime(page: Page, formats: string[]): Promise<void> {
  await page.getByRole('link', { name: 'Export' }).click();
  await page.getByRole('radio', { name: 'All time' }).check();
  await chooseActivityFormats(page, formats);
  await page.getByRole('radio', { name: /App storage, then download/ }).check();
  await page.getByRole('button', { name: 'Preview export' }).click();
  const download = page.waitForEvent('download', { timeout: 90_000 });
  await page.getByRole('button', { name: 'Start export' }).click();
  expect(await waitForNewestJob(page)).toBe('DONE');
  await download;
}

test('History finds exports by format and date, and shares PDF/CSV files where the zip is refused', async ({ page }) => {
  test.setTimeout(180_000);
  await stubZipRefusingShare(page);
  await openApp(page);
  await loadSmallDemo(page);
  await exportAllTime(page, ['FIT', 'GPX 1.1', 'CSV']);
  await exportAllTime(page, ['PDF report', 'CSV']);

  await page.getByRole('link', { name: 'History' }).click();
  const rows = page.locator('li.history');
  await expect(rows).toHaveCount(2);
  const format = page.getByLabel('Format');
  await format.selectOption({ label: 'GPX 1.1' });
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('GPX 1.1');
  await format.selectOption({ label: 'PDF report' });
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('PDF report');
  await format.selectOption({ label: 'Any format' });
  await expect(rows).toHaveCount(2);
  const today = await page.evaluate(() => new Date().toLocaleDateString('en-CA'));
  const tomorrow = await page.evaluate(() => new Date(Date.now() + 86_400_000).toLocaleDateString('en-CA'));
  await page.getByLabel('From', { exact: true }).fill(tomorrow);
  await expect(rows).toHaveCount(0);
  await expect(page.getByText('No export matches this search.')).toBeVisible();
  await page.getByLabel('From', { exact: true }).fill(today);
  await page.getByLabel('To', { exact: true }).fill(today);
  await expect(rows).toHaveCount(2);

  // The share sheet refuses the zip: the PDF export offers its PDF and CSV files instead, and says why.
  const pdfRow = rows.filter({ hasText: 'PDF report' });
  const share = pdfRow.getByRole('button', { name: /^Share \d+ PDF\/CSV files?$/ });
  await expect(share).toBeVisible({ timeout: 30_000 });
  await expect(pdfRow).toContainText("This browser's share sheet does not take zip files, so the zip is saved instead.");
  await expect(pdfRow.getByRole('button', { name: 'Share zip' })).toHaveCount(0);
  await share.click();
  await expect(pdfRow.getByRole('status')).toHaveText('Shared.');
  const shared = await page.evaluate(() => (window as unknown as { __shared: { files: { name: string; type: string; size: number }[]; keys: string[] }[] }).__shared);
  expect(shared).toHaveLength(1);
  expect(shared[0].keys).toEqual(['files']);
  const files = shared[0].files;
  expect(files.some((f) => f.type === 'application/pdf' && f.name.endsWith('.pdf') && f.size > 1000)).toBe(true);
  expect(files.every((f) => (f.type === 'text/csv' && f.name.endsWith('.csv')) || (f.type === 'application/pdf' && f.name.endsWith('.pdf')))).toBe(true);
  expect(files.every((f) => f.size > 0)).toBe(true);
});

test('Delete in History asks first, says what happens to the zip, and leaves an audit entry', async ({ page }) => {
  test.setTimeout(180_000);
  await openApp(page);
  await loadSmallDemo(page);
  await exportAllTime(page, ['GPX 1.1']);

  await page.getByRole('link', { name: 'History' }).click();
  const rows = page.locator('li.history');
  await expect(rows).toHaveCount(1);
  // Named in local time to the second, so two exports of one minute differ.
  await expect(rows.first()).toContainText(/takeaway-\d{4}-\d{2}-\d{2}-\d{6}\.zip/);
  await rows.first().getByRole('button', { name: /^Delete export of / }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Delete this export from History?' });
  await expect(confirm).toContainText(/The zip kept in app storage \(.+\.zip, [\d.]+ [KM]?B\) is deleted with it\. This cannot be undone\./);
  await expect(confirm.getByRole('button', { name: 'Delete export' })).toBeFocused();
  await confirm.getByRole('button', { name: 'Keep it' }).click();
  await expect(confirm).toHaveCount(0);
  await expect(rows).toHaveCount(1);

  await rows.first().getByRole('button', { name: /^Delete export of / }).click();
  await page.getByRole('alertdialog', { name: 'Delete this export from History?' }).getByRole('button', { name: 'Delete export' }).click();
  await expect(rows).toHaveCount(0);

  await page.getByRole('link', { name: 'Audit' }).click();
  const deleted = page.locator('tr[data-action="DELETED"]');
  await expect(deleted).toHaveCount(1);
  await expect(deleted).toContainText('user');
  await expect(deleted).toContainText(/History entry and its zip in app storage \(.+\.zip\) deleted/);
});

// Export end to end: demo data → FIT+GPX+CSV for a year → each save path → the zip read back, verified and
// its files checked by validators we did not write.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { Uint8ArrayReader } from '@zip.js/zip.js';
import Papa from 'papaparse';
import { verifyExport } from '../../src/engine/verify.ts';
import { VALIDATORS, chooseYearExport, listOpfs, loadSmallDemo, openApp, readOpfs, stubSavePicker, unzip, validate, walk } from './helpers.ts';

/** verify() plus one FIT, one GPX and one CSV through the outside validators. */
async function checkZip(zip: Buffer): Promise<void> {
  expect(zip.subarray(0, 2).toString('latin1')).toBe('PK');
  const report = await verifyExport(new Uint8ArrayReader(new Uint8Array(zip)));
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(true);
  const dir = unzip(zip);
  const files = walk(dir);
  const fit = files.find((f) => f.endsWith('.fit'));
  const gpx = files.find((f) => f.endsWith('.gpx'));
  const csv = files.find((f) => f.startsWith('activities/') && f.endsWith('.csv'));
  expect(fit, files.join('\n')).toBeDefined();
  expect(gpx).toBeDefined();
  expect(csv).toBeDefined();
  validate('node', [join(VALIDATORS, 'validate-fit.mjs'), join(dir, fit!)]);
  validate(join(VALIDATORS, 'validate-gpx.sh'), [join(dir, gpx!)]);
  const parsed = Papa.parse<Record<string, string>>(readFileSync(join(dir, csv!), 'utf8'), { header: true, skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  expect(parsed.meta.fields).toEqual(expect.arrayContaining(['id', 'sport', 'name']));
  expect(parsed.data.length).toBe(30);
}

test.describe('export', () => {
  test('streams through the save picker into the chosen file', async ({ page }) => {
    await stubSavePicker(page);
    await openApp(page);
    await loadSmallDemo(page);
    await chooseYearExport(page, /Save to a file you choose/);
    await expect(page.getByText('Files in the zip')).toBeVisible();
    await expect(page.locator('.csv-preview').first()).toContainText('activities');
    // The resumable way to a picked file (the default when it fits) is covered by wizard-resume.spec.ts.
    await page.getByRole('radio', { name: /^Stream straight to the file/ }).check();
    // "30 activities, 365 daily steps, …, 123,456 track samples.": what the card must count, each record and sample once.
    const planned = ((await page.getByTestId('preview-counts').textContent()) ?? '').match(/[\d,]+/g)!.map((n) => Number(n.replaceAll(',', '')));
    const plannedSamples = planned.pop()!;
    const plannedRecords = planned.reduce((sum, n) => sum + n, 0);
    await page.getByRole('button', { name: 'Start export' }).click();
    const card = page.locator('article.job').first();
    await expect(card).toHaveAttribute('data-status', 'DONE', { timeout: 90_000 });
    // FIT, GPX and CSV each read the activities, and FIT and GPX each read the tracks: still counted once.
    await expect(card.getByTestId('job-records')).toHaveText(`${plannedRecords.toLocaleString('en-US')} + ${plannedSamples.toLocaleString('en-US')} samples`);
    const name = (await card.getByRole('heading').textContent())!;
    expect(name).toMatch(/^takeaway-.*\.zip$/);
    const zip = await readOpfs(page, name);
    expect(zip).toBeDefined();
    await checkZip(zip!);
    await page.getByRole('link', { name: 'History' }).click();
    const row = page.locator('li.history').first();
    await expect(row).toHaveAttribute('data-status', 'DONE');
    await row.getByRole('button', { name: 'Verify' }).click();
    await expect(row.getByRole('status')).toContainText('Verified:', { timeout: 30_000 });
  });

  test('writes into the OPFS workspace and downloads the disk-backed file', async ({ page }) => {
    await openApp(page);
    await loadSmallDemo(page);
    await chooseYearExport(page, /App storage, then download/);
    const download = page.waitForEvent('download', { timeout: 90_000 });
    await page.getByRole('button', { name: 'Start export' }).click();
    const downloaded = readFileSync((await (await download).path())!);
    const card = page.locator('article.job').first();
    await expect(card).toHaveAttribute('data-status', 'DONE');
    const kept = await listOpfs(page, 'exports');
    expect(kept.filter((n) => n.endsWith('.zip'))).toHaveLength(1);
    const zip = await readOpfs(page, `exports/${kept.find((n) => n.endsWith('.zip'))}`);
    expect(zip!.equals(downloaded)).toBe(true);
    await checkZip(downloaded);
  });

  test('falls back to a download held in memory', async ({ page }) => {
    await openApp(page);
    await loadSmallDemo(page);
    await chooseYearExport(page, /Download \(held in memory\)/);
    await expect(page.getByText(/held in memory on this browser/)).toBeVisible();
    const download = page.waitForEvent('download', { timeout: 90_000 });
    await page.getByRole('button', { name: 'Start export' }).click();
    const downloaded = readFileSync((await (await download).path())!);
    await checkZip(downloaded);
    expect(await listOpfs(page, 'exports')).toEqual([]);
  });
});

// Account exports dropped on the app (issue 17): a synthetic Apple Health export.zip and a Garmin "Export Your Data"
// zip (tests/helpers), told by their layout in the import worker, then exported as FIT, GPX and CSV; the export's
// counts are the fixtures' known contents.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { appleHealthExportZip, expectedAppleHealth, type AppleHealthSpec } from '../helpers/apple-health-export.ts';
import { GARMIN_EXPECTED, garminExportZip } from '../helpers/account-exports.ts';
import { openApp, unzip, walk } from './helpers.ts';

const APPLE: AppleHealthSpec = { days: 6, heartRatePerDay: 40, routePoints: 120, firstDay: '2025-05-01' };

async function drop(page: Page, name: string, bytes: Uint8Array): Promise<void> {
  const transfer = await page.evaluateHandle(({ data, fileName }) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(data)], fileName, { type: 'application/zip' }));
    return dt;
  }, { data: [...bytes], fileName: name });
  await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer: transfer });
}

/** Data rows of a CSV (its header and blank lines left out). */
function rows(file: string): number {
  return readFileSync(file, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/).filter((line) => line.trim() !== '').length - 1;
}

test('an Apple Health export.zip and a Garmin export dropped on the app export as FIT, GPX and CSV with their known counts', async ({ page }) => {
  const apple = expectedAppleHealth(APPLE);
  await openApp(page);
  await drop(page, 'export.zip', await appleHealthExportZip(APPLE));
  const appleRecords = apple.steps.length + apple.weights + apple.sleeps + apple.heartRateDays;
  await expect(page.locator('li[data-file="export.zip"]')).toContainText(`added ${apple.activities} activities, ${appleRecords} records`, { timeout: 60_000 });
  await drop(page, 'garmin-export.zip', await garminExportZip());
  const garminRecords = GARMIN_EXPECTED.sleeps + GARMIN_EXPECTED.weights.length + GARMIN_EXPECTED.steps.length;
  await expect(page.locator('li[data-file="garmin-export.zip"]')).toContainText(`added ${GARMIN_EXPECTED.activitySamples.length} activities, ${garminRecords} records`, { timeout: 60_000 });
  const activities = apple.activities + GARMIN_EXPECTED.activitySamples.length;
  await expect(page.getByTestId('count-activity')).toHaveText(String(activities));

  await page.getByRole('link', { name: 'Export' }).click();
  await page.getByLabel('Custom range').check();
  await page.getByLabel('From (UTC day)').fill('2025-01-01');
  await page.getByLabel('To, included').fill('2025-12-31');
  const activityFormats = page.getByRole('group', { name: 'Formats for Activities' });
  for (const name of ['FIT', 'GPX 1.1', 'CSV']) await expect(activityFormats.getByLabel(name, { exact: true })).toBeChecked();
  await page.getByRole('radio', { name: /Download \(held in memory\)/ }).check();
  await page.getByRole('button', { name: 'Preview export' }).click();
  await expect(page.getByRole('heading', { name: 'Preview' })).toBeVisible({ timeout: 30_000 });
  const download = page.waitForEvent('download', { timeout: 90_000 });
  await page.getByRole('button', { name: 'Start export' }).click();
  const out = unzip(readFileSync((await (await download).path())!));
  const files = walk(out);

  expect(files.filter((f) => f.startsWith('activities/fit/'))).toHaveLength(activities);
  // Strength workouts have no route, so GPX leaves them out (named in the manifest); every other activity has one.
  const strength = apple.activities - apple.runs;
  expect(files.filter((f) => f.startsWith('activities/gpx/'))).toHaveLength(activities - strength);
  expect(rows(join(out, 'activities/activities.csv'))).toBe(activities);
  expect(rows(join(out, 'health/steps.csv'))).toBe(apple.steps.length + GARMIN_EXPECTED.steps.length);
  expect(rows(join(out, 'health/weight.csv'))).toBe(apple.weights + GARMIN_EXPECTED.weights.length);
  expect(rows(join(out, 'health/sleep.csv'))).toBe(apple.sleeps + GARMIN_EXPECTED.sleeps);
  expect(rows(join(out, 'records/heart_rate_daily.csv'))).toBe(apple.heartRateDays);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { leftOut?: Record<string, unknown[]> };
  expect(manifest.leftOut?.gpx ?? []).toHaveLength(strength);
  expect(readdirSync(join(out, 'activities/fit')).every((name) => name.endsWith('.fit'))).toBe(true);
});

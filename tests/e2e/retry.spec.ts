// "Retry what failed" is offered only where something failed: GPX cannot carry the demo's pool swims (no GPS),
// which the manifest lists under `leftOut`, not `skipped`; the History row is Done, says what was left out and
// offers no retry. (The retry of a partial or failed export is planned and run in src/jobs/retry.test.ts.)

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { chooseActivityFormats, loadSmallDemo, openApp, unzip, waitForNewestJob } from './helpers.ts';

interface ManifestJson {
  skipped: { kind: string; id: string; reason: string }[];
  leftOut: Record<string, { kind: string; id: string; reason: string }[]>;
}

function manifestOf(zip: Buffer): ManifestJson {
  return JSON.parse(readFileSync(join(unzip(zip), 'manifest.json'), 'utf8')) as ManifestJson;
}

test('a GPX export with pool swims is complete: left out by design, not partial, no retry', async ({ page }) => {
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
  const manifest = manifestOf(readFileSync((await (await download).path())!));
  expect(manifest.skipped).toEqual([]);
  const leftOut = manifest.leftOut.gpx ?? [];
  expect(leftOut.length).toBeGreaterThan(0);
  expect(leftOut.every((l) => l.kind === 'activity' && l.reason.includes('no GPS positions'))).toBe(true);

  await page.getByRole('link', { name: 'History' }).click();
  const rowId = await page.locator('li.history').first().getAttribute('data-id');
  const row = page.locator(`li.history[data-id="${rowId}"]`);
  await expect(row.getByTestId('left-out-count')).toHaveText(new RegExp(`^${leftOut.length} record\\(s\\) left out of formats that cannot carry them`));
  // The row is rendered from its History entry at once: nothing below waits on a later load.
  await expect(row.locator('.badge')).toHaveText('Done');
  await expect(row.getByTestId('skipped-count')).toHaveCount(0);
  await expect(row.getByRole('button', { name: /^Retry what failed/ })).toHaveCount(0);
});

// Import from the Data screen: real device files through the file picker and the drop zone, a corrupt
// file reported while the others import, and files shared to the installed app (share_target → SW).

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { REPO_ROOT, openApp, waitForServiceWorker } from './helpers.ts';

const CORPUS = resolve(REPO_ROOT, '../shared/corpus');
const FIT = resolve(CORPUS, 'fit/fenix5-run.fit');
const GPX = resolve(CORPUS, 'gpx/run-2067489619.gpx');

async function activityCount(page: Page): Promise<number> {
  return page.evaluate(async () => (await (window as unknown as { takeaway: { storeCounts(): Promise<{ activity: { count: number } }> } }).takeaway.storeCounts()).activity.count);
}

test('picked device files import with a line each; a corrupt file shows its error while the others import', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('count-activity')).toHaveText('0');
  const corrupt = Buffer.concat([readFileSync(FIT).subarray(0, 14), Buffer.from('this is not a FIT record stream at all')]);
  await page.getByLabel('Choose files…').setInputFiles([
    { name: 'fenix5-run.fit', mimeType: 'application/octet-stream', buffer: readFileSync(FIT) },
    { name: 'broken-watch.fit', mimeType: 'application/octet-stream', buffer: corrupt },
    { name: 'run-2067489619.gpx', mimeType: 'application/gpx+xml', buffer: readFileSync(GPX) },
  ]);
  await expect(page.getByTestId('import-status')).toHaveText('Imported 2 of 3 files; 1 could not be read.', { timeout: 60_000 });
  await expect(page.locator('li[data-file="fenix5-run.fit"]')).toContainText('added 1 activity');
  await expect(page.locator('li[data-file="run-2067489619.gpx"]')).toContainText('added 1 activity');
  const broken = page.locator('li[data-file="broken-watch.fit"]');
  await expect(broken).toHaveClass(/error/);
  await expect(broken).toContainText('not imported — ');
  await expect(page.getByTestId('count-activity')).toHaveText('2');
  expect(await activityCount(page)).toBe(2);

  // The same file again is recognised and skipped, not stored twice.
  await page.getByLabel('Choose files…').setInputFiles(FIT);
  await expect(page.locator('li[data-file="fenix5-run.fit"]')).toContainText('1 already stored, skipped', { timeout: 60_000 });
  expect(await activityCount(page)).toBe(2);
});

test('a GPX with one unusable point imports the rest and names the point it left out', async ({ page }) => {
  await openApp(page);
  const point = (lat: string, second: number) => `<trkpt lat="${lat}" lon="8.1"><time>2024-05-01T06:00:0${second}Z</time></trkpt>`;
  const gpx = `<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>${point('47.1', 0)}${point('100', 1)}${point('47.2', 2)}</trkseg></trk></gpx>`;
  await page.getByLabel('Choose files…').setInputFiles([{ name: 'paused.gpx', mimeType: 'application/gpx+xml', buffer: Buffer.from(gpx) }]);
  const line = page.locator('li[data-file="paused.gpx"]');
  await expect(line).toContainText('added 1 activity', { timeout: 60_000 });
  await expect(line.getByTestId('import-warnings')).toHaveText(' — left out: <trkpt> #2 of the track dropped: lat="100" is out of range -90..90');
  await expect(line).toHaveClass(/ok/);
});

test('files dropped on the drop zone are imported', async ({ page }) => {
  await openApp(page);
  const bytes = [...readFileSync(GPX)];
  const transfer = await page.evaluateHandle((data) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(data)], 'dropped-run.gpx', { type: 'application/gpx+xml' }));
    return dt;
  }, bytes);
  await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer: transfer });
  await expect(page.locator('li[data-file="dropped-run.gpx"]')).toContainText('added 1 activity', { timeout: 60_000 });
  await expect(page.getByTestId('count-activity')).toHaveText('1');
});

test('files shared to the app (share_target POST) are stashed by the service worker and imported', async ({ page }) => {
  await openApp(page);
  await waitForServiceWorker(page);
  const manifest = await page.evaluate(async () => (await fetch('/manifest.webmanifest')).json());
  expect(manifest.share_target).toMatchObject({ action: '/share-target', method: 'POST', enctype: 'multipart/form-data' });
  expect(manifest.file_handlers[0].accept['application/zip']).toEqual(['.zip']);
  // What the OS share sheet does: a multipart POST to the action, here from the controlled page.
  const fit = [...readFileSync(FIT)];
  const redirectedTo = await page.evaluate(async (data) => {
    const form = new FormData();
    form.append('files', new File([new Uint8Array(data)], 'shared-run.fit', { type: 'application/octet-stream' }));
    const response = await fetch('/share-target', { method: 'POST', body: form, redirect: 'manual' });
    return response.type;
  }, fit);
  expect(redirectedTo).toBe('opaqueredirect');
  await page.goto('/?import=shared#/data');
  await page.evaluate(() => (window as unknown as { takeaway: { ready: Promise<unknown> } }).takeaway.ready);
  await expect(page.locator('li[data-file="shared-run.fit"]')).toContainText('added 1 activity', { timeout: 60_000 });
  await expect(page.getByTestId('count-activity')).toHaveText('1');
  expect(page.url()).toMatch(/\/#\/data$/);
  // Taken once: the stash is empty afterwards.
  expect(await page.evaluate(async () => (await (await caches.open('takeaway-shared-files')).keys()).length)).toBe(0);
});

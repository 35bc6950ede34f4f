// Privacy in the wizard: privacy options reach the manifest, a password gives an AES-encrypted zip that 7-Zip
// opens (and refuses with a wrong password) while the password is nowhere in IndexedDB or web storage; and the
// Data screen's "Delete everything" leaves no database and no OPFS file and says when it is done.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { chooseYearExport, loadSmallDemo, openApp, SCREENSHOTS, walk } from './helpers.ts';

const PASSWORD = 'Tangerine-Kayak-41-Orbit';

/** Every object store of every IndexedDB database, plus local and session storage, as one string. */
async function dumpBrowserStorage(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const replacer = (_key: string, value: unknown) => (ArrayBuffer.isView(value) ? `[${value.constructor.name} ${(value as Uint8Array).byteLength}]` : value);
    const parts: string[] = [];
    for (const { name } of await indexedDB.databases()) {
      if (!name) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(name);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      for (const store of [...db.objectStoreNames]) {
        const rows = await new Promise<unknown[]>((resolve, reject) => {
          const request = db.transaction(store, 'readonly').objectStore(store).getAll();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        parts.push(`${name}/${store}: ${JSON.stringify(rows, replacer)}`);
      }
      db.close();
    }
    parts.push(`localStorage: ${JSON.stringify({ ...localStorage })}`, `sessionStorage: ${JSON.stringify({ ...sessionStorage })}`);
    return parts.join('\n');
  });
}

/** Great-circle distance, metres (haversine on a 6 371 km sphere). */
function distanceM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(a));
}

test('privacy options and a password: encrypted zip that 7-Zip opens, transformations in the manifest, no password stored', async ({ page }) => {
  test.setTimeout(240_000);
  await openApp(page);
  await loadSmallDemo(page);
  await page.getByRole('link', { name: 'Export' }).click();

  await page.getByRole('button', { name: 'Add a privacy zone' }).click();
  const zone = page.getByRole('group', { name: 'Privacy zone 1' });
  const activity = zone.getByLabel("Centre on an activity's start");
  await activity.selectOption({ index: 1 });
  await expect(zone.getByLabel('Latitude (°)')).not.toHaveValue('0');
  const centre = { lat: Number(await zone.getByLabel('Latitude (°)').inputValue()), lon: Number(await zone.getByLabel('Longitude (°)').inputValue()) };
  await zone.getByLabel('Radius (m)').fill('400');
  await page.getByLabel('Remove the whole sample (totals recomputed)').check();
  await page.getByLabel('Leave out device serial numbers').check();
  await page.getByLabel(/^Pseudonymise/).check();
  await page.getByLabel('Time shift, days (0 for none)').fill('3');

  await page.getByLabel('Password (optional)').fill('password');
  await expect(page.getByTestId('password-strength')).toContainText('very weak');
  await page.getByLabel('Password (optional)').fill(PASSWORD);
  await expect(page.getByTestId('password-strength')).toContainText(/strong/);

  const results = await new AxeBuilder({ page }).include('.privacy').include('.password').analyze();
  expect(results.violations).toEqual([]);
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.locator('.privacy').screenshot({ path: `${SCREENSHOTS}/privacy-options-${width}.png` });
    await page.locator('.password').screenshot({ path: `${SCREENSHOTS}/password-${width}.png` });
  }

  await chooseYearExport(page, /Download \(held in memory\)/);
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByRole('button', { name: 'Start export' }).click()]);
  const dir = mkdtempSync(join(tmpdir(), 'takeaway-privacy-ui-'));
  const zipPath = join(dir, 'export.zip');
  writeFileSync(zipPath, readFileSync((await download.path())!));

  execFileSync('7z', ['t', `-p${PASSWORD}`, zipPath], { stdio: 'pipe', timeout: 60_000 });
  const wrong = spawnSync('7z', ['t', '-pnot-the-password', zipPath], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  expect(wrong.status).not.toBe(0);
  // The manifest is encrypted too: neither its name nor its content is in the raw bytes.
  const raw = readFileSync(zipPath).toString('latin1');
  for (const plain of ['manifest.json', 'transformations', 'README.txt', '<trkpt']) expect(raw).not.toContain(plain);
  // docs/privacy.md: the encrypted zip holds one entry, the normal export (names and manifest included).
  execFileSync('7z', ['x', `-p${PASSWORD}`, `-o${join(dir, 'outer')}`, zipPath], { stdio: 'pipe', timeout: 60_000 });
  expect(walk(join(dir, 'outer'))).toEqual(['takeaway-export.zip']);
  execFileSync('unzip', ['-q', join(dir, 'outer', 'takeaway-export.zip'), '-d', join(dir, 'out')]);
  const manifest = JSON.parse(readFileSync(join(dir, 'out', 'manifest.json'), 'utf8')) as { transformations: string[] };
  const words = manifest.transformations.join('\n');
  expect(words).toContain('privacy zones (1): samples inside removed');
  expect(words).toContain('device serial numbers removed');
  expect(words).toContain('replaced by pseudonyms');
  expect(words).toContain('all times shifted');

  // No exported GPX point lies inside the zone.
  let points = 0;
  let nearestM = Infinity;
  for (const file of walk(join(dir, 'out')).filter((f) => f.endsWith('.gpx'))) {
    for (const match of readFileSync(join(dir, 'out', file), 'utf8').matchAll(/<trkpt lat="([-\d.]+)" lon="([-\d.]+)"/g)) {
      points += 1;
      nearestM = Math.min(nearestM, distanceM(centre.lat, centre.lon, Number(match[1]), Number(match[2])));
    }
  }
  expect(points).toBeGreaterThan(1000);
  expect(nearestM).toBeGreaterThan(400);

  const stored = await dumpBrowserStorage(page);
  expect(stored).toContain('exportHistory');
  expect(stored).not.toContain(PASSWORD);
  // Only that it was encrypted is kept: History then offers no retry, which would come out unencrypted.
  expect(stored).toContain('"encrypted":true');
});

test('History marks a password export and verifies it only with its password, which it does not keep', async ({ page }) => {
  test.setTimeout(240_000);
  await openApp(page);
  await loadSmallDemo(page);
  await page.getByRole('link', { name: 'Export' }).click();
  await page.getByLabel('Password (optional)').fill(PASSWORD);
  await chooseYearExport(page, /App storage, then download/);
  const download = page.waitForEvent('download', { timeout: 120_000 });
  await page.getByRole('button', { name: 'Start export' }).click();
  await download;

  await page.getByRole('link', { name: 'History' }).click();
  const row = page.locator('li.history').first();
  await expect(row.locator('.badge.encrypted')).toHaveText('Encrypted');
  await expect(row.locator('.badge.done')).toHaveText('Done');
  const verify = row.getByRole('button', { name: 'Verify', exact: true });
  await expect(verify).toHaveAttribute('aria-expanded', 'false');
  await verify.click();
  const form = row.getByRole('form', { name: 'Verify the encrypted export' });
  const field = form.getByLabel('Password of this export');
  await expect(field).toBeFocused();
  await field.fill('not-the-password');
  await form.getByRole('button', { name: 'Verify with this password' }).click();
  await expect(row.getByRole('status')).toHaveText('Wrong password: this export was encrypted with another one.', { timeout: 60_000 });
  await expect(field).toHaveValue('');
  await field.fill(PASSWORD);
  await form.getByRole('button', { name: 'Verify with this password' }).click();
  await expect(row.getByRole('status')).toHaveText(/^Verified: \d+ files of the encrypted export match the manifest\.$/, { timeout: 60_000 });
  await expect(row).toContainText(/Last verified .*: every file matches its checksum\./);
  expect(await dumpBrowserStorage(page)).not.toContain(PASSWORD);
});

test('Delete everything, after a confirmation, removes every database and OPFS file, says it is done, and leaves an empty app that works without a reload', async ({ page }) => {
  await openApp(page);
  await loadSmallDemo(page);
  await page.evaluate(async () => {
    const file = await (await navigator.storage.getDirectory()).getFileHandle('leftover.zip', { create: true });
    const writable = await file.createWritable();
    await writable.write(new Uint8Array(1 << 20));
    await writable.close();
  });
  await page.getByRole('button', { name: 'Delete everything…' }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Delete everything Takeaway keeps in this browser?' });
  await expect(dialog).toBeVisible();
  expect((await new AxeBuilder({ page }).include('.wipe').analyze()).violations).toEqual([]);
  await page.setViewportSize({ width: 360, height: 800 });
  await page.locator('.wipe').screenshot({ path: `${SCREENSHOTS}/delete-confirm-360.png` });
  await dialog.getByRole('button', { name: 'Yes, delete everything' }).click();

  const status = page.getByTestId('wipe-status');
  await expect(status).toContainText('Done: everything Takeaway kept in this browser is deleted.', { timeout: 60_000 });
  await expect(status).toContainText('leftover.zip');
  await page.locator('.wipe').screenshot({ path: `${SCREENSHOTS}/delete-done-360.png` });
  const after = await page.evaluate(async () => {
    const names: string[] = [];
    for await (const name of (await navigator.storage.getDirectory() as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
    return { opfs: names, caches: await caches.keys(), local: localStorage.length };
  });
  expect(after).toEqual({ opfs: [], caches: [], local: 0 });

  // The app goes on at once, empty and working, without a reload: the counts say 0 (the database opened again
  // empty, as on a first visit), still 0 after leaving the screen and coming back, and the demo loads again.
  for (const kind of ['activity', 'steps', 'record']) await expect(page.getByTestId(`count-${kind}`)).toHaveText('0');
  await page.getByRole('link', { name: 'History' }).click();
  await page.getByRole('link', { name: 'Data' }).click();
  for (const kind of ['activity', 'steps', 'record']) await expect(page.getByTestId(`count-${kind}`)).toHaveText('0');
  expect(await page.evaluate(async () => Object.values(await (window as unknown as { takeaway: { storeCounts(): Promise<Record<string, { count: number }>> } })
    .takeaway.storeCounts()).map((c) => c.count))).toEqual([0, 0, 0, 0, 0]);
  await loadSmallDemo(page);
});

// Sync on the Data screen against the emulated records API: counts go up, records failing validation are
// kept aside (and saved as JSONL/CSV), a failing API pauses the sync and says until when, a resumed sync after
// a cut continues from its cursor without duplicates, and a 401 asks to sign in again.

import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { RECORD_KINDS } from '../../src/model/records.ts';
import type { RecordsApi } from '../mocks/records-api.ts';
import { openApp, SCREENSHOTS } from './helpers.ts';
import { routeRecordsApi } from './records-route.ts';

// The app's own service worker would stand between the page and page.route(); these tests do not need it.
test.use({ serviceWorkers: 'block' });

async function signInAndSync(page: Page, token: string): Promise<void> {
  await page.getByLabel('Access token').fill(token);
  await page.getByRole('button', { name: 'Save and sync' }).click();
}

/** Valid live records the server holds per kind (malformed ones excluded). */
function serverCounts(api: RecordsApi, malformed: Set<string>): Record<string, number> {
  return Object.fromEntries(RECORD_KINDS.map((kind) => [kind, api.records(kind).filter((r) => !malformed.has(String(r.id))).length]));
}

async function localCounts(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    const counts = await (window as unknown as { takeaway: { storeCounts(): Promise<Record<string, { count: number }>> } }).takeaway.storeCounts();
    return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v.count]));
  });
}

test('Sync now fills the store from the records API and keeps malformed records aside with reasons', async ({ page }) => {
  const api = await routeRecordsApi(page, { hasMalformedRecords: true });
  await openApp(page);
  await expect(page.getByTestId('count-activity')).toHaveText('0');
  await signInAndSync(page, 'demo-token');
  await expect(page.getByTestId('sync-status')).toHaveText('Sync finished.', { timeout: 60_000 });

  const malformed = new Set(['bad-weight-text', 'bad-steps-negative', 'bad-activity-sport']);
  expect(await localCounts(page)).toEqual(serverCounts(api, malformed));
  await expect(page.getByTestId('count-activity')).toHaveText(String(serverCounts(api, malformed).activity));
  await expect(page.getByTestId('sync-stored-activity')).toHaveText(String(serverCounts(api, malformed).activity));
  // The requests came from the sync worker, not the page.
  expect(api.requests.length).toBeGreaterThan(10);

  const kept = page.getByRole('region', { name: 'Records kept aside' });
  await expect(page.getByTestId('quarantine-count')).toHaveText('(3)');
  for (const id of malformed) await expect(kept.locator(`tr[data-record-id="${id}"]`)).toBeVisible();
  const [jsonl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save as JSON lines' }).click()]);
  const lines = readFileSync((await jsonl.path())!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { recordId: string; reason: string });
  expect(new Set(lines.map((l) => l.recordId))).toEqual(malformed);
  for (const line of lines) expect(line.reason.length).toBeGreaterThan(5);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save as CSV' }).click()]);
  expect(readFileSync((await csv.path())!, 'utf8').split('\r\n')[0]).toBe('seq,atIso,kind,source,recordId,field,reason,rawJson');

  // A second sync asks only for what changed and changes nothing.
  const before = api.requests.length;
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(page.getByTestId('sync-status')).toHaveText('Sync finished.');
  expect(api.requests.slice(before).every((r) => r.path.endsWith('/samples') || r.query.updated_since !== undefined)).toBe(true);
  expect(await localCounts(page)).toEqual(serverCounts(api, malformed));

  const results = await new AxeBuilder({ page }).include('.sync').include('.quarantine').analyze();
  expect(results.violations).toEqual([]);
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.locator('.sync').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}/sync-${width}.png`, fullPage: true });
  }
});

test('a failing API pauses the sync with its end time; after a cut the next sync resumes without duplicates', async ({ page }) => {
  const api = await routeRecordsApi(page, { pageSize: 3 });
  // Let the sync get going, then cut one page mid-body and answer 503 (Retry-After: 0) four times: five
  // consecutive failures open the breaker.
  api.queueFaults([{ type: 'cut-mid-body' }, ...Array.from({ length: 4 }, () => ({ type: 'status' as const, status: 503 as const, retryAfterS: 0 }))], { afterRequests: 8 });
  await openApp(page);
  await signInAndSync(page, 'demo-token');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText(/keeps failing, so sync is paused until \d\d:\d\d/, { timeout: 60_000 });
  const partial = await localCounts(page);
  const total = serverCounts(api, new Set());
  expect(Object.values(partial).reduce((a, b) => a + b, 0)).toBeLessThan(Object.values(total).reduce((a, b) => a + b, 0));
  await expect(page.locator('.sync')).toContainText('stopped part-way; resumes next time');
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.locator('.sync').screenshot({ path: `${SCREENSHOTS}/sync-paused-${width}.png` });
  }

  // A new page has a new sync worker (its breaker closed): the sync continues from the saved cursor.
  const cutAt = api.requests.length;
  await page.reload();
  await page.waitForFunction(() => 'takeaway' in window);
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(page.getByTestId('sync-status')).toHaveText('Sync finished.', { timeout: 60_000 });
  const firstAfter = api.requests[cutAt];
  expect(firstAfter.query.cursor).toBeDefined();
  expect(await localCounts(page)).toEqual(total);
  // Upserts by id: every activity's track is stored once (chunk rows = the server's chunk count).
  const chunkRows = await page.evaluate(async () => (window as unknown as { takeaway: { readDb: { trackChunks: { count(): Promise<number> } } } }).takeaway.readDb.trackChunks.count());
  const serverChunks = api.records('activity').reduce((n, a) => n + api.track(String(a.id)).length, 0);
  expect(chunkRows).toBe(serverChunks);
});

test('a refused token asks to sign in again, and a new token syncs', async ({ page }) => {
  const api = await routeRecordsApi(page);
  await openApp(page);
  await signInAndSync(page, 'expired-token');
  await expect(page.getByRole('heading', { name: 'Sign in again' })).toBeVisible({ timeout: 30_000 });
  expect(api.requests.some((r) => r.status === 401)).toBe(true);
  await signInAndSync(page, 'demo-token');
  await expect(page.getByTestId('sync-status')).toHaveText('Sync finished.', { timeout: 60_000 });
  await expect(page.getByRole('heading', { name: 'Sign in again' })).toHaveCount(0);
  expect((await localCounts(page)).activity).toBe(api.records('activity').length);
});

// The installed app: offline reload and export, the share sheet hand-off, accessibility and screenshots.

import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { SCREENSHOTS, chooseYearExport, loadSmallDemo, openApp, readOpfs, stubSavePicker, stubShare, waitForServiceWorker } from './helpers.ts';

test('the first visit loads the demo data, ending yesterday, and the Data screen counts it', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('/?demo=small');
  await expect(page.getByRole('heading', { name: 'Your data' })).toBeVisible();
  await expect(page.getByTestId('count-activity')).toHaveText('30', { timeout: 60_000 });
  await expect(page.getByTestId('count-steps')).not.toHaveText('0');
  // Daily steps are made for every day of the demo, so their last day is the demo's last day: yesterday (UTC).
  const yesterday = await page.evaluate(() => new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' })
    .format(Math.floor(Date.now() / 86_400_000) * 86_400_000 - 86_400_000));
  await expect(page.locator('tr[data-kind="steps"] td').nth(2)).toHaveText(yesterday);
  // Loading the demo is no sync.
  await expect(page.getByText(/^(No data yet: .*)?Last sync: never\.$/)).toBeVisible();
});

test('on a first visit straight to the wizard, its tag and category lists fill in as the demo is written', async ({ page }) => {
  await page.goto('/?demo=small#/export');
  await expect(page.getByRole('heading', { name: 'Export', exact: true })).toBeVisible();
  await expect(page.getByLabel('Tags (any of)').locator('option', { hasText: 'client' })).toHaveCount(1, { timeout: 60_000 });
  await expect(page.getByLabel('Categories (any of)').locator('option')).not.toHaveCount(0);
  await page.getByRole('link', { name: 'Data' }).click();
  await expect(page.getByTestId('count-activity')).toHaveText('30');
});

test('reloads offline and exports offline', async ({ page, context }) => {
  await stubSavePicker(page);
  await openApp(page);
  await waitForServiceWorker(page);
  await loadSmallDemo(page);
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Your data' })).toBeVisible();
  await expect(page.getByTestId('count-activity')).toHaveText('30');
  await page.goto('/?demo=none#/history');
  await expect(page.getByRole('heading', { name: 'History' })).toBeVisible();
  await chooseYearExport(page, /Save to a file you choose/);
  await page.getByRole('button', { name: 'Start export' }).click();
  const card = page.locator('article.job').first();
  await expect(card).toHaveAttribute('data-status', 'DONE', { timeout: 90_000 });
  const zip = await readOpfs(page, (await card.getByRole('heading').textContent())!);
  expect(zip?.subarray(0, 2).toString('latin1')).toBe('PK');
  await context.setOffline(false);
});

test('the share button hands the zip File, and nothing else, to the share sheet', async ({ page }) => {
  await stubShare(page);
  await openApp(page);
  await loadSmallDemo(page);
  await chooseYearExport(page, /App storage, then download/);
  const download = page.waitForEvent('download', { timeout: 90_000 });
  await page.getByRole('button', { name: 'Start export' }).click();
  const size = readFileSync((await (await download).path())!).byteLength;
  const card = page.locator('article.job').first();
  await expect(card).toHaveAttribute('data-status', 'DONE');
  await card.getByRole('button', { name: 'Share zip' }).click();
  const shared = await page.evaluate(() => (window as unknown as { __shared: { files: { name: string; type: string; size: number }[]; keys: string[] }[] }).__shared);
  expect(shared).toHaveLength(1);
  expect(shared[0].keys).toEqual(['files']);
  expect(shared[0].files).toHaveLength(1);
  expect(shared[0].files[0].name).toMatch(/\.zip$/);
  expect(shared[0].files[0].size).toBe(size);
});

test('without a share sheet there is no Share button', async ({ page }) => {
  await openApp(page);
  await loadSmallDemo(page);
  await chooseYearExport(page, /App storage, then download/);
  await page.getByRole('button', { name: 'Start export' }).click();
  const card = page.locator('article.job').first();
  await expect(card).toHaveAttribute('data-status', 'DONE', { timeout: 90_000 });
  await expect(card.getByRole('button', { name: /Share/ })).toHaveCount(0);
});

test('every screen passes axe (no serious or critical issue) at phone and desktop width, with screenshots', async ({ page }) => {
  test.setTimeout(180_000);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await stubSavePicker(page);
  await openApp(page);
  await loadSmallDemo(page);
  await chooseYearExport(page, /Save to a file you choose/);
  await page.getByRole('button', { name: 'Start export' }).click();
  await expect(page.locator('article.job').first()).toHaveAttribute('data-status', 'DONE', { timeout: 90_000 });
  const screens: { route: string; ready: (p: Page) => Promise<void> }[] = [
    { route: 'data', ready: async (p) => { await expect(p.getByTestId('count-activity')).toHaveText('30'); } },
    { route: 'export', ready: async (p) => {
      await p.getByRole('radio', { name: 'All time' }).check();
      await p.getByRole('button', { name: 'Preview export' }).click();
      await expect(p.getByRole('heading', { name: 'Preview' })).toBeVisible();
    } },
    { route: 'job', ready: async (p) => { await expect(p.locator('article.job')).toHaveCount(1); } },
    { route: 'history', ready: async (p) => { await expect(p.locator('li.history')).toHaveCount(1); } },
  ];
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: width === 360 ? 780 : 900 });
    for (const screen of screens) {
      await page.getByRole('link', { name: { data: 'Data', export: 'Export', job: /^Progress/, history: 'History' }[screen.route] as string | RegExp }).click();
      await screen.ready(page);
      await page.screenshot({ path: join(SCREENSHOTS, `${screen.route}-${width}.png`), fullPage: true });
      const results = await new AxeBuilder({ page }).analyze();
      const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`), `${screen.route} at ${width}px`).toEqual([]);
    }
  }
});

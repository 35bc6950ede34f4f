// The service worker's two jobs beyond offline: the "export ready" notification while the page is hidden,
// and the "a new version is ready — reload" prompt when a new build is deployed.

import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { REPO_ROOT, chooseYearExport, loadSmallDemo, openApp, waitForNewestJob, waitForServiceWorker } from './helpers.ts';

const ORIGIN = 'http://127.0.0.1:4173';

test('an export that finishes while the page is hidden shows a notification that leads to History', async ({ page, context }) => {
  await context.grantPermissions(['notifications'], { origin: ORIGIN });
  await openApp(page);
  await waitForServiceWorker(page);
  await loadSmallDemo(page);
  await chooseYearExport(page, /App storage, then download/);
  // The person switches to another tab: the page is hidden when the export ends.
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await page.getByRole('button', { name: 'Start export' }).click();
  expect(await waitForNewestJob(page)).toBe('DONE');
  const listNotifications = () => page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications())
    .map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data as { url?: string } })));
  await expect.poll(async () => (await listNotifications()).length).toBe(1);
  const shown = await listNotifications();
  expect(shown).toHaveLength(1);
  expect(shown![0]).toMatchObject({ title: 'Your export is ready', tag: 'takeaway-export', data: { url: '/#/history' } });
  expect(shown![0].body).toMatch(/^takeaway-.*\.zip, \d/);
  // The service worker's notificationclick opens data.url in the app; a page opened there shows History.
  const next = await context.newPage();
  await next.goto(new URL(shown![0].data.url!, ORIGIN).href);
  await expect(next.getByRole('heading', { name: 'History' })).toBeVisible();
  await expect(next.locator('li.history[data-status="DONE"]')).toHaveCount(1);
});

test('a visible page gets no notification', async ({ page, context }) => {
  await context.grantPermissions(['notifications'], { origin: ORIGIN });
  await openApp(page);
  await waitForServiceWorker(page);
  await loadSmallDemo(page);
  await chooseYearExport(page, /App storage, then download/);
  await page.getByRole('button', { name: 'Start export' }).click();
  expect(await waitForNewestJob(page)).toBe('DONE');
  expect(await page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).length)).toBe(0);
});

test('a new service worker waits and the prompt reloads into it', async ({ page }) => {
  await openApp(page);
  await waitForServiceWorker(page);
  await expect(page.getByText('A new version is ready')).toHaveCount(0);
  // A new deployment: the same app with a changed sw.js (what every build with a changed precache list is).
  const swPath = resolve(REPO_ROOT, 'dist/sw.js');
  const original = readFileSync(swPath, 'utf8');
  try {
    writeFileSync(swPath, `${original}\n// e2e: a newer deployment ${Date.now()}\n`);
    await page.evaluate(async () => { await (await navigator.serviceWorker.getRegistration())!.update(); });
    const banner = page.getByRole('status').filter({ hasText: 'A new version is ready' });
    await expect(banner).toBeVisible({ timeout: 30_000 });
    expect(await page.evaluate(async () => !!(await navigator.serviceWorker.getRegistration())?.waiting)).toBe(true);
    const reloaded = page.waitForEvent('load');
    await banner.getByRole('button', { name: 'Reload' }).click();
    await reloaded;
    await page.waitForFunction(() => 'takeaway' in window);
    const state = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      return { waiting: !!registration?.waiting, controlled: !!navigator.serviceWorker.controller };
    });
    expect(state).toEqual({ waiting: false, controlled: true });
    await expect(page.getByText('A new version is ready')).toHaveCount(0);
  } finally {
    writeFileSync(swPath, original);
  }
});

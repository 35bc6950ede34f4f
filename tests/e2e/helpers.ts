// Shared steps of the end-to-end tests: open the app, stubs for the picker and the share sheet, reading
// files back from OPFS, unzipping with the system's unzip, and running the outside validators.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, type Page } from '@playwright/test';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const VALIDATORS = resolve(REPO_ROOT, '../shared/validators');
export const SCREENSHOTS = resolve(REPO_ROOT, 'tests/e2e/screenshots');

/**
 * Opens the app without the first-visit demo load and waits for its start-up work. The demo the Data screen loads
 * then ends on 2026-11-01 (`demo-end`) rather than today, so the tests' dates stay fixed.
 */
export async function openApp(page: Page, route = 'data'): Promise<void> {
  await page.goto(`/?demo=none&demo-end=2026-11-01#/${route}`);
  await page.waitForFunction(() => 'takeaway' in window);
  await page.evaluate(() => (window as unknown as { takeaway: { ready: Promise<unknown> } }).takeaway.ready);
}

/** The save picker returns a file at the OPFS root, so the app's real createWritable path runs. */
export async function stubSavePicker(page: Page): Promise<void> {
  await page.addInitScript(() => {
    (window as unknown as { showSaveFilePicker: unknown }).showSaveFilePicker = async (o?: { suggestedName?: string }) =>
      (await navigator.storage.getDirectory()).getFileHandle(o?.suggestedName ?? 'picked.zip', { create: true });
  });
}

/** navigator.share/canShare do not exist in headless Linux Chromium: record what the app hands over. */
export async function stubShare(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __shared: unknown[] };
    w.__shared = [];
    Object.defineProperty(navigator, 'canShare', { configurable: true, value: (d?: { files?: File[] }) => !!d?.files?.length });
    Object.defineProperty(navigator, 'share', {
      configurable: true,
      value: async (d: { files?: File[]; title?: string; text?: string }) => {
        w.__shared.push({ files: (d.files ?? []).map((f) => ({ name: f.name, type: f.type, size: f.size })), keys: Object.keys(d) });
      },
    });
  });
}

/** Loads the small demo dataset through the Data screen's button. */
export async function loadSmallDemo(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Data' }).click();
  await page.getByLabel('Demo size').selectOption('small');
  await page.getByRole('button', { name: 'Load demo data' }).click();
  await expect(page.getByTestId('data-status')).toHaveText('Demo data loaded.', { timeout: 60_000 });
  await expect(page.getByTestId('count-activity')).toHaveText('30');
}

/** Fills the wizard: all kinds, the demo's year as a custom range, FIT+GPX+CSV for activities. */
export async function chooseYearExport(page: Page, destination: RegExp): Promise<void> {
  await page.getByRole('link', { name: 'Export' }).click();
  await page.getByLabel('Custom range').check();
  await page.getByLabel('From (UTC day)').fill('2025-11-01');
  await page.getByLabel('To, included').fill('2026-10-31');
  const activityFormats = page.getByRole('group', { name: 'Formats for Activities' });
  for (const name of ['FIT', 'GPX 1.1', 'CSV']) await expect(activityFormats.getByLabel(name, { exact: true })).toBeChecked();
  await page.getByRole('radio', { name: destination }).check();
  await page.getByRole('button', { name: 'Preview export' }).click();
  await expect(page.getByRole('heading', { name: 'Preview' })).toBeVisible({ timeout: 30_000 });
}

/** Reads a file from OPFS (path relative to the root) into the test. */
export async function readOpfs(page: Page, path: string): Promise<Buffer | undefined> {
  const base64 = await page.evaluate(async (p) => {
    let dir = await navigator.storage.getDirectory();
    const parts = p.split('/');
    try {
      for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part);
      const file = await (await dir.getFileHandle(parts[parts.length - 1])).getFile();
      const bytes = new Uint8Array(await file.arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(binary);
    } catch {
      return undefined;
    }
  }, path);
  return base64 === undefined ? undefined : Buffer.from(base64, 'base64');
}

/** Names of the files in an OPFS directory. */
export async function listOpfs(page: Page, path = ''): Promise<string[]> {
  return page.evaluate(async (p) => {
    let dir = await navigator.storage.getDirectory();
    try {
      for (const part of p.split('/').filter(Boolean)) dir = await dir.getDirectoryHandle(part);
    } catch {
      return [];
    }
    const names: string[] = [];
    for await (const key of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(key);
    return names.sort();
  }, path);
}

/** Unzips with Info-ZIP's unzip (tests every CRC) and returns the folder. */
export function unzip(zip: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'takeaway-e2e-'));
  writeFileSync(join(dir, 'export.zip'), zip);
  execFileSync('unzip', ['-tq', join(dir, 'export.zip')]);
  execFileSync('unzip', ['-q', join(dir, 'export.zip'), '-d', join(dir, 'out')]);
  return join(dir, 'out');
}

/** All files under a folder, relative paths. */
export function walk(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full, `${prefix}${name}/`) : [`${prefix}${name}`];
  });
}

/** Runs a validator; throws with its output when it fails. */
export function validate(command: string, args: string[]): string {
  return execFileSync(command, args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Waits until the service worker is active and controls the page. */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await page.waitForFunction(() => !!navigator.serviceWorker.controller);
}

/**
 * Waits, in the page, for the newest job of this page to end; returns its status (no DOM polling). The job may not
 * exist yet when this is called (a save picker still answering): it is waited for, at most 30 s.
 */
export async function waitForNewestJob(page: Page): Promise<string> {
  await page.waitForFunction(() => (window as unknown as { takeaway: { liveJobs(): unknown[] } }).takeaway.liveJobs().length > 0, undefined, { timeout: 30_000 });
  return page.evaluate(async () => {
    const hooks = (window as unknown as { takeaway: { liveJobs(): { id: string }[]; waitForJob(id: string): Promise<{ status: string }> } }).takeaway;
    return (await hooks.waitForJob(hooks.liveJobs()[0].id)).status;
  });
}

/** Sets the activity formats in the wizard (the Export screen must be open). */
export async function chooseActivityFormats(page: Page, wanted: string[]): Promise<void> {
  const group = page.getByRole('group', { name: 'Formats for Activities' });
  for (const box of await group.getByRole('checkbox').all()) {
    if (await box.isDisabled()) continue;
    const label = (await box.evaluate((el) => el.parentElement?.textContent ?? '')).trim();
    await box.setChecked(wanted.includes(label));
  }
}

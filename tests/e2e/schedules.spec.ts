// Schedules, templates, split parts, the audit view and the storage card, in the built app.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { openApp, readOpfs, REPO_ROOT, SCREENSHOTS, unzip, walk } from './helpers.ts';

interface JobView { id: string; status: string; trigger: string; scheduleId?: string; fileNames?: string[] }
type Hooks = {
  takeaway: { loadDemo(o: object): Promise<unknown>; readDb: { table(name: string): { put(row: object): Promise<unknown>; get(id: string): Promise<Record<string, number> | undefined> } } };
  takeawayJobs: {
    enqueue(job: object): Promise<{ id: string }>;
    list(): Promise<JobView[]>;
    running(): Promise<void>;
    builtInRequest(id: string, createdAtMs: number): object;
  };
};

const DAY_MS = 86_400_000;
const execFileAsync = promisify(execFile);
/** What `takeaway verify` does, for each archive named on the command line; exits 1 on the first problem. */
const VERIFY_PARTS = `
const { verifyExport } = await import('./src/engine/index.ts');
const { withFileZipReader } = await import('./src/node/file-zip-reader.ts');
for (const path of process.argv.slice(1)) {
  const report = await withFileZipReader(path, (reader) => verifyExport(reader));
  if (!report.ok || report.filesChecked === 0) { console.error(path, JSON.stringify(report.problems)); process.exit(1); }
}`;

async function loadSmall(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await (window as unknown as Hooks).takeaway.loadDemo({ seed: 5, endMs: Date.UTC(2026, 10, 1), days: 60, activityCount: 8, samplesPerActivity: 1_000, includeHealth: true, genericCount: 10 });
  });
}

async function jobs(page: Page): Promise<JobView[]> {
  return page.evaluate(() => (window as unknown as Hooks).takeawayJobs.list());
}

test('a schedule due in the past runs once on the next start, not once per missed day', async ({ page }) => {
  await openApp(page);
  await loadSmall(page);
  // Saved three days ago, never run since: three daily runs were missed while the app was closed.
  await page.evaluate(async (nowMs) => {
    await (window as unknown as Hooks).takeaway.readDb.table('schedules').put({
      id: 'daily-gpx', name: 'Daily GPX', templateId: 'builtin:gpx-mapping', destination: 'opfs:exports', frequency: 'daily',
      timeOfDay: '03:00', timeZone: 'UTC', isPaused: false, lastRunMs: nowMs - 3 * 86_400_000, nextRunMs: nowMs - 3 * 86_400_000 + 3_600_000,
    });
  }, Date.now());
  await page.reload();
  await openApp(page, 'job');
  await expect.poll(async () => (await jobs(page)).map((j) => `${j.trigger}:${j.scheduleId}:${j.status}`), { timeout: 60_000 })
    .toEqual(['scheduled:daily-gpx:COMPLETED']);
  const schedule = await page.evaluate(() => (window as unknown as Hooks).takeaway.readDb.table('schedules').get('daily-gpx'));
  expect(schedule!.nextRunMs).toBeGreaterThan(Date.now());
  expect(schedule!.nextRunMs).toBeLessThanOrEqual(Date.now() + DAY_MS);
  await expect(page.locator('li.background-job[data-status="COMPLETED"]')).toContainText('Scheduled export');

  // Opening the app again does not run it again.
  await page.reload();
  await openApp(page, 'automate');
  await page.evaluate(() => (window as unknown as Hooks).takeawayJobs.running());
  expect((await jobs(page)).length).toBe(1);
  await expect(page.locator('li.schedule[data-id="daily-gpx"]')).toContainText('Next run');

  // The audit view lists the run and exports it as CSV.
  await page.getByRole('link', { name: 'Audit' }).click();
  await expect(page.getByTestId('audit-total')).toContainText('1 completed export');
  await page.getByRole('searchbox', { name: 'Search' }).fill('gpx');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download CSV' }).click();
  const csv = readFileSync(await (await download).path(), 'utf8');
  expect(csv.split('\n')[0]).toContain('time_utc');
  expect(csv).toMatch(/COMPLETED,system,PROCESSING,gpx/);
});

test('schedules reject a cron typo clearly, pause and resume; templates go out and back in as JSON', async ({ page }) => {
  await openApp(page, 'automate');
  const form = page.locator('form.schedule-form');
  await form.getByLabel('Repeat').selectOption('cron');
  await form.getByLabel(/Cron expression/).fill('0 3 * * Mnday');
  await form.getByRole('button', { name: 'Save schedule' }).click();
  await expect(form.getByRole('alert')).toContainText('cron expression "0 3 * * Mnday" is not valid');
  await form.getByLabel(/Cron expression/).fill('0 3 * * 1');
  await form.getByRole('button', { name: 'Save schedule' }).click();
  await expect(form.getByRole('status')).toContainText('Next run');
  const item = page.locator('li.schedule').first();
  await item.getByRole('button', { name: 'Pause' }).click();
  await expect(item).toHaveAttribute('data-paused', 'true');
  await expect(item).toContainText('Paused.');
  await item.getByRole('button', { name: 'Resume' }).click();
  await expect(item).toHaveAttribute('data-paused', 'false');

  // Any wizard configuration can be saved as a template from the preview.
  await page.getByRole('link', { name: 'Export' }).click();
  await page.getByRole('button', { name: 'Preview export' }).click();
  await page.getByLabel('Template name').fill('My wizard settings');
  await page.getByRole('button', { name: 'Save as template' }).click();
  await expect(page.getByText('Saved as template "My wizard settings"')).toBeVisible();
  await page.getByRole('link', { name: 'Automate' }).click();
  await expect(page.locator('li.template h3', { hasText: 'My wizard settings' })).toBeVisible();

  const preset = page.locator('li.template[data-id="builtin:gpx-mapping"]');
  const download = page.waitForEvent('download');
  await preset.getByRole('button', { name: 'Export JSON' }).click();
  const json = JSON.parse(readFileSync(await (await download).path(), 'utf8')) as { schema: string; name: string };
  expect(json.schema).toBe('takeaway-template');
  const renamed = join(mkdtempSync(join(tmpdir(), 'takeaway-template-')), 'shared.json');
  writeFileSync(renamed, JSON.stringify({ ...json, name: 'Team GPX' }));
  await page.getByLabel(/Import a template file/).setInputFiles(renamed);
  await expect(page.getByText('Imported template "Team GPX".')).toBeVisible();
  await expect(page.locator('li.template h3', { hasText: 'Team GPX' })).toBeVisible();
  await page.getByLabel(/Import a template file/).setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"schema":"other"}') });
  await expect(page.locator('section[aria-labelledby="templates-title"] [role="status"]')).toContainText('not a Takeaway template file');
});

test('a split background export gives parts that each pass unzip -t and verify and together hold the whole export', async ({ page }) => {
  await openApp(page);
  await loadSmall(page);
  const [whole, split] = await page.evaluate(async () => {
    const hooks = (window as unknown as Hooks).takeawayJobs;
    await hooks.running();
    const request = hooks.builtInRequest('builtin:everything', Date.UTC(2026, 10, 24));
    const a = await hooks.enqueue({ request, destination: 'opfs:exports' });
    const b = await hooks.enqueue({ request, destination: 'opfs:exports?partBytes=131072' });
    return [a.id, b.id];
  });
  await expect.poll(async () => (await jobs(page)).filter((j) => j.status === 'COMPLETED').length, { timeout: 90_000 }).toBe(2);
  const parts = (await jobs(page)).find((j) => j.id === split)!.fileNames!;
  expect(parts.length).toBeGreaterThan(1);
  const wholeFiles = walk(unzip((await readOpfs(page, `exports/${whole}.zip`))!)).filter((p) => p !== 'manifest.json' && p !== 'SHA256SUMS');
  const partFiles: string[] = [];
  const partPaths: string[] = [];
  for (const path of parts) {
    const zip = (await readOpfs(page, path))!;
    const dir = mkdtempSync(join(tmpdir(), 'takeaway-part-'));
    writeFileSync(join(dir, 'part.zip'), zip);
    partPaths.push(join(dir, 'part.zip'));
    partFiles.push(...walk(unzip(zip)).filter((p) => !['manifest.json', 'SHA256SUMS', 'export-manifest.json'].includes(p)));
  }
  // The CLI's verify (every file against the part's own manifest), run for all parts in one Node process.
  await execFileAsync('node', ['--import', 'tsx', '--input-type=module', '-e', VERIFY_PARTS, ...partPaths], { cwd: REPO_ROOT });
  expect(partFiles.sort()).toEqual(wholeFiles.sort());

  // The parts are offered one by one for download.
  await page.getByRole('link', { name: 'Progress' }).click();
  const card = page.locator(`li.background-job[data-id="${split}"]`);
  await expect(card.getByRole('button', { name: /^Download takeaway-2026-11-24-\d{3}\.zip$/ })).toHaveCount(parts.length);
  const download = page.waitForEvent('download');
  await card.getByRole('button', { name: 'Download takeaway-2026-11-24-001.zip' }).click();
  expect((await download).suggestedFilename()).toBe('takeaway-2026-11-24-001.zip');
});

test('the Data screen shows export storage against free space, asks for persistence, and a shorter retention deletes only older exports', async ({ page }) => {
  await openApp(page, 'data');
  await loadSmall(page);
  const [old, fresh] = await page.evaluate(async () => {
    const hooks = (window as unknown as Hooks).takeawayJobs;
    await hooks.running();
    const request = hooks.builtInRequest('builtin:gpx-mapping', Date.UTC(2026, 10, 24));
    return [(await hooks.enqueue({ request, destination: 'opfs:exports' })).id, (await hooks.enqueue({ request, destination: 'opfs:exports' })).id];
  });
  await expect.poll(async () => (await jobs(page)).filter((j) => j.status === 'COMPLETED').length, { timeout: 60_000 }).toBe(2);
  // One export finished ten days ago (the clock of a test cannot wait that long).
  await page.evaluate(async (id) => {
    const table = (window as unknown as { takeaway: { readDb: { table(n: string): { update(id: string, c: object): Promise<number> } } } }).takeaway.readDb.table('exportJobs');
    await table.update(id, { finishedAtMs: Date.now() - 10 * 86_400_000 });
  }, old);
  await page.reload();
  await openApp(page, 'data');
  const card = page.locator('section.storage');
  await expect(card.getByTestId('storage-free')).not.toBeEmpty();
  await expect(card.getByTestId('storage-exports')).not.toHaveText('0 B');
  const retention = card.getByLabel('Keep exports in app storage for');
  await expect(retention).toHaveValue(String(30 * DAY_MS));
  await retention.selectOption({ label: '7 days' });
  await expect.poll(async () => (await jobs(page)).map((j) => `${j.id === old ? 'old' : 'fresh'}:${j.status}`).sort()).toEqual(['fresh:COMPLETED', 'old:EXPIRED']);
  expect(await readOpfs(page, `exports/${old}.zip`)).toBeUndefined();
  expect(await readOpfs(page, `exports/${fresh}.zip`)).toBeDefined();
  await page.reload();
  await openApp(page, 'data');
  await expect(page.locator('section.storage').getByLabel('Keep exports in app storage for')).toHaveValue(String(7 * DAY_MS));

  const button = page.locator('section.storage').getByRole('button', { name: /Keep app storage/ });
  if (await button.isVisible()) {
    await button.click();
    await expect(page.locator('section.storage').getByRole('status').or(page.getByText('Storage is persistent.'))).toBeVisible();
  }
});

/** Fails on serious or critical axe findings of the page as it is. */
async function expectAccessible(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`), label).toEqual([]);
}

test('Automate, Audit and the background jobs panel pass axe at phone and desktop width', async ({ page }) => {
  await openApp(page);
  await loadSmall(page);
  const id = await page.evaluate(async () => {
    const hooks = (window as unknown as Hooks).takeawayJobs;
    await hooks.running();
    return (await hooks.enqueue({ request: hooks.builtInRequest('builtin:gpx-mapping', Date.UTC(2026, 10, 24)), destination: 'opfs:exports' })).id;
  });
  await expect.poll(async () => (await jobs(page)).find((j) => j.id === id)?.status, { timeout: 60_000 }).toBe('COMPLETED');
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: width === 360 ? 780 : 900 });
    for (const route of ['automate', 'audit', 'job']) {
      await page.goto(`/?demo=none#/${route}`);
      await page.locator('main h1').waitFor();
      if (route === 'job') await expect(page.locator('li.background-job')).toHaveCount(1);
      await page.screenshot({ path: join(SCREENSHOTS, `${route}-background-${width}.png`), fullPage: true });
      await expectAccessible(page, `${route} at ${width}px`);
    }
  }
});

test('a folder chosen once is mirrored: the second run writes nothing unchanged and foreign files stay', async ({ page }) => {
  // The folder picker returns an OPFS folder, so the app's real File System Access code runs.
  await page.addInitScript(() => {
    (window as unknown as { showDirectoryPicker: unknown }).showDirectoryPicker = async () =>
      (await navigator.storage.getDirectory()).getDirectoryHandle('Backups', { create: true });
  });
  await openApp(page, 'automate');
  await loadSmall(page);
  await page.getByRole('button', { name: /Choose a folder to keep up to date/ }).click();
  const destination = page.locator('form.schedule-form').getByLabel('Destination');
  await expect(destination).toHaveValue(/^folder:/);
  const folder = await destination.inputValue();
  await page.evaluate(async () => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('Backups');
    const writable = await (await dir.getFileHandle('my-notes.txt', { create: true })).createWritable();
    await writable.write('mine');
    await writable.close();
  });
  const runMirror = () => page.evaluate(async (dest) => {
    const hooks = (window as unknown as Hooks).takeawayJobs;
    await hooks.running();
    return (await hooks.enqueue({ request: hooks.builtInRequest('builtin:gpx-mapping', Date.UTC(2026, 10, 24)), destination: dest })).id;
  }, folder);
  const mirrored = async (id: string) => page.evaluate(async (jobId) => {
    const db = (window as unknown as { takeaway: { readDb: { table(n: string): { where(i: string): { equals(v: string): { toArray(): Promise<{ action: string; detail?: string }[]> } } } } } }).takeaway.readDb;
    return (await db.table('auditLog').where('jobId').equals(jobId).toArray()).find((r) => r.action === 'MIRRORED')?.detail;
  }, id);
  const first = await runMirror();
  await expect.poll(async () => (await jobs(page)).find((j) => j.id === first)?.status, { timeout: 60_000 }).toBe('COMPLETED');
  const files = await page.evaluate(async () => {
    const out: string[] = [];
    const walkDir = async (dir: FileSystemDirectoryHandle, prefix: string): Promise<void> => {
      for await (const [name, entry] of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
        if (entry.kind === 'directory') await walkDir(entry as FileSystemDirectoryHandle, `${prefix}${name}/`);
        else out.push(`${prefix}${name}`);
      }
    };
    await walkDir(await (await navigator.storage.getDirectory()).getDirectoryHandle('Backups'), '');
    return out.sort();
  });
  expect(files).toContain('manifest.json');
  expect(files).toContain('my-notes.txt');
  expect(files).toContain('.takeaway-mirror.json');
  expect(files.filter((f) => f.startsWith('activities/gpx/')).length).toBeGreaterThan(0);
  expect(await mirrored(first)).toMatch(/^\d+ written, 0 removed, 0 unchanged$/);
  expect((await jobs(page)).find((j) => j.id === first)?.fileNames).toEqual([]);

  const second = await runMirror();
  await expect.poll(async () => (await jobs(page)).find((j) => j.id === second)?.status, { timeout: 60_000 }).toBe('COMPLETED');
  expect(await mirrored(second)).toMatch(/^0 written, 0 removed, \d+ unchanged$/);
  expect(await readOpfs(page, 'Backups/my-notes.txt')).toEqual(Buffer.from('mine'));
});

test('with two tabs open one runs the queue; a job started in the other runs there, and the second takes over when the first closes', async ({ context }) => {
  const first = await context.newPage();
  await openApp(first);
  await loadSmall(first);
  await first.evaluate(() => (window as unknown as Hooks).takeawayJobs.running());
  const second = await context.newPage();
  await openApp(second);
  const id = await second.evaluate(async () => {
    const hooks = (window as unknown as Hooks).takeawayJobs;
    return (await hooks.enqueue({ request: hooks.builtInRequest('builtin:gpx-mapping', Date.UTC(2026, 10, 24)), destination: 'opfs:exports' })).id;
  });
  await expect.poll(async () => (await jobs(second)).find((j) => j.id === id)?.status, { timeout: 60_000 }).toBe('COMPLETED');
  const isRunner = (page: Page) => page.evaluate(async () => (await (window as unknown as { takeawayJobs: { bridge: { api(): { start(): Promise<{ isRunner: boolean }> } } } }).takeawayJobs.bridge.api().start()).isRunner);
  expect(await isRunner(first)).toBe(true);
  expect(await isRunner(second)).toBe(false);
  expect(await second.evaluate(async () => (await navigator.locks.query()).held?.filter((l) => l.name === 'takeaway-job-runner').length)).toBe(1);
  await first.close();
  // The second tab's worker was waiting for the lock: it now runs the queue.
  await second.evaluate(() => (window as unknown as Hooks).takeawayJobs.running());
  const next = await second.evaluate(async () => {
    const hooks = (window as unknown as Hooks).takeawayJobs;
    return (await hooks.enqueue({ request: hooks.builtInRequest('builtin:gpx-mapping', Date.UTC(2026, 10, 25)), destination: 'opfs:exports' })).id;
  });
  await expect.poll(async () => (await jobs(second)).find((j) => j.id === next)?.status, { timeout: 60_000 }).toBe('COMPLETED');
});

// "Delete everything" in Chromium: after demo data and an export, nothing of the app is left in the browser.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { transform } from 'esbuild';
import { loadSmallDemo, openApp, REPO_ROOT } from './helpers.ts';

/** The module compiled for injection: the UI has no button yet, so the test calls the function itself. */
async function deleteEverythingScript(): Promise<string> {
  const source = readFileSync(join(REPO_ROOT, 'src/platform/delete-everything.ts'), 'utf8');
  const { code } = await transform(source, { loader: 'ts', format: 'iife', globalName: '__takeawayDelete', target: 'es2022' });
  return code;
}

test('delete everything leaves no IndexedDB database, no OPFS file and almost no usage', async ({ page }) => {
  await openApp(page);
  await loadSmallDemo(page);
  await page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const file = await root.getFileHandle('leftover.zip', { create: true });
    const writable = await file.createWritable();
    await writable.write(new Uint8Array(1 << 20));
    await writable.close();
  });
  const before = await page.evaluate(async () => ({
    databases: (await indexedDB.databases()).map((d) => d.name),
    usage: (await navigator.storage.estimate()).usage ?? 0,
  }));
  expect(before.databases.length).toBeGreaterThan(0);
  expect(before.usage).toBeGreaterThan(1 << 20);

  const code = await deleteEverythingScript();
  // evaluate() runs through DevTools, which the page's CSP does not apply to (an inline <script> would be refused).
  const report = await page.evaluate(`${code}; __takeawayDelete.deleteEverything()`) as {
    indexedDb: string[]; opfsEntries: string[]; failures: string[]; usageAfterBytes?: number;
  };
  expect(report.failures).toEqual([]);
  expect(report.indexedDb.sort()).toEqual([...before.databases].sort());
  expect(report.opfsEntries).toContain('leftover.zip');

  const after = await page.evaluate(async () => {
    const names: string[] = [];
    for await (const name of (await navigator.storage.getDirectory() as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
    return { databases: await indexedDB.databases(), opfs: names, caches: await caches.keys() };
  });
  expect(after.databases).toEqual([]);
  expect(after.opfs).toEqual([]);
  expect(after.caches).toEqual([]);
  // Chromium updates its usage figure lazily after deletions; it settles within seconds.
  await expect.poll(() => page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0), { timeout: 60_000, intervals: [500, 1000, 2000] })
    .toBeLessThan(64 * 1024);
});

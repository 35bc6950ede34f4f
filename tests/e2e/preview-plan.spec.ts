// The preview is the export's own plan, and it is seen (issue 15): what the wizard shows for a text search is
// what the downloaded zip's manifest holds, and "Preview export" brings the preview into view with focus, on a
// phone and on a desktop, with no focus stop of the wizard hidden under its sticky bar.

import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { TextWriter, Uint8ArrayReader, ZipReader } from '@zip.js/zip.js';
import Papa from 'papaparse';
import type { Manifest } from '../../src/engine/manifest.ts';
import { loadSmallDemo, openApp } from './helpers.ts';

async function manifestOf(zip: Buffer): Promise<Manifest> {
  const reader = new ZipReader(new Uint8ArrayReader(new Uint8Array(zip)));
  const entry = (await reader.getEntries()).find((e) => e.filename === 'manifest.json');
  if (!entry || entry.directory) throw new Error('the zip has no manifest.json');
  const text = await entry.getData(new TextWriter());
  await reader.close();
  return JSON.parse(text) as Manifest;
}

const count = (text: string) => Number(text.replace(/\D/g, ''));
/** "4 activities, 0 daily steps, …, 3,600 track samples." as the record counts, in order. */
const recordCounts = (text: string) => text.split(', ').filter((part) => !part.includes('track samples')).map(count);

/** The wizard for the demo's year, with a text search. */
async function chooseTextSearch(page: Page, text: string): Promise<void> {
  await page.getByRole('link', { name: 'Export' }).click();
  await page.getByLabel('Custom range').check();
  await page.getByLabel('From (UTC day)').fill('2025-11-01');
  await page.getByLabel('To, included').fill('2026-10-31');
  await page.getByLabel('Text search').fill(text);
}

test('the preview of a text search is the downloaded zip\'s manifest', async ({ page }) => {
  await openApp(page);
  await loadSmallDemo(page);
  await chooseTextSearch(page, 'morning');
  await page.getByRole('radio', { name: /Download \(held in memory\)/ }).check();
  await page.getByRole('button', { name: 'Preview export' }).click();
  await expect(page.getByRole('heading', { name: 'Preview' })).toBeVisible({ timeout: 30_000 });
  const countsText = (await page.getByTestId('preview-counts').textContent())!;
  const formatRows = await page.getByTestId('preview-formats').locator('tbody tr').evaluateAll((rows) => rows.map((row) => ({
    format: row.getAttribute('data-format'), cells: [...row.querySelectorAll('td')].map((td) => td.textContent ?? ''),
  })));
  await page.getByText(/^Every file/).click();
  const paths = await page.getByTestId('preview-files').locator('tbody tr td:first-child').allTextContents();

  const download = page.waitForEvent('download', { timeout: 90_000 });
  await page.getByRole('button', { name: 'Start export' }).click();
  const manifest = await manifestOf(readFileSync((await (await download).path())!));

  expect(manifest.request.filter.text).toBe('morning');
  expect(recordCounts(countsText)).toEqual(Object.values(manifest.counts.records));
  expect(manifest.counts.records.activity).toBeGreaterThan(0);
  expect(manifest.counts.records.steps).toBe(0);
  expect(paths).toEqual(manifest.files.map((f) => f.path));
  const shown = Object.fromEntries(formatRows.filter((r) => count(r.cells[0]!) > 0)
    .map((r) => [r.format, { files: count(r.cells[0]!), records: count(r.cells[1]!) }]));
  expect(shown).toEqual(manifest.counts.formats);
});

for (const viewport of [{ width: 390, height: 844 }, { width: 1280, height: 800 }]) {
  test(`"Preview export" brings the preview into view with focus at ${viewport.width}×${viewport.height}`, async ({ page }) => {
    await page.setViewportSize(viewport);
    await openApp(page);
    await loadSmallDemo(page);
    await page.getByRole('link', { name: 'Export' }).click();
    await page.getByRole('button', { name: 'Preview export' }).click();
    const heading = page.getByRole('heading', { name: 'Preview' });
    await expect(heading).toBeFocused({ timeout: 30_000 });
    await expect(heading).toBeInViewport();
    const box = (await heading.boundingBox())!;
    const bar = (await page.locator('.actions.sticky').boundingBox())!;
    // The bar sticks within the form: the heading is either above it or below its bottom edge, never under it.
    expect(box.y + box.height <= bar.y || box.y >= bar.y + bar.height).toBe(true);
  });
}

test('no focus stop of the wizard is hidden under the sticky bar (WCAG 2.2 SC 2.4.11), 390×844', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openApp(page);
  await loadSmallDemo(page);
  await page.getByRole('link', { name: 'Export' }).click();
  await page.getByRole('heading', { name: 'Export' }).focus();
  const hidden: string[] = [];
  let stops = 0;
  // Bounded walk: the wizard has about 60 stops; the loop ends at the sticky bar's button.
  for (let i = 0; i < 150; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      const bar = document.querySelector('.actions.sticky');
      if (!el || !bar) return undefined;
      const r = el.getBoundingClientRect();
      const b = bar.getBoundingClientRect();
      return {
        name: `${el.tagName} ${el.getAttribute('aria-label') ?? el.getAttribute('name') ?? el.id} ${el.textContent?.slice(0, 30) ?? ''}`,
        inBar: bar.contains(el), isPreview: el.textContent === 'Preview export', bottom: r.bottom, barTop: b.top, height: r.height,
      };
    });
    if (!stop) continue;
    if (stop.isPreview) break;
    if (stop.inBar || stop.height === 0) continue;
    stops += 1;
    if (stop.bottom > stop.barTop + 0.5) hidden.push(stop.name);
  }
  expect(stops).toBeGreaterThan(20);
  expect(hidden).toEqual([]);
});

test('the preview\'s CSV sample rows are anonymised as the zip will be (pseudonyms, a time shift)', async ({ page }) => {
  await openApp(page);
  await loadSmallDemo(page);
  await chooseTextSearch(page, '');
  const firstRow = async () => {
    await page.getByRole('button', { name: 'Preview export' }).click();
    const rows = page.getByRole('region', { name: 'First rows of activities/activities.csv' });
    await expect(rows).toBeVisible({ timeout: 30_000 });
    const [header, row] = Papa.parse<string[]>((await rows.textContent())!, { skipEmptyLines: true }).data;
    return { header: header!, cells: row! };
  };
  const plain = await firstRow();
  expect(plain.header.slice(0, 2)).toEqual(['id', 'name']);
  const [id, name] = plain.cells;
  const startDay = plain.cells[plain.header.indexOf('start_time')]!.slice(0, 10);
  await page.getByLabel(/^Pseudonymise/).check();
  await page.getByLabel('Time shift, days (0 for none)').fill('-10');
  const anonymised = await firstRow();
  expect(anonymised.header).toEqual(plain.header);
  const row = anonymised.cells.join(',');
  for (const real of [id!, name!, startDay]) expect(row).not.toContain(real);
  await expect(page.getByTestId('preview-transformations')).toContainText('pseudonyms');
});

// Templates in the wizard: "Open in export wizard" on a built-in preset fills the wizard, the export it makes
// carries the preset's formats, GPX dialect and time style in its manifest (its GPX checked by an outside
// validator), and the wizard's own "Start from a template" select swaps in another template.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { loadSmallDemo, openApp, unzip, validate, VALIDATORS, walk } from './helpers.ts';

test('a template opened in the wizard is shown, exported as chosen, and another one can be picked', async ({ page }) => {
  await openApp(page);
  await loadSmallDemo(page);

  await page.getByRole('link', { name: 'Automate' }).click();
  const card = page.locator('li.template[data-id="builtin:gpx-mapping"]');
  await card.getByRole('button', { name: 'Open in export wizard' }).click();

  await expect(page.getByRole('heading', { name: 'Export', level: 1 })).toBeVisible();
  expect(new URLSearchParams(page.url().split('?').pop()).get('template')).toBe('builtin:gpx-mapping');
  await expect(page.getByTestId('template-origin')).toHaveText('From template: GPX for mapping tools — change anything before you export.');
  await expect(page.getByLabel('Template', { exact: true })).toHaveValue('builtin:gpx-mapping');
  await expect(page.getByRole('checkbox', { name: 'Activities', exact: true })).toBeChecked();
  for (const kind of ['Daily steps', 'Weight', 'Sleep', 'Other records']) await expect(page.getByRole('checkbox', { name: kind, exact: true })).not.toBeChecked();
  await expect(page.getByRole('radio', { name: 'All time' })).toBeChecked();
  const activityFormats = page.getByRole('group', { name: 'Formats for Activities' });
  await expect(activityFormats.getByLabel('GPX 1.1', { exact: true })).toBeChecked();
  for (const name of ['FIT', 'CSV']) await expect(activityFormats.getByLabel(name, { exact: true })).not.toBeChecked();
  await expect(page.getByLabel('GPX dialect')).toHaveValue('plain');
  await expect(page.getByRole('radio', { name: /^UTC —/ })).toBeChecked();
  await expect(page.getByRole('radio', { name: /^Metric —/ })).toBeChecked();

  await page.getByRole('radio', { name: /App storage, then download/ }).check();
  await page.getByRole('button', { name: 'Preview export' }).click();
  await expect(page.getByRole('heading', { name: 'Preview' })).toBeVisible({ timeout: 30_000 });
  const download = page.waitForEvent('download', { timeout: 90_000 });
  await page.getByRole('button', { name: 'Start export' }).click();
  const dir = unzip(readFileSync((await (await download).path())!));

  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { request: { filter: { kinds: string[]; range?: unknown }; formats: Record<string, string[]>; options: Record<string, unknown> }; counts: { records: Record<string, number>; formats: Record<string, { files: number }> }; skipped: unknown[]; leftOut: { gpx?: { kind: string; reason: string }[] } };
  expect(manifest.request.filter.kinds).toEqual(['activity']);
  expect(manifest.request.filter.range).toBeUndefined();
  expect(manifest.request.formats).toEqual({ activity: ['gpx'] });
  expect(manifest.request.options).toMatchObject({ gpx: { dialect: 'plain' }, timeStyle: 'utc', units: 'metric' });
  const files = walk(dir);
  const gpx = files.filter((f) => f.endsWith('.gpx'));
  // Every demo activity is either in a GPX file or left out of GPX with its reason (GPX needs a track); none failed.
  expect(Object.keys(manifest.counts.records)).toEqual(['activity']);
  expect(manifest.skipped).toEqual([]);
  expect(manifest.counts.records.activity + (manifest.leftOut.gpx ?? []).filter((s) => s.kind === 'activity').length, JSON.stringify(manifest.leftOut)).toBe(30);
  expect(Object.keys(manifest.counts.formats)).toEqual(['gpx']);
  expect(gpx.length).toBe(manifest.counts.formats.gpx.files);
  expect(gpx.length).toBeGreaterThan(20);
  expect(files.filter((f) => /\.(fit|csv|tcx)$/.test(f))).toEqual([]);
  validate(join(VALIDATORS, 'validate-gpx.sh'), [join(dir, gpx[0])]);
  // Plain GPX 1.1: no Garmin TrackPointExtension namespace.
  expect(readFileSync(join(dir, gpx[0]), 'utf8')).not.toContain('TrackPointExtension');

  // The wizard's own select: start from another preset.
  await page.getByRole('link', { name: 'Export' }).click();
  await expect(page.getByTestId('template-origin')).toHaveText('');
  await page.getByLabel('Template', { exact: true }).selectOption({ label: 'Health metrics spreadsheet' });
  await page.getByRole('button', { name: 'Use this template' }).click();
  await expect(page.getByTestId('template-origin')).toHaveText('From template: Health metrics spreadsheet — change anything before you export.');
  await expect(page.getByRole('checkbox', { name: 'Activities', exact: true })).not.toBeChecked();
  for (const kind of ['Daily steps', 'Weight', 'Sleep']) await expect(page.getByRole('checkbox', { name: kind, exact: true })).toBeChecked();
  await expect(page.getByRole('radio', { name: /^Local time —/ })).toBeChecked();
  await expect(page.getByRole('group', { name: 'Formats for Weight' }).getByLabel('CSV', { exact: true })).toBeChecked();
  await expect(page.getByLabel(/CSV byte order mark/)).toBeChecked();
  expect(new URLSearchParams(page.url().split('?').pop()).get('template')).toBe('builtin:health-spreadsheet');

  // The address works as a link on its own, and an unknown template is said, not silently ignored.
  await page.goto('/?demo=none#/export?template=builtin:training-platform');
  await expect(page.getByTestId('template-origin')).toHaveText(/^From template: For another training platform/);
  await expect(page.getByRole('group', { name: 'Formats for Activities' }).getByLabel('FIT', { exact: true })).toBeChecked();
  await page.goto('/?demo=none#/export?template=user:gone');
  await expect(page.getByRole('alert')).toContainText('There is no template "user:gone"');
});

test('a template whose tag no record has now still shows it chosen in the wizard, so it can be unselected', async ({ page }) => {
  await openApp(page);
  await loadSmallDemo(page);
  await page.getByRole('link', { name: 'Automate' }).click();
  const file = JSON.stringify({
    schema: 'takeaway-template', version: 1, name: 'Old race tag',
    request: { filter: { kinds: ['activity'], tags: ['race-2019'] }, formats: { activity: ['gpx'] }, options: {} },
  });
  await page.getByLabel('Import a template file (.json)').setInputFiles({ name: 'old.json', mimeType: 'application/json', buffer: Buffer.from(file) });
  const card = page.locator('li.template', { has: page.getByRole('heading', { name: 'Old race tag' }) });
  await card.getByRole('button', { name: 'Open in export wizard' }).click();

  const tags = page.getByLabel('Tags (any of)');
  await expect(tags.getByRole('option', { name: 'race-2019 (no records now)' })).toBeAttached();
  await expect(tags).toHaveValues(['race-2019']);
  await expect(tags.getByRole('option', { name: 'commute', exact: true })).toBeAttached(); // the demo's own tags too
  await tags.selectOption([]);
  await expect(tags).toHaveValues([]);
});

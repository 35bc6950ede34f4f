// The CLI's --part-size and --since, end to end through main() on demo data.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TextWriter, Uint8ArrayReader, ZipReader, type FileEntry } from '@zip.js/zip.js';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { createDemoDataset, DEMO_END_MS } from '../../src/demo/index.ts';
import type { Manifest } from '../../src/engine/index.ts';

const DEMO = { seed: 9, days: 30, activityCount: 8, samplesPerActivity: 1500, endMs: DEMO_END_MS };
let dir: string;
let input: string;

async function readManifest(zipPath: string, name = 'manifest.json'): Promise<Manifest> {
  const entries = await new ZipReader(new Uint8ArrayReader(new Uint8Array(readFileSync(zipPath)))).getEntries();
  return JSON.parse(await (entries.find((e) => e.filename === name) as FileEntry).getData(new TextWriter())) as Manifest;
}

beforeAll(async () => {
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  dir = mkdtempSync(join(tmpdir(), 'takeaway-cli-jobs-'));
  input = join(dir, 'data.jsonl');
  expect(await main(['demo', '--out', input, '--seed', '9', '--days', '30', '--activities', '8', '--samples', '1500', '--end', new Date(DEMO.endMs).toISOString().slice(0, 10)])).toBe(0);
});

describe('takeaway export --part-size', () => {
  it('writes numbered parts that each verify, hold every file once, and leaves no whole archive behind', async () => {
    const out = join(dir, 'split', 'backup.zip');
    const single = join(dir, 'single.zip');
    const common = ['--input', input, '--formats', 'fit,gpx,csv', '--created-at', '2026-11-24T09:00:00Z'];
    expect(await main(['export', ...common, '--out', single])).toBe(0);
    await import('node:fs/promises').then((fs) => fs.mkdir(join(dir, 'split')));
    expect(await main(['export', ...common, '--out', out, '--part-size', '150KB'])).toBe(0);
    const parts = readdirSync(join(dir, 'split')).sort();
    expect(parts.length).toBeGreaterThanOrEqual(3);
    expect(parts).toEqual(parts.map((_, i) => `backup-${String(i + 1).padStart(3, '0')}.zip`));
    expect(existsSync(`${out}.whole`)).toBe(false);
    const files: string[] = [];
    for (const part of parts) {
      const path = join(dir, 'split', part);
      expect(await main(['verify', path])).toBe(0);
      expect(spawnSync('unzip', ['-tq', path]).status).toBe(0);
      files.push(...(await readManifest(path)).files.filter((f) => f.path !== 'export-manifest.json').map((f) => `${f.path} ${f.sha256}`));
      expect(statSync(path).size).toBeLessThanOrEqual(150_000 * 1.5);
    }
    expect(files).toEqual((await readManifest(single)).files.map((f) => `${f.path} ${f.sha256}`));
  });

  it('rejects a part size it cannot read as a usage error', async () => {
    expect(await main(['export', '--input', input, '--formats', 'csv', '--out', join(dir, 'x.zip'), '--part-size', 'lots'])).toBe(2);
  });
});

describe('takeaway export --since', () => {
  it('exports only records updated at or after the previous export was made', async () => {
    const dataset = createDemoDataset(DEMO);
    const all = [...dataset.activities(), ...dataset.records('steps'), ...dataset.records('weight'), ...dataset.records('sleep'), ...dataset.records('record')];
    const sorted = all.map((r) => r.updatedAtMs).sort((a, b) => a - b);
    const midMs = sorted[Math.floor(sorted.length / 2)];
    const first = join(dir, 'first.zip');
    expect(await main(['export', '--input', input, '--formats', 'json', '--out', first, '--created-at', new Date(midMs).toISOString()])).toBe(0);
    const previous = join(dir, 'first-manifest.json');
    await import('node:fs/promises').then(async (fs) => fs.writeFile(previous, JSON.stringify(await readManifest(first))));
    const second = join(dir, 'second.zip');
    expect(await main(['export', '--input', input, '--formats', 'json', '--out', second, '--since', previous])).toBe(0);
    const counts = (await readManifest(second)).counts.records;
    const expected = (kind: string) => all.filter((r) => r.kind === kind && r.updatedAtMs >= midMs).length;
    expect(counts).toEqual({ activity: expected('activity'), steps: expected('steps'), weight: expected('weight'), sleep: expected('sleep'), record: expected('record') });
    expect(Object.values(counts).reduce((a, b) => a + (b ?? 0), 0)).toBeLessThan(all.length * 0.6);
    expect((await readManifest(second)).request.filter.updatedSinceMs).toBe(midMs);
  });

  it('fails clearly when --since is not a Takeaway manifest', async () => {
    const bogus = join(dir, 'bogus.json');
    await import('node:fs/promises').then((fs) => fs.writeFile(bogus, '{"hello":1}'));
    const errors = vi.spyOn(console, 'error');
    expect(await main(['export', '--input', input, '--formats', 'json', '--out', join(dir, 'y.zip'), '--since', bogus])).toBe(1);
    expect(errors.mock.calls.flat().join('\n')).toMatch(/not a Takeaway manifest\.json/);
  });
});

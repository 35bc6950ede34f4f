// Entries read and compressed ahead (run.ts + lookahead.ts) must change nothing a person can see: the same files
// with the same hashes as one entry at a time, a zip that outside tools accept, and the same bytes every time.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Uint8ArrayReader } from '@zip.js/zip.js';
import { afterEach, describe, expect, it } from 'vitest';
import { installNodeEntryCodec } from '../../src/node/entry-codec.ts';
import { createDemoDataset, DemoRecordSource, DEMO_SMALL_OPTIONS } from '../../src/demo/index.ts';
import { setWholeEntryCodec, webEntryCodec } from '../../src/engine/entry-codec.ts';
import { runExport, verifyExport, type ExportResult } from '../../src/engine/index.ts';
import { FORMAT_REGISTRY } from '../../src/formats/registry.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest } from '../../src/model/request.ts';
import { memorySink, REPO_ROOT, tempFile, VALIDATORS } from '../helpers/zip-files.ts';

const dataset = createDemoDataset(DEMO_SMALL_OPTIONS);
const request = (compressionLevel: number): ExportRequest => ({
  createdAtMs: Date.UTC(2026, 10, 24),
  filter: { kinds: ['activity', 'steps', 'weight', 'sleep', 'record'] },
  formats: { activity: ['fit', 'gpx', 'tcx', 'csv'], steps: ['csv'], weight: ['csv'], sleep: ['csv'], record: ['csv', 'json'] },
  options: { ...DEFAULT_EXPORT_OPTIONS, compressionLevel, csv: { ...DEFAULT_EXPORT_OPTIONS.csv, samples: true } },
});

async function exportWith(entryWindow: number, compressionLevel = 6): Promise<{ result: ExportResult; zip: Uint8Array }> {
  const { sink, bytes } = memorySink();
  const result = await runExport(request(compressionLevel), new DemoRecordSource(dataset), sink, { registry: FORMAT_REGISTRY, entryWindow });
  return { result, zip: bytes() };
}

afterEach(() => setWholeEntryCodec(webEntryCodec));

describe.each([
  // Every member through the format validators once (the CLI test does the same for the Node codec); zip checks always.
  ['the web codec', () => setWholeEntryCodec(webEntryCodec), 6, ['--deep']],
  ['the Node codec threads', installNodeEntryCodec, 6, []],
  ['the Node codec threads', installNodeEntryCodec, 9, []],
])('an export with entries read ahead by %s at level %i', (_name, install, level, depth) => {
  it('holds the same files with the same hashes as one entry at a time, passes the zip and format validators and verify, and is byte-identical when repeated', async () => {
    const one = await exportWith(1, level);
    install();
    const ahead = await exportWith(4, level);
    const again = await exportWith(4, level);

    expect(ahead.result.manifest.files).toEqual(one.result.manifest.files);
    expect(ahead.result.manifest.files.filter((f) => f.path.startsWith('activities/gpx/')).length).toBeGreaterThan(3);
    expect(Buffer.compare(Buffer.from(ahead.zip), Buffer.from(again.zip))).toBe(0);
    // unzip -t and Python's zipfile; with --deep also every FIT/GPX/TCX member through the SDK decoder and the XSDs.
    execFileSync('bash', [join(VALIDATORS, 'validate-zip.sh'), tempFile('ahead.zip', ahead.zip), ...depth], { cwd: REPO_ROOT, stdio: 'pipe' });
    const report = await verifyExport(new Uint8ArrayReader(ahead.zip));
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  }, 120_000);
});

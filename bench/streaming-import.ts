// The streaming-import section of `npm run bench`: a large GPX and a synthetic Apple Health export at a small and a
// large size, each imported in its own process (bench/import-bench.ts), peaks side by side with their ratio.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImportRun } from './import-bench.ts';
import { writeSyntheticGpx } from './synthetic-gpx.ts';
import { appleHealthSpecOfSize, writeSyntheticAppleHealth } from './synthetic-apple-health.ts';

/** Bytes of one synthetic GPX track point, about (bench/synthetic-gpx.ts). */
const GPX_BYTES_PER_POINT = 209;

export interface StreamingImportBench {
  gpx: [ImportRun, ImportRun];
  appleHealth: [ImportRun, ImportRun];
}

function run(root: string, file: string): ImportRun {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(root, 'bench/import-bench.ts'), file], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as ImportRun;
}

/** Sizes in MB of XML: small and large (the 100 MB against 1 GB of GPX and 2 GB of export.xml). */
export async function runStreamingImportBench(root: string, sizes: { gpxMb: [number, number]; appleMb: [number, number] }): Promise<StreamingImportBench> {
  const dir = mkdtempSync(join(tmpdir(), 'takeaway-import-bench-'));
  try {
    const gpx = [] as unknown as [ImportRun, ImportRun];
    for (const mb of sizes.gpxMb) {
      const file = join(dir, `track-${mb}mb.gpx`);
      await writeSyntheticGpx(file, Math.round((mb * 1e6) / GPX_BYTES_PER_POINT));
      gpx.push(run(root, file));
      rmSync(file);
    }
    const appleHealth = [] as unknown as [ImportRun, ImportRun];
    for (const mb of sizes.appleMb) {
      const file = join(dir, `export-${mb}mb.zip`);
      await writeSyntheticAppleHealth(file, appleHealthSpecOfSize(mb * 1e6));
      appleHealth.push(run(root, file));
      rmSync(file);
    }
    return { gpx, appleHealth };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The section's Markdown lines. */
export function streamingImportLines(bench: StreamingImportBench): string[] {
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  const row = (what: string, r: ImportRun) => `| ${what} | ${mb(r.xmlBytes)} | ${mb(r.fileBytes)} | ${r.seconds.toFixed(1)} s | ${r.cpuSeconds.toFixed(1)} s | ${r.xmlMbPerS.toFixed(1)} | `
    + `${r.activities.toLocaleString('en-US')} / ${r.samples.toLocaleString('en-US')} / ${r.records.toLocaleString('en-US')} | ${mb(r.peakAboveBaselineBytes)} MB |`;
  const ratio = (pair: [ImportRun, ImportRun]) => (pair[1].peakAboveBaselineBytes / Math.max(1, pair[0].peakAboveBaselineBytes)).toFixed(2);
  return [
    '## Import, streaming: a large GPX and a synthetic Apple Health export.zip, Node',
    '',
    'Each import in its own process through `importFiles`, reading the file at offsets as the CLI does; items counted and let go, as the app\'s worker does once they are in the store. '
      + 'The Apple export is `bench/synthetic-apple-health.ts` (ten years of days, heart rate every few seconds, a run with a route every other day); its export.xml is read once while its heart-rate readings fit the 2 million kept for the workouts after them, and a second time (searching for those readings only) past that, as at 2 GB.',
    '',
    '| input | XML MB | file MB | time | CPU time | MB/s of XML | activities / samples / records | peak RSS above baseline |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    row('GPX', bench.gpx[0]), row('GPX', bench.gpx[1]), row('Apple Health export.zip', bench.appleHealth[0]), row('Apple Health export.zip', bench.appleHealth[1]),
    '',
    `Peak ratio large/small: GPX ${ratio(bench.gpx)}× (the track of one GPX is held until it is cut into chunks, so it grows with the file), Apple Health ${ratio(bench.appleHealth)}×.`,
    '',
  ];
}

// One import measured in its own process (so peaks do not mix): a file through importFiles, items counted and let go,
// as the app's import worker does when it writes them to the store. Prints one JSON line.
// Usage: node --expose-gc --import tsx bench/import-bench.ts FILE

import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { importFiles } from '../src/import/index.ts';
import { fileRandomAccess } from '../src/node/file-zip-reader.ts';
import { ZipArchive } from '../src/import/zip.ts';
import { InflateBudget } from '../src/import/bytes.ts';
import { RssSampler } from './rss.ts';

export interface ImportRun {
  file: string;
  fileBytes: number;
  /** XML bytes parsed: the file itself, or the .xml and .gpx members of a zip (inflated). */
  xmlBytes: number;
  seconds: number;
  cpuSeconds: number;
  xmlMbPerS: number;
  activities: number;
  samples: number;
  records: number;
  errors: number;
  baselineRssBytes: number;
  peakRssBytes: number;
  peakAboveBaselineBytes: number;
}

async function xmlBytesOf(path: string, size: number): Promise<number> {
  if (!path.endsWith('.zip')) return size;
  const source = await fileRandomAccess(path);
  try {
    const archive = await ZipArchive.open(source, new InflateBudget());
    const total = archive.paths.filter((p) => /\.(xml|gpx|tcx)$/i.test(p)).reduce((sum, p) => sum + archive.declaredSize(p), 0);
    await archive.close();
    return total;
  } finally {
    await source.close();
  }
}

export async function benchImport(path: string): Promise<ImportRun> {
  const { size } = await stat(path);
  const xmlBytes = await xmlBytesOf(path, size);
  globalThis.gc?.();
  const sampler = new RssSampler(20);
  const cpu = process.cpuUsage();
  const start = performance.now();
  const run = { activities: 0, samples: 0, records: 0, errors: 0 };
  for await (const item of importFiles([{ name: basename(path), bytes: () => { throw new Error('read at offsets'); }, randomAccess: () => fileRandomAccess(path) }])) {
    if (item.type === 'activity') {
      run.activities += 1;
      run.samples += item.activity.sampleCount;
    } else if (item.type === 'record') run.records += 1;
    else run.errors += 1;
  }
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const { baselineBytes, peakBytes } = sampler.stop();
  return {
    file: basename(path), fileBytes: size, xmlBytes, seconds, cpuSeconds: (used.user + used.system) / 1e6, xmlMbPerS: xmlBytes / 1e6 / seconds, ...run,
    baselineRssBytes: baselineBytes, peakRssBytes: peakBytes, peakAboveBaselineBytes: peakBytes - baselineBytes,
  };
}

if (process.argv[1]?.endsWith('import-bench.ts')) {
  const path = process.argv[2];
  if (path) console.log(JSON.stringify(await benchImport(path)));
}

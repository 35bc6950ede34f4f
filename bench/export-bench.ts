// One export benchmark run, in its own process so its peak RSS is its own. Prints one JSON line.
// Usage: node --expose-gc --import tsx bench/export-bench.ts --activities 100 --samples 10000 [--baselines]
//
// Measures: the engine exporting FIT+GPX+TCX+CSV (with per-activity sample CSVs) into one zip on disk, and,
// with --baselines, (a) the limit: node zlib deflating the same entry bytes at the same level plus writing
// them, and (b) the plain-library way: @garmin/fitsdk Encoder, template strings and papaparse unparse.

import { mkdtempSync, openSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { deflateRawSync } from 'node:zlib';
import { ZipReader } from '@zip.js/zip.js';
import { createDemoDataset } from '../src/demo/index.ts';
import { runExport } from '../src/engine/index.ts';
import { FORMAT_REGISTRY } from '../src/formats/registry.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest } from '../src/model/request.ts';
import { fileSink } from '../src/node/file-sink.ts';
import { fileZipReader } from '../src/node/file-zip-reader.ts';
import { writeChunkFile } from './chunk-file-source.ts';
import { plainLibraryExport } from './plain-library.ts';
import { RssSampler } from './rss.ts';
import { installNodeRuntime } from '../src/node/runtime.ts';

installNodeRuntime();

const { values } = parseArgs({ options: {
  activities: { type: 'string', default: '100' }, samples: { type: 'string', default: '10000' },
  baselines: { type: 'boolean', default: false }, 'plain-activities': { type: 'string', default: '10' },
} });
const activityCount = Number(values.activities);
const samplesPerActivity = Number(values.samples);
const dir = mkdtempSync(join(tmpdir(), 'takeaway-bench-'));

const setupStart = performance.now();
const dataset = createDemoDataset({ seed: 7, days: 365, activityCount, samplesPerActivity, includeHealth: true, genericCount: 300 });
const chunkFile = writeChunkFile(dataset, join(dir, 'chunks.bin'));
const setupS = (performance.now() - setupStart) / 1000;

const request: ExportRequest = {
  createdAtMs: Date.UTC(2026, 10, 24, 12, 0, 0),
  filter: { kinds: ['activity'] },
  formats: { activity: ['fit', 'gpx', 'tcx', 'csv'] },
  options: { ...DEFAULT_EXPORT_OPTIONS, csv: { ...DEFAULT_EXPORT_OPTIONS.csv, samples: true } },
};

globalThis.gc?.();
const rss = new RssSampler();
const zipPath = join(dir, 'export.zip');
const exportStart = performance.now();
const exportCpu = process.cpuUsage();
const { manifest, bytesWritten } = await runExport(request, chunkFile.source, fileSink(zipPath), { registry: FORMAT_REGISTRY });
const exportS = (performance.now() - exportStart) / 1000;
const exportCpuS = cpuSeconds(exportCpu);
const peak = rss.stop();
const bytesIn = manifest.files.reduce((sum, f) => sum + f.size, 0);

const result: Record<string, unknown> = {
  activities: activityCount,
  samples: chunkFile.samples,
  files: manifest.files.length,
  setupS,
  exportS,
  exportCpuS,
  samplesPerS: chunkFile.samples / exportS,
  bytesIn,
  bytesOut: bytesWritten,
  mbInPerS: bytesIn / 1e6 / exportS,
  mbOutPerS: bytesWritten / 1e6 / exportS,
  baselineRssBytes: peak.baselineBytes,
  peakRssBytes: peak.peakBytes,
  peakAboveBaselineBytes: peak.peakBytes - peak.baselineBytes,
};

if (values.baselines) {
  const limit = await measureLimit(zipPath, request.options.compressionLevel);
  result.limitS = limit.wallS;
  result.limitCpuS = limit.cpuS;
  const plainActivities = Math.min(activityCount, Number(values['plain-activities']));
  const plain = await plainLibraryExport(dataset, chunkFile.source, plainActivities, request.options.compressionLevel, join(dir, 'plain.out'));
  result.plainSampleCount = plain.samples;
  result.plainS = plain.seconds * (chunkFile.samples / plain.samples);
  result.plainParts = plain.parts;
  result.plainExtrapolatedFrom = plain.samples;
}

chunkFile.close();
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify(result));

/** CPU seconds (all threads of the process, so the codec threads and zlib's pool count too) since `start`. */
function cpuSeconds(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/**
 * (a) The limit: for every entry of the finished zip, the time node's zlib takes to deflate its bytes at the
 * same level (stored entries are only written) plus writing the result. Reading the entries back is not timed.
 */
async function measureLimit(path: string, level: number): Promise<{ wallS: number; cpuS: number }> {
  const file = await fileZipReader(path);
  const reader = new ZipReader(file);
  const out = openSync(join(dir, 'limit.out'), 'w');
  let timedMs = 0;
  let cpuMicros = 0;
  for (const entry of await reader.getEntries()) {
    if (entry.directory) continue;
    const parts: Uint8Array[] = [];
    await entry.getData(new WritableStream({ write(chunk) { parts.push(chunk); } }));
    const bytes = Buffer.concat(parts);
    const start = performance.now();
    const cpu = process.cpuUsage();
    const stored = entry.compressionMethod === 0;
    const data = stored ? bytes : deflateRawSync(bytes, { level });
    writeSync(out, data);
    timedMs += performance.now() - start;
    const used = process.cpuUsage(cpu);
    cpuMicros += used.user + used.system;
  }
  closeSync(out);
  await reader.close();
  await file.close();
  return { wallS: timedMs / 1000, cpuS: cpuMicros / 1e6 };
}

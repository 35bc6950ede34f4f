// FIT import throughput, for the perf notes: how many samples per second importFit turns into chunks.

import { importFit } from './fit.ts';

/** One file's measurement. */
export interface FitBenchResult {
  name: string;
  bytes: number;
  samples: number;
  ms: number;
  samplesPerS: number;
}

/**
 * Imports each file `rounds` times (default 3, after one warm-up) and reports the best round, since the
 * box is shared and the best run is the least disturbed one. Makes no assertion; callers print it.
 */
export function benchFitImport(files: readonly { name: string; bytes: Uint8Array }[], rounds = 3): FitBenchResult[] {
  return files.map(({ name, bytes }) => {
    const run = () => importFit(bytes, { fileName: name, nowMs: 0 }).reduce((sum, a) => sum + a.activity.sampleCount, 0);
    const samples = run();
    let bestMs = Infinity;
    for (let i = 0; i < rounds; i++) {
      const start = performance.now();
      run();
      bestMs = Math.min(bestMs, performance.now() - start);
    }
    return { name, bytes: bytes.length, samples, ms: bestMs, samplesPerS: samples / (bestMs / 1000) };
  });
}

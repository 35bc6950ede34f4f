// Store benchmark: loads the demo year into Dexie over fake-indexeddb in Node, then reads every track back
// chunk by chunk. Prints samples/s for writing and reading and the peak RSS; asserts nothing about time.
// Run: npx tsx bench/store-bench.ts   (or through the bench runner, which imports runStoreBench)

import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { pathToFileURL } from 'node:url';
import { createDemoDataset, DEMO_YEAR_OPTIONS, type DemoOptions } from '../src/demo/index.ts';
import type { TakeawayRecord } from '../src/model/records.ts';
import { TakeawayDb } from '../src/store/db.ts';
import { putActivity, putRecords, readTrack } from '../src/store/queries.ts';

export interface StoreBenchResult {
  activities: number;
  samples: number;
  otherRecords: number;
  /** First pass over every track to compute totals and laps (part of the demo generator, not the store). */
  summarizeMs: number;
  /** Generating the tracks again while writing, excluded from `writeMs`. */
  generateMs: number;
  /** Time inside `putActivity` and `putRecords`. */
  writeMs: number;
  writeSamplesPerS: number;
  readMs: number;
  readSamplesPerS: number;
  /** Highest resident set size seen (sampled every 50 ms and at each step), bytes. */
  peakRssBytes: number;
}

/** Writes then reads the dataset given by `options` (default: `DEMO_YEAR_OPTIONS`, about 1 M samples). */
export async function runStoreBench(options: DemoOptions = DEMO_YEAR_OPTIONS): Promise<StoreBenchResult> {
  let peakRssBytes = process.memoryUsage.rss();
  const sampleRss = () => { peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss()); };
  const timer = setInterval(sampleRss, 50);
  const db = new TakeawayDb(`store-bench-${options.seed}-${process.pid}`, { indexedDB, IDBKeyRange });
  try {
    const dataset = createDemoDataset(options);
    let started = performance.now();
    const activities = dataset.activities();
    const summarizeMs = performance.now() - started;

    let generateMs = 0;
    let writeMs = 0;
    let samples = 0;
    for (const activity of activities) {
      started = performance.now();
      const chunks = [...dataset.trackSync(activity)];
      generateMs += performance.now() - started;
      started = performance.now();
      await putActivity(db, activity, chunks);
      writeMs += performance.now() - started;
      samples += activity.sampleCount;
      sampleRss();
    }
    const others: TakeawayRecord[] = (['steps', 'weight', 'sleep', 'record'] as const).flatMap((kind) => dataset.records(kind));
    started = performance.now();
    await putRecords(db, others);
    writeMs += performance.now() - started;

    started = performance.now();
    let readSamples = 0;
    for (const activity of activities) {
      for await (const chunk of readTrack(db, activity.id)) readSamples += chunk.count;
      sampleRss();
    }
    const readMs = performance.now() - started;
    if (readSamples !== samples) throw new Error(`read ${readSamples} samples back but wrote ${samples}`);

    return {
      activities: activities.length,
      samples,
      otherRecords: others.length,
      summarizeMs: Math.round(summarizeMs),
      generateMs: Math.round(generateMs),
      writeMs: Math.round(writeMs),
      writeSamplesPerS: Math.round(samples / (writeMs / 1000)),
      readMs: Math.round(readMs),
      readSamplesPerS: Math.round(samples / (readMs / 1000)),
      peakRssBytes,
    };
  } finally {
    clearInterval(timer);
    db.close();
    await db.delete();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runStoreBench();
  console.log(`store bench: ${result.activities} activities, ${result.samples} samples, ${result.otherRecords} other records`);
  console.log(`  summarize ${result.summarizeMs} ms, generate ${result.generateMs} ms (not counted below)`);
  console.log(`  write ${result.writeMs} ms = ${result.writeSamplesPerS.toLocaleString('en')} samples/s`);
  console.log(`  read  ${result.readMs} ms = ${result.readSamplesPerS.toLocaleString('en')} samples/s`);
  console.log(`  peak RSS ${(result.peakRssBytes / 1_048_576).toFixed(0)} MiB`);
}

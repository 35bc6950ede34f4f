// Measures the FIT writer against Garmin's SDK Encoder on the same all-channel track.
// Run: npx tsx src/formats/fit/fit.bench.ts   (the bench runner calls `benchFit()`).

import { Encoder, Profile, type FileIdMesg, type RecordMesg } from '@garmin/fitsdk';
import { CHANNELS, type Channel } from '../../model/records.ts';
import { encodeFitActivity } from './encode.ts';
import { chunkTrack, iterate, makeActivity, makeSamples } from './fixtures/make-activity.ts';
import { fitTimeFromMs } from './parts.ts';

export interface FitBenchResult {
  /** Samples encoded by our writer, and the records per second it reached (whole file: header, records, CRC). */
  samples: number;
  recordsPerS: number;
  bytes: number;
  /** Samples encoded by the SDK Encoder (it is slow; the rate is measured on fewer samples), and its rate. */
  sdkSamples: number;
  sdkRecordsPerS: number;
  /** recordsPerS / sdkRecordsPerS. */
  speedup: number;
}

/**
 * Encodes `samples` all-channel 1 Hz samples with `encodeFitActivity` and `sdkSamples` with the @garmin/fitsdk
 * Encoder, timing each with `performance.now()` (wall clock, after a short warm-up). Defaults: 1,000,000 and 50,000.
 */
export async function benchFit(samples = 1_000_000, sdkSamples = 50_000): Promise<FitBenchResult> {
  const channels: Channel[] = [...CHANNELS];
  const activity = makeActivity({ sampleCount: samples, channels, totals: { elapsedS: samples - 1, timerS: samples - 1 } });
  const columns = makeSamples(samples, activity.startTimeMs, channels);
  const chunks = chunkTrack(activity.id, columns, 2048);

  // Warm the JIT on a short track first, so the rate is the writer's and not the compiler's.
  const warmUp = makeActivity({ sampleCount: 20_000, channels, totals: { elapsedS: 19_999, timerS: 19_999 } });
  for await (const part of encodeFitActivity(warmUp, iterate(chunkTrack(warmUp.id, makeSamples(20_000, warmUp.startTimeMs, channels), 2048)))) void part;

  let bytes = 0;
  const started = performance.now();
  for await (const part of encodeFitActivity(activity, iterate(chunks))) bytes += part.length;
  const ownS = (performance.now() - started) / 1000;

  const sdkStarted = performance.now();
  const encoder = new Encoder();
  const fileId: FileIdMesg = { type: 'activity', manufacturer: 'development', timeCreated: new Date(activity.startTimeMs) };
  encoder.onMesg(Profile.MesgNum.FILE_ID, fileId);
  for (let i = 0; i < sdkSamples; i++) {
    const record: RecordMesg = {
      timestamp: fitTimeFromMs(columns.timeMs[i]),
      positionLat: Math.round(columns.lat![i] * 2 ** 31 / 180),
      positionLong: Math.round(columns.lon![i] * 2 ** 31 / 180),
      distance: columns.distanceM![i],
      enhancedSpeed: columns.speedMps![i],
      enhancedAltitude: columns.altitudeM![i],
      heartRate: columns.heartRateBpm![i],
      cadence: columns.cadenceRpm![i],
      power: columns.powerW![i],
      temperature: columns.temperatureC![i],
    };
    encoder.onMesg(Profile.MesgNum.RECORD, record);
  }
  encoder.close();
  const sdkS = (performance.now() - sdkStarted) / 1000;

  const recordsPerS = samples / ownS;
  const sdkRecordsPerS = sdkSamples / sdkS;
  return { samples, recordsPerS, bytes, sdkSamples, sdkRecordsPerS, speedup: recordsPerS / sdkRecordsPerS };
}

// Run directly (not when imported by the bench runner). No Node types here: this folder compiles without them.
const argv = (globalThis as { process?: { argv?: string[] } }).process?.argv;
if (argv?.[1] && import.meta.url.endsWith(argv[1].replace(/\\/g, '/').split('/').pop() ?? '\0')) {
  const result = await benchFit();
  console.log(`own writer : ${result.samples.toLocaleString('en')} records, ${(result.bytes / 1e6).toFixed(1)} MB, ${Math.round(result.recordsPerS).toLocaleString('en')} records/s`);
  console.log(`SDK Encoder: ${result.sdkSamples.toLocaleString('en')} records, ${Math.round(result.sdkRecordsPerS).toLocaleString('en')} records/s`);
  console.log(`speed-up   : ${result.speedup.toFixed(0)}×`);
}

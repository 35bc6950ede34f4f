// Throughput of the GPX and TCX encoders on a synthetic 1M-sample track, all channels.
// Run with `npx tsx src/formats/gpx/xml-bench.ts` (no assertions: the numbers are for humans).

import { encodeTcxActivity } from '../tcx/encode.ts';
import { encodeGpxActivity } from './encode.ts';
import { type FixtureSpec, fixtureActivity, fixtureTrack } from './fixtures/activities.ts';
import type { Activity, TrackChunk } from '../../model/records.ts';

export interface XmlBenchResult {
  format: 'gpx' | 'tcx';
  samples: number;
  bytes: number;
  ms: number;
  samplesPerS: number;
  bytesPerSample: number;
}

type Encode = (activity: Activity, track: AsyncIterable<TrackChunk>) => AsyncIterable<Uint8Array>;

async function collectTrack(spec: FixtureSpec): Promise<TrackChunk[]> {
  const chunks: TrackChunk[] = [];
  for await (const chunk of fixtureTrack(spec)) chunks.push(chunk);
  return chunks;
}

async function* replay(chunks: TrackChunk[]): AsyncGenerator<TrackChunk> {
  yield* chunks;
}

async function measure(format: 'gpx' | 'tcx', encode: Encode, spec: FixtureSpec, chunks: TrackChunk[]): Promise<XmlBenchResult> {
  const startMs = performance.now();
  let bytes = 0;
  for await (const piece of encode(fixtureActivity(spec), replay(chunks))) bytes += piece.length;
  const ms = performance.now() - startMs;
  return { format, samples: spec.sampleCount, bytes, ms, samplesPerS: Math.round(spec.sampleCount / (ms / 1000)), bytesPerSample: Math.round(bytes / spec.sampleCount) };
}

/** Encodes `sampleCount` samples (default 1,000,000) as GPX (tpx v1) and TCX; the track is built before timing. */
export async function benchXml(sampleCount = 1_000_000): Promise<XmlBenchResult[]> {
  const spec: FixtureSpec = { sampleCount, lapStarts: [0, Math.floor(sampleCount / 2)], pauseBeforeIndexes: [Math.floor(sampleCount / 3)] };
  const chunks = await collectTrack(spec);
  return [
    await measure('gpx', (a, t) => encodeGpxActivity(a, t, { dialect: 'garmin-tpx-v1' }), spec, chunks),
    await measure('tcx', (a, t) => encodeTcxActivity(a, t), spec, chunks),
  ];
}

if (import.meta.url === `file://${(globalThis as { process?: { argv: string[] } }).process?.argv[1]}`) {
  for (const result of await benchXml()) console.log(JSON.stringify(result));
}

// Throughput of the samples CSV against papaparse.unparse on the same rows. Plain web APIs only, so it runs
// in Node (bench runner, tests) and in a browser worker alike.

import Papa from 'papaparse';
import { MemoryRecordSource } from '../../model/memory-source.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportOptions } from '../../model/request.ts';
import type { Activity, TrackChunk } from '../../model/records.ts';
import { TRACK_CHUNK_SIZE } from '../../model/records.ts';
import { formatIsoLocal, formatIsoUtc } from '../time-format.ts';
import { csvEntries } from './encode.ts';
import { SAMPLE_COLUMNS } from './parts.ts';

export interface CsvBenchResult {
  sampleRows: number;
  /** Our streamed samples CSV: rows per second, bytes written, and the largest piece handed out. */
  csvRowsPerS: number;
  csvBytes: number;
  largestPieceBytes: number;
  /** papaparse.unparse of the same rows held as one array (what we avoid): rows per second and output characters. */
  papaRowsPerS: number;
  papaChars: number;
  /** Heap growth while the papaparse table and string were alive, when a `heapUsedBytes` probe was given. */
  papaHeapGrowthBytes?: number;
  /** Whether both outputs are the same text (they should be: same quoting, same numbers). */
  isSameText: boolean;
}

const START_MS = Date.UTC(2025, 2, 1, 6, 0, 0);
const UTC_OFFSET_MIN = 60;

function benchActivity(sampleRows: number): Activity {
  return {
    kind: 'activity', id: 'bench', updatedAtMs: START_MS, sport: 'cycling', subSport: 'road', name: 'Bench ride',
    startTimeMs: START_MS, utcOffsetMin: UTC_OFFSET_MIN, totals: { elapsedS: sampleRows, timerS: sampleRows }, tags: [],
    laps: [], pauses: [], sampleCount: sampleRows,
    channels: ['lat', 'lon', 'altitudeM', 'heartRateBpm', 'cadenceRpm', 'powerW', 'speedMps', 'distanceM', 'temperatureC'],
  };
}

/** A plausible 1 Hz ride, generated chunk by chunk (every 50th heart rate missing). */
function* benchTrack(sampleRows: number): Generator<TrackChunk> {
  for (let start = 0, seq = 0; start < sampleRows; start += TRACK_CHUNK_SIZE, seq++) {
    const count = Math.min(TRACK_CHUNK_SIZE, sampleRows - start);
    const chunk: TrackChunk = {
      activityId: 'bench', seq, startIndex: start, count, timeMs: new Float64Array(count),
      lat: new Float64Array(count), lon: new Float64Array(count), altitudeM: new Float32Array(count),
      heartRateBpm: new Float32Array(count), cadenceRpm: new Float32Array(count), powerW: new Float32Array(count),
      speedMps: new Float32Array(count), distanceM: new Float64Array(count), temperatureC: new Float32Array(count),
    };
    for (let i = 0; i < count; i++) {
      const n = start + i;
      chunk.timeMs[i] = START_MS + n * 1000;
      chunk.lat![i] = 47.3769 + Math.sin(n / 5000) * 0.05;
      chunk.lon![i] = 8.5417 + Math.cos(n / 5000) * 0.05;
      chunk.altitudeM![i] = 410 + Math.sin(n / 300) * 40;
      chunk.heartRateBpm![i] = n % 50 === 0 ? Number.NaN : 120 + (n % 40);
      chunk.cadenceRpm![i] = 85 + (n % 7);
      chunk.powerW![i] = 180 + (n % 90);
      chunk.speedMps![i] = 7.5 + Math.sin(n / 60);
      chunk.distanceM![i] = n * 7.5;
      chunk.temperatureC![i] = 18.5 + (n % 10) / 10;
    }
    yield chunk;
  }
}

/** Rounds like the CSV's number cells so papaparse's `String(n)` gives the same text; NaN → empty. */
function rounded(value: number, decimals: number): number | null {
  if (!Number.isFinite(value)) return null;
  const scale = 10 ** decimals;
  const r = Math.round(value * scale) / scale;
  return r === 0 ? 0 : r;
}

/**
 * Writes `sampleRows` sample rows through the real CSV encoder (samples on), then the same rows through
 * papaparse.unparse, and reports both. Holds the papaparse table only for its own half.
 */
export async function benchCsv(sampleRows = 1_000_000, heapUsedBytes?: () => number): Promise<CsvBenchResult> {
  const activity = benchActivity(sampleRows);
  const source = new MemoryRecordSource([activity], async function* () { yield* benchTrack(sampleRows); });
  const options = { ...DEFAULT_EXPORT_OPTIONS, csv: { ...DEFAULT_EXPORT_OPTIONS.csv, samples: true } };
  const context = { source, filter: { kinds: ['activity' as const] }, options, createdAtMs: START_MS, skip: () => {}, leaveOut: () => {} };

  const decoder = new TextDecoder();
  let ours = '';
  let csvBytes = 0;
  let largestPieceBytes = 0;
  let csvMs = 0;
  let decodeMs = 0;
  for await (const entry of csvEntries(context)) {
    const isSamples = entry.path.startsWith('activities/samples/');
    const startMs = performance.now();
    for await (const piece of entry.content) {
      if (!isSamples) continue;
      csvBytes += piece.length;
      largestPieceBytes = Math.max(largestPieceBytes, piece.length);
      // Decoding is only there for the comparison below, so it is kept out of the timing.
      const decodeStartMs = performance.now();
      ours += decoder.decode(piece);
      decodeMs += performance.now() - decodeStartMs;
    }
    if (isSamples) csvMs += performance.now() - startMs - decodeMs;
  }

  const heapBefore = heapUsedBytes?.();
  const papaStartMs = performance.now();
  const rows: (string | number | null)[][] = [];
  for (const chunk of benchTrack(sampleRows)) {
    for (let i = 0; i < chunk.count; i++) {
      rows.push([
        formatIsoLocal(chunk.timeMs[i], UTC_OFFSET_MIN), formatIsoUtc(chunk.timeMs[i]),
        rounded(chunk.lat![i], 7), rounded(chunk.lon![i], 7), rounded(chunk.altitudeM![i], 3), rounded(chunk.heartRateBpm![i], 3),
        rounded(chunk.cadenceRpm![i], 3), rounded(chunk.powerW![i], 3), rounded(chunk.speedMps![i], 3),
        rounded(chunk.distanceM![i], 3), rounded(chunk.temperatureC![i], 3),
      ]);
    }
  }
  const papa = Papa.unparse({ fields: [...SAMPLE_COLUMNS], data: rows }, { newline: '\r\n' }) + '\r\n';
  const papaMs = performance.now() - papaStartMs;
  const heapAfter = heapUsedBytes?.();

  return {
    sampleRows,
    csvRowsPerS: Math.round(sampleRows / (csvMs / 1000)),
    csvBytes,
    largestPieceBytes,
    papaRowsPerS: Math.round(sampleRows / (papaMs / 1000)),
    papaChars: papa.length,
    papaHeapGrowthBytes: heapBefore === undefined || heapAfter === undefined ? undefined : heapAfter - heapBefore,
    isSameText: papa === ours,
  };
}

/**
 * Rows per second and bytes of the samples CSV alone in a given time style and units (no papaparse half), to
 * compare the imperial/UTC writer with the default one on the same rows.
 */
export async function benchCsvStyle(sampleRows: number, style: Pick<ExportOptions, 'timeStyle' | 'units'>): Promise<{ csvRowsPerS: number; csvBytes: number }> {
  const activity = benchActivity(sampleRows);
  const source = new MemoryRecordSource([activity], async function* () { yield* benchTrack(sampleRows); });
  const options: ExportOptions = { ...DEFAULT_EXPORT_OPTIONS, ...style, csv: { ...DEFAULT_EXPORT_OPTIONS.csv, samples: true } };
  let csvBytes = 0;
  let csvMs = 0;
  for await (const entry of csvEntries({ source, filter: { kinds: ['activity'] }, options, createdAtMs: START_MS, skip: () => {}, leaveOut: () => {} })) {
    const isSamples = entry.path.startsWith('activities/samples/');
    const startMs = performance.now();
    for await (const piece of entry.content) if (isSamples) csvBytes += piece.length;
    if (isSamples) csvMs += performance.now() - startMs;
  }
  return { csvRowsPerS: Math.round(sampleRows / (csvMs / 1000)), csvBytes };
}

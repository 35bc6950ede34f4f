// Rewrites a track for an anonymised export: positions hidden, samples dropped (chunks re-cut so `seq` and
// `startIndex` stay consistent), distance re-based on what remains.

import { TRACK_CHUNK_SIZE, type Channel, type TrackChunk } from '../model/records.ts';

type Float64Channel = 'lat' | 'lon' | 'distanceM';
const FLOAT64_CHANNELS = new Set<Channel>(['lat', 'lon', 'distanceM']);
/** Every sample channel a chunk may carry, besides `timeMs`. */
const SAMPLE_CHANNELS: readonly Channel[] = ['lat', 'lon', 'altitudeM', 'heartRateBpm', 'cadenceRpm', 'powerW', 'speedMps', 'distanceM', 'temperatureC'];

/** A copy of the chunk without lat/lon where `mask` marks the sample (mask indexed from `offset`), or without GPS at all. */
export function hidePositions(chunk: TrackChunk, mask: Uint8Array | undefined, offset: number, dropAll: boolean): TrackChunk {
  const { lat: _lat, lon: _lon, ...rest } = chunk;
  if (dropAll || !chunk.lat || !chunk.lon) return rest;
  if (!mask) return chunk;
  const lat = chunk.lat.slice();
  const lon = chunk.lon.slice();
  for (let k = 0; k < chunk.count; k++) {
    if (mask[offset + k] === 1) {
      lat[k] = NaN;
      lon[k] = NaN;
    }
  }
  return { ...rest, lat, lon };
}

/**
 * The samples `mask` does not mark, re-cut into chunks of `TRACK_CHUNK_SIZE`. Cumulative distance restarts at 0
 * on the first kept sample and does not grow across a removed stretch: what was hidden is not counted.
 */
export async function* keepUnmasked(chunks: AsyncIterable<TrackChunk>, mask: Uint8Array, activityId: string): AsyncGenerator<TrackChunk> {
  const builder = new ChunkBuilder(activityId);
  let index = 0;
  let cumulativeM = 0;
  let lastKeptDistanceM: number | undefined;
  for await (const chunk of chunks) {
    for (let k = 0; k < chunk.count; k++, index++) {
      if (mask[index] === 1) {
        lastKeptDistanceM = undefined;
        continue;
      }
      let distanceM = NaN;
      const originalM = chunk.distanceM ? chunk.distanceM[k] : NaN;
      if (Number.isFinite(originalM)) {
        if (lastKeptDistanceM !== undefined) cumulativeM += Math.max(0, originalM - lastKeptDistanceM);
        lastKeptDistanceM = originalM;
        distanceM = cumulativeM;
      }
      const full = builder.push(chunk, k, distanceM);
      if (full) yield full;
    }
  }
  const last = builder.flush();
  if (last) yield last;
}

/** Gathers single samples into columnar chunks; a channel missing from some input chunk is filled with NaN. */
class ChunkBuilder {
  private seq = 0;
  private startIndex = 0;
  private count = 0;
  private timeMs = new Float64Array(TRACK_CHUNK_SIZE);
  private columns = new Map<Channel, Float64Array | Float32Array>();

  constructor(private readonly activityId: string) {}

  /** Adds sample `k` of `chunk` (with `distanceM` replacing its distance); returns a full chunk when one is ready. */
  push(chunk: TrackChunk, k: number, distanceM: number): TrackChunk | undefined {
    this.timeMs[this.count] = chunk.timeMs[k];
    for (const channel of SAMPLE_CHANNELS) {
      const source = chunk[channel];
      if (!source && !this.columns.has(channel)) continue;
      const column = this.column(channel);
      column[this.count] = channel === 'distanceM' ? distanceM : source ? source[k] : NaN;
    }
    this.count++;
    return this.count === TRACK_CHUNK_SIZE ? this.flush() : undefined;
  }

  flush(): TrackChunk | undefined {
    if (this.count === 0) return undefined;
    const chunk: TrackChunk = {
      activityId: this.activityId, seq: this.seq, startIndex: this.startIndex, count: this.count,
      timeMs: this.timeMs.slice(0, this.count),
    };
    for (const [channel, column] of this.columns) (chunk as unknown as Record<Channel, Float64Array | Float32Array>)[channel] = column.slice(0, this.count);
    this.seq++;
    this.startIndex += this.count;
    this.count = 0;
    for (const column of this.columns.values()) column.fill(NaN);
    return chunk;
  }

  private column(channel: Channel): Float64Array | Float32Array {
    let column = this.columns.get(channel);
    if (!column) {
      column = FLOAT64_CHANNELS.has(channel as Float64Channel) ? new Float64Array(TRACK_CHUNK_SIZE) : new Float32Array(TRACK_CHUNK_SIZE);
      column.fill(NaN);
      this.columns.set(channel, column);
    }
    return column;
  }
}

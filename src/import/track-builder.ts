// Collects a track sample by sample, then cuts it into stored chunks and works out totals from the samples.

import { CHANNELS, TRACK_CHUNK_SIZE } from '../model/records.ts';
import type { Channel, Pause, Totals, TrackChunk } from '../model/records.ts';
import { SpanTotals } from '../model/totals.ts';

/** One sample as importers see it: time plus any channels they have (absent or NaN means missing). */
export type Sample = { timeMs: number } & Partial<Record<Channel, number>>;

class GrowableColumn {
  values = new Float64Array(1024);
  hasValue = false;

  set(index: number, value: number): void {
    if (index >= this.values.length) {
      const grown = new Float64Array(Math.max(index + 1, this.values.length * 2));
      grown.fill(Number.NaN, this.values.length);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[index] = value;
    if (!Number.isNaN(value)) this.hasValue = true;
  }
}

/** Columnar sample accumulator. Channels never set are left out of the chunks and of `channels`. */
export class TrackBuilder {
  private readonly columns = new Map<Channel | 'timeMs', GrowableColumn>();
  private length = 0;

  constructor() {
    this.columns.set('timeMs', new GrowableColumn());
    for (const channel of CHANNELS) {
      const column = new GrowableColumn();
      column.values.fill(Number.NaN);
      this.columns.set(channel, column);
    }
  }

  /** Number of samples so far. */
  get count(): number {
    return this.length;
  }

  /**
   * Appends one sample; non-finite channel values are stored as missing. A sample with the same time as the
   * last one is merged into it instead: devices that write position and sensors as separate records of one
   * second (Suunto, some FIT writers) would otherwise give two half-empty samples per second, and exports
   * that keep one point per time would lose elevation or heart rate. Where both carry a channel, the later
   * value wins (it is the newer reading, and cumulative distance only grows).
   */
  push(sample: Sample): void {
    if (this.length > 0 && sample.timeMs === this.timeAt(this.length - 1)) {
      const index = this.length - 1;
      for (const channel of CHANNELS) {
        const value = sample[channel];
        if (value !== undefined && Number.isFinite(value)) this.columns.get(channel)!.set(index, value);
      }
      return;
    }
    const index = this.length++;
    this.columns.get('timeMs')!.set(index, sample.timeMs);
    for (const channel of CHANNELS) {
      const value = sample[channel];
      if (value !== undefined && Number.isFinite(value)) this.columns.get(channel)!.set(index, value);
      else this.columns.get(channel)!.set(index, Number.NaN);
    }
  }

  /** Time of sample `index`, epoch ms. */
  timeAt(index: number): number {
    return this.columns.get('timeMs')!.values[index];
  }

  /**
   * Makes `[from, to)` meet the model's track rules: samples sorted by time (a stable sort, since a few
   * devices write a timestamp that steps back) and cumulative distance never decreasing (a sample below
   * the running maximum is raised to it, which absorbs the small dips some writers produce).
   */
  normalize(from = 0, to = this.length): void {
    const time = this.columns.get('timeMs')!.values;
    let isSorted = true;
    for (let i = from + 1; i < to && isSorted; i++) if (time[i] < time[i - 1]) isSorted = false;
    if (!isSorted) {
      const order = Array.from({ length: to - from }, (_, i) => from + i).sort((a, b) => time[a] - time[b] || a - b);
      for (const column of this.columns.values()) {
        const copy = column.values.slice(from, to);
        order.forEach((source, i) => (column.values[from + i] = copy[source - from]));
      }
    }
    const distance = this.columns.get('distanceM')!.values;
    let maxDistanceM = -Infinity;
    for (let i = from; i < to; i++) {
      const value = distance[i];
      if (Number.isNaN(value)) continue;
      if (value < maxDistanceM) distance[i] = maxDistanceM;
      else maxDistanceM = value;
    }
  }

  /** Channels that carry at least one value, in `CHANNELS` order. */
  channels(): Channel[] {
    return CHANNELS.filter((channel) => this.columns.get(channel)!.hasValue);
  }

  /** The samples `[from, to)` cut into chunks of `TRACK_CHUNK_SIZE`, numbered from 0 with indexes relative to `from`. */
  toChunks(activityId: string, from = 0, to = this.length): TrackChunk[] {
    const channels = this.channelsIn(from, to);
    const chunks: TrackChunk[] = [];
    for (let start = from, seq = 0; start < to; start += TRACK_CHUNK_SIZE, seq++) {
      const end = Math.min(to, start + TRACK_CHUNK_SIZE);
      const chunk: TrackChunk = {
        activityId,
        seq,
        startIndex: start - from,
        count: end - start,
        timeMs: this.columns.get('timeMs')!.values.slice(start, end),
      };
      for (const channel of channels) {
        const values = this.columns.get(channel)!.values.subarray(start, end);
        if (channel === 'lat' || channel === 'lon' || channel === 'distanceM') chunk[channel] = Float64Array.from(values);
        else chunk[channel] = Float32Array.from(values);
      }
      chunks.push(chunk);
    }
    return chunks;
  }

  /** Channels with a value within `[from, to)`. */
  channelsIn(from: number, to: number): Channel[] {
    return this.channels().filter((channel) => {
      const values = this.columns.get(channel)!.values;
      for (let i = from; i < to; i++) if (!Number.isNaN(values[i])) return true;
      return false;
    });
  }

  /** Totals worked out from the samples `[from, to)` under the shared rules (`model/totals.ts`), timer time minus `pauses`. */
  computeTotals(from = 0, to = this.length, pauses: readonly Pause[] = []): Totals {
    const span = new SpanTotals();
    const columns: { timeMs: Float64Array } & Partial<Record<Channel, Float64Array>> = { timeMs: this.columns.get('timeMs')!.values };
    for (const channel of CHANNELS) columns[channel] = this.columns.get(channel)!.values;
    span.add(columns, from, to);
    return span.totals(pauses);
  }
}

/** Fills every total missing from `primary` (the file's own figures) with the one computed from samples. */
export function mergeTotals(primary: Partial<Totals>, computed: Totals): Totals {
  const merged: Totals = { ...computed };
  for (const [key, value] of Object.entries(primary) as [keyof Totals, number | undefined][]) {
    if (value !== undefined && Number.isFinite(value)) merged[key] = value;
  }
  return merged;
}

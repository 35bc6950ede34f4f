// Collects a track sample by sample, then cuts it into stored chunks and works out totals from the samples.

import { CHANNELS, TRACK_CHUNK_SIZE } from '../model/records.ts';
import type { Channel, Pause, Totals, TrackChunk } from '../model/records.ts';

/** One sample as importers see it: time plus any channels they have (absent or NaN means missing). */
export type Sample = { timeMs: number } & Partial<Record<Channel, number>>;

const EARTH_RADIUS_M = 6_371_008.8;
const DEG_TO_RAD = Math.PI / 180;
/** Altitude must move this far past the last turning point to count as climb; filters GPS/barometer noise. */
const ASCENT_HYSTERESIS_M = 2;

/** Great-circle distance in metres between two WGS84 points in degrees (haversine, mean Earth radius). */
export function haversineM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * DEG_TO_RAD;
  const dLon = (lon2 - lon1) * DEG_TO_RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * DEG_TO_RAD) * Math.cos(lat2 * DEG_TO_RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

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

  /** Appends one sample; non-finite channel values are stored as missing. */
  push(sample: Sample): void {
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

  /**
   * Totals worked out from the samples `[from, to)`: elapsed and timer time (minus `pauses`), distance
   * (the distance channel, else haversine between positions), ascent/descent, and averages/maxima.
   */
  computeTotals(from = 0, to = this.length, pauses: readonly Pause[] = []): Totals {
    if (to <= from) return { elapsedS: 0, timerS: 0 };
    const time = this.columns.get('timeMs')!.values;
    const elapsedS = (time[to - 1] - time[from]) / 1000;
    let pausedS = 0;
    for (const pause of pauses) pausedS += Math.max(0, Math.min(pause.endMs, time[to - 1]) - Math.max(pause.startMs, time[from])) / 1000;
    const timerS = Math.max(0, elapsedS - pausedS);
    const totals: Totals = { elapsedS, timerS };

    const distanceM = this.distanceIn(from, to);
    if (distanceM !== undefined) totals.distanceM = distanceM;
    const climb = this.climbIn(from, to);
    if (climb) {
      totals.ascentM = climb.ascentM;
      totals.descentM = climb.descentM;
    }
    const stat = (channel: Channel) => this.statsIn(channel, from, to);
    const hr = stat('heartRateBpm');
    if (hr) [totals.avgHeartRateBpm, totals.maxHeartRateBpm] = [hr.avg, hr.max];
    const cadence = stat('cadenceRpm');
    if (cadence) [totals.avgCadenceRpm, totals.maxCadenceRpm] = [cadence.avg, cadence.max];
    const power = stat('powerW');
    if (power) [totals.avgPowerW, totals.maxPowerW] = [power.avg, power.max];
    const speed = stat('speedMps');
    if (speed) [totals.avgSpeedMps, totals.maxSpeedMps] = [speed.avg, speed.max];
    else if (distanceM !== undefined && timerS > 0) totals.avgSpeedMps = distanceM / timerS;
    return totals;
  }

  private distanceIn(from: number, to: number): number | undefined {
    const distance = this.columns.get('distanceM')!;
    if (distance.hasValue) {
      let first = Number.NaN;
      let last = Number.NaN;
      for (let i = from; i < to; i++) {
        const value = distance.values[i];
        if (Number.isNaN(value)) continue;
        if (Number.isNaN(first)) first = value;
        last = value;
      }
      if (!Number.isNaN(first)) return last - first;
    }
    const lat = this.columns.get('lat')!.values;
    const lon = this.columns.get('lon')!.values;
    let total = 0;
    let previous = -1;
    for (let i = from; i < to; i++) {
      if (Number.isNaN(lat[i]) || Number.isNaN(lon[i])) continue;
      if (previous >= 0) total += haversineM(lat[previous], lon[previous], lat[i], lon[i]);
      previous = i;
    }
    return previous >= 0 ? total : undefined;
  }

  private climbIn(from: number, to: number): { ascentM: number; descentM: number } | undefined {
    const altitude = this.columns.get('altitudeM')!.values;
    let ascentM = 0;
    let descentM = 0;
    let reference = Number.NaN;
    for (let i = from; i < to; i++) {
      const value = altitude[i];
      if (Number.isNaN(value)) continue;
      if (Number.isNaN(reference)) reference = value;
      else if (value - reference >= ASCENT_HYSTERESIS_M) {
        ascentM += value - reference;
        reference = value;
      } else if (reference - value >= ASCENT_HYSTERESIS_M) {
        descentM += reference - value;
        reference = value;
      }
    }
    return Number.isNaN(reference) ? undefined : { ascentM, descentM };
  }

  private statsIn(channel: Channel, from: number, to: number): { avg: number; max: number } | undefined {
    const values = this.columns.get(channel)!.values;
    let sum = 0;
    let count = 0;
    let max = -Infinity;
    for (let i = from; i < to; i++) {
      const value = values[i];
      if (Number.isNaN(value)) continue;
      sum += value;
      count++;
      if (value > max) max = value;
    }
    return count ? { avg: sum / count, max } : undefined;
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

// Totals worked out from a track's samples: the one implementation import, demo and privacy share, so an
// activity's figures follow the same rules whether it was generated, read from a file or trimmed by a zone.

import { haversineM } from './geometry.ts';
import type { Channel, Pause, Totals } from './records.ts';

/**
 * Ascent and descent count only swings of at least this many metres (hysteresis): altitude must climb this far
 * above the last low before the rise counts (from that low up to the next high), and fall this far below a high
 * before the fall counts. GPS and barometric altitude jitter by about a metre from sample to sample; summed raw,
 * a flat hour of ±0.6 m noise reads as a kilometre of climbing.
 *
 * The result is the largest ascent of any subsequence of the samples whose steps are all at least this large,
 * so removing samples (a privacy zone) can never raise it.
 */
export const ASCENT_HYSTERESIS_M = 2;

/** Ascent and descent of a sequence of altitudes under the `ASCENT_HYSTERESIS_M` rule. Non-finite values are skipped. */
export class ClimbCounter {
  private ascent = 0;
  private descent = 0;
  /** 1 rising, -1 falling, 0 while no swing has reached the threshold yet. */
  private direction = 0;
  /** The last confirmed turning point: a low while rising, a high while falling. */
  private turn = Number.NaN;
  /** The highest altitude since `turn` while rising, the lowest while falling. */
  private extreme = Number.NaN;
  /** Lowest and highest altitude seen while `direction` is 0. */
  private low = Number.NaN;
  private high = Number.NaN;

  get hasAltitude(): boolean {
    return !Number.isNaN(this.low);
  }

  get ascentM(): number {
    return this.ascent + (this.direction === 1 ? this.extreme - this.turn : 0);
  }

  get descentM(): number {
    return this.descent + (this.direction === -1 ? this.turn - this.extreme : 0);
  }

  add(altitudeM: number): void {
    if (!Number.isFinite(altitudeM)) return;
    if (this.direction === 0) {
      if (Number.isNaN(this.low)) {
        this.low = this.high = altitudeM;
      } else if (altitudeM - this.low >= ASCENT_HYSTERESIS_M) {
        [this.direction, this.turn, this.extreme] = [1, this.low, altitudeM];
      } else if (this.high - altitudeM >= ASCENT_HYSTERESIS_M) {
        [this.direction, this.turn, this.extreme] = [-1, this.high, altitudeM];
      } else {
        this.low = Math.min(this.low, altitudeM);
        this.high = Math.max(this.high, altitudeM);
      }
    } else if (this.direction === 1) {
      if (altitudeM > this.extreme) this.extreme = altitudeM;
      else if (this.extreme - altitudeM >= ASCENT_HYSTERESIS_M) {
        this.ascent += this.extreme - this.turn;
        [this.direction, this.turn, this.extreme] = [-1, this.extreme, altitudeM];
      }
    } else if (altitudeM < this.extreme) this.extreme = altitudeM;
    else if (altitudeM - this.extreme >= ASCENT_HYSTERESIS_M) {
      this.descent += this.turn - this.extreme;
      [this.direction, this.turn, this.extreme] = [1, this.extreme, altitudeM];
    }
  }
}

/** Mean and maximum of one channel; non-finite values are skipped. */
export class ChannelStat {
  sum = 0;
  count = 0;
  max = -Infinity;

  add(value: number): void {
    if (!Number.isFinite(value)) return;
    this.sum += value;
    this.count++;
    if (value > this.max) this.max = value;
  }

  /** The mean rounded to a whole number (bpm, rpm, W), or undefined without values. */
  get roundedMean(): number | undefined {
    return this.count === 0 ? undefined : Math.round(this.sum / this.count);
  }

  get maximum(): number | undefined {
    return this.count === 0 ? undefined : this.max;
  }
}

/** Seconds of `pauses` that fall within `[fromMs, toMs]`. */
export function pausedSecondsWithin(pauses: readonly Pause[], fromMs: number, toMs: number): number {
  let pausedS = 0;
  for (const pause of pauses) {
    const overlapMs = Math.min(toMs, pause.endMs) - Math.max(fromMs, pause.startMs);
    if (overlapMs > 0) pausedS += overlapMs / 1000;
  }
  return pausedS;
}

/** Sample columns as tracks and importers hold them: times plus any channels (NaN marks a missing value). */
export type SampleColumns = { readonly timeMs: ArrayLike<number> } & { readonly [C in Channel]?: ArrayLike<number> };

/** Where a span ends, when it ends at the next span's first sample rather than at its own last one. */
export interface SpanEnd {
  timeMs: number;
  distanceM: number;
}

/** `value` rounded to `1 / perUnit` (10 → 0.1). */
const roundTo = (value: number, perUnit: number) => Math.round(value * perUnit) / perUnit;

/**
 * Running totals over a span of samples (a whole activity or a lap), fed in column ranges.
 * Rules: elapsed time from the first to the last sample (or `end`), timer time without the pauses; distance
 * from the distance channel (last minus first), else the haversine path between positions; ascent and descent
 * under `ASCENT_HYSTERESIS_M`, to 0.1 m; average speed is distance over timer time (else the speed channel's
 * mean), to 1 mm/s; heart rate, cadence and power averages are whole numbers; maxima are as recorded.
 */
export class SpanTotals {
  count = 0;
  firstTimeMs = Number.NaN;
  lastTimeMs = Number.NaN;
  firstDistanceM = Number.NaN;
  lastDistanceM = Number.NaN;
  private pathM = 0;
  private lastLat = Number.NaN;
  private lastLon = Number.NaN;
  readonly climb = new ClimbCounter();
  readonly heartRate = new ChannelStat();
  readonly cadence = new ChannelStat();
  readonly power = new ChannelStat();
  readonly speed = new ChannelStat();

  /** Adds the samples `[from, to)` of `columns`. */
  add(columns: SampleColumns, from: number, to: number): void {
    if (to <= from) return;
    if (this.count === 0) this.firstTimeMs = columns.timeMs[from];
    this.lastTimeMs = columns.timeMs[to - 1];
    this.count += to - from;
    const { distanceM, lat, lon, altitudeM, heartRateBpm, cadenceRpm, powerW, speedMps } = columns;
    for (let i = from; i < to; i++) {
      if (distanceM) {
        const value = distanceM[i];
        if (Number.isFinite(value)) {
          if (Number.isNaN(this.firstDistanceM)) this.firstDistanceM = value;
          this.lastDistanceM = value;
        }
      }
      if (lat && lon && Number.isFinite(lat[i]) && Number.isFinite(lon[i])) {
        if (!Number.isNaN(this.lastLat)) this.pathM += haversineM(this.lastLat, this.lastLon, lat[i], lon[i]);
        this.lastLat = lat[i];
        this.lastLon = lon[i];
      }
      if (altitudeM) this.climb.add(altitudeM[i]);
      if (heartRateBpm) this.heartRate.add(heartRateBpm[i]);
      if (cadenceRpm) this.cadence.add(cadenceRpm[i]);
      if (powerW) this.power.add(powerW[i]);
      if (speedMps) this.speed.add(speedMps[i]);
    }
  }

  /** Distance covered, metres, or undefined when the span has neither a distance channel nor two positions. */
  distanceTo(endDistanceM = this.lastDistanceM): number | undefined {
    if (!Number.isNaN(this.firstDistanceM)) return (Number.isFinite(endDistanceM) ? endDistanceM : this.lastDistanceM) - this.firstDistanceM;
    return Number.isNaN(this.lastLat) ? undefined : this.pathM;
  }

  /** The span's totals; fields without data are left out. Calories are the caller's (they depend on the source). */
  totals(pauses: readonly Pause[], end?: SpanEnd): Totals {
    if (this.count === 0) return { elapsedS: 0, timerS: 0 };
    const endTimeMs = end?.timeMs ?? this.lastTimeMs;
    const elapsedS = (endTimeMs - this.firstTimeMs) / 1000;
    const timerS = Math.max(0, elapsedS - pausedSecondsWithin(pauses, this.firstTimeMs, endTimeMs));
    const totals: Totals = { elapsedS, timerS };
    const distanceM = this.distanceTo(end?.distanceM);
    if (distanceM !== undefined) totals.distanceM = distanceM;
    if (this.climb.hasAltitude) {
      totals.ascentM = roundTo(this.climb.ascentM, 10);
      totals.descentM = roundTo(this.climb.descentM, 10);
    }
    const set = (key: keyof Totals, value: number | undefined) => { if (value !== undefined) totals[key] = value; };
    set('avgHeartRateBpm', this.heartRate.roundedMean);
    set('maxHeartRateBpm', this.heartRate.maximum);
    set('avgCadenceRpm', this.cadence.roundedMean);
    set('maxCadenceRpm', this.cadence.maximum);
    set('avgPowerW', this.power.roundedMean);
    set('maxPowerW', this.power.maximum);
    if (distanceM !== undefined) totals.avgSpeedMps = timerS > 0 ? roundTo(distanceM / timerS, 1000) : 0;
    else if (this.speed.count > 0) totals.avgSpeedMps = roundTo(this.speed.sum / this.speed.count, 1000);
    if (this.speed.count > 0) totals.maxSpeedMps = roundTo(this.speed.max, 1000);
    return totals;
  }
}

import { describe, expect, it, vi } from 'vitest';
import { TRACK_CHUNK_SIZE, type Activity, type TrackChunk } from '../model/records.ts';
import { validateRecord, validateTrackChunk } from '../model/validate.ts';
import { createDemoDataset, DEMO_SMALL_OPTIONS, DEMO_YEAR_OPTIONS, DemoRecordSource, type DemoOptions } from './index.ts';
import { haversineM } from '../model/geometry.ts';
import { utcOffsetMinAt } from './time-zones.ts';

/** A year at a quarter of the default density: every sport, both DST offsets, realistic durations. */
const YEAR_SAMPLE: DemoOptions = { seed: 11, endMs: Date.UTC(2026, 10, 1), days: 365, activityCount: 60 };
const year = createDemoDataset(YEAR_SAMPLE);

function chunksOf(activity: Activity): TrackChunk[] {
  return [...year.trackSync(activity)];
}

/** Every sample of every channel of a track as raw bytes, in a fixed order. */
function trackBytes(chunks: Iterable<TrackChunk>): number[] {
  const bytes: number[] = [];
  for (const chunk of chunks) {
    for (const key of ['timeMs', 'lat', 'lon', 'altitudeM', 'heartRateBpm', 'cadenceRpm', 'powerW', 'speedMps', 'distanceM', 'temperatureC'] as const) {
      const values = chunk[key];
      if (values) bytes.push(key.length, ...new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    }
  }
  return bytes;
}

describe('demo dataset determinism', () => {
  it('gives identical records and identical track bytes for the same seed', () => {
    const a = createDemoDataset(DEMO_SMALL_OPTIONS);
    const b = createDemoDataset(DEMO_SMALL_OPTIONS);
    for (const kind of ['activity', 'steps', 'weight', 'sleep', 'record'] as const) expect(b.records(kind)).toEqual(a.records(kind));
    for (const activity of a.activities().slice(0, 6)) expect(trackBytes(b.trackSync(activity.id))).toEqual(trackBytes(a.trackSync(activity)));
  });

  it('gives different records and tracks for a different seed', () => {
    const a = createDemoDataset(DEMO_SMALL_OPTIONS);
    const b = createDemoDataset({ ...DEMO_SMALL_OPTIONS, seed: DEMO_SMALL_OPTIONS.seed + 1 });
    expect(b.activities().map((x) => x.startTimeMs)).not.toEqual(a.activities().map((x) => x.startTimeMs));
    expect(b.records('weight')).not.toEqual(a.records('weight'));
    expect(b.records('record')).not.toEqual(a.records('record'));
    expect(trackBytes(b.trackSync(b.activities()[0]))).not.toEqual(trackBytes(a.trackSync(a.activities()[0])));
  });

  it('makes the same track bytes every time a track is iterated again', () => {
    const activity = year.activities()[3];
    const first = trackBytes(year.trackSync(activity));
    expect(trackBytes(year.trackSync(activity))).toEqual(first);
  });

  it('never reads Math.random or the clock', () => {
    const random = vi.spyOn(Math, 'random').mockImplementation(() => { throw new Error('Math.random used'); });
    const now = vi.spyOn(Date, 'now').mockImplementation(() => { throw new Error('Date.now used'); });
    try {
      const dataset = createDemoDataset({ ...DEMO_SMALL_OPTIONS, seed: 99 });
      for (const kind of ['activity', 'steps', 'weight', 'sleep', 'record'] as const) dataset.records(kind);
      expect([...dataset.trackSync(dataset.activities()[0])].length).toBeGreaterThan(0);
    } finally {
      random.mockRestore();
      now.mockRestore();
    }
  });
});

describe('demo activities', () => {
  const activities = year.activities();

  it('covers runs, rides, walks, hikes and pool swims, oldest first, inside the period', () => {
    expect(new Set(activities.map((a) => a.sport))).toEqual(new Set(['running', 'cycling', 'walking', 'hiking', 'swimming']));
    const starts = activities.map((a) => a.startTimeMs);
    expect(starts).toEqual([...starts].sort((x, y) => x - y));
    expect(starts[0]).toBeGreaterThanOrEqual(YEAR_SAMPLE.endMs - 366 * 86_400_000);
    for (const a of activities) expect(a.startTimeMs + a.totals.elapsedS * 1000).toBeLessThan(YEAR_SAMPLE.endMs);
  });

  it('passes the record validator, and so do all their track chunks', () => {
    for (const activity of activities) {
      const result = validateRecord(activity);
      expect(result.ok ? 'ok' : result.error.message).toBe('ok');
      for (const chunk of chunksOf(activity)) {
        const checked = validateTrackChunk(chunk, activity);
        expect(checked.ok ? 'ok' : checked.error.message).toBe('ok');
      }
    }
  });

  it('has totals equal to the samples: distance, sample count, elapsed and timer time', () => {
    for (const activity of activities) {
      const chunks = chunksOf(activity);
      const last = chunks[chunks.length - 1];
      expect(chunks.reduce((n, c) => n + c.count, 0)).toBe(activity.sampleCount);
      expect(activity.totals.distanceM).toBe(last.distanceM![last.count - 1]);
      expect(activity.totals.elapsedS).toBe((last.timeMs[last.count - 1] - activity.startTimeMs) / 1000);
      const pausedS = activity.pauses.reduce((s, p) => s + (p.endMs - p.startMs) / 1000, 0);
      expect(activity.totals.timerS).toBe(activity.totals.elapsedS - pausedS);
      expect(chunks[0].timeMs[0]).toBe(activity.startTimeMs);
    }
  });

  it('has an average and maximum heart rate equal to the samples, skipping dropouts', () => {
    for (const activity of activities.slice(0, 20)) {
      let sum = 0;
      let count = 0;
      let max = 0;
      for (const chunk of chunksOf(activity)) {
        for (const bpm of chunk.heartRateBpm!) {
          if (Number.isNaN(bpm)) continue;
          sum += bpm;
          count++;
          max = Math.max(max, bpm);
        }
      }
      expect(activity.totals.avgHeartRateBpm).toBe(Math.round(sum / count));
      expect(activity.totals.maxHeartRateBpm).toBe(max);
    }
  });

  it('has laps that cover the samples without gaps and add up to the totals', () => {
    for (const activity of activities) {
      const lapDistanceM = activity.sport === 'cycling' ? 5_000 : activity.sport === 'swimming' ? 100 : 1_000;
      expect(activity.laps[0].startIndex).toBe(0);
      expect(activity.laps[activity.laps.length - 1].endIndex).toBe(activity.sampleCount);
      for (let i = 1; i < activity.laps.length; i++) expect(activity.laps[i].startIndex).toBe(activity.laps[i - 1].endIndex);
      const sum = (key: 'elapsedS' | 'timerS' | 'distanceM') => activity.laps.reduce((s, lap) => s + (lap[key] ?? 0), 0);
      expect(sum('elapsedS')).toBe(activity.totals.elapsedS);
      expect(sum('timerS')).toBe(activity.totals.timerS);
      expect(sum('distanceM')).toBeCloseTo(activity.totals.distanceM!, 6);
      for (const lap of activity.laps.slice(0, -1)) {
        expect(lap.distanceM!).toBeGreaterThanOrEqual(lapDistanceM * 0.98);
        expect(lap.distanceM!).toBeLessThan(lapDistanceM * 1.1);
      }
    }
  });

  it('keeps heart rate within 90–190 bpm and distance never decreasing', () => {
    const problems: string[] = [];
    for (const activity of activities) {
      let previousM = -Infinity;
      for (const chunk of chunksOf(activity)) {
        for (let k = 0; k < chunk.count; k++) {
          const bpm = chunk.heartRateBpm![k];
          const m = chunk.distanceM![k];
          if (bpm < 90 || bpm > 190) problems.push(`${activity.id} heart rate ${bpm} at ${chunk.startIndex + k}`);
          if (m < previousM) problems.push(`${activity.id} distance ${m} after ${previousM}`);
          previousM = m;
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('raises heart rate on climbs: the steepest rides work harder than the flattest', () => {
    const rides = activities.filter((a) => a.sport === 'cycling').sort((a, b) => a.totals.ascentM! / a.totals.distanceM! - b.totals.ascentM! / b.totals.distanceM!);
    const flat = rides[0];
    const hilly = rides[rides.length - 1];
    expect(hilly.totals.avgPowerW!).toBeGreaterThan(flat.totals.avgPowerW!);
    expect(hilly.totals.maxHeartRateBpm!).toBeGreaterThanOrEqual(flat.totals.maxHeartRateBpm!);
  });

  it('gives each sport a plausible speed and cadence, and power only on rides', () => {
    const speedRange: Record<string, [number, number]> = { running: [2, 4.5], cycling: [5, 11], walking: [1, 1.8], hiking: [0.7, 1.6], swimming: [0.6, 1.2] };
    const cadenceRange: Record<string, [number, number]> = { running: [80, 92], cycling: [70, 100], walking: [48, 62], hiking: [42, 58], swimming: [22, 36] };
    for (const activity of activities) {
      const [minSpeed, maxSpeed] = speedRange[activity.sport];
      expect(activity.totals.avgSpeedMps!).toBeGreaterThan(minSpeed);
      expect(activity.totals.avgSpeedMps!).toBeLessThan(maxSpeed);
      expect(activity.channels.includes('powerW')).toBe(activity.sport === 'cycling');
      const [minCadence, maxCadence] = cadenceRange[activity.sport];
      const outside = new Set<number>();
      for (const chunk of chunksOf(activity)) {
        for (const rpm of chunk.cadenceRpm!) {
          const isCoasting = activity.sport === 'cycling' && rpm === 0;
          if (!isCoasting && (rpm < minCadence || rpm > maxCadence)) outside.add(rpm);
        }
      }
      expect([...outside]).toEqual([]);
    }
  });

  it('moves positions by exactly the recorded distance (1 Hz, consistent with speed)', () => {
    for (const activity of activities.filter((a) => a.channels.includes('lat')).slice(0, 10)) {
      let previous: [number, number] | undefined;
      let summedM = 0;
      let worstSpeedGapMps = 0;
      for (const chunk of chunksOf(activity)) {
        for (let k = 0; k < chunk.count; k++) {
          const here: [number, number] = [chunk.lat![k], chunk.lon![k]];
          if (previous) {
            const stepM = haversineM(previous[0], previous[1], here[0], here[1]);
            summedM += stepM;
            worstSpeedGapMps = Math.max(worstSpeedGapMps, Math.abs(stepM - chunk.speedMps![k]));
          }
          previous = here;
        }
      }
      expect(summedM).toBeCloseTo(activity.totals.distanceM!, 3);
      expect(worstSpeedGapMps).toBeLessThan(0.05);
    }
  });

  it('brings loops back near their start and keeps them near a home base', () => {
    for (const activity of activities.filter((a) => a.channels.includes('lat'))) {
      const chunks = chunksOf(activity);
      const first = chunks[0];
      const last = chunks[chunks.length - 1];
      const gapM = haversineM(first.lat![0], first.lon![0], last.lat![last.count - 1], last.lon![last.count - 1]);
      expect(gapM).toBeLessThan(Math.max(300, activity.totals.distanceM! * 0.15));
    }
  });

  it('changes altitude smoothly: at most a couple of metres per second', () => {
    for (const activity of activities.filter((a) => a.channels.includes('altitudeM')).slice(0, 15)) {
      let previous = NaN;
      let steepestStepM = 0;
      for (const chunk of chunksOf(activity)) {
        for (const m of chunk.altitudeM!) {
          if (!Number.isNaN(previous)) steepestStepM = Math.max(steepestStepM, Math.abs(m - previous));
          previous = m;
        }
      }
      expect(steepestStepM).toBeLessThan(2.5);
    }
  });

  it('records pool swims as lap swimming without GPS channels, a lap per 100 m', () => {
    const swims = activities.filter((a) => a.sport === 'swimming');
    expect(swims.length).toBeGreaterThan(0);
    for (const swim of swims) {
      expect(swim.subSport).toBe('lap_swimming');
      expect(swim.channels).not.toContain('lat');
      expect(swim.channels).not.toContain('lon');
      expect(swim.channels).not.toContain('altitudeM');
      expect(swim.laps.length).toBe(Math.ceil(swim.totals.distanceM! / 100));
      for (const chunk of chunksOf(swim)) expect(chunk.lat ?? chunk.lon ?? chunk.altitudeM).toBeUndefined();
    }
  });

  it('leaves a time gap of the pause (plus the 1 s step) in the samples at every pause', () => {
    const paused = activities.filter((a) => a.pauses.length > 0);
    expect(paused.length).toBeGreaterThan(5);
    for (const activity of paused) {
      const times = chunksOf(activity).flatMap((c) => [...c.timeMs]);
      for (const pause of activity.pauses) {
        const before = times.indexOf(pause.startMs);
        expect(before).toBeGreaterThanOrEqual(0);
        expect(times[before + 1]).toBe(pause.endMs + 1000);
        expect((pause.endMs - pause.startMs) / 1000).toBeGreaterThanOrEqual(30);
        expect((pause.endMs - pause.startMs) / 1000).toBeLessThanOrEqual(300);
      }
      expect(activity.totals.timerS).toBeLessThan(activity.totals.elapsedS);
    }
  });

  it('stores the UTC offset of the zone at the start, with DST: Berlin is +60 in winter and +120 in summer', () => {
    expect(utcOffsetMinAt('Europe/Berlin', Date.UTC(2026, 0, 15, 12))).toBe(60);
    expect(utcOffsetMinAt('Europe/Berlin', Date.UTC(2026, 6, 15, 12))).toBe(120);
    expect(utcOffsetMinAt('Asia/Tokyo', Date.UTC(2026, 6, 15, 12))).toBe(540);
    for (const a of activities) expect(a.utcOffsetMin).toBe(utcOffsetMinAt(a.timeZone!, a.startTimeMs));
    const berlinOffsets = new Set(activities.filter((a) => a.timeZone === 'Europe/Berlin').map((a) => a.utcOffsetMin));
    expect(berlinOffsets).toEqual(new Set([60, 120]));
  });

  it('names activities in several scripts, some with XML-special characters', () => {
    const small = createDemoDataset(DEMO_SMALL_OPTIONS).activities();
    const names = [...activities, ...small].map((a) => a.name);
    expect(names).toContain('Café & <Crêpes> ride');
    expect(names.some((n) => /[\u0400-\u04ff]/.test(n) || /[\u3040-\u30ff\u4e00-\u9fff]/.test(n) || /[\u0370-\u03ff]/.test(n))).toBe(true);
    expect(names.some((n) => /[<>&"]/.test(n))).toBe(true);
  });

  it('tags and categorises activities and carries device serial numbers', () => {
    const categories = new Set(activities.map((a) => a.category));
    expect([...categories].every((c) => ['training', 'race', 'commute', 'leisure'].includes(c!))).toBe(true);
    expect(categories.has('race')).toBe(true);
    const tags = new Set(activities.flatMap((a) => a.tags));
    for (const tag of ['race', 'intervals', 'with-friends']) expect(tags).toContain(tag);
    for (const a of activities) expect(a.device?.serialNumber).toMatch(/^\d{10}$/);
  });
});

describe('demo health and generic records', () => {
  it('has one steps record per day with distinct dates', () => {
    const steps = year.records('steps');
    expect(steps).toHaveLength(365);
    expect(new Set(steps.map((s) => s.date)).size).toBe(365);
    expect(steps[steps.length - 1].date).toBe('2026-10-31');
    for (const s of steps) expect(s.stepCount).toBeGreaterThan(0);
  });

  it('weighs most mornings with body fat, trending slowly down', () => {
    const weights = year.records('weight');
    expect(weights.length).toBeGreaterThan(365 * 0.7);
    const firstMonth = weights.slice(0, 20).reduce((s, w) => s + w.weightKg, 0) / 20;
    const lastMonth = weights.slice(-20).reduce((s, w) => s + w.weightKg, 0) / 20;
    expect(firstMonth - lastMonth).toBeGreaterThan(1);
    for (const w of weights) expect(w.bodyFatPct).toBeGreaterThan(10);
  });

  it('splits each night into stages that add up to the time in bed', () => {
    for (const sleep of year.records('sleep')) {
      expect(sleep.deepS! + sleep.lightS! + sleep.remS!).toBe(sleep.durationAsleepS);
      expect(sleep.durationAsleepS + sleep.awakeS!).toBe((sleep.endTimeMs - sleep.startTimeMs) / 1000);
      expect(sleep.score! >= 0 && sleep.score! <= 100).toBe(true);
      expect(sleep.endTimeMs).toBeLessThanOrEqual(YEAR_SAMPLE.endMs);
    }
  });

  it('makes time entries and transactions, some text starting with = or + for formula-safe CSV', () => {
    const records = year.records('record');
    expect(records).toHaveLength(300);
    const entries = records.filter((r) => r.recordType === 'time_entry');
    const transactions = records.filter((r) => r.recordType === 'transaction');
    expect(entries.length).toBeGreaterThan(100);
    expect(transactions.length).toBeGreaterThan(60);
    for (const e of entries) {
      expect(typeof e.fields.project).toBe('string');
      expect(typeof e.fields.billable).toBe('boolean');
      expect(typeof e.fields.hours).toBe('number');
      expect(e.fields.invoiced === null || typeof (e.fields.invoiced as { date: string }).date === 'string').toBe(true);
    }
    expect(transactions.some((t) => String(t.fields.merchant).startsWith('='))).toBe(true);
    expect(transactions.some((t) => String(t.fields.merchant).startsWith('+'))).toBe(true);
    for (const r of records) expect(validateRecord(r).ok).toBe(true);
  });

  it('leaves out health records when includeHealth is false', () => {
    const dataset = createDemoDataset({ ...DEMO_SMALL_OPTIONS, includeHealth: false });
    expect(dataset.records('steps')).toEqual([]);
    expect(dataset.records('weight')).toEqual([]);
    expect(dataset.records('sleep')).toEqual([]);
  });
});

describe('demo scaling', () => {
  it('yields ceil(10000 / 2048) chunks for a 10,000-sample activity, with consecutive positions', () => {
    const dataset = createDemoDataset({ seed: 3, endMs: Date.UTC(2026, 10, 1), days: 30, activityCount: 2, samplesPerActivity: 10_000, includeHealth: false, genericCount: 0 });
    const activity = dataset.activities()[0];
    const chunks = [...dataset.trackSync(activity)];
    expect(chunks).toHaveLength(Math.ceil(10_000 / TRACK_CHUNK_SIZE));
    expect(chunks.map((c) => c.count)).toEqual([2048, 2048, 2048, 2048, 10_000 - 4 * 2048]);
    chunks.forEach((c, i) => {
      expect(c.seq).toBe(i);
      expect(c.startIndex).toBe(i * TRACK_CHUNK_SIZE);
    });
    expect(activity.sampleCount).toBe(10_000);
    expect(dataset.totalSampleCount()).toBe(20_000);
  });

  it('does not keep generated chunks: 2 M samples stream without being retained', async () => {
    const { setFlagsFromString } = await import('node:v8');
    const { runInNewContext } = await import('node:vm');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const dataset = createDemoDataset({ seed: 5, endMs: Date.UTC(2026, 10, 1), days: 30, activityCount: 1, samplesPerActivity: 2_000_000, includeHealth: false, genericCount: 0 });
    const early: WeakRef<TrackChunk>[] = [];
    let samples = 0;
    let peakArrayBuffers = 0;
    for await (const chunk of dataset.track('demo-activity-00001')) {
      if (early.length < 3) early.push(new WeakRef(chunk));
      samples += chunk.count;
      if (chunk.seq % 100 === 0) peakArrayBuffers = Math.max(peakArrayBuffers, process.memoryUsage().arrayBuffers);
    }
    expect(samples).toBe(2_000_000);
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    expect(early.map((ref) => ref.deref())).toEqual([undefined, undefined, undefined]);
    // Retained, 2 M samples × (8 × 4 doubles + 6 × 4 floats) would be about 100 MB of array buffers.
    expect(process.memoryUsage().arrayBuffers).toBeLessThan(40_000_000);
  });
});

describe('DemoRecordSource', () => {
  const source = new DemoRecordSource(year);

  it('filters with matchesFilter: tags, categories and time range', async () => {
    const commutes: Activity[] = [];
    for await (const batch of source.records('activity', { kinds: ['activity'], tags: ['commute'] }, 7)) commutes.push(...batch);
    expect(commutes.length).toBeGreaterThan(0);
    expect(commutes.every((a) => a.tags.includes('commute'))).toBe(true);
    expect(commutes).toHaveLength(year.activities().filter((a) => a.tags.includes('commute')).length);
    const july = { kinds: ['weight' as const], range: { fromMs: Date.UTC(2026, 6, 1), toMs: Date.UTC(2026, 7, 1) } };
    expect(await source.count('weight', july)).toBe(year.records('weight').filter((w) => w.timestampMs >= Date.UTC(2026, 6, 1) && w.timestampMs < Date.UTC(2026, 7, 1)).length);
  });

  it('streams tracks of the dataset', async () => {
    const activity = year.activities()[0];
    let samples = 0;
    for await (const chunk of source.track(activity)) samples += chunk.count;
    expect(samples).toBe(activity.sampleCount);
  });
});

describe('demo presets', () => {
  it('DEMO_YEAR_OPTIONS plans about 250 activities and about a million samples', () => {
    const dataset = createDemoDataset(DEMO_YEAR_OPTIONS);
    expect(dataset.options.activityCount).toBe(250);
    expect(dataset.totalSampleCount()).toBeGreaterThan(700_000);
    expect(dataset.totalSampleCount()).toBeLessThan(1_400_000);
  });

  it('DEMO_SMALL_OPTIONS makes 30 short activities with every sport', () => {
    const dataset = createDemoDataset(DEMO_SMALL_OPTIONS);
    expect(dataset.activities()).toHaveLength(30);
    expect(new Set(dataset.activities().map((a) => a.sport)).size).toBe(5);
    expect(dataset.totalSampleCount()).toBe(30 * 900);
  });
});

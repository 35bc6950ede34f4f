// Tiny hand-made records and a fresh database per test, for the store's tests only.

import type { DBCore, DBCoreTable } from 'dexie';
import type { Activity, DailySteps, GenericRecord, Sleep, TrackChunk, Weight } from '../model/records.ts';
import { TakeawayDb } from './db.ts';

let dbCounter = 0;

/** A database with a name no other test uses (fake-indexeddb keeps databases for the whole run). */
export function freshDb(label: string): TakeawayDb {
  dbCounter += 1;
  return new TakeawayDb(`test-${label}-${dbCounter}`);
}

export const DAY_MS = 86_400_000;
/** 2024-05-01T00:00:00Z, the fixed clock of the store tests. */
export const T0 = Date.UTC(2024, 4, 1);

export function makeActivity(id: string, startTimeMs: number, extra: Partial<Activity> = {}): Activity {
  return {
    kind: 'activity', id, updatedAtMs: T0, sport: 'running', subSport: 'road', name: `Run ${id}`, startTimeMs,
    utcOffsetMin: 120, totals: { elapsedS: 600, timerS: 600, distanceM: 2000 }, tags: [], laps: [], pauses: [],
    sampleCount: 0, channels: [], ...extra,
  };
}

export function makeSteps(id: string, date: string, stepCount = 5000): DailySteps {
  return { kind: 'steps', id, updatedAtMs: T0, date, stepCount };
}

export function makeWeight(id: string, timestampMs: number, weightKg = 70): Weight {
  return { kind: 'weight', id, updatedAtMs: T0, timestampMs, utcOffsetMin: 0, weightKg };
}

export function makeSleep(id: string, startTimeMs: number): Sleep {
  return { kind: 'sleep', id, updatedAtMs: T0, startTimeMs, endTimeMs: startTimeMs + 8 * 3600_000, utcOffsetMin: 0, durationAsleepS: 7 * 3600 };
}

export function makeGeneric(id: string, timestampMs: number, extra: Partial<GenericRecord> = {}): GenericRecord {
  return {
    kind: 'record', id, updatedAtMs: T0, recordType: 'time_entry', timestampMs, utcOffsetMin: 0, title: `Entry ${id}`,
    tags: [], fields: {}, ...extra,
  };
}

/** A columnar chunk of `count` samples, one per second from `firstTimeMs`, with position and heart rate. */
export function makeChunk(activityId: string, seq: number, count: number, firstTimeMs: number): TrackChunk {
  const startIndex = seq * count;
  const timeMs = new Float64Array(count);
  const lat = new Float64Array(count);
  const lon = new Float64Array(count);
  const heartRateBpm = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    timeMs[i] = firstTimeMs + (startIndex + i) * 1000;
    lat[i] = 52.520008 + (startIndex + i) * 1e-6;
    lon[i] = 13.404954 - (startIndex + i) * 1e-6;
    heartRateBpm[i] = i === 1 ? Number.NaN : 120 + (i % 40);
  }
  return { activityId, seq, startIndex, count, timeMs, lat, lon, heartRateBpm };
}

/** Counts requests that return stored values (not just keys), via a DBCore middleware. Call before first use. */
export function countValueReads(db: TakeawayDb): { reads: number } {
  const counter = { reads: 0 };
  db.use({
    stack: 'dbcore',
    name: 'value-read-counter',
    create: (down: DBCore): DBCore => ({
      ...down,
      table: (name: string): DBCoreTable => {
        const table = down.table(name);
        return {
          ...table,
          get: (req) => { counter.reads += 1; return table.get(req); },
          getMany: (req) => { counter.reads += 1; return table.getMany(req); },
          query: (req) => { if (req.values) counter.reads += 1; return table.query(req); },
          openCursor: (req) => { if (req.values) counter.reads += 1; return table.openCursor(req); },
        };
      },
    }),
  });
  return counter;
}

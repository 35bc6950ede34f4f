// The record model: every kind of data Takeaway stores and exports. Plain data, no behaviour.

/** The kinds of record Takeaway knows. `record` is a generic tagged record (time entry, transaction…). */
export type RecordKind = 'activity' | 'steps' | 'weight' | 'sleep' | 'record';
export const RECORD_KINDS: readonly RecordKind[] = ['activity', 'steps', 'weight', 'sleep', 'record'];

/** Sports, named as in the FIT profile's `sport` enum so FIT/TCX/GPX mapping stays a table lookup. */
export type Sport =
  | 'running' | 'cycling' | 'walking' | 'hiking' | 'swimming' | 'rowing'
  | 'training' | 'transition' | 'paddling' | 'stand_up_paddleboarding' | 'kayaking'
  | 'cross_country_skiing' | 'alpine_skiing' | 'generic';
export const SPORTS: readonly Sport[] = [
  'running', 'cycling', 'walking', 'hiking', 'swimming', 'rowing', 'training', 'transition', 'paddling',
  'stand_up_paddleboarding', 'kayaking', 'cross_country_skiing', 'alpine_skiing', 'generic',
];

/** Sub-sports, a subset of the FIT profile's `sub_sport` enum. */
export type SubSport =
  | 'generic' | 'road' | 'trail' | 'track' | 'treadmill' | 'mountain' | 'indoor_cycling'
  | 'lap_swimming' | 'open_water' | 'street' | 'indoor_rowing';
export const SUB_SPORTS: readonly SubSport[] = [
  'generic', 'road', 'trail', 'track', 'treadmill', 'mountain', 'indoor_cycling', 'lap_swimming', 'open_water', 'street', 'indoor_rowing',
];

/** Sample channels of a track. Every channel is optional; within a present channel NaN marks a missing sample. */
export type Channel =
  | 'lat' | 'lon' | 'altitudeM' | 'heartRateBpm' | 'cadenceRpm' | 'powerW'
  | 'speedMps' | 'distanceM' | 'temperatureC';
export const CHANNELS: readonly Channel[] = ['lat', 'lon', 'altitudeM', 'heartRateBpm', 'cadenceRpm', 'powerW', 'speedMps', 'distanceM', 'temperatureC'];

/** Fields every stored record has. */
export interface RecordBase {
  id: string;
  /** Last change, epoch ms UTC; drives incremental sync and "since the last export". */
  updatedAtMs: number;
  /** Where the record came from (`demo`, `api`, `import:garmin.fit`…); decides priority between sources. */
  source?: string;
}

/** Summary figures of an activity or lap. Units are in the names; absent means unknown. */
export interface Totals {
  elapsedS: number;
  timerS: number;
  distanceM?: number;
  calories?: number;
  ascentM?: number;
  descentM?: number;
  avgHeartRateBpm?: number;
  maxHeartRateBpm?: number;
  avgCadenceRpm?: number;
  maxCadenceRpm?: number;
  avgPowerW?: number;
  maxPowerW?: number;
  avgSpeedMps?: number;
  maxSpeedMps?: number;
}

export interface Lap extends Totals {
  startTimeMs: number;
  /** Index of the lap's first sample in the activity's track, and one past its last. */
  startIndex: number;
  endIndex: number;
}

/** A timer stop: between `startMs` and `endMs` the timer was paused (elapsed time runs on, timer time does not). */
export interface Pause {
  startMs: number;
  endMs: number;
}

export interface DeviceInfo {
  manufacturer?: string;
  product?: string;
  serialNumber?: string;
  softwareVersion?: string;
}

export interface Activity extends RecordBase {
  kind: 'activity';
  sport: Sport;
  subSport: SubSport;
  name: string;
  /** Start, epoch ms UTC. */
  startTimeMs: number;
  /** Offset of local time from UTC at the start, in minutes (e.g. 60 for CET, -300 for EST). */
  utcOffsetMin: number;
  /** IANA time zone where known, e.g. `Europe/Berlin`. */
  timeZone?: string;
  totals: Totals;
  device?: DeviceInfo;
  tags: string[];
  category?: string;
  notes?: string;
  laps: Lap[];
  pauses: Pause[];
  /** Number of samples in the track, and the channels it carries (lets `plan` estimate without reading samples). */
  sampleCount: number;
  channels: Channel[];
}

/**
 * A piece of an activity's track, stored columnar: one typed array per channel, `count` samples each.
 * Stored one row per chunk (keyed by activityId + seq), never one row per sample.
 */
export interface TrackChunk {
  activityId: string;
  /** 0-based position of this chunk in the track. */
  seq: number;
  /** Index of the chunk's first sample in the whole track. */
  startIndex: number;
  count: number;
  /** Sample times, epoch ms UTC. Always present. */
  timeMs: Float64Array;
  /** Degrees WGS84. Float64 keeps 1e-6° exactly. */
  lat?: Float64Array;
  lon?: Float64Array;
  altitudeM?: Float32Array;
  heartRateBpm?: Float32Array;
  cadenceRpm?: Float32Array;
  powerW?: Float32Array;
  speedMps?: Float32Array;
  /** Cumulative distance from the start, metres. */
  distanceM?: Float64Array;
  temperatureC?: Float32Array;
}

/** Samples per stored track chunk. */
export const TRACK_CHUNK_SIZE = 2048;

export interface DailySteps extends RecordBase {
  kind: 'steps';
  /** Local calendar date, `YYYY-MM-DD`. */
  date: string;
  stepCount: number;
}

export interface Weight extends RecordBase {
  kind: 'weight';
  timestampMs: number;
  utcOffsetMin: number;
  weightKg: number;
  bodyFatPct?: number;
}

export interface Sleep extends RecordBase {
  kind: 'sleep';
  startTimeMs: number;
  endTimeMs: number;
  utcOffsetMin: number;
  durationAsleepS: number;
  deepS?: number;
  lightS?: number;
  remS?: number;
  awakeS?: number;
  /** 0–100. */
  score?: number;
}

/** A custom field value of a generic record. Dates travel as `{ date: ISO 8601 }` so JSON keeps them apart from text. */
export type FieldValue = string | number | boolean | null | { date: string };

export interface GenericRecord extends RecordBase {
  kind: 'record';
  /** What sort of record: `time_entry`, `transaction`, … */
  recordType: string;
  timestampMs: number;
  utcOffsetMin: number;
  title: string;
  category?: string;
  tags: string[];
  fields: Record<string, FieldValue>;
}

export type TakeawayRecord = Activity | DailySteps | Weight | Sleep | GenericRecord;
export type RecordOfKind<K extends RecordKind> = Extract<TakeawayRecord, { kind: K }>;
/** Kinds whose records are plain rows (no track). */
export type TableKind = Exclude<RecordKind, 'activity'>;

// Turns a parsed track plus the file's own summary figures into an Activity and its chunks. Shared by FIT, GPX and TCX.

import type { Activity, DeviceInfo, Lap, Pause, Sport, SubSport, Totals } from '../model/records.ts';
import type { ImportedActivity } from './types.ts';
import { mergeTotals, type TrackBuilder } from './track-builder.ts';

/** A lap as a file describes it: when it started, optionally when it ended, and whatever totals it states. */
export interface LapInput {
  startTimeMs: number;
  endTimeMs?: number;
  totals: Partial<Totals>;
}

export interface AssembleInput {
  /** Id prefix naming the format, e.g. `fit`. */
  format: string;
  builder: TrackBuilder;
  /** Sample range of this activity in the builder, `[from, to)`. */
  from: number;
  to: number;
  sport: Sport;
  subSport: SubSport;
  /** Start, epoch ms; default the first sample's time. */
  startTimeMs?: number;
  utcOffsetMin: number;
  /** Default: sport and local date. */
  name?: string;
  fileTotals: Partial<Totals>;
  laps: LapInput[];
  pauses: Pause[];
  device?: DeviceInfo;
  source: string;
  nowMs: number;
}

const SPORT_LABELS: Record<Sport, string> = {
  running: 'Running', cycling: 'Cycling', walking: 'Walking', hiking: 'Hiking', swimming: 'Swimming',
  rowing: 'Rowing', training: 'Training', transition: 'Transition', paddling: 'Paddling',
  stand_up_paddleboarding: 'SUP', kayaking: 'Kayaking', cross_country_skiing: 'Cross-country skiing',
  alpine_skiing: 'Skiing', generic: 'Activity',
};

/** Default activity name: the sport's label and the local start date, e.g. `Running 2019-06-15`. */
export function defaultActivityName(sport: Sport, startTimeMs: number, utcOffsetMin: number): string {
  return `${SPORT_LABELS[sport]} ${new Date(startTimeMs + utcOffsetMin * 60_000).toISOString().slice(0, 10)}`;
}

/** Content-derived id, stable across re-imports: `<format>-<start epoch s>-<sport>`. */
export function activityIdFor(format: string, startTimeMs: number, sport: Sport): string {
  return `${format}-${Math.floor(startTimeMs / 1000)}-${sport}`;
}

/** First index in `[from, to)` whose time is at or after `timeMs` (`to` if none). Tolerates a few out-of-order samples. */
function indexAtOrAfter(builder: TrackBuilder, from: number, to: number, timeMs: number): number {
  for (let i = from; i < to; i++) if (builder.timeAt(i) >= timeMs) return i;
  return to;
}

function buildLaps(input: AssembleInput): Lap[] {
  const { builder, from, to } = input;
  const sorted = [...input.laps].sort((a, b) => a.startTimeMs - b.startTimeMs);
  const starts = sorted.map((lap) => indexAtOrAfter(builder, from, to, lap.startTimeMs));
  return sorted.map((lap, i) => {
    const startIndex = starts[i];
    const endIndex = i + 1 < sorted.length ? Math.max(startIndex, starts[i + 1]) : to;
    const computed = builder.computeTotals(startIndex, endIndex, input.pauses);
    return { ...mergeTotals(lap.totals, computed), startTimeMs: lap.startTimeMs, startIndex: startIndex - from, endIndex: endIndex - from };
  });
}

/** Builds the Activity record and its chunks for the samples `[from, to)` of `builder`. */
export function assembleActivity(input: AssembleInput): ImportedActivity {
  const { builder, from, to } = input;
  builder.normalize(from, to);
  const startTimeMs = input.startTimeMs ?? (to > from ? builder.timeAt(from) : Number.NaN);
  const id = activityIdFor(input.format, startTimeMs, input.sport);
  const computed = builder.computeTotals(from, to, input.pauses);
  const activity: Activity = {
    kind: 'activity',
    id,
    updatedAtMs: input.nowMs,
    source: input.source,
    sport: input.sport,
    subSport: input.subSport,
    name: input.name || defaultActivityName(input.sport, startTimeMs, input.utcOffsetMin),
    startTimeMs,
    utcOffsetMin: input.utcOffsetMin,
    totals: mergeTotals(input.fileTotals, computed),
    tags: [],
    laps: buildLaps(input),
    pauses: input.pauses,
    sampleCount: to - from,
    channels: builder.channelsIn(from, to),
  };
  if (input.device && Object.keys(input.device).length) activity.device = input.device;
  return { activity, chunks: builder.toChunks(id, from, to) };
}

// TCX v2 (Training Center Database) import, streaming: one Activity per <Activity>, with its laps and Garmin TPX extensions.
// A multisport session (<MultiSportSession>) gives one Activity per sport and per <Transition>, as a multisport FIT does.

import { ExportError } from '../model/errors.ts';
import type { DeviceInfo, Pause, Totals } from '../model/records.ts';
import { assembleActivity, type LapInput } from './assemble.ts';
import { sportFromText } from './sports.ts';
import { TrackBuilder, type Sample } from './track-builder.ts';
import type { ImportedActivity } from './types.ts';
import { parseDateTimeMs, parseNumber } from './values.ts';
import { attributeOf, parseXmlStream } from './xml-stream.ts';

/** Namespace URIs (matched by URI, never by prefix). */
const TCD_V2 = 'http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2';
const ACTIVITY_EXT_V2 = 'http://www.garmin.com/xmlschemas/ActivityExtension/v2';
/** Where an <Activity> sits: in <Activities>, or in a multisport session's <FirstSport> or <NextSport> (MultiSportSession_t). */
const ACTIVITY_PARENTS = new Set(['Activities', 'FirstSport', 'NextSport']);

/** Options of `importTcx`. */
export interface TcxImportOptions {
  fileName: string;
  nowMs: number;
}

interface ActivityState {
  sport?: string;
  idTimeMs?: number;
  notes?: string;
  device: DeviceInfo;
  versionMajor?: string;
  versionMinor?: string;
  builder: TrackBuilder;
  laps: LapInput[];
  pauses: Pause[];
  trackStart: number;
  isFirstTrackOfLap: boolean;
}

type LapTotals = Partial<Totals>;

/** Lap field (parent-qualified where TCX reuses a name) → Totals key. */
const LAP_FIELDS: Record<string, keyof Totals> = {
  TotalTimeSeconds: 'timerS',
  DistanceMeters: 'distanceM',
  MaximumSpeed: 'maxSpeedMps',
  Calories: 'calories',
  'AverageHeartRateBpm/Value': 'avgHeartRateBpm',
  'MaximumHeartRateBpm/Value': 'maxHeartRateBpm',
  Cadence: 'avgCadenceRpm',
};
const LAP_EXT_FIELDS: Record<string, keyof Totals> = {
  AvgSpeed: 'avgSpeedMps', AvgRunCadence: 'avgCadenceRpm', MaxRunCadence: 'maxCadenceRpm', MaxBikeCadence: 'maxCadenceRpm',
  AvgWatts: 'avgPowerW', MaxWatts: 'maxPowerW',
};

/** Activity totals from its laps: times, distance and calories add up; maxima take the largest. */
function sumLapTotals(laps: readonly LapInput[]): Partial<Totals> {
  const totals: Partial<Totals> = {};
  const add = (key: 'timerS' | 'distanceM' | 'calories', value: number | undefined) => {
    if (value !== undefined) totals[key] = (totals[key] ?? 0) + value;
  };
  const max = (key: 'maxHeartRateBpm' | 'maxSpeedMps' | 'maxCadenceRpm' | 'maxPowerW', value: number | undefined) => {
    if (value !== undefined) totals[key] = Math.max(totals[key] ?? -Infinity, value);
  };
  for (const { totals: lap } of laps) {
    add('timerS', lap.timerS);
    add('distanceM', lap.distanceM);
    add('calories', lap.calories);
    max('maxHeartRateBpm', lap.maxHeartRateBpm);
    max('maxSpeedMps', lap.maxSpeedMps);
    max('maxCadenceRpm', lap.maxCadenceRpm);
    max('maxPowerW', lap.maxPowerW);
  }
  return totals;
}

function newActivity(sport: string | undefined): ActivityState {
  return { sport, device: {}, builder: new TrackBuilder(), laps: [], pauses: [], trackStart: 0, isFirstTrackOfLap: true };
}

/**
 * Reads a TCX v2 file from a byte stream into one ImportedActivity per <Activity> (and per multisport <Transition>). Trackpoints without
 * <Time> are skipped; separate <Track>s inside one lap count as a pause between them. Throws
 * `INVALID_INPUT` for malformed XML, another root, a bad dateTime or number, or a file without activities.
 */
export async function importTcx(chunks: AsyncIterable<Uint8Array>, options: TcxImportOptions, signal?: AbortSignal): Promise<ImportedActivity[]> {
  const activities: ActivityState[] = [];
  const stack: string[] = [];
  let activity: ActivityState | undefined;
  /** The open lap; `element` is `Lap`, or `Transition` for a multisport transition (an ActivityLap_t of its own). */
  let lap: { element: string; startTimeMs: number; totals: LapTotals } | undefined;
  let point: Sample | undefined;
  let hasPointTime = false;

  await parseXmlStream(chunks, {
    open(tag, depth) {
      if (depth === 0 && (tag.local !== 'TrainingCenterDatabase' || tag.uri !== TCD_V2)) {
        throw new ExportError('INVALID_INPUT', `not a TCX v2 file: root element is <${tag.name}> in namespace "${tag.uri}"`);
      }
      stack.push(tag.local);
      if (tag.uri !== TCD_V2) return;
      const parent = stack[stack.length - 2];
      if (tag.local === 'Activity' && ACTIVITY_PARENTS.has(parent)) {
        activity = newActivity(attributeOf(tag, 'Sport'));
      } else if (tag.local === 'Transition' && parent === 'NextSport') {
        activity = newActivity('Transition');
        lap = { element: 'Transition', startTimeMs: parseDateTimeMs(attributeOf(tag, 'StartTime') ?? '', '<Transition> StartTime'), totals: {} };
      } else if (tag.local === 'Lap' && activity) {
        lap = { element: 'Lap', startTimeMs: parseDateTimeMs(attributeOf(tag, 'StartTime') ?? '', '<Lap> StartTime'), totals: {} };
        activity.isFirstTrackOfLap = true;
      } else if (tag.local === 'Track' && activity && lap) {
        activity.trackStart = activity.builder.count;
      } else if (tag.local === 'Trackpoint' && activity) {
        point = { timeMs: Number.NaN };
        hasPointTime = false;
      }
    },
    close(tag, text) {
      const local = stack.pop()!;
      const parent = stack[stack.length - 1];
      if (!activity) return;
      if (tag.uri === ACTIVITY_EXT_V2) {
        if (point && parent === 'TPX' && text) {
          if (local === 'Speed') point.speedMps = parseNumber(text, '<TPX><Speed>');
          else if (local === 'Watts') point.powerW = parseNumber(text, '<TPX><Watts>');
          else if (local === 'RunCadence') point.cadenceRpm = parseNumber(text, '<TPX><RunCadence>');
        } else if (lap && !point && parent === 'LX' && LAP_EXT_FIELDS[local] && text) {
          lap.totals[LAP_EXT_FIELDS[local]] = parseNumber(text, `<LX><${local}>`);
        }
        return;
      }
      if (tag.uri !== TCD_V2) return;
      if (point) {
        if (local === 'Trackpoint') {
          if (hasPointTime) {
            const builder = activity.builder;
            if (!activity.isFirstTrackOfLap && builder.count > 0 && builder.count === activity.trackStart) {
              const gapStartMs = builder.timeAt(builder.count - 1);
              if (point.timeMs > gapStartMs) activity.pauses.push({ startMs: gapStartMs, endMs: point.timeMs });
            }
            builder.push(point);
          }
          point = undefined;
        } else if (local === 'Time') {
          point.timeMs = parseDateTimeMs(text, '<Trackpoint><Time>');
          hasPointTime = true;
        } else if (local === 'LatitudeDegrees') point.lat = parseNumber(text, '<LatitudeDegrees>');
        else if (local === 'LongitudeDegrees') point.lon = parseNumber(text, '<LongitudeDegrees>');
        else if (local === 'AltitudeMeters') point.altitudeM = parseNumber(text, '<AltitudeMeters>');
        else if (local === 'DistanceMeters') point.distanceM = parseNumber(text, '<Trackpoint><DistanceMeters>');
        else if (local === 'Value' && parent === 'HeartRateBpm') point.heartRateBpm = parseNumber(text, '<HeartRateBpm><Value>');
        else if (local === 'Cadence') point.cadenceRpm = parseNumber(text, '<Trackpoint><Cadence>');
        return;
      }
      if (local === 'Track' && lap) {
        activity.isFirstTrackOfLap = false;
        return;
      }
      if (lap) {
        const key = LAP_FIELDS[local === 'Value' ? `${parent}/Value` : local];
        if (key && parent !== undefined && (local === 'Value' || parent === lap.element)) lap.totals[key] = parseNumber(text, `<${lap.element}><${local}>`);
        if (local === lap.element) {
          activity.laps.push({ startTimeMs: lap.startTimeMs, totals: lap.totals });
          // A transition is its own activity with this one lap.
          if (lap.element === 'Transition') {
            activities.push(activity);
            activity = undefined;
          }
          lap = undefined;
        }
        return;
      }
      if (local === 'Id' && parent === 'Activity') activity.idTimeMs = parseDateTimeMs(text, '<Activity><Id>');
      else if (local === 'Notes' && parent === 'Activity') activity.notes = text;
      else if (local === 'Name' && parent === 'Creator') activity.device.product = text;
      else if (local === 'UnitId' && parent === 'Creator') activity.device.serialNumber = text;
      else if (local === 'VersionMajor' && parent === 'Version') activity.versionMajor = text;
      else if (local === 'VersionMinor' && parent === 'Version') activity.versionMinor = text;
      else if (local === 'Activity' && ACTIVITY_PARENTS.has(parent)) {
        activities.push(activity);
        activity = undefined;
      }
    },
  }, signal);

  if (!activities.length) throw new ExportError('INVALID_INPUT', 'TCX file has no <Activity> (neither in <Activities> nor in a <MultiSportSession>)');
  return activities.map((state) => {
    const startTimeMs = state.laps[0]?.startTimeMs ?? state.idTimeMs ?? (state.builder.count ? state.builder.timeAt(0) : undefined);
    if (startTimeMs === undefined) throw new ExportError('INVALID_INPUT', 'TCX <Activity> has no start time (no <Id>, <Lap> or trackpoint time)');
    const device = { ...state.device };
    if (state.versionMajor !== undefined) device.softwareVersion = `${state.versionMajor}.${state.versionMinor ?? '0'}`;
    const imported = assembleActivity({
      format: 'tcx',
      builder: state.builder,
      from: 0,
      to: state.builder.count,
      sport: sportFromText(state.sport),
      subSport: 'generic',
      startTimeMs,
      utcOffsetMin: 0,
      fileTotals: sumLapTotals(state.laps),
      laps: state.laps,
      pauses: state.pauses,
      device,
      source: 'import:tcx',
      nowMs: options.nowMs,
    });
    if (state.notes) imported.activity.notes = state.notes;
    return imported;
  });
}

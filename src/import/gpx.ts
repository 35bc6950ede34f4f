// GPX 1.1 and 1.0 track import, streaming: one Activity per <trk>, segments joined with the gaps between them as pauses.

import { ExportError } from '../model/errors.ts';
import type { Pause } from '../model/records.ts';
import { assembleActivity } from './assemble.ts';
import { sportFromText, subSportFromText } from './sports.ts';
import { TrackBuilder, type Sample } from './track-builder.ts';
import type { ImportedActivity } from './types.ts';
import { parseDateTimeMs, parseDecimal, parseNumber } from './values.ts';
import { attributeOf, parseXmlStream } from './xml-stream.ts';

/** Namespace URIs (elements are matched by URI, never by prefix). */
const GPX_11 = 'http://www.topografix.com/GPX/1/1';
const GPX_10 = 'http://www.topografix.com/GPX/1/0';
const TRACK_POINT_EXT_V1 = 'http://www.garmin.com/xmlschemas/TrackPointExtension/v1';
const TRACK_POINT_EXT_V2 = 'http://www.garmin.com/xmlschemas/TrackPointExtension/v2';
const POWER_EXT_V1 = 'http://www.garmin.com/xmlschemas/PowerExtension/v1';
const CLUETRUST_GPXDATA = 'http://www.cluetrust.com/XML/GPXDATA/1/0';

/** Epoch ms of a <time> text, or undefined when it is not a real xsd:dateTime. */
function timeMsOrUndefined(text: string): number | undefined {
  try {
    return parseDateTimeMs(text, '<trkpt> <time>');
  } catch {
    return undefined;
  }
}

/** Options of `importGpx`. */
export interface GpxImportOptions {
  fileName: string;
  nowMs: number;
}

interface TrackState {
  name?: string;
  type?: string;
  builder: TrackBuilder;
  pauses: Pause[];
  segmentStart: number;
  /** Points left out, in words; the first `MAX_NAMED_DROPS` are named one by one. */
  dropped: string[];
  droppedCount: number;
}

/** Dropped points named one by one per track; beyond this only their count is given. */
const MAX_NAMED_DROPS = 10;

/** Why a <trkpt>'s position cannot be used, or undefined when it can (lat -90..90, lon -180..180, both decimals). */
function positionProblem(latText: string | undefined, lonText: string | undefined): string | undefined {
  if (latText === undefined || lonText === undefined) return `no ${latText === undefined ? 'lat' : 'lon'} attribute`;
  const lat = parseDecimal(latText);
  const lon = parseDecimal(lonText);
  if (Number.isNaN(lat)) return `lat="${latText.slice(0, 40)}" is not a number`;
  if (Number.isNaN(lon)) return `lon="${lonText.slice(0, 40)}" is not a number`;
  if (Math.abs(lat) > 90) return `lat="${latText}" is out of range -90..90`;
  if (Math.abs(lon) > 180) return `lon="${lonText}" is out of range -180..180`;
  return undefined;
}

function noteDrop(track: TrackState, pointNumber: number, reason: string): void {
  track.droppedCount++;
  if (track.dropped.length < MAX_NAMED_DROPS) track.dropped.push(`<trkpt> #${pointNumber} of the track dropped: ${reason}`);
}

function warningsOf(track: TrackState): string[] | undefined {
  if (track.droppedCount === 0) return undefined;
  const unnamed = track.droppedCount - track.dropped.length;
  return unnamed > 0 ? [...track.dropped, `${unnamed} more <trkpt> dropped (${track.droppedCount} in all)`] : track.dropped;
}

/** Channel of an extension element inside a <trkpt>, by namespace URI and local name. */
function extensionChannel(uri: string, local: string): keyof Sample | undefined {
  if (uri === TRACK_POINT_EXT_V1 || uri === TRACK_POINT_EXT_V2) {
    if (local === 'hr') return 'heartRateBpm';
    if (local === 'cad') return 'cadenceRpm';
    if (local === 'atemp') return 'temperatureC';
    if (local === 'speed') return 'speedMps';
  }
  // PowerInWatts belongs to PowerExtension v1, but some writers put it in the TrackPointExtension namespace.
  if (local === 'PowerInWatts' && (uri === POWER_EXT_V1 || uri === TRACK_POINT_EXT_V1 || uri === TRACK_POINT_EXT_V2)) return 'powerW';
  if (uri === CLUETRUST_GPXDATA) {
    if (local === 'hr') return 'heartRateBpm';
    if (local === 'cadence') return 'cadenceRpm';
    if (local === 'temp') return 'temperatureC';
    if (local === 'speed') return 'speedMps';
  }
  // Strava and others write a bare <power> or <speed> (in the GPX, another or no namespace) inside <extensions>.
  if (local === 'power') return 'powerW';
  if (local === 'speed') return 'speedMps';
  return undefined;
}

/**
 * Reads a GPX 1.1 or 1.0 file from a byte stream into one ImportedActivity per track that has timed points.
 * Points without <time> are skipped; a point without a usable position (no lat/lon, not a number, out of range,
 * as some watches write for pauses) or with an unparsable <time> is dropped and named in the activity's
 * `warnings`. Throws `INVALID_INPUT` for malformed XML, another root or namespace, an unparsable number in a
 * kept point, or a file with no timed track points.
 */
export async function importGpx(chunks: AsyncIterable<Uint8Array>, options: GpxImportOptions, signal?: AbortSignal): Promise<ImportedActivity[]> {
  const tracks: TrackState[] = [];
  let metadataName: string | undefined;
  let track: TrackState | undefined;
  let point: Sample | undefined;
  let hasPointTime = false;
  let isDroppingPoint = false;
  let extensionDepth = -1;
  let isInMetadata = false;
  /** The root's namespace, GPX 1.1 or 1.0: the elements that matter have the same names in both. */
  let gpxUri = GPX_11;
  let pointNumber = 0;

  await parseXmlStream(chunks, {
    open(tag, depth) {
      if (depth === 0) {
        if (tag.local !== 'gpx' || (tag.uri !== GPX_11 && tag.uri !== GPX_10)) {
          throw new ExportError('INVALID_INPUT', `not a GPX 1.1 or 1.0 file: root element is <${tag.name}> in namespace "${tag.uri}"`);
        }
        gpxUri = tag.uri;
        return;
      }
      if (tag.uri === gpxUri && extensionDepth < 0) {
        if (tag.local === 'metadata') isInMetadata = true;
        else if (tag.local === 'trk') {
          track = { builder: new TrackBuilder(), pauses: [], segmentStart: 0, dropped: [], droppedCount: 0 };
          pointNumber = 0;
        } else if (tag.local === 'trkseg' && track) {
          track.segmentStart = track.builder.count;
        } else if (tag.local === 'trkpt' && track) {
          pointNumber++;
          const latText = attributeOf(tag, 'lat');
          const lonText = attributeOf(tag, 'lon');
          const problem = positionProblem(latText, lonText);
          if (problem) noteDrop(track, pointNumber, problem);
          // A dropped point's children are read into a point that is never kept, so they cannot fail the file.
          point = { timeMs: Number.NaN, lat: Number(latText), lon: Number(lonText) };
          isDroppingPoint = problem !== undefined;
          hasPointTime = false;
        } else if (tag.local === 'extensions') extensionDepth = depth;
      }
    },
    close(tag, text, depth) {
      if (depth === extensionDepth) {
        extensionDepth = -1;
        return;
      }
      if (extensionDepth >= 0) {
        const channel = point && !isDroppingPoint && text !== '' ? extensionChannel(tag.uri, tag.local) : undefined;
        if (channel && point) point[channel] = parseNumber(text, `<${tag.name}>`);
        return;
      }
      if (tag.uri !== gpxUri) return;
      switch (tag.local) {
        case 'metadata':
          isInMetadata = false;
          return;
        case 'name':
          if (isInMetadata && depth === 2) metadataName = text;
          else if (track && !point && depth === 2) track.name = text;
          return;
        case 'type':
          if (track && !point && depth === 2) track.type = text;
          return;
        case 'ele':
          if (point && !isDroppingPoint) point.altitudeM = parseNumber(text, '<ele>');
          return;
        case 'speed':
          // GPX 1.0's <trkpt><speed>, m/s (1.1 moved it to extensions).
          if (point && !isDroppingPoint && gpxUri === GPX_10 && text !== '') point.speedMps = parseNumber(text, '<speed>');
          return;
        case 'time':
          if (point && !isDroppingPoint) {
            const timeMs = timeMsOrUndefined(text);
            if (timeMs === undefined && track) {
              noteDrop(track, pointNumber, `<time> "${text.slice(0, 40)}" is not a valid dateTime`);
              isDroppingPoint = true;
            } else point.timeMs = timeMs!;
            hasPointTime = true;
          }
          return;
        case 'trkpt':
          if (track && point && hasPointTime && !isDroppingPoint) {
            const builder = track.builder;
            // The first point of a later segment ends a pause that began at the previous segment's last point.
            if (builder.count > 0 && builder.count === track.segmentStart) {
              const gapStartMs = builder.timeAt(builder.count - 1);
              if (point.timeMs > gapStartMs) track.pauses.push({ startMs: gapStartMs, endMs: point.timeMs });
            }
            builder.push(point);
          }
          point = undefined;
          isDroppingPoint = false;
          return;
        case 'trk':
          if (track) tracks.push(track);
          track = undefined;
          return;
      }
    },
  }, signal);

  const results: ImportedActivity[] = [];
  for (const state of tracks) {
    if (!state.builder.count) continue;
    const sport = sportFromText(state.type);
    results.push({
      ...assembleActivity({
        format: 'gpx',
        builder: state.builder,
        from: 0,
        to: state.builder.count,
        sport,
        subSport: subSportFromText(state.type),
        utcOffsetMin: 0,
        name: state.name || (tracks.length === 1 ? metadataName : undefined),
        fileTotals: {},
        laps: [],
        pauses: state.pauses,
        source: 'import:gpx',
        nowMs: options.nowMs,
      }),
      ...(warningsOf(state) ? { warnings: warningsOf(state) } : {}),
    });
  }
  if (!results.length) {
    // Every point dropped: the refusal gives the reason the first one had, so a strict-number refusal stays named.
    const dropped = tracks.flatMap((t) => warningsOf(t) ?? []);
    if (dropped.length) throw new ExportError('INVALID_INPUT', `GPX file has no usable track points: ${dropped[0]}${dropped.length > 1 ? ` (and ${dropped.length - 1} more notes)` : ''}`);
    throw new ExportError('INVALID_INPUT', 'GPX file has no track points with a <time>: nothing to import as an activity');
  }
  return results;
}

// GPX 1.1 track import, streaming: one Activity per <trk>, segments joined with the gaps between them as pauses.

import { ExportError } from '../model/errors.ts';
import type { Pause } from '../model/records.ts';
import { assembleActivity } from './assemble.ts';
import { sportFromText, subSportFromText } from './sports.ts';
import { TrackBuilder, type Sample } from './track-builder.ts';
import type { ImportedActivity } from './types.ts';
import { parseDateTimeMs, parseNumber } from './values.ts';
import { attributeOf, parseXmlStream } from './xml-stream.ts';

/** Namespace URIs (elements are matched by URI, never by prefix). */
const GPX_11 = 'http://www.topografix.com/GPX/1/1';
const GPX_10 = 'http://www.topografix.com/GPX/1/0';
const TRACK_POINT_EXT_V1 = 'http://www.garmin.com/xmlschemas/TrackPointExtension/v1';
const TRACK_POINT_EXT_V2 = 'http://www.garmin.com/xmlschemas/TrackPointExtension/v2';
const POWER_EXT_V1 = 'http://www.garmin.com/xmlschemas/PowerExtension/v1';
const CLUETRUST_GPXDATA = 'http://www.cluetrust.com/XML/GPXDATA/1/0';

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
}

/** Channel of an extension element inside a <trkpt>, by namespace URI and local name. */
function extensionChannel(uri: string, local: string): keyof Sample | undefined {
  if (uri === TRACK_POINT_EXT_V1 || uri === TRACK_POINT_EXT_V2) {
    if (local === 'hr') return 'heartRateBpm';
    if (local === 'cad') return 'cadenceRpm';
    if (local === 'atemp') return 'temperatureC';
    if (local === 'speed') return 'speedMps';
  }
  if (uri === POWER_EXT_V1 && local === 'PowerInWatts') return 'powerW';
  if (uri === CLUETRUST_GPXDATA) {
    if (local === 'hr') return 'heartRateBpm';
    if (local === 'cadence') return 'cadenceRpm';
    if (local === 'temp') return 'temperatureC';
  }
  // Strava and others write a bare <power> (in the GPX or no namespace) inside <extensions>.
  if (local === 'power') return 'powerW';
  return undefined;
}

/**
 * Reads a GPX 1.1 file from a byte stream into one ImportedActivity per track that has timed points.
 * Points without <time> are skipped. Throws `INVALID_INPUT` for malformed XML, another root or
 * namespace (GPX 1.0 included), an unparsable time or number, or a file with no timed track points.
 */
export async function importGpx(chunks: AsyncIterable<Uint8Array>, options: GpxImportOptions, signal?: AbortSignal): Promise<ImportedActivity[]> {
  const tracks: TrackState[] = [];
  let metadataName: string | undefined;
  let track: TrackState | undefined;
  let point: Sample | undefined;
  let hasPointTime = false;
  let extensionDepth = -1;
  let isInMetadata = false;

  await parseXmlStream(chunks, {
    open(tag, depth) {
      if (depth === 0) {
        if (tag.local === 'gpx' && tag.uri === GPX_10) throw new ExportError('INVALID_INPUT', 'GPX 1.0 is not supported (namespace http://www.topografix.com/GPX/1/0); only GPX 1.1 is');
        if (tag.local !== 'gpx' || tag.uri !== GPX_11) throw new ExportError('INVALID_INPUT', `not a GPX 1.1 file: root element is <${tag.name}> in namespace "${tag.uri}"`);
        return;
      }
      if (tag.uri === GPX_11 && extensionDepth < 0) {
        if (tag.local === 'metadata') isInMetadata = true;
        else if (tag.local === 'trk') {
          track = { builder: new TrackBuilder(), pauses: [], segmentStart: 0 };
        } else if (tag.local === 'trkseg' && track) {
          track.segmentStart = track.builder.count;
        } else if (tag.local === 'trkpt' && track) {
          const lat = parseNumber(attributeOf(tag, 'lat') ?? '', '<trkpt> lat');
          const lon = parseNumber(attributeOf(tag, 'lon') ?? '', '<trkpt> lon');
          if (Math.abs(lat) > 90 || Math.abs(lon) > 180) throw new ExportError('INVALID_INPUT', `<trkpt> position out of range: ${lat}, ${lon}`);
          point = { timeMs: Number.NaN, lat, lon };
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
        const channel = point && text !== '' ? extensionChannel(tag.uri, tag.local) : undefined;
        if (channel && point) point[channel] = parseNumber(text, `<${tag.name}>`);
        return;
      }
      if (tag.uri !== GPX_11) return;
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
          if (point) point.altitudeM = parseNumber(text, '<ele>');
          return;
        case 'time':
          if (point) {
            point.timeMs = parseDateTimeMs(text, '<trkpt> <time>');
            hasPointTime = true;
          }
          return;
        case 'trkpt':
          if (track && point && hasPointTime) {
            const builder = track.builder;
            // The first point of a later segment ends a pause that began at the previous segment's last point.
            if (builder.count > 0 && builder.count === track.segmentStart) {
              const gapStartMs = builder.timeAt(builder.count - 1);
              if (point.timeMs > gapStartMs) track.pauses.push({ startMs: gapStartMs, endMs: point.timeMs });
            }
            builder.push(point);
          }
          point = undefined;
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
    });
  }
  if (!results.length) throw new ExportError('INVALID_INPUT', 'GPX file has no track points with a <time>: nothing to import as an activity');
  return results;
}
